"""Typed filters, orderings and keyset cursors, checked against what the source says."""

import pytest
from starlette.testclient import TestClient

from tests.graphql import errors, query, statements

EVENTS = """
query($filter: EventFilter, $orderBy: [EventOrder!], $first: Int, $after: String) {
  events(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    nodes { slug }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def slugs(client: TestClient, **variables) -> list[str]:
    """The slugs of every matching event: one page of the most a page holds."""
    return [node["slug"] for node in query(client, EVENTS, **{"first": 100, **variables})["events"]["nodes"]]


def test_summits_of_korea_and_the_us_between_2000_and_2020(client: TestClient):
    found = slugs(
        client,
        filter={"kind": {"in": ["SUMMIT"]}, "relation": {"eq": "KOR-USA"}, "date": {"from": 2000, "to": 2020}},
    )
    # The 2015 summit is a summit too: the page gives it no place and names no people. The 2017 meeting in
    # Washington D.C. and "the Summit in 2017" are two records: the page never says they are one.
    assert found == ["summit-2013", "summit-2015", "summit-2017", "summit-2017-economic-cooperation"]


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ({"from": 1952, "to": 1952}, ["canadian-troops-korean-war", "korean-war"]),  # 1950 to 1953
        ({"from": 1965, "to": 1965}, ["economic-growth-1960s-1970s"]),  # the 1960s and 1970s
        ({"from": 2016}, ["summit-2017", "summit-2017-economic-cooperation", "covid-19-restrictions-2020"]),
        ({"to": 1882}, ["relations-begin-1882"]),
        ({"from": 1800, "to": 1881}, []),
    ],
)
def test_a_date_range_matches_every_date_that_overlaps_it(client: TestClient, date, expected):
    assert slugs(client, filter={"date": date}) == expected


@pytest.mark.one_page
def test_undated_events_match_no_date_range(client: TestClient):
    everything = slugs(client, filter={"date": {"from": 1, "to": 9999}})
    assert "nuclear-tests-and-missile-launches" not in everything
    assert "canadian-missionaries-and-teachers" not in everything
    assert len(everything) == 17  # 19 events, 2 of them with neither a date nor an end


@pytest.mark.one_page
@pytest.mark.parametrize(
    ("event_filter", "expected"),
    [
        ({"kind": {"eq": "WAR"}}, ["korean-war"]),
        ({"kind": {"in": []}}, []),
        ({"title": {"contains": "SUMMIT"}}, ["summit-2013", "summit-2015", "summit-2017-economic-cooperation"]),
        ({"title": {"contains": "100%"}}, []),
        ({"participant": {"person": {"eq": "moon-jae-in"}}}, ["summit-2017"]),
        ({"participant": {"country": {"in": ["JOSEON"]}}}, ["relations-begin-1882"]),
        ({"theme": {"eq": "people-to-people"}}, ["covid-19-restrictions-2020", "canadian-missionaries-and-teachers"]),
        ({"agreement": {"eq": "korus-fta"}}, ["korus-fta-signed"]),
        (
            {"or": [{"kind": {"eq": "WAR"}}, {"kind": {"eq": "DISRUPTION"}}]},
            ["korean-war", "covid-19-restrictions-2020"],
        ),
        (
            {"not": {"relation": {"eq": "KOR-USA"}}},
            [
                "canadian-troops-korean-war",
                "diplomatic-relations-established-1963",
                "covid-19-restrictions-2020",
                "canadian-missionaries-and-teachers",
            ],
        ),
        (
            {"and": [{"relation": {"eq": "CAN-KOR"}}, {"participant": {"country": {"eq": "KOR"}}}]},
            ["canadian-troops-korean-war", "diplomatic-relations-established-1963", "covid-19-restrictions-2020"],
        ),
        ({"or": []}, []),
    ],
)
def test_each_event_filter(client: TestClient, event_filter, expected):
    assert slugs(client, filter=event_filter) == expected


def test_filters_apply_to_nested_connections_and_their_counts(client: TestClient):
    data = query(
        client,
        """{
          relation(between: {a: "KOR", b: "USA"}) { events(filter: {kind: {eq: SUMMIT}}) { totalCount nodes { slug } } }
          country(code: "CAN") {
            events(filter: {date: {to: 1960}}) { nodes { slug } }
            relations(filter: {status: {eq: DIPLOMATIC}}) { nodes { slug } }
          }
        }""",
    )
    assert data["relation"]["events"]["totalCount"] == 4
    assert [n["slug"] for n in data["country"]["events"]["nodes"]] == ["canadian-troops-korean-war", "korean-war"]
    assert data["country"]["relations"]["nodes"] == [{"slug": "CAN-KOR"}]


@pytest.mark.one_page
@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ('{ relations(filter: {country: {eq: "CAN"}}) { nodes { slug } } }', ["CAN-KOR"]),
        ("{ relations(filter: {status: {eq: ALLIANCE}}) { nodes { slug } } }", ["KOR-USA"]),
        ("{ relations(filter: {established: {from: 1960, to: 1969}}) { nodes { slug } } }", ["CAN-KOR"]),
        ('{ countries(filter: {region: {eq: "north-america"}}) { nodes { code } } }', ["CAN", "USA"]),
        ("{ countries(filter: {historical: true}) { nodes { code } } }", ["JOSEON"]),
        ('{ countries(filter: {name: {contains: "korea"}}) { nodes { code } } }', ["KOR", "PRK"]),
        (
            '{ countries(filter: {not: {code: {in: ["KOR", "USA", "CAN"]}}}, orderBy: [{field: NAME}]) '
            "{ nodes { code } } }",
            ["PRK", "JPN", "JOSEON"],
        ),
        (
            '{ agreements(filter: {party: {eq: "JOSEON"}}) { nodes { slug } } }',
            ["treaty-of-friendship-commerce-and-navigation-1882"],
        ),
        ("{ agreements(filter: {signed: {from: 2000, to: 2010}}) { nodes { slug } } }", ["korus-fta"]),
        (
            "{ agreements(filter: {kind: {in: [JOINT_DECLARATION, JOINT_STATEMENT]}}) { nodes { slug } } }",
            ["joint-declaration-60th-anniversary", "joint-statement-2017"],
        ),
        ('{ people(filter: {country: {eq: "USA"}}) { nodes { slug } } }', ["barack-obama", "donald-trump"]),
        ('{ people(filter: {name: {contains: "jae"}}) { nodes { slug } } }', ["moon-jae-in"]),
        (
            "{ mechanisms(filter: {level: {eq: MINISTERIAL}}) { nodes { slug } } }",
            ["foreign-and-defense-ministers-2-plus-2", "north-korea-consultations-ministerial"],
        ),
        (
            '{ mechanisms(filter: {theme: {eq: "nuclear-energy"}}) { nodes { slug } } }',
            ["high-level-commission-on-nuclear-energy"],
        ),
    ],
)
def test_each_filter_of_the_other_lists(client: TestClient, document, expected):
    data = query(client, document)
    items = next(iter(data.values()))["nodes"]
    assert [next(iter(item.values())) for item in items] == expected


def test_ordering_by_title_and_by_date_descending(client: TestClient):
    by_title = slugs(client, orderBy=[{"field": "TITLE"}], filter={"relation": {"eq": "CAN-KOR"}})
    assert by_title == [
        "canadian-troops-korean-war",
        "diplomatic-relations-established-1963",
        "covid-19-restrictions-2020",
        "canadian-missionaries-and-teachers",
    ]
    latest_first = slugs(client, orderBy=[{"field": "DATE", "direction": "DESC"}], filter={"date": {"from": 2015}})
    assert latest_first == [
        "covid-19-restrictions-2020",
        "summit-2017-economic-cooperation",
        "summit-2017",
        "summit-2015",
        "nuclear-energy-agreement-signed-2015",
    ]


@pytest.mark.one_page
@pytest.mark.parametrize(
    "order_by",
    [
        [{"field": "DATE"}],
        [{"field": "DATE", "direction": "DESC"}],
        [{"field": "TITLE", "direction": "DESC"}],
        [{"field": "KIND"}, {"field": "DATE", "direction": "DESC"}],
    ],
)
def test_keyset_pages_visit_every_event_once_in_any_order(client: TestClient, order_by):
    expected = slugs(client, orderBy=order_by)
    seen, after = [], None
    while True:
        page = query(client, EVENTS, orderBy=order_by, first=4, after=after)["events"]
        seen += [node["slug"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == expected
    assert len(seen) == 19


def test_a_cursor_of_another_ordering_is_refused(client: TestClient):
    cursor = query(client, EVENTS, first=1)["events"]["pageInfo"]["endCursor"]
    [error] = errors(client, EVENTS, first=1, after=cursor, orderBy=[{"field": "TITLE"}])
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after", "coordinate": "Query.events(after:)"}
    assert "another ordering" in error["message"]


@pytest.mark.parametrize("cursor", ["forged", "WyJ4Il0", "eyJhIjoxfQ", "WyJzb3J0X2RhdGU6YXNjIiwgWzEsMiwzXV0"])
def test_a_forged_cursor_is_refused(client: TestClient, cursor):
    [error] = errors(client, EVENTS, first=1, after=cursor)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "after", "coordinate": "Query.events(after:)"}


def test_an_unknown_order_field_is_a_validation_error(client: TestClient):
    [error] = errors(client, "{ events(orderBy: [{field: PLACE}]) { totalCount } }")
    assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ({"from": 2020, "to": 2000}, "`date.from` (2020) is after `date.to` (2000)"),
        ({"from": 0}, "`date` years must be between 1 and 9999, not 0"),
        ({"to": 10000}, "`date` years must be between 1 and 9999, not 10000"),
    ],
)
def test_an_impossible_range_is_a_clear_error(client: TestClient, date, message):
    [error] = errors(client, EVENTS, filter={"date": date})
    assert error["message"] == f"{message} (`Query.events`)"  # the field that takes the filter
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


def test_filters_nest_only_so_deep(client: TestClient):
    deep: dict[str, object] = {"kind": {"eq": "WAR"}}
    for _ in range(7):
        deep = {"not": deep}
    [error] = errors(client, EVENTS, filter=deep)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "nest at most" in error["message"]


def test_nested_filtered_connections_cost_one_statement_per_level(client: TestClient):
    document = """{ relations(first: 100) { nodes {
        events(filter: {kind: {in: [SUMMIT, WAR]}}, orderBy: [{field: TITLE}]) { nodes { participants { role } } }
    } } }"""
    with statements(client) as seen:
        query(client, document)
    assert len(seen) == 1  # the relations, their events and participants in one statement


@pytest.mark.one_page
def test_not_keeps_the_rows_whose_field_is_empty(client: TestClient):
    # 16 events have no agreement or another one: NOT must keep them, though `agreement` is NULL for most.
    assert len(slugs(client, filter={"not": {"agreement": {"eq": "korus-fta"}}})) == 18
    document = "{ mechanisms(filter: {not: {level: {eq: MINISTERIAL}}}) { nodes { slug } } }"
    assert len(query(client, document)["mechanisms"]["nodes"]) == 5
