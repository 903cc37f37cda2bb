"""Bounded work per query: filter size, NUL characters, the cost of what the database does, batches, time."""

import asyncio
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

import seeds
import settings
from app import create_app
from models.database import create_engine
from pipeline.compiled.nested import Statement
from pipeline.limits import INDEXED_ORDERS
from resolvers.loading import Lookup
from resolvers.reading import VERSION, Opening, QueryTimeout, Reader
from tests.conftest import NORTH_AMERICA, Shared, copy_page
from web.admission import Admission, ServerBusy

EVENTS = "query($f: EventFilter) { events(filter: $f, first: 5) { nodes { slug } } }"


def post(client: TestClient, body: object) -> tuple[int, Any]:
    response = client.post("/graphql", json=body)
    return response.status_code, response.json()


def test_a_filter_of_more_than_50_conditions_is_refused_alike_on_both_databases(client: TestClient):
    terms = {"or": [{"or": [{"title": {"contains": "a"}}] * 9}] * 100}  # 900 conditions
    status, body = post(client, {"query": EVENTS, "variables": {"f": terms}})
    assert status == 200
    assert "data" not in body
    error = body["errors"][0]  # its cost is past the limit too, and said next
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "conditions": 50, "coordinate": "Query.events(filter:)"}
    assert error["message"].startswith(
        "the filter `Query.events(filter:)` has more than 50 conditions: match several values"
    )
    fifty = {"or": [{"title": {"contains": "korea"}}] * 50}
    assert "errors" not in post(client, {"query": EVENTS, "variables": {"f": fifty}})[1]


def test_each_filter_written_in_the_query_is_counted_on_its_own(client: TestClient):
    many = ", ".join(["{dated: true}"] * 60)
    one, sixty = "events(filter: {dated: true}) { totalCount }", f"events(filter: {{or: [{many}]}}) {{ totalCount }}"
    document = f"{{ a: {one} b: {sixty} }}"
    status, body = post(client, {"query": document})
    assert status == 200
    assert "data" not in body
    assert body["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_COMPLEX",
        "conditions": 50,
        "coordinate": "Query.events(filter:)",
    }


@pytest.mark.parametrize("text", ["korea\u0000war", "\u0000"])
def test_a_string_with_a_nul_character_is_refused_alike_on_both_databases(client: TestClient, text: str):
    status, body = post(client, {"query": EVENTS, "variables": {"f": {"title": {"contains": text}}}})
    assert status == 400
    assert [error["extensions"]["code"] for error in body["errors"]] == ["BAD_USER_INPUT"]
    assert "NUL character" in body["errors"][0]["message"]
    for escape in ("\\u0000", "\\u{0}"):
        literal = f'{{ events(filter: {{title: {{contains: "korea{escape}war"}}}}) {{ totalCount }} }}'
        status, body = post(client, {"query": literal})
        assert (status, "data" in body) == (200, False)
        assert [error["extensions"]["code"] for error in body["errors"]] == ["BAD_USER_INPUT"]


def cost(client: TestClient, document: str, variables: dict[str, Any] | None = None) -> int:
    """What the limit holds of a query: the cost its directives give, and the rows its scans may read."""
    status, body = post(client, {"query": document, "variables": variables or {}})
    assert status == 200, body
    assert "errors" not in body, body
    counted = body["extensions"]["cost"]
    return int(counted["requested"]) + int(counted["scanned"])


