"""Fields resolved by a function of `resolvers/`."""

from collections.abc import Callable
from typing import Any

import strawberry


def resolved(*, resolver: Callable[..., Any], description: str) -> Any:
    """A field whose value `resolver` fetches as plain rows; the class annotation gives its GraphQL type.

    Typed `Any` on purpose: the resolver returns rows, the annotation names the type that reads them.
    """
    return strawberry.field(resolver=resolver, description=description)
