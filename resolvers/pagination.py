"""Relay-style pages over ordered rows, with opaque cursors."""

import base64
import binascii
from dataclasses import dataclass
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry

import settings
from resolvers.errors import BadUserInput
from resolvers.loading import Loaders, Row

First = Annotated[
    int | None,
    strawberry.argument(description=f"Return the first n items after `after` (0 to {settings.MAX_PAGE_SIZE})."),
]
After = Annotated[str | None, strawberry.argument(description="Return items after this cursor.")]
Last = Annotated[
    int | None,
    strawberry.argument(description=f"Return the last n items before `before` (0 to {settings.MAX_PAGE_SIZE})."),
]
Before = Annotated[str | None, strawberry.argument(description="Return items before this cursor.")]

_PREFIX = "offset:"


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str, argument: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if text.startswith(_PREFIX) and text[len(_PREFIX) :].isdigit():
            return int(text[len(_PREFIX) :])
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    raise BadUserInput(f"`{argument}` is not a cursor this API issued: {cursor!r}", argument=argument)


@dataclass(frozen=True)
class Window:
    """The paging arguments of one connection field."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    def __post_init__(self) -> None:
        for name, value in (("first", self.first), ("last", self.last)):
            if value is not None and not 0 <= value <= settings.MAX_PAGE_SIZE:
                raise BadUserInput(
                    f"`{name}` must be between 0 and {settings.MAX_PAGE_SIZE}, not {value}: page through larger lists",
                    argument=name,
                )

    def bounds(self, total: int) -> tuple[int, int]:
        """The `[start, end)` slice of `total` ordered items this window selects."""
        start, end = 0, total
        if self.after is not None:
            start = min(total, decode_cursor(self.after, "after") + 1)
        if self.before is not None:
            end = max(start, min(end, decode_cursor(self.before, "before")))
        if self.first is not None:
            end = min(end, start + self.first)
        if self.last is not None:
            start = max(start, end - self.last)
        return start, end


@dataclass(frozen=True)
class Page:
    """A slice of an ordered list of rows: what a connection type reads its fields from."""

    rows: list[Row]
    start: int
    total: int

    @property
    def cursors(self) -> list[str]:
        return [encode_cursor(offset) for offset in range(self.start, self.start + len(self.rows))]

    @property
    def has_previous(self) -> bool:
        return self.start > 0

    @property
    def has_next(self) -> bool:
        return self.start + len(self.rows) < self.total

    @classmethod
    def of_list(cls, rows: list[Row], window: Window) -> "Page":
        """A page of rows already loaded (a parent's children)."""
        start, end = window.bounds(len(rows))
        return cls(rows[start:end], start, len(rows))

    @classmethod
    async def of_query(cls, loaders: Loaders, statement: sa.Select[Any], window: Window) -> "Page":
        """A page of a query's rows, counted and sliced in SQL."""

        def fetch(connection: sa.Connection) -> Page:
            counted = sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
            total = connection.execute(counted).scalar_one()
            start, end = window.bounds(total)
            rows = list(connection.execute(statement.limit(end - start).offset(start))) if end > start else []
            return cls(rows, start, total)

        page: Page = await loaders.run(fetch)
        return page
