"""Fields resolved by a function of `resolvers/`."""

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry import Parent

from resolvers.fetches import computed

# The cost of the database work one resolution of a field asks for, beyond the objects it returns
# (see pipeline/limits.py): counting every matching row, a full-text search, an aggregate.
# Why the `kind` fields of search's kinds gave way to names of their own.
KIND_RENAMED = (
    "Use `{field}`: in a selection over `search`'s items, each kind's own name does not clash with the other "
    "members' `kind`, whose type differs."
)
COUNT = 1000
SEARCH = 1000
AGGREGATE = 1000


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


def column(name: str, *, graphql_name: str, description: str, deprecation_reason: str | None = None) -> Any:
    """A field serving the row's column `name` under a GraphQL name of its own: a name kept for older clients
    beside the one that replaced it, or one that tells it apart from a same-named field of another type."""

    @computed(reads=lambda _typename: [name])
    def resolve(row: Parent[Any]) -> Any:
        return getattr(row, name)

    return strawberry.field(
        resolver=resolve, name=graphql_name, description=description, deprecation_reason=deprecation_reason
    )
