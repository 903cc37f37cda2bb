"""Leaf values exactly as normal execution writes them, or a refusal to guess.

Each leaf type gets a converter that takes the common case (a `str` for a `String`, an `int` in
range for an `Int`) as it is and hands anything else to the type's own `coerce_output_value`, as
graphql-core's execution does. A value the type cannot represent, or a null where the type forbids
one, raises `Fallback`: normal execution then answers, with its own errors and null propagation.
"""

import math
from collections.abc import Callable
from typing import Any

from graphql import GraphQLBoolean, GraphQLEnumType, GraphQLFloat, GraphQLID, GraphQLInt, GraphQLLeafType, GraphQLString
from graphql.pyutils import Undefined

Convert = Callable[[Any], Any]
_INT_RANGE = (-(2**31), 2**31 - 1)


class Fallback(Exception):
    """The compiled read path does not answer this operation; normal execution does.

    `reason` says where and why, for people; `kind` is one fixed word for counting: `unsupported` (a shape
    the planner does not plan), `variables` (values that do not fit the operation) or `data` (a value it
    cannot prove is served unchanged).
    """

    def __init__(self, reason: str, kind: str = "unsupported") -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


def converter(kind: GraphQLLeafType, where: str) -> Convert:
    """How to write a non-null value of `kind` (the field at `where` names it in a refusal)."""

    def coerced(value: Any) -> Any:
        try:
            written = kind.coerce_output_value(value)
        except Exception:  # whatever the type refuses, normal execution reports
            raise Fallback(f"a value {where} cannot represent", "data") from None
        if written is None or written is Undefined:
            raise Fallback(f"a value {where} cannot represent", "data")
        return written

    if kind is GraphQLString or kind is GraphQLID:
        return lambda value: value if type(value) is str else coerced(value)
    if kind is GraphQLInt:
        low, high = _INT_RANGE
        return lambda value: value if type(value) is int and low <= value <= high else coerced(value)
    if kind is GraphQLFloat:
        return lambda value: value if type(value) is float and math.isfinite(value) else coerced(value)
    if kind is GraphQLBoolean:
        return lambda value: value if type(value) is bool else coerced(value)
    if isinstance(kind, GraphQLEnumType):
        names: dict[Any, Any] = {}

        def enum(value: Any) -> Any:
            name = names.get(value)
            if name is None:
                name = names[value] = coerced(value)
            return name

        return enum
    return coerced
