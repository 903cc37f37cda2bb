"""Talking to the API as a client does: a query document in, a dict out."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from starlette.testclient import TestClient


def query(client: TestClient, document: str, **variables: Any) -> dict[str, Any]:
    """The `data` of a query that must succeed."""
    response = client.post("/graphql", json={"query": document, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def errors(client: TestClient, document: str, **variables: Any) -> list[dict[str, Any]]:
    """The `errors` of a query that must fail."""
    response = client.post("/graphql", json={"query": document, "variables": variables})
    body = response.json()
    assert body.get("errors"), body
    found: list[dict[str, Any]] = body["errors"]
    return found


def persisted(digest: str, **body: object) -> dict[str, object]:
    """A request body naming a persisted query by its sha256 (`query=` sends the document too)."""
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}, **body}


TRANSACTION_CONTROL = ("BEGIN", "SET LOCAL", "COMMIT", "ROLLBACK")


@contextmanager
def statements(client: TestClient) -> Iterator[list[str]]:
    """The SQL statements that read data while the block runs (beginning a snapshot and its timeout aside)."""
    engine: sa.Engine = client.app.state.engine  # type: ignore[attr-defined]
    seen: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
            seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


@contextmanager
def checkouts(client: TestClient) -> Iterator[list[int]]:
    """The connections the app's pool hands out while the block runs: a snapshot begins on each."""
    engine: sa.Engine = client.app.state.engine  # type: ignore[attr-defined]
    taken: list[int] = []

    def record(_dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        taken.append(1)

    sa.event.listen(engine.pool, "checkout", record)
    try:
        yield taken
    finally:
        sa.event.remove(engine.pool, "checkout", record)


def known_version(client: TestClient) -> str:
    """The data version the app knows in process, once it knows it: on PostgreSQL, once its listener has read it
    since this process last wrote (resolvers/notified.py)."""
    versions = client.app.state.versions  # type: ignore[attr-defined]
    deadline = time.monotonic() + 2
    while (token := versions.known()) is None:
        assert time.monotonic() < deadline, "the app does not know its data version"
        time.sleep(0.01)
    assert isinstance(token, str)
    return token
