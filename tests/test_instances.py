"""Two instances of the app, as two machines behind a load balancer would run it: one PostgreSQL, one Redis."""

import hashlib
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2
import pytest

import settings
from tests.conftest import NORTH_AMERICA
from tests.databases import postgres_database
from tests.graphql import persisted
from tests.servers import RedisServer, cli, server_processes

pytestmark = pytest.mark.slow

QUERY = '{ country(code: "CAN") { name } }'
SUMMIT = 'query Summit { event(slug: "summit-2015") { title } }'
DIGEST = hashlib.sha256(QUERY.encode()).hexdigest()


@pytest.fixture
def instances(
    postgres_url: str, own_redis: RedisServer, fixtures_copy: Path, tmp_path: Path
) -> Iterator[tuple[httpx2.Client, httpx2.Client, str]]:
    """Two servers started together on one empty PostgreSQL database and one Redis; and the database's URL."""
    environment = {"BILATERAL_REDIS_URL": own_redis.url, "BILATERAL_FIXTURES": str(fixtures_copy)}
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    with (
        postgres_database() as url,
        server_processes(2, url, logs, **environment) as [(first, _), (second, _)],
        httpx2.Client(base_url=first, timeout=30) as one,
        httpx2.Client(base_url=second, timeout=30) as two,
    ):
        yield one, two, url


def seed(database_url: str, fixtures: Path) -> None:
    """`cli.py seed`, as an operator loads an edited page while the instances run."""
    loaded = cli("seed", BILATERAL_DATABASE_URL=database_url, BILATERAL_FIXTURES=str(fixtures))
    assert loaded.returncode == 0, loaded.stderr


def test_two_instances_started_together_on_an_empty_database_both_serve_it(instances):
    one, two, _ = instances
    for instance in (one, two):
        assert instance.get("/ready").json() == {"status": "ready"}
        assert instance.post("/graphql", json={"query": QUERY}).json()["data"] == {"country": {"name": "Canada"}}


def test_a_persisted_query_registered_through_one_instance_is_found_through_the_other(instances):
    one, two, _ = instances
    assert two.post("/graphql", json=persisted(DIGEST)).json()["errors"][0]["extensions"]["code"] == (
        "PERSISTED_QUERY_NOT_FOUND"
    )
    one.post("/graphql", json=persisted(DIGEST, query=QUERY))
    assert two.post("/graphql", json=persisted(DIGEST)).json()["data"] == {"country": {"name": "Canada"}}


def test_an_answer_cached_by_one_instance_is_served_by_the_other(instances):
    one, two, _ = instances
    first = one.post("/graphql", json={"query": QUERY})
    second = two.post("/graphql", json={"query": QUERY})
    assert (first.headers["bilateral-cache"], second.headers["bilateral-cache"]) == ("miss", "hit")
    assert second.json() == first.json()


def test_a_page_seeded_again_is_seen_by_both_instances_within_the_bound(instances, fixtures_copy: Path):
    """Each instance hears of the load from PostgreSQL a moment after its commit: a request begun more than
    `VERSION_TRUSTED_FOR` seconds after the commit is answered from the new data, never from the cache of the old
    (resolvers/notified.py)."""
    one, two, url = instances
    for instance in (one, two):
        for _ in range(2):  # the second is answered from the shared cache
            assert instance.post("/graphql", json={"query": SUMMIT}).json()["data"]["event"]["title"] == (
                "Summit in 2015"
            )
    page = fixtures_copy / NORTH_AMERICA.name
    page.write_text(page.read_text(encoding="utf-8").replace("title: Summit in 2015\n", "title: The 2015 summit\n"))
    seed(url, fixtures_copy)
    deadline = time.monotonic() + settings.VERSION_TRUSTED_FOR
    for instance in (one, two):
        while True:
            asked = time.monotonic()
            title = instance.post("/graphql", json={"query": SUMMIT}).json()["data"]["event"]["title"]
            if title == "The 2015 summit":
                break
            assert title == "Summit in 2015"
            assert asked < deadline, "an answer from the data before the load, past the bound"
            time.sleep(0.01)
    assert (
        one.get("/graphql", params={"query": SUMMIT}).headers["etag"]
        == (two.get("/graphql", params={"query": SUMMIT}).headers["etag"])
    )


SECURITY = '{ theme(slug: "security") { citations { excerpt } } }'
MUTATION = (
    "mutation($input: {kind}ChangeInput!) "
    "{{ {name}(input: $input) {{ change {{ {fields} }} userErrors {{ code message }} }} }}"
)
EVIDENCE = "two sides agreed to strengthen security and economic alliance"


