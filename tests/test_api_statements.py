"""No N+1: the statements a query costs depend on its shape, never on how many rows it returns."""

import re
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

import settings
from bench import queries
from models import database
from tests.graphql import RoundTrip, known_version, query, round_trips, statements

DEEP = """
query($first: Int) {
  countries(first: $first) {
    edges { node {
      relations(first: 5) { nodes {
        events(first: 20) { nodes {
          participants { country { code } }
          citations { excerpt }
        } }
      } }
    } }
  }
}
"""


@pytest.mark.one_page
def test_one_country_or_all_of_them_cost_the_same_statements(client: TestClient):
    with statements(client) as one:
        small = query(client, DEEP, first=1)
    with statements(client) as every:
        large = query(client, DEEP, first=100)
    assert len(large["countries"]["edges"]) == 6
    assert len(small["countries"]["edges"]) == 1
    events = [
        e for c in large["countries"]["edges"] for r in c["node"]["relations"]["nodes"] for e in r["events"]["nodes"]
    ]
    assert len(events) == 38  # every relation's events, reached once from each of its two countries
    # The page and the three levels below it in one statement, and the participants' countries, below the depth
    # nested (`pipeline.compiled.nested.DEPTH`), in one more.
    assert len(one) == len(every) == 2


def test_loaders_batch_across_sibling_fields(client: TestClient, monkeypatch: pytest.MonkeyPatch):
    document = """{ %s: agreements { nodes {
      parties { code } relation { slug } events { nodes { slug } } themes { name } } } }"""
    with statements(client) as compiled:
        planned = query(client, document % "planned")
    monkeypatch.setattr(settings, "COMPILED", False)
    with statements(client) as seen:
        loaded = query(client, document % "loaded")  # another text: a document is planned when first prepared
    assert loaded["loaded"] == planned["planned"]
    assert len(compiled) == 1  # planned as one statement
    assert len(seen) == 5  # with the plan off: the agreements, and one statement per field