def test_counts_searches_aggregates_filters_and_sorts_cost_what_the_database_does(
    client: TestClient, read_engine: sa.Engine
):
    with read_engine.connect() as connection:
        events = connection.execute(sa.text("SELECT count(*) FROM event")).scalar_one()
        largest = {  # the most events one relation has, and one country takes part in
            key: connection.execute(sa.text(f"SELECT max(n) FROM (SELECT count(*) n FROM {family}) f")).scalar_one()
            for key, family in [
                ("relation", "event WHERE relation_id IS NOT NULL GROUP BY relation_id"),
                ("country", "event_participant WHERE country_id IS NOT NULL GROUP BY country_id"),
            ]
        }
    assert events > 10
    assert cost(client, "{ events(first: 10) { nodes { slug } } }") == 10
    # Counting, filtering and sorting by a field no index sorts by may read every event, once per field written.
    assert cost(client, "{ events(first: 10) { totalCount } }") == events
    # A filter is an input object (1); each field's conditions another (1), each condition 100, `contains` 1000.
    two_conditions = '{ events(first: 10, filter: {kind: {eq: WAR}, relation: {eq: "KOR-USA"}}) { nodes { slug } } }'
    assert cost(client, two_conditions) == 10 + 1 + 2 * (1 + 100) + events
    title = '{ events(first: 10, filter: {title: {contains: "war"}}) { nodes { slug } } }'
    assert cost(client, title) == 10 + 1 + 1 + 1000 + events
    assert cost(client, "{ events(first: 10, orderBy: {field: TITLE}) { nodes { slug } } }") == 10 + 1 + events
    assert cost(client, "{ events(first: 10, orderBy: {field: DATE, direction: DESC}) { nodes { slug } } }") == 10 + 1
    assert cost(client, "{ timeline(from: 1950, first: 10) { nodes { slug } } }") == 10 + events
    assert cost(client, '{ search(query: "nuclear", first: 5) { edges { rank } } }') == 1000
    assert cost(client, '{ search(query: "nuclear", first: 5) { edges { rank node { __typename } } } }') == 1000 + 5
    # 20 countries, their 20 statistics, and per statistic three aggregates of up to 10 rows each.
    stats = "eventStats { byKind { kind } byDecade { decade } byTheme { count } }"
    assert cost(client, f"{{ countries(first: 20) {{ nodes {{ {stats} }} }} }}") == 20 + 20 + 3 * (20 * 1000 + 20 * 10)
    # One statement filters the events of all ten relations, one more counts them: each reads at most
    # every event, and at most the events of the ten relations that have the most.
    nested = "{ relations(first: 10) { nodes { events(first: 5, filter: {kind: {eq: SUMMIT}}) { totalCount } } } }"
    assert cost(client, nested) == 10 + 10 * (1 + 1 + 100) + 2 * min(events, 10 * largest["relation"])
    one = (
        '{ relation(between: {a: "KOR", b: "USA"}) { events(first: 5, filter: {kind: {eq: SUMMIT}}) { totalCount } } }'
    )
    assert cost(client, one) == 1 + 1 + (1 + 1 + 100) + 2 * largest["relation"]
    # A relation's events come in date order from an index; a country's, found through its participants, do not.
    between = '{ relation(between: {a: "KOR", b: "USA"}) { events(first: 5) { nodes { slug } } } }'
    assert cost(client, between) == 1 + 1 + 5
    of_korea = '{ country(code: "KOR") { events(first: 5) { nodes { slug } } } }'
    assert cost(client, of_korea) == 1 + 5 + largest["country"]


def test_the_cost_of_a_scan_follows_the_data_a_reload_brings(
    seeded_client: TestClient, database_url: str, tmp_path: Path
):
    client = seeded_client
    counting = "{ events(first: 1) { totalCount } }"
    before = cost(client, counting)
    page = copy_page(NORTH_AMERICA, tmp_path / "fewer")
    text = page.read_text(encoding="utf-8")
    start = text.index("  - slug: nuclear-tests-and-missile-launches")
    page.write_text(text[:start] + text[text.index("  - slug:", start + 1) :], encoding="utf-8")
    writer = create_engine(database_url)
    try:
        seeds.load(writer, [page])  # one event fewer, loaded while the server runs
    finally:
        writer.dispose()
    assert cost(client, counting) == before - 1
    status, body = post(client, {"query": counting})
    assert (status, body["data"]["events"]["totalCount"]) == (200, before - 1)  # every event, counted


