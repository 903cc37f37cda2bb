"""Fields resolved by a function of `resolvers/`."""

from collections.abc import Callable
from typing import Any

import strawberry

# The cost of the database work one resolution of a field asks for, beyond the objects it returns
# (see pipeline/limits.py): counting every matching row, a full-text search, an aggregate.
COUNT = 1000
SEARCH = 1000
AGGREGATE = 1000


def resolved(*, resolver: Callable[..., Any], description: str, cost: int = 0, scans: bool = False) -> Any:
    """A field whose value `resolver` fetches as plain rows; the class annotation gives its GraphQL type.

    `scans`: the field may read every row of its list's table (a count, a window of dates), and costs
    that table's rows instead of `cost` where the table is known.
    Typed `Any` on purpose: the resolver returns rows, the annotation names the type that reads them.
    """
    metadata = {"cost": cost, "scans": scans} if cost or scans else None
    return strawberry.field(resolver=resolver, description=description, metadata=metadata)
