"""Hostile queries are refused with a code the client understands, and the server keeps answering."""

from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_introspection_query,
    get_named_type,
    is_leaf_type,
    is_required_input_field,
)
from starlette.testclient import TestClient

import settings
from pipeline import introspection, limits
from schema import graphql_schema
from web import endpoint, refused
from web.endpoint import GRAPHQL_RESPONSE

NORMAL = '{ country(code: "CAN") { name } }'


def post(client: TestClient, body: Any, **headers: str) -> tuple[int, Any]:
    response = client.post("/graphql", json=body, headers=headers)
    return response.status_code, response.json()


def codes(body: Any) -> list[str]:
    return [error["extensions"]["code"] for error in body["errors"]]


def assert_still_answers(client: TestClient) -> None:
    status, body = post(client, {"query": NORMAL})
    assert (status, body["data"]) == (200, {"country": {"name": "Canada"}})


def nested(depth: int) -> str:
    """A valid query `depth` fields deep: a country, its successor's successor's…, and a code."""
    return '{ country(code: "JOSEON") ' + "{ successor " * (depth - 2) + "{ code" + " }" * (depth - 1) + " }"


def five_connections_deep(size: int) -> str:
    inner = "slug"
    for _ in range(4):
        inner = f"relation {{ events(first: {size}) {{ nodes {{ {inner} }} }} }}"
    return f"{{ events(first: {size}) {{ nodes {{ {inner} }} }} }}"


HOSTILE = {
    "30 levels deep": ({"query": nested(30)}, 200, "QUERY_TOO_COMPLEX", "30 fields deep; the limit is 16"),
    "1,000 aliases of one field": (
        {"query": "{ " + " ".join(f"a{n}: regions {{ totalCount }}" for n in range(1000)) + " }"},
        200,
        "QUERY_TOO_COMPLEX",
        "more than 2000 tokens",
    ),
    "40 aliases": (
        {"query": "{ " + " ".join(f"a{n}: __typename" for n in range(40)) + " }"},
        200,
        "QUERY_TOO_COMPLEX",
        "40 aliases; the limit is 30",
    ),
    "a fragment cycle": (
        {
            "query": "{ sources { nodes { ...A } } } fragment A on Source { citations { nodes { source { ...B } } } } "
            "fragment B on Source { ...A }"
        },
        200,
        "GRAPHQL_VALIDATION_FAILED",
        "Cannot spread fragment 'A' within itself",
    ),
    "first: 100 five connections deep": (
        {"query": five_connections_deep(100)},
        200,
        "QUERY_TOO_COMPLEX",
        "the query's cost is 10202020200; the limit is 500000",  # 100⁵ events, 2 × (100 + … + 100⁴) more
    ),
    "a wrong-typed variable": (
        {"query": "query($first: Int) { events(first: $first) { totalCount } }", "variables": {"first": "many"}},
        200,
        "BAD_USER_INPUT",
        "Variable '$first' has invalid value: Int cannot represent non-integer value: 'many'",
    ),
    "deeply nested list variables": (
        {"query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", "variables": {"ids": [[[[[[["x"]]]]]]]}},
        200,
        "BAD_USER_INPUT",
        "Variable '$ids' has invalid value",
    ),
    "1,000 copies of one field": (
        {"query": "{ " + "__typename " * 1000 + "}"},
        200,
        "QUERY_TOO_COMPLEX",
        "the query is too complex to validate: it repeats a field hundreds of times in one selection",
    ),
    "`first` past 32 bits in a variable": (
        {"query": "query($n: Int) { events(first: $n) { totalCount } }", "variables": {"n": 9223372036854775808}},
        200,
        "BAD_USER_INPUT",
        "Variable '$n' has invalid value: Int cannot represent non 32-bit signed integer value: 9223372036854775808",
    ),
    "a `contains` of 50,001 characters": (
        {
            "query": "query($f: EventFilter) { events(filter: $f) { totalCount } }",
            "variables": {"f": {"title": {"contains": "x" * 50_001}}},
        },
        200,
        "BAD_USER_INPUT",
        "`contains` takes at most 2000 characters, not 50001",
    ),
    "a `search` of 2,001 characters written in the query": (
        {"query": '{ search(query: "' + "korea " * 333 + 'usa") { totalCount } }'},
        200,
        "BAD_USER_INPUT",
        "`query` takes at most 2000 characters, not 2001",
    ),
    "a nested argument of 2,001 characters": (
        {"query": '{ relations { nodes { counterpart(of: "' + "x" * 2001 + '") { code } } } }'},
        200,
        "BAD_USER_INPUT",
        "`of` takes at most 2000 characters, not 2001",
    ),
    "list variables nested 100 deep": (
        {"query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", "variables": {"ids": eval("[" * 100 + "]" * 100)}},
        400,
        "BAD_USER_INPUT",
        "`variables` nest deeper than 32 levels",
    ),
}


