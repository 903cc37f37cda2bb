"""Persisted queries, HTTP caching with ETags, and the response cache, in this process or shared through Redis."""

import asyncio
import contextlib
import gc
import hashlib
import socket
import threading
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import redis
import sqlalchemy as sa
from starlette.testclient import TestClient

import seeds
import settings
from app import create_app
from tests.conftest import missing_service
from tests.graphql import checkouts, known_version, persisted, statements
from tests.servers import cli
from web.store import ENTRY_OVERHEAD, MemoryStore

REDIS_URL = "redis://127.0.0.1:6379/0"
QUERY = '{ country(code: "CAN") { name } }'
DIGEST = hashlib.sha256(QUERY.encode()).hexdigest()


def test_an_unknown_persisted_query_asks_for_the_query(client: TestClient):
    response = client.post("/graphql", json=persisted(DIGEST))
    assert response.status_code == 200
    assert response.json() == {
        "errors": [{"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}]
    }


def test_a_persisted_query_runs_by_its_hash_once_registered(client: TestClient):
    registered = client.post("/graphql", json=persisted(DIGEST, query=QUERY)).json()
    assert registered["data"] == {"country": {"name": "Canada"}}
    by_hash = client.post("/graphql", json=persisted(DIGEST)).json()
    assert by_hash["data"] == registered["data"]
    over_get = client.get("/graphql", params={"extensions": orjson.dumps(persisted(DIGEST)["extensions"]).decode()})
    assert over_get.json()["data"] == registered["data"]


def test_a_hash_that_does_not_match_its_query_is_refused(client: TestClient):
    response = client.post("/graphql", json=persisted("0" * 64, query=QUERY))
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {"code": "PERSISTED_QUERY_HASH_MISMATCH"}
    assert client.post("/graphql", json=persisted("0" * 64)).json()["errors"][0]["extensions"] == {
        "code": "PERSISTED_QUERY_NOT_FOUND"
    }


def test_a_get_carries_an_etag_and_answers_304_to_it(client: TestClient):
    first = client.get("/graphql", params={"query": QUERY})
    assert first.headers["cache-control"] == "public, max-age=60"
    etag = first.headers["etag"]
    known_version(client)
    with statements(client) as seen, checkouts(client) as taken:
        again = client.get("/graphql", params={"query": QUERY}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert (seen, taken) == ([], [])
    other = client.get("/graphql", params={"query": QUERY, "variables": '{"unused": 1}'})
    assert other.headers["etag"] != etag


def test_a_repeated_query_is_answered_from_the_cache_without_a_snapshot(client: TestClient):
    """The data version known in process (resolvers/versions.py: on SQLite asked of the file, on PostgreSQL heard
    by a listener), an answer from the cache takes no connection from the pool and sends no statement."""
    first = client.post("/graphql", json={"query": QUERY})
    known_version(client)
    with statements(client) as seen, checkouts(client) as taken:
        second = client.post("/graphql", json={"query": QUERY})
    assert (first.headers["bilateral-cache"], second.headers["bilateral-cache"]) == ("miss", "hit")
    assert second.json() == first.json()
    assert (seen, taken) == ([], [])


def test_errors_are_never_cached(client: TestClient):
    for _ in range(2):
        response = client.post("/graphql", json={"query": '{ node(id: "bad") { id } }'})
        assert response.headers["bilateral-cache"] == "miss"
        assert response.headers["cache-control"] == "no-store"


def test_reseeding_with_new_data_changes_the_etag_and_misses_the_cache(
    seeded_client: TestClient, seeded: sa.Engine, fixtures_copy: Path
):
    client = seeded_client
    before = client.get("/graphql", params={"query": '{ event(slug: "summit-2015") { title } }'})
    path = fixtures_copy / "mofa-north-america.yaml"
    path.write_text(path.read_text().replace("title: Summit in 2015\n", "title: The 2015 summit\n"))
    seeds.load(seeded, fixtures_copy)
    after = client.get("/graphql", params={"query": '{ event(slug: "summit-2015") { title } }'})
    assert after.headers["etag"] != before.headers["etag"]
    assert after.headers["bilateral-cache"] == "miss"
    assert after.json()["data"]["event"]["title"] == "The 2015 summit"


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.ping()
    except redis.ConnectionError as error:
        server.close()
        missing_service("Redis", f"Redis at {REDIS_URL} is not running: {error}")
    prefix = f"bilateral-test-{uuid.uuid4().hex}:"
    yield prefix
    for key in server.scan_iter(f"{prefix}*"):
        server.delete(key)
    server.close()


def test_instances_sharing_redis_share_cached_responses_and_persisted_queries(
    engine: sa.Engine, database_url: str, redis_prefix: str
):
    with (
        TestClient(create_app(database_url, REDIS_URL, redis_prefix)) as one,
        TestClient(create_app(database_url, REDIS_URL, redis_prefix)) as two,
    ):
        for instance in (one, two):  # each opens its connection to Redis
            instance.post("/graphql", json={"query": "{ sources { nodes { slug } } }"})
        assert one.post("/graphql", json={"query": QUERY}).headers["bilateral-cache"] == "miss"
        assert two.post("/graphql", json={"query": QUERY}).headers["bilateral-cache"] == "hit"
        one.post("/graphql", json=persisted(DIGEST, query=QUERY))
        assert two.post("/graphql", json=persisted(DIGEST)).json()["data"] == {"country": {"name": "Canada"}}


def test_a_redis_that_is_down_only_means_no_cache(engine: sa.Engine, database_url: str):
    with TestClient(create_app(database_url, "redis://127.0.0.1:1/0")) as client:
        for _ in range(2):
            response = client.post("/graphql", json={"query": QUERY})
            assert response.json()["data"] == {"country": {"name": "Canada"}}
            assert response.headers["bilateral-cache"] == "miss"


def test_an_answer_is_forgotten_when_its_time_is_up():
    async def scenario() -> tuple[bytes | None, bytes | None]:
        store = MemoryStore(max_bytes=1 << 20, max_entries=10)
        await store.set("answer", b"{}", seconds=0.2)
        fresh = await store.get("answer")
        await asyncio.sleep(0.3)
        return fresh, await store.get("answer")

    assert asyncio.run(scenario()) == (b"{}", None)


def test_the_store_is_bounded_in_bytes_and_keeps_no_answer_past_a_sixteenth_of_them():
    entry = len("answer-10") + 1600 + ENTRY_OVERHEAD  # what each of these answers counts for

    async def scenario() -> MemoryStore:
        store = MemoryStore(max_bytes=16 * entry, max_entries=1000)
        for number in range(10, 30):
            await store.set(f"answer-{number}", bytes(1600), seconds=60)
        await store.set("giant", bytes(entry + 1), seconds=60)
        return store

    store = asyncio.run(scenario())
    assert store.size <= 16 * entry
    assert list(store.entries) == [f"answer-{number}" for number in range(14, 30)]  # the oldest went first
    assert "giant" not in store.entries


def test_the_store_is_bounded_in_entries():
    async def scenario() -> MemoryStore:
        store = MemoryStore(max_bytes=1 << 30, max_entries=100)
        for number in range(1000):
            await store.set(f"answer-{number}", b"{}", seconds=60)
        return store

    assert list(asyncio.run(scenario()).entries) == [f"answer-{number}" for number in range(900, 1000)]


def test_tiny_persisted_queries_take_no_more_memory_than_the_caches_allow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Each registration keeps a query and its answer: 2,000 of them once took 10 MB past a bound of 288 KiB,
    5 KB each. The caches are the app's, whatever its database: a SQLite file of the test's own.

    The parser's, the validation's and the plans' caches keep 256 documents each, of about a megabyte here.
    """
    monkeypatch.setattr(settings, "CACHE_MAX_BYTES", 64 * 1024)  # 64 KiB of answers and 8 KiB of queries
    monkeypatch.setattr(settings, "MAX_REGISTRATIONS", 1_000_000)
    with TestClient(create_app(f"sqlite:///{tmp_path / 'bilateral.db'}")) as client:

        def register(name: str) -> None:
            query = f"{{ {name}: __typename }}"
            answer = client.post("/graphql", json=persisted(hashlib.sha256(query.encode()).hexdigest(), query=query))
            assert answer.status_code == 200

        for number in range(300):  # the parser's, the validation's and the plans' caches fill up first
            register(f"warm{number}")
        gc.collect()
        tracemalloc.start()
        try:
            # Traced memory grows while the caches' untraced entries give way to traced ones, then stays.
            for number in range(400):
                register(f"a{number}")
            gc.collect()
            steady = tracemalloc.get_traced_memory()[0]
            for number in range(400, 800):
                register(f"a{number}")
            gc.collect()
            grown = tracemalloc.get_traced_memory()[0] - steady
        finally:
            tracemalloc.stop()
    assert grown < 200 * 1024  # answers kept past the bound: over 300 KiB; the leak above: 2 MB


def test_a_client_registers_a_bounded_number_of_persisted_queries_a_minute(
    seeded: sa.Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(settings, "MAX_REGISTRATIONS", 5)
    queries = [f'{{ country(code: "K{number:02}") {{ name }} }}' for number in range(6)]
    digests = [hashlib.sha256(query.encode()).hexdigest() for query in queries]
    with TestClient(create_app(database_url)) as client:
        first = [
            client.post("/graphql", json=persisted(digest, query=query))
            for digest, query in zip(digests, queries, strict=True)
        ]
        assert [answer.status_code for answer in first] == [200] * 5 + [429]
        refused = first[-1]
        assert refused.json()["errors"][0]["extensions"] == {"code": "PERSISTED_QUERY_RATE_LIMITED"}
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        # What is registered stays open, and so does a query sent as it is.
        assert client.post("/graphql", json=persisted(digests[0])).json()["data"] == {"country": None}
        assert client.post("/graphql", json={"query": queries[-1]}).json()["data"] == {"country": None}


def test_a_burst_of_answers_does_not_push_out_persisted_queries(
    seeded: sa.Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(settings, "CACHE_MAX_BYTES", 8192)  # 300 answers overflow the 8 KiB it keeps for them
    with TestClient(create_app(database_url)) as client:
        client.post("/graphql", json=persisted(DIGEST, query=QUERY))
        for number in range(300):
            answer = client.post("/graphql", json={"query": f'{{ country(code: "K{number:03}") {{ name }} }}'})
            assert answer.json()["data"] == {"country": None}
        assert client.post("/graphql", json=persisted(DIGEST)).json()["data"] == {"country": {"name": "Canada"}}


@pytest.fixture
def hung_redis() -> Iterator[str]:
    """A TCP server that accepts connections and never answers: a Redis that hangs."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                held.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_a_hung_redis_costs_one_short_wait_per_interval_not_one_per_request(
    seeded: sa.Engine, database_url: str, hung_redis: str
):
    with TestClient(create_app(database_url, hung_redis)) as client:
        started = time.monotonic()
        for _ in range(40):
            response = client.post("/graphql", json={"query": QUERY})
            assert response.json()["data"] == {"country": {"name": "Canada"}}
            assert response.headers["bilateral-cache"] == "miss"
        waited = time.monotonic() - started
    assert waited < 40 * 0.05  # 40 requests, not even one Redis timeout each


def test_an_invalid_redis_url_is_a_one_line_start_up_error(tmp_path: Path):
    database_url, redis_url = f"sqlite:///{tmp_path / 'bilateral.db'}", "http://127.0.0.1:6379/0"
    started = cli("serve", timeout=60, BILATERAL_DATABASE_URL=database_url, BILATERAL_REDIS_URL=redis_url)
    assert started.returncode == 2
    assert started.stderr.startswith("Bilateral cannot start: BILATERAL_REDIS_URL is not a Redis URL: ")
    assert len(started.stderr.strip().splitlines()) == 1
