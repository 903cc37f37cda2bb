"""The compiled read path is the same API: every query answered both ways, byte for byte, on both databases.

Each query is sent with the compiled read path on and then off (normal execution, field by field),
with the response cache off, and the two answers must be the same bytes: data, errors, extensions,
key order included. The queries: every example, every query the explorer sends, with the variables its
pages send, and every README query (none of which may fall back, on either database), a corpus of
hand-written corner cases, and queries generated from the schema. On a database damaged on
purpose, the compiled read path must step aside and leave normal execution to report. A fallback that
is not a shape the planner leaves alone is logged with the request's id, and never with a value.
"""

import logging
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from graphql import OperationDefinitionNode, parse
from starlette.testclient import TestClient

import settings
from app import create_app
from pipeline import prepared
from pipeline.compiled import EXECUTIONS, nested
from pipeline.compiled.run import Run
from settings import ROOT
from tests.generated import ROOT_FIELDS, generated
from tests.graphql import query, statements
from tests.test_explorer import OPERATIONS
from web import front

EXAMPLES = sorted((ROOT / "schema" / "examples").glob("*.graphql"))
# The explorer's documents, by the name of each operation they hold.
EXPLORER = {
    definition.name.value: front.document(path)
    for path in sorted(front.QUERIES.glob("*.graphql"))
    for definition in parse(front.document(path)).definitions
    if isinstance(definition, OperationDefinitionNode) and definition.name
}
# What the explorer's pages send (web/explorer/*.js): each operation with the variables of its first call
# (tests/test_explorer.py), a timeline filtered by kind and decade, and each "show more", `after` the last
# cursor of the page before (`NEXT`).
EXPLORER_CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    name: (name, variables) for name, (variables, _) in OPERATIONS.items()
} | {
    "Relation by kind and decade": (
        "Relation",
        {
            "between": {"a": "KOR", "b": "USA"},
            "filter": {"kind": {"in": ["SUMMIT"]}, "date": {"from": 2010, "to": 2019}},
            "first": 10,
        },
    ),
    "RelationEvents, more": (
        "RelationEvents",
        {"between": {"a": "KOR", "b": "USA"}, "filter": None, "first": 10, "after": "NEXT"},
    ),
    "Countries, more": ("Countries", {"first": 50, "after": "NEXT"}),
    "CountryRelations, more": ("CountryRelations", {"code": "USA", "first": 20, "after": "NEXT"}),
    "Search, more": ("Search", {"query": "nuclear", "first": 10, "after": "NEXT"}),
}
README_QUERIES = re.findall(r"```graphql\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.DOTALL)
TALLY: Counter[str] = Counter()  # how the module's queries went


@pytest.fixture(scope="module", autouse=True)
def _tally() -> Iterator[None]:
    yield
    print(f"\ncompiled read path, {sum(TALLY.values())} queries: {dict(TALLY)}")


@pytest.fixture
def both(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setattr(settings, "CACHE_MAX_AGE", 0)
    return client


def answered_both_ways(client: TestClient, body: dict[str, Any]) -> tuple[bytes, str]:
    """The answer, after checking that both paths give it byte for byte; and which way the fast one went.

    The fast path is asked twice: the second time, a text it answered is prepared (`pipeline.prepared`), and
    that answer must be the same bytes too.
    """
    before = Counter(EXECUTIONS)
    settings.COMPILED = True
    try:
        fast = client.post("/graphql", json=body)
        went = [key for key, value in (Counter(EXECUTIONS) - before).items() if value]
        lane = Counter(prepared.TALLY)
        again = client.post("/graphql", json=body)
        if went == ["compiled"]:
            # Light operations take the prepared lane; a costly one is not prepared: it waits its turn in the pipeline.
            light = fast.json()["extensions"]["cost"]["requested"] <= settings.LIGHT_COST
            assert Counter(prepared.TALLY) - lane == (Counter(answered=1) if light else Counter()), body
    finally:
        settings.COMPILED = False
    way = went[0] if went else "not executed"
    try:
        normal = client.post("/graphql", json=body)
    finally:
        settings.COMPILED = True
    TALLY[way] += 1
    assert (fast.status_code, masked(fast.content)) == (normal.status_code, masked(normal.content)), body
    assert (again.status_code, masked(again.content)) == (normal.status_code, masked(normal.content)), body
    return fast.content, way


def masked(answer: bytes) -> bytes:
    """The answer with each masked error's request id, which differs from request to request, blanked."""
    return re.sub(rb'"requestId":"[0-9a-f]+"', b'"requestId":"-"', answer)


def explorer_call(client: TestClient, call: str) -> dict[str, Any]:
    """The request the explorer sends: `NEXT` replaced by the last cursor of the page before it."""
    name, variables = EXPLORER_CALLS[call]
    body = {"query": EXPLORER[name], "operationName": name, "variables": variables}
    if variables.get("after") != "NEXT":
        return body
    before = client.post("/graphql", json={**body, "variables": {**variables, "after": None}}).json()
    cursors = re.findall(r'"pageInfo":\{[^}]*"endCursor":"([^"]+)"', orjson.dumps(before["data"]).decode())
    assert cursors, before
    return {**body, "variables": {**variables, "after": cursors[0]}}


def test_every_explorer_operation_is_among_the_calls_checked():
    assert {name for name, _ in EXPLORER_CALLS.values()} == set(EXPLORER)


DOCUMENTS = [f"example {path.stem}" for path in EXAMPLES] + [f"explorer {call}" for call in EXPLORER_CALLS]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_example_and_explorer_query_is_compiled_and_answered_the_same(both: TestClient, document: str):
    kind, name = document.split(" ", 1)
    if kind == "example":
        body = {"query": (ROOT / "schema" / "examples" / f"{name}.graphql").read_text(encoding="utf-8")}
    else:
        body = explorer_call(both, name)
    answer, way = answered_both_ways(both, body)
    assert way == "compiled", document
    assert b'"errors"' not in answer, answer


@pytest.mark.parametrize("document", README_QUERIES, ids=[f"readme-{n}" for n in range(len(README_QUERIES))])
def test_every_readme_query_is_compiled_and_answered_the_same(both: TestClient, document: str):
    _, way = answered_both_ways(both, {"query": document})
    assert way == "compiled"


EVENTS_PAGE = """query($first: Int, $after: String, $last: Int, $before: String, $filter: EventFilter,
                       $order: [EventOrder!]) {
  events(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $order) {
    totalCount
    edges { cursor node { slug date { text } } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""
CORNERS: dict[str, dict[str, Any]] = {
    "a nested connection with every argument": {
        "query": """{ relation(between: {a: "USA", b: "KOR"}) { events(first: 3, filter: {kind: {in: [SUMMIT, WAR]}},
            orderBy: [{field: DATE, direction: DESC}]) { totalCount pageInfo { hasNextPage endCursor }
            edges { cursor node { slug kind title } } nodes { id } } } }"""
    },
    "backward pages": {"query": EVENTS_PAGE, "variables": {"last": 4}},
    "evidence for a claim given in a variable": {
        "query": """query($claim: String!) { events(first: 20) { nodes { slug evidence(claim: $claim) { start }
            participants { evidence(claim: "country") { excerpt supports } } } } }""",
        "variables": {"claim": "date"},
    },
    "an unknown claim": {"query": '{ event(slug: "korean-war") { slug evidence(claim: "dat") { start } } }'},
    "a page after a cursor": {"query": EVENTS_PAGE, "variables": {"first": 5, "after": "CURSOR"}},
    "a page before a cursor": {"query": EVENTS_PAGE, "variables": {"last": 2, "before": "CURSOR"}},
    "an empty page": {"query": EVENTS_PAGE, "variables": {"first": 0}},
    "a page past the end": {"query": EVENTS_PAGE, "variables": {"first": 5, "filter": {"date": {"from": 3000}}}},
    "orderings and filters in variables": {
        "query": EVENTS_PAGE,
        "variables": {
            "first": 6,
            "order": [{"field": "KIND"}, {"field": "TITLE", "direction": "DESC"}],
            "filter": {"or": [{"title": {"contains": "summit"}}, {"not": {"dated": True}}]},
        },
    },
    "lists, lookups and nulls": {
        "query": """{ country(code: "xxx") { name } countries(first: 100) { nodes { code successor { code }
            successorBasis predecessors { code } regions { code countries { nodes { code } } }
            statistics { nodes { value unit } }
            agreements { nodes { slug signed { text earliest latest precision } inForce { text } } } } } }"""
    },
    "citations and their sources": {
        "query": """{ sources { nodes { slug length citations(first: 100) { nodes { excerpt start end match } } } }
            mechanisms { nodes { slug level status citations { excerpt source { slug title } } } } }"""
    },
    "fragments, inline fragments and __typename": {
        "query": """query Nodes($ids: [ID!]!) { __typename nodes(ids: $ids) { __typename id ...Named
            ... on Country { code } ... on Relation { slug countries { ...Named } } } }
            fragment Named on Country { __typename name shortName }""",
        "variables": {"ids": ["Q291bnRyeTpLT1I", "UmVsYXRpb246S09SLVVTQQ", "Q291bnRyeTpYWFg"]},
    },
    "the search union": {
        "query": """{ search(query: "korea", first: 8) { totalCount pageInfo { hasNextPage }
            edges { rank snippet node { __typename ... on Event { slug date { text } }
            ... on Agreement { slug parties { code } } ... on Citation { excerpt source { slug } }
            ... on Person { name } ... on Mechanism { name } ... on Statistic { value } } } } }"""
    },
    "aliases and merged fields": {
        "query": """{ a: country(code: "KOR") { name relations(first: 1) { nodes { slug } } }
            b: country(code: "KOR") { relations(first: 1) { nodes { status } } }
            country(code: "KOR") { name relations(first: 1) { nodes { slug } } }
            country(code: "KOR") { relations(first: 1) { nodes { status } } } }"""
    },
    "@skip and @include": {
        "query": """query($yes: Boolean!, $no: Boolean!) { event(slug: "korean-war") {
            slug title @include(if: $yes) place @skip(if: $yes) kind @include(if: $no)
            participants @skip(if: $no) { role } } }""",
        "variables": {"yes": True, "no": False},
    },
    "event statistics and themes": {
        "query": """{ relations { nodes { eventStats { byKind { kind count } byDecade { decade count }
            byTheme { theme { slug name } count } }
            themes { slug events(first: 3) { totalCount nodes { slug } } } } } }"""
    },
    "people, offices and their events": {
        "query": """{ people { nodes { slug offices { title basis country { code } start { text } } events {
            totalCount nodes { slug participants { role basis person { name } country { code } } } } } } }"""
    },
    "counterparts and labels": {
        "query": """{ relations { nodes { counterpart(of: "kor") { code } other: counterpart(of: "XXX") { code }
            labels { slug text citations { excerpt } } } } }"""
    },
    "the timeline": {"query": '{ timeline(countries: ["CAN"], from: 1940, to: 1970) { totalCount nodes { slug } } }'},
    "an operation chosen by name": {
        "query": "query A { regions { nodes { code } } } query B { themes { nodes { slug } } }",
        "operationName": "B",
    },
    "an error: a page too large": {"query": "{ events(first: 101) { totalCount } }"},
    "an error: a forged cursor": {"query": EVENTS_PAGE, "variables": {"first": 1, "after": "forged"}},
    "an error: a `contains` past the longest string": {
        "query": EVENTS_PAGE,
        "variables": {"first": 1, "filter": {"title": {"contains": "x" * (settings.MAX_STRING_LENGTH + 1)}}},
    },
    "an error: a malformed id": {"query": '{ node(id: "not an id") { id } }'},
    "an error: an unknown variable": {"query": "query($x: Int) { events(first: $y) { totalCount } }"},
    "an error: a missing variable": {"query": "query($first: Int!) { events(first: $first) { totalCount } }"},
    "introspection beside data": {"query": '{ __type(name: "Event") { name } event(slug: "korean-war") { slug } }'},
}


def with_cursors(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    """`CURSOR` replaced by a real cursor, from the middle of the events in date order."""
    variables = body.get("variables") or {}
    if "CURSOR" not in variables.values():
        return body
    edges = client.post("/graphql", json={"query": "{ events(first: 8) { edges { cursor } } }"}).json()
    cursor = edges["data"]["events"]["edges"][7]["cursor"]
    return {**body, "variables": {name: cursor if value == "CURSOR" else value for name, value in variables.items()}}


@pytest.mark.parametrize("case", CORNERS)
def test_a_corner_case_is_answered_the_same_both_ways(both: TestClient, case: str):
    answered_both_ways(both, with_cursors(both, CORNERS[case]))


@pytest.mark.parametrize("field", ROOT_FIELDS)
def test_queries_generated_from_the_schema_are_answered_the_same(both: TestClient, field: str):
    for document in generated(field, 15):
        answered_both_ways(both, {"query": document})


def test_nodes_of_two_kinds_take_one_statement_per_kind_on_both_paths(both: TestClient):
    listed = query(both, "{ relations(first: 100) { nodes { id } } events(first: 100) { nodes { id } } }")
    ids = [node["id"] for connection in listed.values() for node in connection["nodes"]]
    body = {"query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", "variables": {"ids": ids}}
    counted = {}
    for fast in (True, False):
        settings.COMPILED = fast
        try:
            with statements(both) as seen:
                assert [node["id"] for node in both.post("/graphql", json=body).json()["data"]["nodes"]] == ids
        finally:
            settings.COMPILED = True
        counted[fast] = len(seen)
    assert counted == {True: 2, False: 2}  # the relations, the events


def test_statements_are_bounded_by_depth_on_both_paths(both: TestClient):
    document = """{ countries(first: 100) { nodes { relations(first: 5) { nodes {
        events(first: 20) { nodes { participants { country { code } } citations { excerpt } } } } } } } }"""
    counted = {}
    for fast in (True, False):
        settings.COMPILED = fast
        try:
            with statements(both) as seen:
                both.post("/graphql", json={"query": document})
        finally:
            settings.COMPILED = True
        counted[fast] = len(seen)
    # Compiled, the whole query in one statement but its participants' countries, below the depth nested
    # (`pipeline.compiled.nested.DEPTH`); field by field, one per level: countries, relations, events,
    # participants, countries, citations.
    assert counted == {True: 2, False: 6}


ROUND_TRIP = ', filter: {or: [{and: [{or: [{title: {contains: "a"}}, {title: {contains: "e"}}]}, {dated: true}]}]}'
DEEP = f"""{{ countries(first: 3) {{ nodes {{ code relations(first: 3) {{ nodes {{ slug events(first: 3{ROUND_TRIP}) {{
  nodes {{ slug participants {{ country {{ code relations(first: 2) {{ nodes {{ events(first: 2{ROUND_TRIP}) {{ nodes {{
  slug participants {{ country {{ code }} }} }} }} }} }} }} }} }} }} }} }} }} }} }}"""


def test_a_statement_nested_past_what_sqlite_s_parser_takes_is_built_shallower_with_the_same_answer(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
):
    """Nested seven levels deep with filters at two of them, the statement overflows the 100 entries of SQLite's
    parser stack: it is built a level shallower until it fits, and the depth that fits is kept with the plan, for the
    next request. PostgreSQL takes it whole. Either way the answer is the one read field by field."""
    monkeypatch.setattr(settings, "CACHE_MAX_AGE", 0)
    monkeypatch.setattr(settings, "MAX_COST", 10**9)  # the filters' scans cost more than the limit lets through
    monkeypatch.setattr(nested, "DEPTH", 7)
    monkeypatch.setattr(settings, "NESTED", False)
    expected = query(client, DEEP.replace("countries(", "by_field: countries("))["by_field"]
    monkeypatch.setattr(settings, "NESTED", True)
    for _ in range(2):  # the first request finds the depth that fits; the next is built that deep at once
        with statements(client) as seen:
            assert query(client, DEEP)["countries"] == expected
    if client.app.state.engine.dialect.name == "postgresql":  # type: ignore[attr-defined]
        assert len(seen) == 1
    else:  # the levels that fit in one statement, then one statement per level below them (nine levels in all)
        assert seen[0].startswith("SELECT json_array(")
        assert 1 < len(seen) < 9


def damage(engine: sa.Engine, how: str) -> None:
    """Damage the loaded data the way `how` says, past the database's own constraints."""
    sqlite = engine.dialect.name == "sqlite"
    # Outside a transaction, where SQLite lets its checks be turned off.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if how == "an unknown enum value":
            connection.execute(sa.text("UPDATE event SET kind = 'state_visit' WHERE slug = 'korean-war'"))
        elif how == "a number out of range" and sqlite:
            # An Int past 32 bits, which SQLite's integers hold and GraphQL's cannot.
            connection.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
            connection.execute(
                sa.text('UPDATE citation SET "end" = 1099511627776 WHERE id = (SELECT min(id) FROM citation)')
            )
        elif how == "a number out of range":
            # PostgreSQL's integers fit GraphQL's; its NUMERIC holds a figure no Float can.
            connection.execute(
                sa.text("UPDATE statistic SET value = 1e400 WHERE slug = 'travellers-between-canada-and-korea'")
            )
        elif how == "a null in a non-null column":
            if sqlite:
                connection.exec_driver_sql("PRAGMA writable_schema = ON")
                connection.execute(
                    sa.text(
                        "UPDATE sqlite_schema SET sql = replace(sql, 'title VARCHAR NOT NULL', 'title VARCHAR') "
                        "WHERE name = 'event'"
                    )
                )
                version = connection.exec_driver_sql("PRAGMA schema_version").scalar()
                connection.exec_driver_sql(f"PRAGMA schema_version = {int(version or 0) + 1}")
            else:
                connection.exec_driver_sql("ALTER TABLE event ALTER COLUMN title DROP NOT NULL")
            connection.execute(sa.text("UPDATE event SET title = NULL WHERE slug = 'korean-war'"))
        elif how == "a dangling foreign key":
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            else:
                names = connection.execute(
                    sa.text("SELECT conname FROM pg_constraint WHERE conrelid = 'relation'::regclass AND contype = 'f'")
                ).scalars()
                for name in names:
                    connection.exec_driver_sql(f'ALTER TABLE relation DROP CONSTRAINT "{name}"')
            connection.execute(sa.text("UPDATE relation SET country_b_id = 999999 WHERE slug = 'KOR-USA'"))


DAMAGED = {
    "an unknown enum value": "{ events(first: 100) { nodes { slug kind } } }",
    "a number out of range": """{ sources { nodes { citations { nodes { start end } } } }
        statistics { nodes { slug value } } }""",
    "a null in a non-null column": '{ relation(between: {a: "KOR", b: "USA"}) { events { nodes { slug title } } } }',
    "a dangling foreign key": "{ relations(first: 100) { nodes { slug countries { code } } } }",
}


@pytest.mark.parametrize("how", DAMAGED)
def test_on_damaged_data_the_compiled_path_steps_aside(
    seeded: sa.Engine, database_url: str, how: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    monkeypatch.setattr(settings, "CACHE_MAX_AGE", 0)
    damage(seeded, how)
    seeded.dispose()
    with TestClient(create_app(database_url)) as client, caplog.at_level(logging.WARNING, logger="bilateral.compiled"):
        answer, way = answered_both_ways(client, {"query": DAMAGED[how]})
    assert way.startswith("fallback")
    assert b'"errors"' in answer
    # Both requests on the fast path (the text is never prepared: it was not answered compiled) log their fallback.
    warnings = [record.getMessage() for record in caplog.records if record.name == "bilateral.compiled"]
    assert len(warnings) == 2
    for warning in warnings:
        assert re.search(r"request [0-9a-f]{32}: the compiled read path fell back \((data|error)\): ", warning)


def fallback_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture, body: dict[str, Any]
) -> tuple[str, list[logging.LogRecord]]:
    """How the query went, and what the compiled read path logged, each record checked for the request's id."""
    before = Counter(EXECUTIONS)
    with caplog.at_level(logging.DEBUG, logger="bilateral.compiled"):
        answer = client.post("/graphql", json=body)
    assert answer.status_code == 200
    [way] = (Counter(EXECUTIONS) - before).keys()
    logged = [record for record in caplog.records if record.name == "bilateral.compiled"]
    for record in logged:
        assert record.getMessage().startswith(f"request {answer.headers['request-id']}: the compiled read path")
    return way, logged


def test_a_fallback_on_an_error_is_logged_as_a_warning_with_the_request_id_and_no_value(
    both: TestClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
):
    def broken(*_: Any) -> list[Any]:
        raise RuntimeError("a message that may quote the request: xyzzy")

    monkeypatch.setattr(Run, "values", broken)
    body = {"query": "query($code: String!) { country(code: $code) { name } }", "variables": {"code": "xyzzy"}}
    way, [record] = fallback_logged(both, caplog, body)
    assert way == "fallback: RuntimeError while answering"
    assert record.levelno == logging.WARNING
    assert record.getMessage().endswith(
        "fell back (error): RuntimeError while answering at tests/test_compiled.py:"
        f"{broken.__code__.co_firstlineno + 1} in broken"
    )
    assert "xyzzy" not in caplog.text


FALLBACKS = {
    "a client's error, at debug level": (
        '{ event(slug: "korean-war") { evidence(claim: "xyzzy") { start } } }',
        "fallback: BadUserInput",
        [(logging.DEBUG, "(client_error): BadUserInput")],
    ),
    "a shape the planner does not plan, not at all": (
        '{ __type(name: "Event") { name } }',
        "fallback: introspection at Query.__type",
        [],
    ),
}


@pytest.mark.parametrize("case", FALLBACKS)
def test_a_fallback_is_logged_as_loud_as_its_kind(both: TestClient, caplog: pytest.LogCaptureFixture, case: str):
    document, expected_way, expected = FALLBACKS[case]
    way, logged = fallback_logged(both, caplog, {"query": document})
    assert way == expected_way
    assert [(record.levelno, record.getMessage().split("fell back ")[1]) for record in logged] == expected
    assert "xyzzy" not in caplog.text


def test_with_the_compiled_path_off_each_query_is_logged_at_debug_level(
    both: TestClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(settings, "COMPILED", False)
    way, [record] = fallback_logged(both, caplog, {"query": "{ regions { nodes { code } } }"})
    assert way == "fallback: BILATERAL_COMPILED=0"
    assert (record.levelno, record.getMessage().split("fell back ")[1]) == (
        logging.DEBUG,
        "(disabled): BILATERAL_COMPILED=0",
    )


def test_statements_are_kept_per_variables_but_not_for_long_variables(both: TestClient):
    """A nested statement is built once per plan and variables; a request whose variables are long (a long filter,
    a long search) gets one built for it alone, so what clients send cannot fill the server's memory."""
    document = "query($code: String!) { country(code: $code) { name } }"
    nested._BUILT.clear()
    for code in ("KOR", "KOR", "CAN"):
        assert query(both, document, code=code)["country"] is not None
    assert len(nested._BUILT) == 2  # one per value of `code`
    twice = "query($a: String!, $b: String!) { a: country(code: $a) { name } b: country(code: $b) { name } }"
    half = nested.KEPT_VARIABLES // 2  # two codes of this length, written out, are past the length kept
    for number in range(5):
        codes = {"a": f"{number}" + "x" * half, "b": "y" * half}
        assert query(both, twice, **codes) == {"a": None, "b": None}
    assert len(nested._BUILT) == 2