SMALL = '{ country(code: "KOR") { name } }'
JOINED = (
    '{ relation(between: {a: "KOR", b: "USA"}) { events(first: 5) { nodes { participants { country { code } } } } } }'
)
# What a prepared query sends in its one round trip on PostgreSQL, as the server sees it, but for its statement:
# alone; or its snapshot begun, bounded and set for the planner around it, when the statement joins rows in a
# correlated subquery (pipeline.compiled.nested.PLANNER) or the budget left is below the connection's own timeout.
ALONE: list[str] = []
BEGUN = ["BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "SET LOCAL statement_timeout = N"]
PLANNER = ["SET LOCAL enable_hashjoin = off"]


@pytest.mark.parametrize(
    ("document", "budget", "around"),
    [(SMALL, None, ALONE), (JOINED, None, BEGUN + PLANNER), (SMALL, 2.0, BEGUN)],
    ids=["small", "joined", "small-short-budget"],
)
def test_a_prepared_query_is_one_round_trip_and_one_snapshot(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, document: str, budget: float | None, around: list[str]
):
    """A prepared text, the data version known in process. On PostgreSQL, counted as the server sees them (libpq's
    trace of the protocol, which also shows what the driver sends of its own): one round trip, which reads the
    data version beside the data, in one snapshot. A statement alone is its own snapshot; around one that is not,
    a pipeline begins the transaction, bounds it by what is left of the budget, sets the planner, and ends it. The
    connection goes back to the pool idle. On SQLite, a library in this process: one statement, the version beside
    the row, with no transaction begun around it."""
    monkeypatch.setattr(settings, "CACHE_MAX_AGE", 0)
    if budget is not None:
        monkeypatch.setattr(settings, "REQUEST_TIMEOUT", budget)  # below the connection's statement timeout of 5 s
    monkeypatch.setattr(database, "PING_IDLE", 3600)  # a connection idle since an earlier test is not pinged first
    engine: sa.Engine = client.app.state.engine  # type: ignore[attr-defined]
    postgresql = engine.dialect.name == "postgresql"
    expected = query(client, document)  # the text is prepared: the next request of it begins its snapshot with its read
    known_version(client)  # ... once the process knows the data version
    sent: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    counting: AbstractContextManager[list[RoundTrip]] = round_trips(engine) if postgresql else nullcontext([])
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        with counting as trips:
            assert query(client, document) == expected
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    if not postgresql:
        [row] = sent  # no BEGIN: one statement is its own snapshot
        assert row.startswith("SELECT (SELECT token FROM dataset_version), (SELECT json_array(")
        return
    [row] = sent  # SQLAlchemy's listeners see the statement; those sent around it in its round trip are below
    assert row.startswith("SELECT (SELECT token FROM dataset_version), (SELECT CAST(json_build_array(")
    [answering] = trips
    *before, reading = answering.parsed[: len(around) + 1]
    assert [re.sub(r"statement_timeout = \d+", "statement_timeout = N", each) for each in before] == around
    assert reading.startswith("SELECT (SELECT token FROM dataset_version), (SELECT CAST(")
    assert answering.parsed[len(around) + 1 :] == (("ROLLBACK",) if around else ())  # the snapshot ends with it
    assert answering.status == "I"  # the connection goes back to the pool idle, with nothing more to send


@pytest.mark.one_page
def test_a_statement_takes_its_parents_keys_as_one_parameter_on_postgresql_whatever_their_number(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
):
    """One country's relations or every country's, read field by field: on PostgreSQL the same statement texts,
    each with the same few parameters, so the database parses and plans each text once (resolvers/keys.py); on
    SQLite, a library that parses in microseconds, a bind per key, and as many statements."""
    monkeypatch.setattr(settings, "CACHE_MAX_AGE", 0)
    monkeypatch.setattr(settings, "NESTED", False)
    engine: sa.Engine = client.app.state.engine  # type: ignore[attr-defined]
    sent: list[tuple[str, int]] = []

    def record(_connection: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        # The statement timeout is what remains of the request's budget: its milliseconds differ between requests.
        sent.append((re.sub(r"statement_timeout = \d+", "statement_timeout = N", statement), len(parameters)))

    def run(first: int) -> list[tuple[str, int]]:
        sent.clear()
        data = query(client, DEEP, first=first)
        assert len(data["countries"]["edges"]) == min(first, 6)
        return list(sent)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        one, every = run(1), run(100)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    if engine.dialect.name == "postgresql":
        assert every == one
        assert max(parameters for _, parameters in every) <= 4
    else:
        assert len(every) == len(one)
        assert max(parameters for _, parameters in every) > max(parameters for _, parameters in one)


@pytest.mark.parametrize("name", ["SMALL", "MEDIUM", "LARGE", "FILTERED"])
def test_the_benchmark_s_queries_are_read_nested_with_the_answers_read_field_by_field(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, name: str
):
    """Compiled, the whole query is one statement the database answers as JSON; field by field
    (`BILATERAL_NESTED=0`) it is one statement per level, with the same answer."""
    monkeypatch.setattr(settings, "CACHE_MAX_AGE", 0)
    document = getattr(queries, name).replace("SYN001", "KOR")
    first = query(client, queries.FIRST_RELATION.replace("SYN001", "KOR"))
    variables = {"id": first["country"]["relations"]["nodes"][0]["id"]} if "$id" in document else {}
    answers, counted = {}, {}
    query(client, document, **variables)  # prepared
    for nested in (True, False):
        monkeypatch.setattr(settings, "NESTED", nested)
        known_version(client)
        with statements(client) as seen:
            answers[nested] = query(client, document, **variables)
        counted[nested] = len(seen)
    assert answers[True] == answers[False]
    # The query; the large query's fourth level (its participants' countries) in one more, as nesting it costs more
    # than the statement it saves (`pipeline.compiled.nested.DEPTH`).
    assert counted[True] == (2 if name == "LARGE" else 1)
    assert counted[False] >= (1 if name == "SMALL" else 5)
