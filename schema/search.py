"""Search results."""

from typing import Annotated, Any, Union

import strawberry

import resolvers.search
from models.registry import searchable
from schema.connection import Connection
from schema.fields import SEARCH, resolved

# Every kind search indexes, each by its type's module (`Event` in `schema/event.py`).
_ITEMS = tuple(Annotated[kind.name, strawberry.lazy(f"schema.{kind.name.lower()}")] for kind in searchable())
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
    item: SearchItem = strawberry.field(description="What matched.")


@strawberry.type
class Queries:
    search: Connection[SearchHit] = resolved(
        resolver=resolvers.search.search,
        description="Full-text search over events, agreements, mechanisms, figures, people and cited passages, "
        "best matches first.",
        cost=SEARCH,
    )
