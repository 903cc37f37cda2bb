"""Fields resolved by a function of `resolvers/`."""

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry import Parent

from resolvers.fetches import computed

# The cost of the database work one resolution of a field asks for, beyond the objects it returns
# (see pipeline/limits.py): counting every matching row, a full-text search, an aggregate.
COUNT = 1000
SEARCH = 1000
AGGREGATE = 1000

# Why a field gave way to another name, `{field}` the name that replaced it: the `kind` of search's kinds, which
# clashed across the members of `SearchItem`; offsets and partial dates named alike.
KIND_RENAMED = (
    "Use `{field}`: in a selection over `search`'s items, each kind's own name does not clash with the other "
    "members' `kind`, whose type differs."
)
OFFSET_RENAMED = "Use `{field}`: offsets into a text are named `…Offset`, partial dates `…Date`."


def resolved(
    *,
    resolver: Callable[..., Any],
    description: str,
    cost: int = 0,
    scans: bool = False,
    deprecation_reason: str | None = None,
) -> Any:
    """A field whose value `resolver` fetches as plain rows; the class annotation gives its GraphQL type.

    `scans`: the field may read every row of its list's table (a count, a window of dates), and costs
    that table's rows instead of `cost` where the table is known.
    Typed `Any` on purpose: the resolver returns rows, the annotation names the type that reads them.
    """
    metadata = {"cost": cost, "scans": scans} if cost or scans else None
    return strawberry.field(
        resolver=resolver, description=description, metadata=metadata, deprecation_reason=deprecation_reason
    )


def former(name: str, replacement: str, why: str, description: str) -> Any:
    """The row's column `name`, served under its former name for older clients beside the field `replacement`
    that now serves it, and deprecated for it; `why` (`KIND_RENAMED`, `OFFSET_RENAMED`) says why it gave way."""

    @computed(reads=lambda _typename: [name])
    def resolve(row: Parent[Any]) -> Any:
        return getattr(row, name)

    return strawberry.field(
        resolver=resolve, name=name, description=description, deprecation_reason=why.format(field=replacement)
    )
