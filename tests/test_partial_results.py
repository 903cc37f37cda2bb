"""An error in one field costs that field alone: its siblings are answered, and the error names its path."""

from typing import Any

import pytest
from graphql import get_named_type
from starlette.testclient import TestClient

import settings
from schema import graphql_schema

QUERY = graphql_schema._schema.query_type  # strawberry keeps graphql-core's schema there
assert QUERY is not None


def answer(client: TestClient, document: str) -> dict[str, Any]:
    response = client.post("/graphql", json={"query": document})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def coded(body: dict[str, Any]) -> list[tuple[list[str | int], str]]:
    return [(error["path"], error["extensions"]["code"]) for error in body["errors"]]


def test_a_root_connection_refused_leaves_the_other_root_fields(client: TestClient):
    body = answer(client, '{ country(code: "KOR") { name } events(first: 101) { totalCount } }')
    assert body["data"] == {"country": {"name": "Republic of Korea"}, "events": None}
    assert coded(body) == [(["events"], "BAD_USER_INPUT")]


def test_a_nested_connection_refused_leaves_its_parent_and_its_siblings(client: TestClient):
    body = answer(client, '{ country(code: "KOR") { name relations(first: 101) { totalCount } code } }')
    assert body["data"] == {"country": {"name": "Republic of Korea", "relations": None, "code": "KOR"}}
    assert coded(body) == [(["country", "relations"], "BAD_USER_INPUT")]


def test_a_cursor_that_is_not_one_costs_only_its_own_connection(client: TestClient):
    document = """{ relation(between: {a: "KOR", b: "USA"}) { slug events(after: "not-a-cursor") { totalCount }
        agreements { nodes { slug } } } }"""
    body = answer(client, document)
    relation = body["data"]["relation"]
    assert relation["slug"] == "KOR-USA"
    assert relation["events"] is None
    assert relation["agreements"]["nodes"]
    assert coded(body) == [(["relation", "events"], "BAD_USER_INPUT")]


# Every root field that pages, as the schema has it.
ROOT_CONNECTIONS = [
    name for name, field in QUERY.fields.items() if get_named_type(field.type).name.endswith("Connection")
]


@pytest.mark.parametrize("field", ROOT_CONNECTIONS)
def test_each_root_connection_is_nullable_so_its_error_stays_its_own(client: TestClient, field: str):
    arguments = 'query: "summit", first: 101' if field == "search" else "first: 101"
    body = answer(client, f'{{ {field}({arguments}) {{ totalCount }} region(code: "north-america") {{ name }} }}')
    assert body["data"] == {field: None, "region": {"name": "North America"}}
    assert coded(body) == [([field], "BAD_USER_INPUT")]


def test_a_page_asked_for_with_no_size_holds_the_default(client: TestClient):
    body = answer(client, "{ events { totalCount nodes { slug } pageInfo { hasNextPage } } }")
    events = body["data"]["events"]
    assert events["totalCount"] > settings.DEFAULT_PAGE_SIZE
    assert len(events["nodes"]) == settings.DEFAULT_PAGE_SIZE
    assert events["pageInfo"]["hasNextPage"]


def test_a_nested_query_that_pages_nothing_runs(client: TestClient):
    document = """{ countries { nodes { code relations { nodes { slug events { nodes { slug
        participants { role } } } } } } } }"""
    body = answer(client, document)
    assert "errors" not in body, body["errors"]
    relations = [
        relation for country in body["data"]["countries"]["nodes"] for relation in country["relations"]["nodes"]
    ]
    assert relations
    assert all(relation["events"]["nodes"] for relation in relations)
    assert body["extensions"]["cost"]["requested"] <= settings.MAX_COST
