"""Relay connections: pages of a list, with cursors."""

from typing import Any, Generic, TypeVar

import strawberry
from strawberry import Parent

from resolvers.context import Info
from resolvers.fetches import Totals, computed, fetches
from schema.fields import COUNT, resolved

T = TypeVar("T")

# The functions below read a `resolvers.pagination.Page`, which connection fields' resolvers return.


@strawberry.type(description="Where a page stands in its list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether items follow this page.")
    has_previous_page: bool = strawberry.field(description="Whether items precede this page.")
    start_cursor: str | None = strawberry.field(description="The cursor of the page's first item; null if empty.")
    end_cursor: str | None = strawberry.field(description="The cursor of the page's last item; null if empty.")


@strawberry.type(description="An item of a page, with the cursor to page from it.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass as `after` or `before` to page from this item.")
    node: T = strawberry.field(description="The item.")


@computed
def _edges(page: Parent[Any]) -> list[Edge[Any]]:
    return [Edge(cursor=cursor, node=row) for cursor, row in zip(page.cursors, page.rows, strict=True)]


@computed
def _nodes(page: Parent[Any]) -> list[Any]:
    return list(page.rows)


@computed
def page_info(page: Parent[Any]) -> PageInfo:
    cursors = page.cursors
    return PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


TOTALS = Totals()


@fetches(TOTALS)
async def total_count(page: Parent[Any], info: Info) -> int:
    return await TOTALS.load(info.context.loaders, page)


@strawberry.type(
    description="A page of a list. Page forward with `first` and `after`, backward with `last` and `before`."
)
class Connection(Generic[T]):
    edges: list[Edge[T]] = resolved(resolver=_edges, description="The page's items with their cursors.")
    nodes: list[T] = resolved(resolver=_nodes, description="The page's items, without cursors.")
    page_info: PageInfo = resolved(resolver=page_info, description="Where this page stands in the list.")
    total_count: int = resolved(
        resolver=total_count,
        description="How many items the whole list holds, in all pages.",
        cost=COUNT,
        scans=True,
    )
