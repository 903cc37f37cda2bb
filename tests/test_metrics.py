"""`/metrics` as Prometheus scrapes it: what a few queries move, with one worker process and with two."""

import hashlib
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

import settings
from app import create_app
from models.database import create_engine
from pipeline.compiled.nested import Statement
from resolvers.loading import Lookup
from tests.conftest import Shared
from tests.databases import postgres_database
from tests.graphql import persisted
from tests.servers import RedisServer, running_server
from tests.test_bounded_queries import slow_opening, slow_statement
from web.metrics import own_operations

# `events(first: 10) { nodes { participants { role } } }` costs 10 + 10 × 10 (the README's example).
EVENTS = "query Events { events(first: 10) { nodes { participants { role } } } }"
COUNTRY = 'query Country { country(code: "CAN") { name } }'
DIGEST = hashlib.sha256(COUNTRY.encode()).hexdigest()

Served = tuple[httpx2.Client, int]
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
TOKEN = "a-token-for-the-tests"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    """The apps these tests run in this process show their metrics to the test client, which is not loopback,
    with this token; a server in a process of its own shows them to the tests as loopback clients."""
    monkeypatch.setattr(settings, "METRICS_TOKEN", TOKEN)


def scrape(http: httpx2.Client | TestClient) -> Samples:
    response = http.get("/metrics", headers=BEARER if isinstance(http, TestClient) else {})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def moved(before: Samples, after: Samples) -> dict[str, float]:
    """How far each of Bilateral's samples moved, named as Prometheus prints it: `name{label="value",…}`."""
    changes = {}
    for key, value in after.items():
        if not key[0].startswith("bilateral_"):
            continue
        if (change := value - before.get(key, 0.0)) != 0:
            name, labels = key
            printed = ",".join(f'{label}="{value}"' for label, value in sorted(labels))
            changes[f"{name}{{{printed}}}" if labels else name] = change
    return changes


@pytest.fixture(params=[1, 2], ids=["1 worker", "2 workers"])
def server(request: pytest.FixtureRequest, own_redis: RedisServer, tmp_path: Path) -> Iterator[Served]:
    """A server of 1 or 2 worker processes, and how many; they share their cache through Redis, so that what
    hits does not depend on which worker answers."""
    environment = {"BILATERAL_WORKERS": str(request.param), "BILATERAL_REDIS_URL": own_redis.url}
    with (
        running_server(f"sqlite:///{tmp_path / 'bilateral.db'}", tmp_path / "server.log", **environment) as base,
        # A connection per request: the kernel hands each to whichever worker accepts first.
        httpx2.Client(base_url=base, timeout=30, limits=httpx2.Limits(max_keepalive_connections=0)) as http,
    ):
        yield http, request.param


@pytest.mark.slow
def test_a_few_queries_move_the_counters_by_what_they_did(server: Served):
    http, _workers = server
    before = scrape(http)
    answers = [
        http.post("/graphql", json={"query": EVENTS}),  # runs: cache miss, cost 110
        http.post("/graphql", json={"query": EVENTS}),  # cache hit
        http.post("/graphql", json=persisted(DIGEST)),  # hash unknown: persisted-query miss
        http.post("/graphql", json=persisted(DIGEST, query=COUNTRY)),  # registered and runs: cache miss, cost 1
        http.post("/graphql", json=persisted(DIGEST)),  # persisted-query hit, then cache hit
        http.post("/graphql", json={"query": "{ evnts { totalCount } }"}),  # does not validate: cache miss
    ]
    after = scrape(http)

    assert [answer.status_code for answer in answers] == [200] * 6
    assert [answer.headers.get("bilateral-cache") for answer in answers] == ["miss", "hit", None, "miss", "hit", "miss"]
    changes = moved(before, after)
    # Timings vary; the start's last `/health` probe may be counted by its worker just after the first scrape.
    ignored = ("_bucket", "duration_seconds_sum", 'route="/health"')
    assert {name: change for name, change in changes.items() if not any(part in name for part in ignored)} == {
        'bilateral_http_requests_total{method="GET",route="/metrics",status="200"}': 1,  # the first scrape
        'bilateral_http_requests_total{method="POST",route="/graphql",status="200"}': 6,
        'bilateral_http_request_duration_seconds_count{route="/graphql"}': 6,
        'bilateral_http_request_duration_seconds_count{route="/metrics"}': 1,
        'bilateral_graphql_operations_total{operation="other",status="200"}': 2,  # not one of the app's own
        'bilateral_graphql_operations_total{operation="Country",status="200"}': 2,
        'bilateral_graphql_operations_total{operation="anonymous",status="200"}': 1,
        'bilateral_graphql_operation_duration_seconds_count{operation="other"}': 2,
        'bilateral_graphql_operation_duration_seconds_count{operation="Country"}': 2,
        'bilateral_graphql_operation_duration_seconds_count{operation="anonymous"}': 1,
        "bilateral_graphql_cost_count": 2,
        "bilateral_graphql_cost_sum": 111,
        "bilateral_fast_path_executions_total": 2,  # both ran on the compiled read path
        'bilateral_graphql_errors_total{code="GRAPHQL_VALIDATION_FAILED"}': 1,
        'bilateral_response_cache_lookups_total{result="miss"}': 3,
        'bilateral_response_cache_lookups_total{result="hit"}': 2,
        'bilateral_persisted_query_lookups_total{result="miss"}': 1,
        'bilateral_persisted_query_lookups_total{result="hit"}': 1,
    }
    assert changes['bilateral_graphql_cost_bucket{le="100.0"}'] == 1  # the country
    assert changes['bilateral_graphql_cost_bucket{le="1000.0"}'] == 2  # and the events, at 110


