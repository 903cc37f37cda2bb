"""Relay-style pages over ordered rows, with keyset cursors: page 1,000 costs what page 1 costs."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry

import settings
from resolvers.errors import BadUserInput
from resolvers.loading import Loaders, Relationship, Row
from resolvers.ordering import Ordering

First = Annotated[
    int | None,
    strawberry.argument(
        description=f"Return the first n items after `after` (0 to {settings.MAX_PAGE_SIZE}; "
        f"{settings.MAX_PAGE_SIZE} when neither `first` nor `last` is given)."
    ),
]
After = Annotated[str | None, strawberry.argument(description="Return items after this cursor.")]
Last = Annotated[
    int | None,
    strawberry.argument(description=f"Return the last n items before `before` (0 to {settings.MAX_PAGE_SIZE})."),
]
Before = Annotated[str | None, strawberry.argument(description="Return items before this cursor.")]


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

    @property
    def backward(self) -> bool:
        return self.last is not None and self.first is None

    @property
    def size(self) -> int:
        if self.backward:
            return self.last or 0
        return settings.MAX_PAGE_SIZE if self.first is None else self.first


@dataclass
class Page:
    """A page of rows: what a connection type reads its fields from."""

    rows: list[Any]
    ordering: Ordering
    has_next: bool
    has_previous: bool
    count: Callable[[], Awaitable[int]]

    @cached_property
    def cursors(self) -> list[str]:
        """The rows' cursors, made only when a query asks for edges or page info."""
        return [self.ordering.cursor(row) for row in self.rows]

    @classmethod
    def of(cls, rows: list[Row], fetched_more: bool, window: Window, ordering: Ordering, count: Any) -> "Page":
        """A page from rows in order, one beyond the window's size fetched to tell whether more follow."""
        if window.backward:
            has_next, has_previous = window.before is not None, fetched_more
        else:
            has_next, has_previous = fetched_more, window.after is not None
            if window.last is not None and len(rows) > window.last:
                rows, has_previous = rows[len(rows) - window.last :], True
        return cls(rows, ordering, has_next, has_previous, count)


def keyset(statement: sa.Select[Any], ordering: Ordering, window: Window) -> sa.Select[Any]:
    """The statement for one page: rows beyond the cursors, in order, one more than the page holds."""
    if window.after is not None:
        statement = statement.where(ordering.beyond(ordering.decode(window.after, "after")))
    if window.before is not None:
        statement = statement.where(ordering.beyond(ordering.decode(window.before, "before"), reverse=True))
    return statement.order_by(*ordering.order_by(reverse=window.backward)).limit(window.size + 1)


async def page_of_query(loaders: Loaders, statement: sa.Select[Any], ordering: Ordering, window: Window) -> Page:
    """A page of a query's rows, found in SQL by the sort key the cursors hold."""
    keyed = keyset(statement, ordering, window)

    async def count() -> int:
        counted = sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
        total: int = await loaders.run(lambda connection: connection.execute(counted).scalar_one())
        return total

    rows: list[Row] = await loaders.run(lambda connection: list(connection.execute(keyed)))
    fetched_more = len(rows) > window.size
    rows = rows[: window.size]
    if window.backward:
        rows.reverse()
    return Page.of(rows, fetched_more, window, ordering, count)


async def page_of_children(
    loaders: Loaders,
    relationship: Relationship,
    parent: Any,
    condition: sa.ColumnElement[bool],
    ordering: Ordering,
    window: Window,
    variant: str,
) -> Page:
    """A page of a parent's children matching `condition`, cut in SQL by the same keyset as a root page.

    Siblings asking with the same `variant` (the filter) and window load in one statement.
    """
    keyed = condition
    if window.after is not None:
        keyed = sa.and_(keyed, ordering.beyond(ordering.decode(window.after, "after")))
    if window.before is not None:
        keyed = sa.and_(keyed, ordering.beyond(ordering.decode(window.before, "before"), reverse=True))
    order = [(column.key, descending != window.backward) for column, descending in ordering.columns]
    size = window.size
    pages = loaders.loader(
        relationship,
        f"page|{variant}|{ordering.signature}|{window!r}",
        lambda connection, keys: relationship.page(connection, keys, keyed, order, size + 1),
    )
    counts = loaders.loader(
        relationship, f"count|{variant}", lambda connection, keys: relationship.count(connection, keys, condition)
    )
    rows: list[Row] = await pages.load(parent)
    fetched_more = len(rows) > size
    rows = rows[:size]
    if window.backward:
        rows.reverse()

    async def count() -> int:
        total: int = await counts.load(parent)
        return total

    return Page.of(rows, fetched_more, window, ordering, count)
