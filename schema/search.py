"""Search results."""

from typing import Annotated, Any, Union

import strawberry
from strawberry import Parent

import resolvers.search
from models.registry import searchable
from resolvers.fetches import computed
from schema.connection import PageInfo, page_info, total_count
from schema.entity import lazy
from schema.fields import COUNT, SEARCH, resolved

# Every kind search indexes, in the registry's order.
_ITEMS = tuple(lazy(entity) for entity in searchable())
_FOUND = [entity.plural for entity in searchable()]
SearchItem: Any = Annotated[
    Union[_ITEMS],  # noqa: UP007 -- a union of a tuple built at import time has no `|` form
    strawberry.union("SearchItem", description="Anything search can find; a cited passage is found as its Citation."),
]


@computed
def _edges(page: Parent[Any]) -> list["SearchItemEdge"]:
    return [
        SearchItemEdge(cursor=cursor, node=hit.item, rank=hit.rank, snippet=hit.snippet, title=hit.title)
        for cursor, hit in zip(page.cursors, page.rows, strict=True)
    ]


@computed
def _nodes(page: Parent[Any]) -> list[Any]:
    return [hit.item for hit in page.rows]


@strawberry.type(
    description="One search result: what matched, with how well and where, and the cursor to page from it."
)
class SearchItemEdge:
    cursor: str = strawberry.field(description="Pass as `after` or `before` to page from this result.")
    node: SearchItem = strawberry.field(description="What matched.")
    rank: float = strawberry.field(
        description="How well it matches, higher is better; comparable only within one search and one database."
    )
    snippet: str = strawberry.field(
        description="A passage of the matching text, HTML-escaped, with the matched words in `<mark>` elements."
    )
    title: str = strawberry.field(
        description="The title or name of what matched, as search indexed it (a passage's own words for a passage)."
    )


@strawberry.type(
    description="A page of search results, best first. Page forward with `first` and `after`, backward with `last` "
    "and `before`; each edge says how well its item matched."
)
class SearchItemConnection:
    edges: list[SearchItemEdge] = resolved(
        resolver=_edges, description="The page's results, with how well each matched."
    )
    nodes: list[SearchItem] = resolved(resolver=_nodes, description="What the page's results found, best first.")
    page_info: PageInfo = resolved(resolver=page_info, description="Where this page stands in the list.")
    total_count: int = resolved(
        resolver=total_count,
        description="How many results the whole search holds, in all pages.",
        cost=COUNT,
        scans=True,
    )


@strawberry.type
class Queries:
    search: SearchItemConnection | None = resolved(
        resolver=resolvers.search.search,
        description=f"Full-text search over {', '.join(_FOUND[:-1])} and {_FOUND[-1]}, best matches first.",
        cost=SEARCH,
    )
