"""Fields resolved by a function of `resolvers/`."""

from collections.abc import Callable
from typing import Any

import strawberry

# The cost of the database work one resolution of a field asks for, beyond the objects it returns
# (see schema/limits.py): counting every matching row, a full-text search, an aggregate.
COUNT = 1000
SEARCH = 1000
AGGREGATE = 1000


def resolved(*, resolver: Callable[..., Any], description: str, cost: int = 0) -> Any:
    """A field whose value `resolver` fetches as plain rows; the class annotation gives its GraphQL type.

    Typed `Any` on purpose: the resolver returns rows, the annotation names the type that reads them.
    """
    metadata = {"cost": cost} if cost else None
    return strawberry.field(resolver=resolver, description=description, metadata=metadata)