@pytest.mark.slow
def test_gauges_add_up_the_workers_and_the_compiled_path_s_counters_start_at_zero(server: Served):
    http, workers = server
    samples = scrape(http)
    assert samples[("bilateral_database_pool_size", frozenset())] == 10 * workers  # BILATERAL_POOL_SIZE each
    assert samples[("bilateral_database_connections_in_use", frozenset())] == 0
    assert samples[("bilateral_admission_executing", frozenset())] == 0
    assert samples[("bilateral_admission_waiting", frozenset())] == 0
    assert samples[("bilateral_fast_path_executions_total", frozenset())] == 0
    assert samples[("bilateral_fallback_executions_total", frozenset({("reason", "unsupported")}))] == 0
    assert samples[("bilateral_database_outages_total", frozenset())] == 0
    for kind in ("unavailable", "timeout", "other"):
        assert samples[("bilateral_database_errors_total", frozenset({("kind", kind)}))] == 0


def test_metrics_can_be_turned_off(shared: Shared, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("settings.METRICS", "off")
    with TestClient(create_app(shared.url)) as client:
        assert client.get("/metrics").status_code == 404


def test_a_statement_stopped_at_its_budget_counts_as_a_database_timeout(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(settings, "REQUEST_TIMEOUT", 0.3)
    monkeypatch.setattr(Lookup, "fetch", lambda _lookup, connection, _keys: slow_statement(connection))
    monkeypatch.setattr(Statement, "read", lambda _statement, connection: slow_statement(connection))
    monkeypatch.setattr(Statement, "opening", lambda _statement, dialect: slow_opening(dialect))
    before = scrape(client)
    client.post("/graphql", json={"query": '{ country(code: "CAN") { name } }'})
    changes = moved(before, scrape(client))
    assert changes['bilateral_database_errors_total{kind="timeout"}'] == 1
    assert changes['bilateral_graphql_errors_total{code="QUERY_TIMEOUT"}'] == 1
    assert "bilateral_database_outages_total" not in changes


def test_a_database_that_goes_away_is_one_outage_however_many_requests_fail(postgres_url: str):
    with postgres_database() as url, TestClient(create_app(url)) as client:
        assert client.post("/graphql", json={"query": "{ sources { nodes { slug } } }"}).status_code == 200
        before = scrape(client)
        client.app.state.engine.dispose()  # type: ignore[attr-defined]
        server = create_engine(postgres_url).execution_options(isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE "{sa.make_url(url).database}" WITH (FORCE)'))
        server.dispose()
        for _ in range(3):
            assert client.post("/graphql", json={"query": "{ sources { nodes { slug } } }"}).status_code == 503
        changes = moved(before, scrape(client))
    assert changes["bilateral_database_outages_total"] == 1
    assert changes['bilateral_graphql_errors_total{code="SERVICE_UNAVAILABLE"}'] == 3
    assert changes['bilateral_database_errors_total{kind="unavailable"}'] >= 3


def test_the_compiled_path_counts_its_executions_and_fallbacks_by_reason(client: TestClient):
    before = scrape(client)
    client.post("/graphql", json={"query": '{ country(code: "CAN") { name } }'})
    client.post("/graphql", json={"query": '{ relation(between: {a: "KOR", b: "CAN"}) { slug } }'})
    client.post("/graphql", json={"query": "{ __schema { queryType { name } } }"})
    client.post("/graphql", json={"query": "{ events(first: -1) { totalCount } }"})
    changes = moved(before, scrape(client))
    assert {name: change for name, change in changes.items() if "executions" in name} == {
        "bilateral_fast_path_executions_total": 2,
        'bilateral_fallback_executions_total{reason="unsupported"}': 1,  # introspection
        'bilateral_fallback_executions_total{reason="client_error"}': 1,
    }


def test_the_prepared_lane_counts_what_it_answered_and_what_it_declined(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(settings, "CACHE_MAX_AGE", 0)
    text = "query Lane($n: Int!) { countries(first: $n) { nodes { code } } } # the prepared lane's metric"
    client.post("/graphql", json={"query": text, "variables": {"n": 1}})  # answered compiled: prepared
    before = scrape(client)
    client.post("/graphql", json={"query": text, "variables": {"n": 2}})  # answered in the lane
    client.post("/graphql", json={"query": text, "variables": {"n": "two"}})  # declined: the pipeline refuses it
    changes = moved(before, scrape(client))
    assert {name: change for name, change in changes.items() if "prepared" in name} == {
        'bilateral_prepared_operations_total{outcome="answered"}': 1,
        'bilateral_prepared_operations_total{outcome="declined"}': 1,
    }


def test_with_the_compiled_path_off_every_execution_counts_as_disabled(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(settings, "COMPILED", False)
    before = scrape(client)
    client.post("/graphql", json={"query": '{ country(code: "CAN") { name } }'})
    changes = moved(before, scrape(client))
    assert {name: change for name, change in changes.items() if "executions" in name} == {
        'bilateral_fallback_executions_total{reason="disabled"}': 1,
    }


def label_values(samples: Samples, label: str) -> set[str]:
    return {
        value
        for (name, labels), _ in samples.items()
        if name.startswith("bilateral_")
        for key, value in labels
        if key == label
    }


def test_methods_a_client_invents_are_counted_as_other(client: TestClient):
    before = scrape(client)
    for n in range(50):
        client.request(f"M{n}X", "/graphql")
    after = scrape(client)
    assert label_values(after, "method") <= {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "other"}
    changes = moved(before, after)
    assert changes['bilateral_http_requests_total{method="other",route="/graphql",status="405"}'] == 50


def test_operation_names_a_client_chooses_never_become_labels(client: TestClient):
    for n in range(50):
        client.post("/graphql", json={"query": f'query Probe{n} {{ country(code: "CAN") {{ name }} }}'})
    client.post("/graphql", json={"query": '{ country(code: "CAN") { name } }', "operationName": "Country"})
    after = scrape(client)
    assert label_values(after, "operation") <= {"anonymous", "other", "Country", "Events"} | own_operations()
    assert after[("bilateral_graphql_operations_total", frozenset({("operation", "other"), ("status", "200")}))] >= 50
    assert after[("bilateral_graphql_operations_total", frozenset({("operation", "Country"), ("status", "200")}))]


@pytest.mark.parametrize(
    ("peer", "headers", "status"),
    [
        (("203.0.113.9", 4000), {}, 403),
        (("203.0.113.9", 4000), {"Authorization": "Bearer wrong"}, 401),
        (("203.0.113.9", 4000), {"Authorization": f"Basic {TOKEN}"}, 401),
        (("203.0.113.9", 4000), BEARER, 200),
        (("127.0.0.1", 4000), {}, 200),
        (("::1", 4000), {}, 200),
    ],
)
def test_metrics_are_private_by_default(
    seeded, database_url: str, monkeypatch: pytest.MonkeyPatch, peer: tuple[str, int], headers, status: int
):
    if status == 403:
        monkeypatch.setattr(settings, "METRICS_TOKEN", None)  # no token set: a 403, asking for none
    with TestClient(create_app(database_url), client=peer) as client:
        response = client.get("/metrics", headers=headers)
    assert response.status_code == status
    if status != 200:
        assert "bilateral_" not in response.text
        assert response.headers.get("www-authenticate") == ("Bearer" if status == 401 else None)


def test_public_metrics_are_served_to_anyone(seeded, database_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(settings, "METRICS", "public")
    with TestClient(create_app(database_url), client=("203.0.113.9", 4000)) as client:
        assert client.get("/metrics").status_code == 200
