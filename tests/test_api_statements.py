"""No N+1: the statements a query costs depend on its shape, never on how many rows it returns."""

import pytest
from starlette.testclient import TestClient

from tests.graphql import query, statements

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
    assert len(one) == len(every)
    # The data version (for caching), the page, then one per level: relations, events, participants,
    # countries, citations.
    assert len(every) == 7


def test_loaders_batch_across_sibling_fields(client: TestClient):
    with statements(client) as seen:
        query(client, "{ agreements { parties { code } relation { slug } events { slug } themes { name } } }")
    assert len(seen) == 6  # the data version, the agreements, and one statement per field
