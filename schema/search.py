"""Search results."""

from typing import Annotated, Any, Union

import strawberry

import resolvers.search
from models.registry import searchable
from schema.connection import Connection
from schema.entity import lazy
from schema.fields import SEARCH, resolved

# Every kind search indexes, in the registry's order.
_ITEMS = tuple(lazy(entity) for entity in searchable())
_FOUND = [entity.plural for entity in searchable()]
SearchItem: Any = Annotated[
    Union[_ITEMS],  # noqa: UP007 -- a union of a tuple built at import time has no `|` form
    strawberry.union("SearchItem", description="Anything search can find; a cited passage is found as its Citation."),
]


@strawberry.type(description="One search result.")
class SearchHit:
    rank: float = strawberry.field(
        description="How well it matches, higher is better; comparable only within one search and one database."
    )
    snippet: str = strawberry.field(
        description="A passage of the matching text, HTML-escaped, with the matched words in `<mark>` elements."
    )
    title: str = strawberry.field(
        description="The title or name of what matched, as search indexed it (a passage's own words for a passage)."
    )
    item: SearchItem = strawberry.field(description="What matched.")


@strawberry.type
class Queries:
    search: Connection[SearchHit] | None = resolved(
        resolver=resolvers.search.search,
        description=f"Full-text search over {', '.join(_FOUND[:-1])} and {_FOUND[-1]}, best matches first.",
        cost=SEARCH,
    )
