"""Dates at the ends of the order: an event known only by its end, and events with no date at all."""

import pytest
from starlette.testclient import TestClient

from tests.graphql import query

EVENTS = """
query($filter: EventFilter, $orderBy: [EventOrder!], $first: Int, $last: Int) {
  events(filter: $filter, orderBy: $orderBy, first: $first, last: $last) { nodes { slug } }
}
"""
TIMELINE = "query($from: Int, $to: Int) { timeline(from: $from, to: $to) { nodes { slug } } }"
# Relations were put on hold during Japanese rule, which "ended in 1945"; the page does not say when it began.
ON_HOLD = "relations-on-hold-japanese-rule"
UNDATED = ["nuclear-tests-and-missile-launches", "canadian-missionaries-and-teachers"]


def slugs(client: TestClient, document: str = EVENTS, **variables: object) -> list[str]:
    data = query(client, document, **variables)
    return [node["slug"] for node in next(iter(data.values()))["nodes"]]


def test_an_event_known_only_by_its_end_sorts_at_its_end(client: TestClient):
    in_order = slugs(client)
    assert in_order[in_order.index(ON_HOLD) - 1 : in_order.index(ON_HOLD) + 2] == [
        "japanese-rule-ends-1945",
        ON_HOLD,
        "relations-resume-1945",
    ]
    assert in_order.index("relations-begin-1882") == in_order.index(ON_HOLD) - 2


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        ((1940, 1946), ["japanese-rule-ends-1945", ON_HOLD, "relations-resume-1945"]),
        ((1945, 1945), ["japanese-rule-ends-1945", ON_HOLD, "relations-resume-1945"]),
        ((1946, 1949), []),
    ],
)
def test_a_window_holds_an_event_known_only_by_its_end_when_it_holds_that_end(client: TestClient, years, expected):
    start, end = years
    assert slugs(client, TIMELINE, **{"from": start, "to": end}) == expected
    assert slugs(client, filter={"date": {"from": start, "to": end}}) == expected


def test_undated_events_come_last_going_up_and_going_down(client: TestClient):
    latest = slugs(client, orderBy=[{"field": "DATE", "direction": "DESC"}], first=5)
    assert latest == [
        "covid-19-restrictions-2020",
        "summit-2017-economic-cooperation",
        "summit-2017",
        "summit-2015",
        "nuclear-energy-agreement-signed-2015",
    ]
    going_down = slugs(client, orderBy=[{"field": "DATE", "direction": "DESC"}], first=100)
    going_up = slugs(client, orderBy=[{"field": "DATE", "direction": "ASC"}], first=100)
    assert sorted(going_down[-2:]) == sorted(going_up[-2:]) == sorted(UNDATED)
    assert going_down[:-2] == list(reversed(going_up[:-2]))


@pytest.mark.one_page
def test_dated_leaves_out_events_with_no_date_at_all(client: TestClient):
    dated = slugs(client, filter={"dated": True}, first=100)
    assert len(dated) == 17
    assert ON_HOLD in dated
    assert sorted(slugs(client, filter={"dated": False}, first=100)) == sorted(UNDATED)