def nesting(levels: int, inner: Any) -> Any:
    """`inner` in `levels` objects and lists, taking turns."""
    for level in range(levels):
        inner = {"a": inner} if level % 2 else [inner]
    return inner


@pytest.mark.parametrize("branch", ["first", "last"])
def test_variables_may_nest_32_levels_deep_and_no_deeper_on_any_branch(client: TestClient, branch: str):
    """Counted on every branch, the deep one first or last among shallow ones, and whatever the variable is."""

    def variables(levels: int) -> dict[str, Any]:
        branches = [nesting(levels - 2, 1), *[nesting(3, "x")] * 50]  # in a list, in the variables
        return {"unused": branches if branch == "first" else branches[::-1]}

    status, body = post(client, {"query": "{ __typename }", "variables": variables(32)})
    assert (status, body["data"]) == (200, {"__typename": "Query"})
    status, body = post(client, {"query": "{ __typename }", "variables": variables(33)})
    assert status == 400
    assert body["errors"][0]["message"] == "`variables` nest deeper than 32 levels"


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_query_is_refused_with_its_code(client: TestClient, case: str):
    body, status, code, message = HOSTILE[case]
    got_status, got = post(client, body)
    assert got_status == status
    assert codes(got) == [code]
    assert message in got["errors"][0]["message"]
    assert "data" not in got
    assert_still_answers(client)


def test_a_document_of_a_megabyte_is_refused_before_it_runs(client: TestClient):
    document = "{ sources { nodes { slug } } }" + " " * 1_048_576
    status, body = post(client, {"query": document})
    assert (status, codes(body)) == (413, ["PAYLOAD_TOO_LARGE"])
    assert_still_answers(client)


def test_a_batch_of_500_operations_is_refused(client: TestClient):
    status, body = post(client, [{"query": NORMAL}] * 500)
    assert (status, codes(body)) == (413, ["BATCH_TOO_LARGE"])
    assert body["errors"][0]["message"] == "a batch holds at most 10 operations, not 500"
    assert_still_answers(client)


def test_a_small_batch_is_answered_in_order(client: TestClient):
    status, body = post(client, [{"query": NORMAL}, {"query": '{ country(code: "KOR") { name } }'}])
    assert status == 200
    assert [item["data"]["country"]["name"] for item in body] == ["Canada", "Republic of Korea"]


def test_introspection_is_open_and_costed(client: TestClient):
    status, body = post(client, {"query": get_introspection_query(descriptions=True)})
    assert status == 200
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"
    assert 0 < body["extensions"]["cost"]["requested"] <= settings.MAX_COST


TYPES_AND_FIELDS = "__schema { types { name fields { name description type { name kind ofType { name kind } } } } }"


def test_introspection_is_costed_by_the_types_and_fields_it_returns(client: TestClient):
    schema = graphql_schema._schema
    types = len(schema.type_map)
    fields = sum(len(kind.fields) for kind in schema.type_map.values() if isinstance(kind, GraphQLObjectType))
    fields += sum(len(kind.fields) for kind in schema.type_map.values() if isinstance(kind, GraphQLInterfaceType))
    _, body = post(client, {"query": "{ __schema { types { name fields { name } } } }"})
    assert body["extensions"]["cost"]["requested"] == 1 + types + fields  # the schema, its types, their fields
    _, body = post(client, {"query": f"{{ {TYPES_AND_FIELDS} }}"})
    assert body["extensions"]["cost"]["requested"] > 1 + types + 2 * fields  # and each field's type, and more


