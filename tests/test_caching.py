"""Persisted queries, HTTP caching with ETags, and the response cache, in this process or shared through Redis."""

import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import redis
import sqlalchemy as sa
from starlette.testclient import TestClient

import seeds
from app import create_app
from tests.conftest import missing_service
from tests.graphql import statements

REDIS_URL = "redis://127.0.0.1:6379/0"
QUERY = '{ country(code: "CAN") { name } }'
DIGEST = hashlib.sha256(QUERY.encode()).hexdigest()


def persisted(digest: str = DIGEST, **body: object) -> dict[str, object]:
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}, **body}


def test_an_unknown_persisted_query_asks_for_the_query(client: TestClient):
    response = client.post("/graphql", json=persisted())
    assert response.status_code == 200
    assert response.json() == {
        "errors": [{"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}]
    }


def test_a_persisted_query_runs_by_its_hash_once_registered(client: TestClient):
    registered = client.post("/graphql", json=persisted(query=QUERY)).json()
    assert registered["data"] == {"country": {"name": "Canada"}}
    by_hash = client.post("/graphql", json=persisted()).json()
    assert by_hash["data"] == registered["data"]
    over_get = client.get("/graphql", params={"extensions": orjson.dumps(persisted()["extensions"]).decode()})
    assert over_get.json()["data"] == registered["data"]


def test_a_hash_that_does_not_match_its_query_is_refused(client: TestClient):
    response = client.post("/graphql", json=persisted(digest="0" * 64, query=QUERY))
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"] == {"code": "PERSISTED_QUERY_HASH_MISMATCH"}
    assert client.post("/graphql", json=persisted(digest="0" * 64)).json()["errors"][0]["extensions"] == {
        "code": "PERSISTED_QUERY_NOT_FOUND"
    }


def test_a_get_carries_an_etag_and_answers_304_to_it(client: TestClient):
    first = client.get("/graphql", params={"query": QUERY})
    assert first.headers["cache-control"] == "public, max-age=60"
    etag = first.headers["etag"]
    with statements(client) as seen:
        again = client.get("/graphql", params={"query": QUERY}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert len(seen) == 1  # only the data version was read
    other = client.get("/graphql", params={"query": QUERY, "variables": '{"unused": 1}'})
    assert other.headers["etag"] != etag


def test_a_repeated_query_is_answered_from_the_cache(client: TestClient):
    first = client.post("/graphql", json={"query": QUERY})
    with statements(client) as seen:
        second = client.post("/graphql", json={"query": QUERY})
    assert (first.headers["bilateral-cache"], second.headers["bilateral-cache"]) == ("miss", "hit")
    assert second.json() == first.json()
    assert len(seen) == 1


def test_errors_are_never_cached(client: TestClient):
    for _ in range(2):
        response = client.post("/graphql", json={"query": '{ node(id: "bad") { id } }'})
        assert response.headers["bilateral-cache"] == "miss"
        assert response.headers["cache-control"] == "no-store"


def test_reseeding_with_new_data_changes_the_etag_and_misses_the_cache(
    client: TestClient, engine: sa.Engine, fixtures_copy: Path
):
    before = client.get("/graphql", params={"query": '{ event(slug: "summit-2015") { title } }'})
    path = fixtures_copy / "mofa-north-america.yaml"
    path.write_text(path.read_text().replace("title: Summit in 2015\n", "title: The 2015 summit\n"))
    seeds.load(engine, fixtures_copy)
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
            instance.post("/graphql", json={"query": "{ sources { slug } }"})
        assert one.post("/graphql", json={"query": QUERY}).headers["bilateral-cache"] == "miss"
        assert two.post("/graphql", json={"query": QUERY}).headers["bilateral-cache"] == "hit"
        one.post("/graphql", json=persisted(query=QUERY))
        assert two.post("/graphql", json=persisted()).json()["data"] == {"country": {"name": "Canada"}}


def test_a_redis_that_is_down_only_means_no_cache(engine: sa.Engine, database_url: str):
    with TestClient(create_app(database_url, "redis://127.0.0.1:1/0")) as client:
        for _ in range(2):
            response = client.post("/graphql", json={"query": QUERY})
            assert response.json()["data"] == {"country": {"name": "Canada"}}
            assert response.headers["bilateral-cache"] == "miss"