SIXTY = ", ".join(['{title: {contains: "a"}}'] * 60)


@pytest.mark.parametrize(
    "document",
    [
        f"query D($f: EventFilter = {{or: [{SIXTY}]}}) {{ events(filter: $f, first: 1) {{ nodes {{ title }} }} }}",
        f"query D($t: [EventFilter!] = [{SIXTY}]) {{ events(filter: {{or: $t}}, first: 1) {{ nodes {{ title }} }} }}",
    ],
    ids=["a filter", "the terms of a filter"],
)
def test_a_variable_s_default_value_is_limited_like_a_value_written_in_the_query(client: TestClient, document: str):
    status, body = post(client, {"query": document})
    assert (status, "data" in body) == (200, False)
    assert body["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_COMPLEX",
        "conditions": 50,
        "coordinate": "Query.events(filter:)",
    }


def test_every_argument_a_default_value_carries_is_costed(client: TestClient, read_engine: sa.Engine):
    with read_engine.connect() as connection:
        events = connection.execute(sa.text("SELECT count(*) FROM event")).scalar_one()
    page = "query($n: Int = 3) { events(first: $n) { nodes { slug } } }"
    assert cost(client, page) == 3
    assert cost(client, page, {"n": 5}) == 5
    by_title = "query($o: [EventOrder!] = [{field: TITLE}]) { events(orderBy: $o, first: 1) { nodes { slug } } }"
    assert cost(client, by_title) == 1 + 1 + events  # an order is an input object
    assert cost(client, by_title, {"o": [{"field": "DATE"}]}) == 1 + 1
    dated = "query($f: EventFilter = {date: {from: 1950}}) { events(filter: $f, first: 1) { nodes { slug } } }"
    assert cost(client, dated) == 1 + 1 + 1 + 100 + events  # the filter, its `date`, and one condition, `from`


STATS = "eventStats { byKind { kind count } byDecade { decade count } byTheme { theme { name } count } }"


def test_thirty_aliases_of_event_statistics_are_refused_before_they_run(client: TestClient):
    one = f"countries(first: 100) {{ nodes {{ {STATS} }} }}"
    each = cost(client, f"{{ {one} }}")
    status, body = post(client, {"query": "{ " + " ".join(f"a{n}: {one}" for n in range(30)) + " }"})
    assert status == 200
    [error] = body["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_COMPLEX", "cost": 30 * each, "limit": 500000}
    assert "data" not in body


def test_the_operations_of_a_batch_share_one_budget(client: TestClient):
    costly = {"query": f"{{ countries(first: 50) {{ nodes {{ {STATS} }} }} }}"}
    each = cost(client, costly["query"])
    assert 3 * each <= 500000 < 4 * each
    status, body = post(client, [costly] * 4)
    assert status == 200
    assert ["errors" in item for item in body] == [False, False, False, True]
    refused = body[3]["errors"][0]
    assert refused["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert f"(the operations before it in the batch spent {3 * each})" in refused["message"]


# Statements that run for many seconds unless stopped.
SLEEPING = "SELECT pg_sleep(30)::text"
COUNTING = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) SELECT max(i) FROM n"


def slow_statement(connection: sa.Connection) -> object:
    """A statement that runs for many seconds unless stopped."""
    return connection.execute(sa.text(SLEEPING if connection.dialect.name == "postgresql" else COUNTING)).scalar()


def slow_opening(dialect: sa.Dialect) -> Opening:
    """A prepared operation's nested statement, read in the statement that begins its snapshot
    (resolvers/reading.py), made slow."""
    return Opening(SLEEPING if dialect.name == "postgresql" else COUNTING, {} if dialect.name == "postgresql" else ())


