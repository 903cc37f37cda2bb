"""Full-text search, the timeline and event statistics."""

from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from models.text import words
from seeds.search_index import documents
from tests.graphql import errors, query, statements

SEARCH = """
query($query: String!, $first: Int, $after: String) {
  search(query: $query, first: $first, after: $after) {
    totalCount
    edges { cursor rank snippet node {
      __typename
      ... on Event { slug } ... on Agreement { slug } ... on Mechanism { slug }
      ... on Statistic { slug } ... on Person { slug } ... on Citation { excerpt }
    } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def hits(client: TestClient, text: str) -> list[dict[str, Any]]:
    found, after = [], None
    while True:
        page = query(client, SEARCH, query=text, first=5, after=after)["search"]
        found += page["edges"]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def _key(item: dict[str, Any]) -> tuple[str, str]:
    return item["__typename"], item.get("slug") or item["excerpt"]


def test_nuclear_finds_the_agreement_the_commission_and_the_north_korea_passage(client: TestClient):
    items = [hit["node"] for hit in hits(client, "nuclear")]
    keys = {_key(item) for item in items}
    assert ("Agreement", "nuclear-energy-cooperation-agreement-2015") in keys
    assert ("Mechanism", "high-level-commission-on-nuclear-energy") in keys
    assert any(kind == "Citation" and "North Korean Nuclear problem" in text for kind, text in keys)
    assert len(items) == len(keys)  # paging visited each hit once


@pytest.mark.parametrize("text", ["nuclear", "Nuclear Energy", "summit 2017", "Canada", "JAPAN'S defeat", "Geun-hye"])
def test_a_search_finds_exactly_the_documents_holding_every_word(client: TestClient, read_engine: sa.Engine, text: str):
    wanted = set(words(text))
    with read_engine.connect() as connection:
        expected = sorted(
            (document["subject_type"], document["body"])
            for document in documents(connection)
            if wanted <= set(document["terms"].split())
        )
    found = hits(client, text)
    assert len(found) == len(expected) > 0
    assert query(client, SEARCH, query=text, first=0)["search"]["totalCount"] == len(expected)


def test_hits_come_best_first_with_marked_snippets(client: TestClient):
    found = hits(client, "defense ministers")
    ranks = [hit["rank"] for hit in found]
    assert ranks == sorted(ranks, reverse=True)
    mechanism = next(hit for hit in found if hit["node"].get("slug") == "foreign-and-defense-ministers-2-plus-2")
    assert mechanism["snippet"].startswith("Foreign and <mark>Defense</mark> <mark>Ministers</mark>&#x27; 2+2 meetings")


def test_a_search_without_words_is_refused(client: TestClient):
    [error] = errors(client, SEARCH, query=" ?! ")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "query", "coordinate": "Query.search(query:)"}


TIMELINE = """
query($countries: [String!], $from: Int, $to: Int, $kinds: [EventKind!]) {
  timeline(countries: $countries, from: $from, to: $to, kinds: $kinds) { nodes { slug date { text } } }
}
"""


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        (
            {"countries": ["CAN"], "from": 1950, "to": 1970},
            ["canadian-troops-korean-war", "korean-war", "diplomatic-relations-established-1963"],
        ),
        ({"from": 1960, "to": 1969}, ["economic-growth-1960s-1970s", "diplomatic-relations-established-1963"]),
        (
            {"kinds": ["SUMMIT"], "from": 2014},
            ["summit-2015", "summit-2017", "summit-2017-economic-cooperation"],
        ),
        ({"countries": ["JOSEON"]}, ["relations-begin-1882"]),
    ],
)
def test_the_timeline_shows_what_overlaps_the_window_in_date_order(client: TestClient, variables, expected):
    assert [node["slug"] for node in query(client, TIMELINE, **variables)["timeline"]["nodes"]] == expected


@pytest.mark.one_page
def test_the_timeline_leaves_out_what_has_no_date(client: TestClient):
    document = "{ timeline(first: 100) { nodes { slug date { text } endDate { text } } } }"
    nodes = query(client, document)["timeline"]["nodes"]
    assert len(nodes) == 17  # 19 events; two have neither a date nor an end date
    assert all(node["date"] or node["endDate"] for node in nodes)


def test_the_timeline_pages_backward_through_what_it_pages_forward(client: TestClient):
    forward = [
        node["slug"] for node in query(client, "{ timeline(first: 100) { nodes { slug } } }")["timeline"]["nodes"]
    ]
    page = """query($before: String) { timeline(last: 5, before: $before) {
        nodes { slug } pageInfo { hasPreviousPage startCursor } } }"""
    backward: list[str] = []
    before = None
    while True:
        timeline = query(client, page, before=before)["timeline"]
        backward = [node["slug"] for node in timeline["nodes"]] + backward
        if not timeline["pageInfo"]["hasPreviousPage"]:
            break
        before = timeline["pageInfo"]["startCursor"]
    assert backward == forward


def test_search_pages_backward_through_what_it_pages_forward(client: TestClient):
    hits = "edges { title node { ... on Node { id } } } pageInfo { hasPreviousPage startCursor }"
    forward = query(client, f'{{ search(query: "korea", first: 100) {{ {hits} }} }}')["search"]["edges"]
    page = f'query($before: String) {{ search(query: "korea", last: 4, before: $before) {{ {hits} }} }}'
    backward: list[dict[str, Any]] = []
    before = None
    while True:
        found = query(client, page, before=before)["search"]
        backward = found["edges"] + backward
        if not found["pageInfo"]["hasPreviousPage"]:
            break
        before = found["pageInfo"]["startCursor"]
    assert len(forward) > 4
    assert backward == forward


def test_the_timeline_takes_the_filter_events_take(client: TestClient):
    document = """{ timeline(countries: ["USA"], filter: {kind: {eq: SUMMIT}, title: {contains: "2015"}}) {
        nodes { slug } } }"""
    assert [node["slug"] for node in query(client, document)["timeline"]["nodes"]] == ["summit-2015"]


STATS = "eventStats { byKind { kind count } byDecade { decade count } byTheme { theme { slug } count } }"


def test_event_statistics_of_a_relation(client: TestClient):
    stats = query(client, f'{{ relation(between: {{a: "KOR", b: "USA"}}) {{ {STATS} }} }}')["relation"]["eventStats"]
    assert sum(row["count"] for row in stats["byKind"]) == 15
    # Four summits (2013, 2015, the 2017 meeting in Washington D.C. and "the Summit in 2017", which the page never
    # says are one) and three signings, most frequent first.
    assert stats["byKind"][:2] == [{"kind": "SUMMIT", "count": 4}, {"kind": "AGREEMENT_SIGNED", "count": 3}]
    # Dated by their first day: relations put on hold "during Japanese Imperial rule" are known by their end only.
    assert stats["byDecade"] == [
        {"decade": 2010, "count": 5},
        {"decade": 1940, "count": 2},
        {"decade": 1950, "count": 2},
        {"decade": 2000, "count": 2},
        {"decade": 1880, "count": 1},
        {"decade": 1960, "count": 1},
    ]
    assert stats["byTheme"][0] == {"theme": {"slug": "security"}, "count": 6}


def test_event_statistics_of_a_country(client: TestClient):
    stats = query(client, f'{{ country(code: "CAN") {{ {STATS} }} }}')["country"]["eventStats"]
    assert sorted((row["kind"], row["count"]) for row in stats["byKind"]) == [
        ("DISRUPTION", 1),
        ("MILITARY_DEPLOYMENT", 1),
        ("RELATIONS_BEGAN", 1),  # the missionaries and teachers: Canada's part is inferred
        ("RELATIONS_ESTABLISHED", 1),
        ("WAR", 1),
    ]


def test_statistics_of_every_relation_cost_a_statement_per_count(client: TestClient):
    with statements(client) as seen:
        query(client, f"{{ relations {{ nodes {{ {STATS} }} }} }}")
    assert len(seen) == 5  # the page, three counts, and the themes
