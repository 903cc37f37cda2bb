"""Connections page forward and backward through every item exactly once."""

import pytest
from starlette.testclient import TestClient

from tests.graphql import errors, query

PAGE = """
query($first: Int, $after: String, $last: Int, $before: String) {
  events(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { slug } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


def all_events(client: TestClient) -> list[str]:
    return [n["slug"] for n in query(client, "{ events(first: 100) { nodes { slug } } }")["events"]["nodes"]]


@pytest.mark.one_page
def test_walking_forward_three_at_a_time_visits_every_event_once_in_order(client: TestClient):
    expected = all_events(client)
    seen, after, pages = [], None, 0
    while True:
        events = query(client, PAGE, first=3, after=after)["events"]
        assert events["totalCount"] == len(expected) == 19
        seen += [edge["node"]["slug"] for edge in events["edges"]]
        pages += 1
        assert events["pageInfo"]["hasPreviousPage"] == (after is not None)
        if not events["pageInfo"]["hasNextPage"]:
            break
        after = events["pageInfo"]["endCursor"]
        assert after == events["edges"][-1]["cursor"]
    assert seen == expected
    assert pages == 7


def test_walking_backward_visits_every_event_once_in_order(client: TestClient):
    expected = all_events(client)
    seen: list[str] = []
    before = None
    while True:
        events = query(client, PAGE, last=5, before=before)["events"]
        seen = [edge["node"]["slug"] for edge in events["edges"]] + seen
        if not events["pageInfo"]["hasPreviousPage"]:
            break
        before = events["pageInfo"]["startCursor"]
    assert seen == expected


def test_nested_connections_page_too(client: TestClient):
    document = """query($after: String) { relation(between: {a: "KOR", b: "USA"}) {
        events(first: 4, after: $after) { totalCount nodes { slug } pageInfo { hasNextPage endCursor } } } }"""
    first = query(client, document)["relation"]["events"]
    second = query(client, document, after=first["pageInfo"]["endCursor"])["relation"]["events"]
    everything = query(client, '{ relation(between: {a: "KOR", b: "USA"}) { events(first: 100) { nodes { slug } } } }')
    expected = [n["slug"] for n in everything["relation"]["events"]["nodes"]]
    assert [n["slug"] for n in first["nodes"] + second["nodes"]] == expected[:8]
    assert first["totalCount"] == len(expected) == 15


def test_an_empty_page_has_no_cursors(client: TestClient):
    events = query(client, PAGE, first=0)["events"]
    assert events["edges"] == []
    assert events["pageInfo"] == {
        "hasNextPage": True,
        "hasPreviousPage": False,
        "startCursor": None,
        "endCursor": None,
    }


def test_more_than_100_items_is_refused_not_clamped(client: TestClient):
    for arguments in ({"first": 101}, {"last": 1000}, {"first": -1}):
        [error] = errors(client, PAGE, **arguments)
        name = next(iter(arguments))
        coordinate = f"Query.events({name}:)"
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": name, "coordinate": coordinate}
        assert f"`{name}` must be between 0 and 100" in error["message"]


def test_a_forged_cursor_is_refused(client: TestClient):
    [error] = errors(client, PAGE, first=3, after="bm90LWEtY3Vyc29y")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after", "coordinate": "Query.events(after:)"}
    assert "is not a cursor this API issued" in error["message"]


def test_a_refused_page_size_is_named_by_its_schema_coordinate_and_spares_its_siblings(client: TestClient):
    document = (
        "{ events(first: 1) { nodes { slug } } relations(first: 1) { nodes { events(first: 500) { totalCount } } } }"
    )
    response = client.post("/graphql", json={"query": document})
    assert response.status_code == 200
    body = response.json()
    [error] = body["errors"]
    assert error["extensions"]["coordinate"] == "Relation.events(first:)"  # not the other `first`s
    assert error["message"].endswith("(`Relation.events(first:)`)")
    assert len(body["data"]["events"]["nodes"]) == 1