def test_the_database_stops_a_statement_past_the_time_budget_and_frees_the_connection(read_engine: sa.Engine):
    async def read_slowly() -> float:
        reader = Reader(read_engine, budget=0.5)
        started = time.monotonic()
        try:
            with pytest.raises(QueryTimeout) as raised:
                await reader.run(slow_statement)
        finally:
            reader.close()
        assert raised.value.extensions == {"code": "QUERY_TIMEOUT"}
        return time.monotonic() - started

    waited = asyncio.run(read_slowly())
    assert 0.4 < waited < 2
    with read_engine.connect() as connection:  # the pool has its connection back, in a usable state
        assert connection.execute(sa.text("SELECT 1")).scalar() == 1


@pytest.mark.parametrize("prepared", [False, True], ids=["first-seen", "prepared"])
def test_a_timeout_is_told_apart_from_an_outage(client: TestClient, monkeypatch: pytest.MonkeyPatch, prepared: bool):
    """Run by normal execution the first time a text is seen, and by its prepared statement once it is known."""
    monkeypatch.setattr(settings, "CACHE_MAX_AGE", 0)
    document = '{ country(code: "CAN") { name } }' + ("" if prepared else f" # {uuid.uuid4()}")  # a text never seen
    if prepared:
        assert post(client, {"query": document})[1]["data"] == {"country": {"name": "Canada"}}
    monkeypatch.setattr(settings, "REQUEST_TIMEOUT", 0.3)
    monkeypatch.setattr(Lookup, "fetch", lambda _lookup, connection, _keys: slow_statement(connection))
    monkeypatch.setattr(Statement, "read", lambda _statement, connection: slow_statement(connection))
    monkeypatch.setattr(Statement, "opening", lambda _statement, dialect: slow_opening(dialect))
    status, body = post(client, {"query": document})
    assert status == 200
    assert body["data"] == {"country": None}
    assert [error["extensions"]["code"] for error in body["errors"]] == ["QUERY_TIMEOUT"]
    assert body["errors"][0]["path"] == ["country"]


def test_costly_operations_take_turns_and_a_full_queue_is_refused_at_once():
    async def scenario() -> list[str]:
        gate = Admission(limit=1, queue=1, wait=0.5, light=10)
        events: list[str] = []

        async def operation(name: str, cost: int, hold: float) -> None:
            async def released() -> None:
                events.append(f"{name} releases its snapshot")

            try:
                async with gate.turn(cost, released):
                    events.append(f"{name} runs")
                    await asyncio.sleep(hold)
            except ServerBusy as busy:
                events.append(f"{name} refused: {(busy.extensions or {})['code']}")

        await asyncio.gather(
            operation("first", 100, 0.2),
            operation("second", 100, 0.0),
            operation("third", 100, 0.0),
            operation("cheap", 5, 0.0),
        )
        late = asyncio.create_task(operation("holder", 100, 1.0))
        await asyncio.sleep(0.05)
        await operation("patient", 100, 0.0)
        await late
        return events

    assert asyncio.run(scenario()) == [
        "first runs",
        "second releases its snapshot",
        "third refused: SERVER_BUSY",
        "cheap runs",
        "second runs",
        "holder runs",
        "patient releases its snapshot",
        "patient refused: SERVER_BUSY",
    ]


def test_a_busy_server_answers_503_with_retry_after(client: TestClient):
    client.app.state.admission = Admission(limit=0, queue=0, wait=0.1, light=10)  # type: ignore[attr-defined]
    response = client.post("/graphql", json={"query": "{ events(first: 20) { totalCount } }"})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json()["errors"][0]["extensions"] == {"code": "SERVER_BUSY"}
    cheap = client.post("/graphql", json={"query": '{ country(code: "CAN") { name } }'})
    assert cheap.json()["data"] == {"country": {"name": "Canada"}}