def test_introspection_amplified_by_aliases_or_a_batch_is_refused(client: TestClient):
    thirty = "{ " + " ".join(f"a{n}: {TYPES_AND_FIELDS}" for n in range(30)) + " }"
    status, body = post(client, {"query": thirty})
    assert (status, "data" in body, codes(body)) == (200, False, ["QUERY_TOO_COMPLEX"])
    assert body["errors"][0]["extensions"]["limit"] == settings.MAX_INTROSPECTION_COST
    assert body["errors"][0]["message"].startswith("the introspection query returns ")
    # A batch shares one introspection budget: as many copies as fit in it, not ten.
    each = post(client, {"query": f"{{ {TYPES_AND_FIELDS} }}"})[1]["extensions"]["cost"]["requested"]
    status, body = post(client, [{"query": f"{{ {TYPES_AND_FIELDS} }}"}] * 10)
    answered = ["data" in item for item in body]
    assert status == 200
    assert answered.count(True) == settings.MAX_INTROSPECTION_COST // each < 10
    assert answered == sorted(answered, reverse=True)
    assert {code for item in body if "errors" in item for code in codes(item)} == {"QUERY_TOO_COMPLEX"}
    assert_still_answers(client)


def test_the_same_introspection_again_is_answered_as_it_was_and_costed_again(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
):
    introspection.ANSWERS.clear()
    document = f"query Types {{ {TYPES_AND_FIELDS} }}"
    _, first = post(client, {"query": document})
    executed: list[Any] = []
    monkeypatch.setattr(graphql_schema, "_get_execute_function", lambda: lambda *arguments, **_: executed.append(1))
    _, again = post(client, {"query": document})
    assert again == first  # the answer kept, and its cost counted as the first time
    assert executed == []  # graphql-core did not walk the schema again
    assert len(introspection.ANSWERS) == 1
    mixed = '{ __typename country(by: {code: "KOR"}) { name } }'  # data beside it: not kept
    monkeypatch.undo()
    assert post(client, {"query": mixed})[1]["data"] == {
        "__typename": "Query",
        "country": {"name": "Republic of Korea"},
    }
    assert len(introspection.ANSWERS) == 1


def test_a_kept_refusal_keeps_nothing_of_the_request_that_raised_it(client: TestClient):
    deep = "relations { nodes { countries { " * 20 + "code" + " } } }" * 20
    refused = [
        {"query": "{ " + " ".join(f"a{n}: {TYPES_AND_FIELDS}" for n in range(30)) + " }"},  # raised in the walk
        {"query": f'{{ country(by: {{code: "KOR"}}) {{ name {deep} }} }}'},  # a cost past 64 bits, and too deep
        {"query": "query($n: Int) { events(first: $n) { totalCount } }", "variables": {"n": "ten"}},
    ]
    for body in refused:
        for _ in range(2):  # refused, then refused from what was kept
            status, answer = post(client, body)
            assert status in (200, 400), answer
            assert "data" not in answer, answer
    kept = [error for errors in limits.CHECKED.values() if isinstance(errors, list) for error in errors]
    assert kept
    # A traceback's frames would hold the request, its context and its database connection.
    held = [error for error in kept if error.__traceback__ or getattr(error.original_error, "__traceback__", None)]
    assert held == []


def test_a_body_refused_before_is_refused_again_without_being_read(client: TestClient, monkeypatch: pytest.MonkeyPatch):
    """The same bytes, at the same data version, under the same limits: the answer kept (`Bilateral-Cache: refused`),
    its JSON not parsed again; in another media type, or under other limits, the request is read afresh."""
    body = orjson.dumps({"query": "{ events(first: 10) { totalCount } }", "variables": {"unused": [[1]] * 500}})
    json_only = {"content-type": "application/json"}
    refused.clear()  # kept in the process, by the data version: both backends' seeded data have the same
    monkeypatch.setattr(settings, "MAX_COST", 5)
    first, again = (client.post("/graphql", content=body, headers=json_only) for _ in range(2))
    assert first.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "data" not in first.json()
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert (first.headers["bilateral-cache"], again.headers["bilateral-cache"]) == ("miss", "refused")
    assert again.headers["cache-control"] == "no-store"

    def unread(_body: bytes) -> None:
        raise AssertionError("the body was parsed")

    with monkeypatch.context() as patched:
        patched.setattr(endpoint, "parsed", unread)
        assert client.post("/graphql", content=body, headers=json_only).content == first.content
    strict = client.post("/graphql", content=body, headers=json_only | {"accept": GRAPHQL_RESPONSE})
    assert (strict.status_code, strict.headers["bilateral-cache"]) == (400, "miss")
    with monkeypatch.context() as patched:  # the data loaded again: the version the server knows is another
        versions = client.app.state.versions  # type: ignore[attr-defined]
        patched.setattr(versions, "known", lambda: "another version")
        assert client.post("/graphql", content=body, headers=json_only).headers["bilateral-cache"] == "miss"
    monkeypatch.setattr(settings, "MAX_COST", 500_000)
    allowed = client.post("/graphql", content=body, headers=json_only)
    assert allowed.status_code == 200
    assert allowed.json()["data"]["events"]["totalCount"] > 0


