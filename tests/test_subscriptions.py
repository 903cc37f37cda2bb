"""Subscriptions over WebSocket (graphql-transport-ws), from clients the project did not write: `graphql-ws` from npm
and Python's `gql`; and the bound on subscriptions one connection holds."""

import asyncio
import json
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa
from gql import Client, gql
from gql.transport.websockets import WebsocketsTransport
from starlette.testclient import TestClient

from editors import accounts
from resolvers.changes import SUBSCRIPTIONS_PER_CONNECTION
from tests.servers import cli, running_server
from tests.test_clients import clients  # noqa: F401 -- the fixture: the pinned npm packages

pytestmark = pytest.mark.slow

EVIDENCE = "two sides agreed to strengthen security and economic alliance"
SUBSCRIPTION = "subscription { changePublished { number state summary author } }"
MUTATION = (
    "mutation($input: {kind}ChangeInput!) "
    "{{ {name}(input: $input) {{ change {{ number }} userErrors {{ code message }} }} }}"
)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """A server on a new SQLite database, and tokens of an editor, a reviewer and an admin."""
    url = f"sqlite:///{tmp_path / 'bilateral.db'}"
    with running_server(url, tmp_path / "server.log") as base:
        tokens = {}
        for role in ("editor", "reviewer", "admin"):
            made = cli("user", "add", role, "--role", role, BILATERAL_DATABASE_URL=url)
            assert made.returncode == 0, made.stderr
            tokens[role] = made.stdout.strip()
        yield base, tokens


def publish(base: str, tokens: dict[str, str], summary: str) -> int:
    """A change proposed, approved and published over HTTP; its number."""

    def mutate(role: str, kind: str, given: dict[str, Any]) -> dict[str, Any]:
        document = MUTATION.format(name=f"{kind.lower()}Change", kind=kind)
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        answer = httpx2.post(
            f"{base}/graphql", json={"query": document, "variables": {"input": given}}, headers=headers
        )
        [payload] = answer.json()["data"].values()
        assert payload["userErrors"] == [], payload
        return dict(payload["change"])

    entry = {"section": "themes", "action": "cite", "key": "security", "entry": {"cite": [EVIDENCE]}}
    number = int(
        mutate("editor", "Propose", {"source": "mofa-north-america", "summary": summary, "entries": [entry]})["number"]
    )
    mutate("reviewer", "Review", {"number": number, "approve": True})
    mutate("admin", "Publish", {"number": number})
    return number


def test_graphql_ws_from_npm_receives_a_publication(clients: Path, served: tuple[str, dict[str, str]]):  # noqa: F811
    base, tokens = served
    listener = subprocess.Popen(
        ["node", "subscribe.mjs", base.replace("http", "ws", 1) + "/graphql"],
        cwd=clients,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert listener.stdout is not None
        assert listener.stdout.readline().strip() == "ready"
        time.sleep(1)  # the subscription has begun once the server has read where the history stands
        number = publish(base, tokens, "from npm")
        output, errors = listener.communicate(timeout=60)
    finally:
        if listener.poll() is None:
            listener.kill()
            listener.communicate()
    assert listener.returncode == 0, errors
    event = json.loads(output.strip().splitlines()[-1])
    published = {"number": number, "state": "PUBLISHED", "summary": "from npm", "author": "editor"}
    assert event["data"] == {"changePublished": published}
    assert event["extensions"]["cost"]["requested"] == 1  # the subscription's, as its fields weigh


def test_python_gql_receives_a_publication(served: tuple[str, dict[str, str]]):
    base, tokens = served
    received: list[dict[str, Any]] = []

    async def listen() -> None:
        transport = WebsocketsTransport(
            url=base.replace("http", "ws", 1) + "/graphql", subprotocols=["graphql-transport-ws"]
        )
        async with Client(transport=transport, fetch_schema_from_transport=False) as session:
            async for event in session.subscribe(gql(SUBSCRIPTION)):
                received.append(event)
                return

    listener = threading.Thread(target=lambda: asyncio.run(asyncio.wait_for(listen(), 60)))
    listener.start()
    time.sleep(2)  # connected and subscribed
    number = publish(base, tokens, "from gql")
    listener.join(70)
    assert received == [
        {"changePublished": {"number": number, "state": "PUBLISHED", "summary": "from gql", "author": "editor"}}
    ]


def test_a_connection_holds_at_most_ten_subscriptions(seeded_client: TestClient):
    with seeded_client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        socket.send_json({"type": "connection_init"})
        assert socket.receive_json()["type"] == "connection_ack"
        for number in range(SUBSCRIPTIONS_PER_CONNECTION + 1):
            socket.send_json({"id": str(number), "type": "subscribe", "payload": {"query": SUBSCRIPTION}})
        answer = socket.receive_json()
        while answer["type"] == "ping":
            answer = socket.receive_json()
        assert answer["type"] == "next", answer
        assert answer["id"] == str(SUBSCRIPTIONS_PER_CONNECTION)
        [error] = answer["payload"]["errors"]
        assert error["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"


def first_message(client: TestClient, authorization: str | None, meanwhile: Callable[[], Any] | None = None) -> Any:
    """The first message a subscription to the review queue gets, on a connection that sent `authorization`;
    `meanwhile` runs once the subscription has begun."""
    with client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket:
        socket.send_json(
            {"type": "connection_init", "payload": {"Authorization": authorization} if authorization else {}}
        )
        assert socket.receive_json()["type"] == "connection_ack"
        query = "subscription { changeProposed { number state author } }"
        socket.send_json({"id": "q", "type": "subscribe", "payload": {"query": query}})
        if meanwhile is not None:
            time.sleep(1)  # subscribed: the server has read where the history stands
            meanwhile()
        answer = socket.receive_json()
        while answer["type"] == "ping":
            answer = socket.receive_json()
        return answer


def test_the_review_queue_is_for_reviewers(seeded: sa.Engine, seeded_client: TestClient):
    tokens = {role: accounts.add(seeded, role, role) for role in ("editor", "reviewer")}
    for authorization, code in ((None, "UNAUTHENTICATED"), (f"Bearer {tokens['editor']}", "FORBIDDEN")):
        answer = first_message(seeded_client, authorization)
        assert answer["type"] == "next", answer
        assert [error["extensions"]["code"] for error in answer["payload"]["errors"]] == [code]

    def propose() -> None:
        entry = {"section": "themes", "action": "cite", "key": "security", "entry": {"cite": [EVIDENCE]}}
        given = {"source": "mofa-north-america", "summary": "queued", "entries": [entry]}
        document = MUTATION.format(name="proposeChange", kind="Propose")
        headers = {"Authorization": f"Bearer {tokens['editor']}"}
        seeded_client.post("/graphql", json={"query": document, "variables": {"input": given}}, headers=headers)

    queued = first_message(seeded_client, f"Bearer {tokens['reviewer']}", propose)
    assert queued["payload"]["data"] == {"changeProposed": {"number": 1, "state": "PROPOSED", "author": "editor"}}
