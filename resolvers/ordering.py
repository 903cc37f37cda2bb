"""Orderings with a stable tiebreak, and the keyset cursors that page through them."""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

import sqlalchemy as sa
import strawberry
from sqlalchemy.sql.elements import KeyedColumnElement

from resolvers.errors import BadUserInput
from resolvers.loading import Row

SortColumn = KeyedColumnElement[Any]


@strawberry.enum(description="Which way to sort.")
class SortDirection(Enum):
    ASC = strawberry.enum_value("asc", description="Smallest, earliest or alphabetically first first.")
    DESC = strawberry.enum_value("desc", description="Largest, latest or alphabetically last first.")


@dataclass(frozen=True, eq=False)
class Ordering:
    """Columns to sort by, each ascending or descending, ending in a unique column so the order is total."""

    columns: tuple[tuple[SortColumn, bool], ...]  # (column, descending)

    @classmethod
    def of(cls, terms: list[tuple[tuple[SortColumn, ...], SortDirection]], tiebreak: SortColumn) -> "Ordering":
        columns: list[tuple[SortColumn, bool]] = []
        for group, direction in terms:
            columns += [(column, direction is SortDirection.DESC) for column in group if column not in dict(columns)]
        last_descending = columns[-1][1] if columns else False
        if tiebreak not in dict(columns):
            columns.append((tiebreak, last_descending))
        return cls(tuple(columns))

    @property
    def signature(self) -> str:
        return ",".join(f"{column.key}:{'desc' if descending else 'asc'}" for column, descending in self.columns)

    def order_by(self, reverse: bool = False) -> list[sa.ColumnElement[Any]]:
        return [column.desc() if descending != reverse else column.asc() for column, descending in self.columns]

    def beyond(self, values: list[Any], reverse: bool = False) -> sa.ColumnElement[bool]:
        """Rows strictly after `values` in this order (before them when `reverse`)."""
        directions = {descending != reverse for _, descending in self.columns}
        if len(directions) == 1:
            # One direction throughout: a row-value comparison, which an index on the columns answers.
            row, key = sa.tuple_(*(column for column, _ in self.columns)), sa.tuple_(*map(sa.literal, values))
            return row < key if directions.pop() else row > key
        alternatives = []
        for index, (column, descending) in enumerate(self.columns):
            equal = [earlier == value for (earlier, _), value in zip(self.columns[:index], values, strict=False)]
            beyond = column < values[index] if descending != reverse else column > values[index]
            alternatives.append(sa.and_(*equal, beyond))
        return sa.or_(*alternatives)

    def key(self, row: Row) -> list[Any]:
        return [getattr(row, column.key) for column, _ in self.columns]

    def cursor(self, row: Row) -> str:
        values = [value.isoformat() if isinstance(value, date) else value for value in self.key(row)]
        payload = json.dumps([self.signature, values], separators=(",", ":"))
        return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")

    def decode(self, cursor: str, argument: str) -> list[Any]:
        """The sort key a cursor holds; a clear error for a cursor forged or from another ordering."""
        try:
            signature, values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
            raise BadUserInput(f"`{argument}` is not a cursor this API issued", argument=argument) from None
        if signature != self.signature:
            raise BadUserInput(
                f"`{argument}` is a cursor of another ordering; page with the `orderBy` that issued it",
                argument=argument,
            )
        if not isinstance(values, list) or len(values) != len(self.columns):
            raise BadUserInput(f"`{argument}` is not a cursor this API issued", argument=argument)
        try:
            return [_typed(column, value) for (column, _), value in zip(self.columns, values, strict=True)]
        except (TypeError, ValueError):
            raise BadUserInput(f"`{argument}` is not a cursor this API issued", argument=argument) from None


def _typed(column: SortColumn, value: Any) -> Any:
    python_type = column.type.python_type
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is bool or not isinstance(value, python_type):
        raise TypeError(f"{column.key}: {value!r}")
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        raise ValueError(f"{column.key}: {value} is out of range")
    if isinstance(value, str) and "\x00" in value:
        raise ValueError(f"{column.key}: a NUL character")
    return value


@dataclass(frozen=True, eq=False)
class SortKey:
    """One thing a list can be ordered by: its columns, and the ones to use going down where they differ."""

    description: str
    columns: tuple[SortColumn, ...]
    descending: tuple[SortColumn, ...] | None = None


@dataclass(frozen=True, eq=False)
class Orders:
    """The `orderBy` of a list: an input type of terms (`XOrder`: a field of `XOrderField` and a direction),
    and the `Ordering` a value of it asks for, ending in `tiebreak`; `default` when none is given."""

    input: type
    keys: dict[str, SortKey]
    tiebreak: SortColumn
    default: Ordering

    def of(self, order_by: list[Any] | None) -> Ordering:
        if not order_by:
            return self.default
        terms = []
        for term in order_by:
            key = self.keys[term.field.value]
            going_down = term.direction is SortDirection.DESC
            columns = key.descending if going_down and key.descending is not None else key.columns
            terms.append((columns, term.direction))
        return Ordering.of(terms, self.tiebreak)


def orders(
    name: str, plural: str, keys: dict[str, SortKey], tiebreak: SortColumn, default: str | None = None
) -> Orders:
    """The ordering input of the type `name` (`Relation`): `RelationOrderField`, one value per key, and
    `RelationOrder`; lists are ordered by the key `default` when no order is given, else by `tiebreak`."""
    values = {key.upper(): strawberry.enum_value(key, description=sort.description) for key, sort in keys.items()}
    members: Any = Enum(f"{name}OrderField", values)  # type: ignore[misc]  # the functional form, one member per key
    field = strawberry.enum(members, description=f"What {plural} can be ordered by.")
    article = "an" if name[0] in "AEIOU" else "a"
    term = strawberry.input(
        type(
            f"{name}Order",
            (),
            {
                "__annotations__": {"field": field, "direction": SortDirection},
                "__module__": __name__,
                "field": strawberry.field(description="What to order by."),
                "direction": strawberry.field(default=SortDirection.ASC, description="Which way."),
            },
        ),
        description=f"One term of {article} {name.lower()} ordering.",
    )
    first = [(keys[default].columns, SortDirection.ASC)] if default else []
    return Orders(term, keys, tiebreak, Ordering.of(first, tiebreak))