def test_an_answer_with_data_or_a_passing_error_is_never_kept_as_a_refusal(client: TestClient):
    partial = {"query": '{ country(by: {code: "KOR"}) { name } events(first: 101) { totalCount } }'}
    answers = [client.post("/graphql", json=partial) for _ in range(2)]
    assert [answer.headers["bilateral-cache"] for answer in answers] == ["miss", "miss"]
    assert answers[1].json()["data"]["country"] == {"name": "Republic of Korea"}


def test_introspection_has_a_depth_limit_of_its_own(client: TestClient):
    deep = "{ __schema { types { fields { type " + "{ ofType " * 40 + "{ name }" + " }" * 40 + " } } } }"
    _, body = post(client, {"query": deep})
    assert codes(body) == ["QUERY_TOO_COMPLEX"]
    assert body["errors"][0]["message"] == "the introspection query is 45 fields deep; the limit is 30"


def test_every_accepted_query_reports_its_cost(client: TestClient):
    _, body = post(client, {"query": "{ events(first: 10) { nodes { participants { role } } } }"})
    events = body["data"]["events"]["nodes"]
    returned = len(events) + sum(len(event["participants"]) for event in events)
    assert body["extensions"]["cost"] == {
        "requested": 10 + 10 * 10,  # ten events, each with up to ten participants assumed
        "scanned": 0,
        "actual": returned,  # the objects that came back
        "limit": settings.MAX_COST,
    }


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        (
            {
                "query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
                "variables": {"ids": ["Q291bnRyeTpLT1I"] * 101},
            },
            "BAD_USER_INPUT",
            "`ids` takes at most 100 ids, not 101",
        ),
        (
            {"query": '{ event(slug: "a\\u0000b") { slug } }'},
            None,
            None,
        ),
        (
            {
                "query": "query($f: EventFilter) { events(filter: $f) { totalCount } }",
                "variables": {"f": {"or": [{}] * 101}},
            },
            "BAD_USER_INPUT",
            "`and` and `or` take at most 100 filters",
        ),
        (
            {"query": '{ search(query: "korea ' + "y" * 200 + '") { totalCount } }'},
            "BAD_USER_INPUT",
            "`query` takes words of at most 100 characters",
        ),
        (
            {"query": "query($x: Int) { __typename }", "variables": {"x": 1}},
            "GRAPHQL_VALIDATION_FAILED",
            "Variable '$x' is never used.",
        ),
    ],
)
def test_odd_arguments_are_the_client_s_errors_not_the_server_s(client: TestClient, body, code, message):
    status, got = post(client, body)
    assert status == 200
    if code is None:  # a NUL character: refused where the database cannot take it, answered where it can
        assert got.get("data") == {"event": None} or codes(got) == ["BAD_USER_INPUT"]
        return
    assert codes(got) == [code]
    assert message in got["errors"][0]["message"]


def test_nodes_are_costed_as_the_most_ids_they_take_and_answered_as_the_ids_named(client: TestClient):
    ids = ["Q291bnRyeTpLT1I"] * 50
    _, body = post(client, {"query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", "variables": {"ids": ids}})
    assert body["extensions"]["cost"]["requested"] == settings.MAX_PAGE_SIZE  # `@listSize(assumedSize: 100)`
    assert body["extensions"]["cost"]["actual"] == 50


def test_a_batch_with_an_unknown_persisted_query_answers_each_operation(client: TestClient):
    unknown = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "ab" * 32}}}
    status, body = post(client, [unknown, {"query": NORMAL}])
    assert status == 200
    assert body[0]["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert body[1]["data"] == {"country": {"name": "Canada"}}


def test_a_forged_cursor_with_a_huge_number_is_refused(client: TestClient):
    import base64  # noqa: PLC0415

    payload = b'["sort_date:asc,sort_precision:asc,slug:asc",["2000-01-01",' + b"9" * 30 + b',"x"]]'
    cursor = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    _, body = post(client, {"query": f'{{ events(first: 1, after: "{cursor}") {{ totalCount }} }}'})
    assert codes(body) == ["BAD_USER_INPUT"]


def type_reference(depth: int) -> str:
    """A type reference `depth` levels deep, as IDEs write it to read `[[Int!]!]!` and deeper."""
    return "kind name" + "".join(" ofType { kind name" for _ in range(depth)) + " }" * depth


TOOLS = {
    "graphql-js, every option": get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    ),
    "graphql-js, the defaults": get_introspection_query(),
    "a deeper type reference": "query IntrospectionQuery { __schema { types { name fields(includeDeprecated: true) { "
    f"name args {{ name type {{ {type_reference(12)} }} }} type {{ {type_reference(12)} }} }} }} }} }}",
    "__type": f'{{ __type(name: "Event") {{ fields {{ name type {{ {type_reference(12)} }} }} }} }}',
}