def test_a_change_published_through_one_instance_is_seen_through_the_other_within_a_second(instances):
    """An editor proposes through one instance, a reviewer approves and an admin publishes through it; the other
    instance, which cached the answer before, answers from the published data from one second after the commit."""
    one, two, url = instances
    tokens = {}
    for role in ("editor", "reviewer", "admin"):
        made = cli("user", "add", role, "--role", role, BILATERAL_DATABASE_URL=url)
        assert made.returncode == 0, made.stderr
        tokens[role] = made.stdout.strip()

    def mutate(role: str, document: str, given: dict[str, Any]) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        answer = one.post("/graphql", json={"query": document, "variables": {"input": given}}, headers=headers)
        [payload] = answer.json()["data"].values()
        assert payload["userErrors"] == [], payload
        return dict(payload["change"])

    def seen(instance: httpx2.Client) -> bool:
        citations = instance.post("/graphql", json={"query": SECURITY}).json()["data"]["theme"]["citations"]
        return any(EVIDENCE in citation["excerpt"] for citation in citations)

    for instance in (one, two):
        assert not seen(instance)
        assert instance.post("/graphql", json={"query": SECURITY}).headers["bilateral-cache"] == "hit"
    entry = {"section": "themes", "action": "cite", "key": "security", "entry": {"cite": [EVIDENCE]}}
    given = {"source": "mofa-north-america", "summary": "evidence", "entries": [entry]}
    number = mutate("editor", MUTATION.format(name="proposeChange", kind="Propose", fields="number"), given)["number"]
    reviewed = mutate(
        "reviewer",
        MUTATION.format(name="reviewChange", kind="Review", fields="state"),
        {"number": number, "approve": True},
    )
    assert reviewed["state"] == "APPROVED"
    published = mutate(
        "admin", MUTATION.format(name="publishChange", kind="Publish", fields="state"), {"number": number}
    )
    assert published["state"] == "PUBLISHED"
    deadline = time.monotonic() + settings.VERSION_TRUSTED_FOR
    for instance in (one, two):
        while True:
            asked = time.monotonic()
            if seen(instance):
                break
            assert asked < deadline, "an answer from the data before the publication, past the bound"
            time.sleep(0.01)


def test_publications_racing_on_two_instances_never_overwrite_each_other(instances):
    """Two changes to one entry, published at the same moment through the two instances: one is published, the other
    is a `CONFLICT`; and one change published through both at once is published once."""
    one, two, url = instances
    tokens = {}
    for role in ("editor", "reviewer", "admin"):
        made = cli("user", "add", role, "--role", role, BILATERAL_DATABASE_URL=url)
        tokens[role] = made.stdout.strip()

    def mutate(instance: httpx2.Client, role: str, kind: str, fields: str, given: dict[str, Any]) -> dict[str, Any]:
        document = MUTATION.format(name=f"{kind.lower()}Change", kind=kind, fields=fields)
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        answer = instance.post("/graphql", json={"query": document, "variables": {"input": given}}, headers=headers)
        [payload] = answer.json()["data"].values()
        return dict(payload)

    def approved(quote: str) -> int:
        entry = {"section": "themes", "action": "cite", "key": "security", "entry": {"cite": [quote]}}
        given = {"source": "mofa-north-america", "summary": quote, "entries": [entry]}
        number = int(mutate(one, "editor", "Propose", "number", given)["change"]["number"])
        assert mutate(two, "reviewer", "Review", "state", {"number": number, "approve": True})["userErrors"] == []
        return number

    def race(pairs: list[tuple[httpx2.Client, int]]) -> list[list[str]]:
        start = threading.Barrier(2)

        def publish(instance: httpx2.Client, number: int) -> list[str]:
            start.wait()
            payload = mutate(instance, "admin", "Publish", "state", {"number": number})
            return [error["code"] for error in payload["userErrors"]]

        with ThreadPoolExecutor(2) as pool:
            return sorted(pool.map(lambda pair: publish(*pair), pairs), key=len)

    quotes = [EVIDENCE, "anti-terrorism, nuclear security, and so forth"]
    first, second = approved(quotes[0]), approved(quotes[1])
    assert race([(one, first), (two, second)]) == [[], ["CONFLICT"]]
    # Proposed against the data as it is now, and published through both instances at once: once.
    third = approved("still stands as the main pillar of peace and security for the Korean Peninsula")
    assert race([(one, third), (two, third)]) == [[], ["CONFLICT"]]
    citations = one.post("/graphql", json={"query": SECURITY}).json()["data"]["theme"]["citations"]
    held = [quote for quote in quotes if any(quote in citation["excerpt"] for citation in citations)]
    assert len(held) == 1  # one of the two, never both written over one another


def test_without_redis_both_instances_answer_uncached_and_use_it_again_when_it_returns(
    instances, own_redis: RedisServer
):
    one, two, _ = instances
    one.post("/graphql", json={"query": QUERY})
    assert two.post("/graphql", json={"query": QUERY}).headers["bilateral-cache"] == "hit"

    own_redis.stop()
    for instance in (one, two):
        for _ in range(3):
            answer = instance.post("/graphql", json={"query": QUERY})
            assert answer.json()["data"] == {"country": {"name": "Canada"}}
            assert answer.headers["bilateral-cache"] == "miss"
        assert instance.get("/ready").status_code == 200

    own_redis.start()  # empty, on the same port
    deadline = time.monotonic() + 15  # each instance leaves a Redis that failed alone for 5 seconds
    for attempt in range(1000):
        query = f'{{ attempt{attempt}: country(code: "CAN") {{ name }} }}'  # new each time: only `one` can cache it
        one.post("/graphql", json={"query": query})
        if two.post("/graphql", json={"query": query}).headers["bilateral-cache"] == "hit":
            break
        assert time.monotonic() < deadline, "the instances did not use Redis again once it was back"
        time.sleep(0.5)
