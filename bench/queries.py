"""The fixed query set, from a one-field lookup to the page a front end sends, and the floor route of each.

The ids and the cursor the queries take are asked of the API first, as a client would have them from
an earlier response: `discover` builds the set from two small requests.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

SMALL = '{ country(by: {code: "SYN001"}) { name } }'

MEDIUM = """
query Medium($id: ID!) {
  node(id: $id) {
    ... on Relation {
      slug
      status
      established { text precision }
      events(first: 20) {
        nodes {
          slug title kind date { text precision }
          participants { role basis country { code name } }
          citations { excerpt start end }
        }
      }
      citations { excerpt start end }
    }
  }
}
"""

LARGE = """
{ countries(first: 20) { nodes { code name relations(first: 10) { nodes { slug status
  events(first: 10) { nodes { slug title kind date { text precision }
  participants { role country { code } } } } } } } } }
"""

FILTERED = """
query Filtered($id: ID!, $after: String) {
  node(id: $id) {
    ... on Relation {
      slug
      events(
        filter: {kind: {in: [SUMMIT, WAR, AGREEMENT_SIGNED, AGREEMENT_ADOPTED, DISRUPTION, SECURITY_THREAT]}}
        orderBy: [{field: DATE, direction: DESC}]
        first: 10
        after: $after
      ) {
        totalCount
        edges { cursor node { slug title kind date { text precision } participants { role country { code } } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""

# The relation the medium and filtered queries read: the first of the first country, by code.
FIRST_RELATION = '{ country(by: {code: "SYN001"}) { relations(first: 1) { nodes { id } } } }'

Post = Callable[[str, bytes], Awaitable[bytes]]
"""Send a request body to a path of the API, and get the response body back."""


@dataclass(frozen=True)
class Query:
    """One query of the set: its GraphQL request, and the floor route that answers the same data, if any."""

    name: str
    document: str
    variables: dict[str, Any] = field(default_factory=dict)
    floor: str | None = None
    same_data: bool = False  # whether the floor's route answers this very query, or only a baseline (hello)

    @property
    def body(self) -> bytes:
        """The POST body sent for it, to the API and to its floor route alike."""
        return orjson.dumps({"query": self.document, "variables": self.variables})


@dataclass(frozen=True)
class QuerySet:
    small: Query
    medium: Query
    large: Query
    filtered: Query

    def __iter__(self) -> Any:
        return iter((self.small, self.medium, self.large, self.filtered))

    def named(self, name: str) -> Query:
        query: Query = getattr(self, name)
        return query


NAMES = ("small", "medium", "large", "filtered")


async def discover(post: Post) -> QuerySet:
    """The query set, with the relation id and the second page's cursor asked of the API behind `post`."""
    found = await _data(post, Query("first relation", FIRST_RELATION))
    relation_id = found["country"]["relations"]["nodes"][0]["id"]
    first_page = Query("filtered", FILTERED, {"id": relation_id, "after": None})
    events = (await _data(post, first_page))["node"]["events"]
    if not events["pageInfo"]["hasNextPage"]:
        raise RuntimeError("the filtered query's relation has a single page of events: the data set is not the one")
    return QuerySet(
        small=Query("small", SMALL, floor="/hello"),
        medium=Query("medium", MEDIUM, {"id": relation_id}, floor="/medium", same_data=True),
        large=Query("large", LARGE, floor="/large", same_data=True),
        filtered=replace(first_page, variables={"id": relation_id, "after": events["pageInfo"]["endCursor"]}),
    )


async def _data(post: Post, query: Query) -> Any:
    body = orjson.loads(await post("/graphql", query.body))
    if "errors" in body or not body.get("data"):
        raise RuntimeError(f"the API answered the {query.name} query with {str(body)[:500]}")
    return body["data"]