@pytest.mark.parametrize("tool", TOOLS)
def test_every_tool_s_introspection_query_passes_with_room_to_spare(client: TestClient, tool: str):
    status, body = post(client, {"query": TOOLS[tool]})
    assert status == 200
    assert "errors" not in body, body["errors"]
    assert body["data"]


def _plain(kind: Any) -> Any:
    """A short value of an input type, filling only what is required."""
    if isinstance(kind, GraphQLNonNull):
        return _plain(kind.of_type)
    if isinstance(kind, GraphQLList):
        return [_plain(kind.of_type)]
    if isinstance(kind, GraphQLInputObjectType):
        return {name: _plain(field.type) for name, field in kind.fields.items() if is_required_input_field(field)}
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    return {"Int": 1, "Float": 1.0, "Boolean": True}.get(getattr(kind, "name", ""), "x")


def _long_strings(kind: Any, name: str, seen: frozenset[str] = frozenset()) -> Iterator[tuple[str, Any]]:
    """Each place of an input type that takes text, as (its name, a value with a string too long there)."""
    if isinstance(kind, GraphQLNonNull | GraphQLList):
        for where, value in _long_strings(kind.of_type, name, seen):
            yield where, [value] if isinstance(kind, GraphQLList) else value
    elif isinstance(kind, GraphQLInputObjectType) and kind.name not in seen:
        for field_name, field in kind.fields.items():
            for where, value in _long_strings(field.type, field_name, seen | {kind.name}):
                yield where, {**_plain(kind), field_name: value}
    elif isinstance(kind, GraphQLScalarType) and kind.name in ("String", "ID"):
        yield name, "x" * (settings.MAX_STRING_LENGTH + 1)


def _root() -> GraphQLObjectType:
    root = graphql_schema._schema.query_type
    assert root is not None
    return root


ROOT = _root()


def _text_arguments() -> list[tuple[str, str, str, Any]]:
    """Every text argument and input field under the root fields: (root field, argument, where, value)."""
    return [
        (field_name, argument, where, value)
        for field_name, field in ROOT.fields.items()
        for argument, definition in field.args.items()
        for where, value in _long_strings(definition.type, argument)
    ]


TEXT_ARGUMENTS = _text_arguments()


def test_every_text_argument_of_the_schema_is_found():
    places = {where for _, _, where, _ in TEXT_ARGUMENTS}
    assert {
        "contains",
        "query",
        "slug",
        "code",
        "alpha2",
        "id",
        "ids",
        "after",
        "before",
        "eq",
        "in",
        "a",
        "b",
    } <= places


@pytest.mark.parametrize(
    ("field", "argument", "where", "value"), TEXT_ARGUMENTS, ids=[f"{f}.{a}.{w}" for f, a, w, _ in TEXT_ARGUMENTS]
)
def test_every_text_argument_is_bounded_before_the_database(client: TestClient, field, argument, where, value):
    definition = ROOT.fields[field]
    others = {
        name: _plain(other.type)
        for name, other in definition.args.items()
        if name != argument and isinstance(other.type, GraphQLNonNull)
    }
    declared = ", ".join(f"${name}: {definition.args[name].type}" for name in [argument, *others])
    given = ", ".join(f"{name}: ${name}" for name in [argument, *others])
    selection = "" if is_leaf_type(get_named_type(definition.type)) else " { __typename }"
    document = f"query({declared}) {{ {field}({given}){selection} }}"
    status, body = post(client, {"query": document, "variables": {argument: value, **others}})
    assert status == 200
    assert codes(body) == ["BAD_USER_INPUT"], body
    limit = settings.MAX_STRING_LENGTH
    assert body["errors"][0]["message"] == f"`{where}` takes at most {limit} characters, not {limit + 1}"