def test_a_full_pool_is_a_busy_server_not_a_database_that_is_down(
    seeded: sa.Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(settings, "POOL_SIZE", 1)
    monkeypatch.setattr(settings, "DATABASE_TIMEOUT", 0.2)
    with TestClient(create_app(database_url)) as client:
        engine: sa.Engine = client.app.state.engine  # type: ignore[attr-defined]
        with engine.connect():  # the pool's only connection, held elsewhere
            response = client.post("/graphql", json={"query": '{ country(code: "CAN") { name } }'})
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        assert response.json()["errors"][0]["extensions"] == {"code": "SERVER_BUSY"}
        again = client.post("/graphql", json={"query": '{ country(code: "CAN") { name } }'})
        assert again.json()["data"] == {"country": {"name": "Canada"}}


ORDERS = {
    "events": ("EventOrderField", ["DATE", "TITLE", "KIND"]),
    "countries": ("CountryOrderField", ["CODE", "NAME"]),
    "relations": ("RelationOrderField", ["SLUG", "STATUS"]),
}


def sorts_its_rows(connection: sa.Connection, statement: str, parameters: Any) -> bool:
    """Whether the database sorts a statement's rows itself rather than reading them in an index's order."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")  # what it does on a table too large to scan
        plan = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars().all()
        return any("Sort" in line for line in plan)
    plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    return any("TEMP B-TREE" in row[-1] for row in plan)


def statements_of(client: TestClient, document: str) -> list[tuple[str, Any, bool]]:
    """The SQL statements that answering `document` sends to the database: each with its parameters, and
    whether it ran on the event loop."""
    engine: sa.Engine = client.app.state.engine  # type: ignore[attr-defined]  # Starlette's app, typed as ASGI
    statements: list[tuple[str, Any, bool]] = []

    def record(_connection: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        try:
            on_loop = asyncio.get_running_loop() is not None
        except RuntimeError:  # a worker thread runs no loop
            on_loop = False
        statements.append((statement, parameters, on_loop))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        status, _ = post(client, {"query": document})
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert status == 200
    return statements


@pytest.mark.parametrize("field", ORDERS)
def test_the_sorts_costed_as_served_by_an_index_are_and_the_others_are_not(
    client: TestClient, read_engine: sa.Engine, field: str
):
    enum, values = ORDERS[field]
    for value in values:
        document = f"{{ {field}(first: 1, orderBy: {{field: {value}}}) {{ nodes {{ __typename }} }} }}"
        [(statement, parameters, _)] = [item for item in statements_of(client, document) if "ORDER BY" in item[0]]
        with read_engine.connect() as connection:
            assert sorts_its_rows(connection, statement, parameters) is (value not in INDEXED_ORDERS[enum]), value


SCANS = {
    "a sort no index serves": "{ events(first: 1, orderBy: {field: TITLE}) { nodes { slug } } }",
    "a window of years": "{ events(first: 1, filter: {date: {from: 1950}}) { nodes { slug } } }",
    "a count": "{ events(first: 1) { totalCount } }",
    "a sort, as a variable's default": "query($o: [EventOrder!] = [{field: KIND}]) { events(first: 1, orderBy: $o) "
    "{ nodes { slug } } }",
    "a country's events, each found through its participants and sorted": '{ country(code: "KOR") '
    "{ events(first: 1) { nodes { slug } } } }",
}


@pytest.mark.parametrize("scan", SCANS)
def test_a_read_that_may_scan_runs_off_the_event_loop_however_cheap(client: TestClient, shared: Shared, scan: str):
    def on_loop(document: str) -> set[bool]:
        statements = statements_of(client, document)
        # The data version alone is read before the query is costed, where the process does not know it.
        return {loop for text, _, loop in statements if text.startswith("SELECT ") and text != VERSION}

    assert cost(client, SCANS[scan]) <= settings.LIGHT_COST  # a small table
    assert on_loop(SCANS[scan]) == {False}
    # An index lookup of a bounded number of rows reads on the loop, where SQLite, a library in the process, is quicker.
    assert on_loop('{ relation(between: {a: "KOR", b: "USA"}) { events(first: 5) { nodes { slug } } } }') == {
        shared.backend == "sqlite"
    }
