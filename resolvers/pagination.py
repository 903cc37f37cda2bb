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


def page_of_list(rows: list[Row], ordering: Ordering, window: Window) -> Page:
    """A page of rows already loaded in `ordering` (a parent's children), by the same cursors."""
    start, end = 0, len(rows)
    if window.after is not None:
        start = _position(rows, ordering, ordering.decode(window.after, "after"), after=True)
    if window.before is not None:
        end = max(start, _position(rows, ordering, ordering.decode(window.before, "before"), after=False))
    selected = rows[start:end]
    if window.backward:
        page, fetched_more = selected[max(0, len(selected) - window.size) :], len(selected) > window.size
    else:
        page, fetched_more = selected[: window.size], len(selected) > window.size

    async def count() -> int:
        return len(rows)

    return Page.of(page, fetched_more, window, ordering, count)


def _position(rows: list[Row], ordering: Ordering, key: list[Any], after: bool) -> int:
    """Where rows strictly after (or the first not before) `key` begin, the rows being sorted by it."""
    for index, row in enumerate(rows):
        if ordering.key(row) == key:
            return index + 1 if after else index
    # The cursor's row is gone: fall back to comparing keys, column by column.
    for index, row in enumerate(rows):
        if _follows(ordering, ordering.key(row), key):
            return index
    return len(rows)


def _follows(ordering: Ordering, row_key: list[Any], key: list[Any]) -> bool:
    for (_, descending), mine, theirs in zip(ordering.columns, row_key, key, strict=True):
        if mine != theirs:
            return bool(mine < theirs) if descending else bool(mine > theirs)
    return False


async def page_of_children(
    loaders: Loaders,
    relationship: Relationship,
    parent: Any,
    condition: sa.ColumnElement[bool],
    ordering: Ordering,
    window: Window,
    variant: str,
) -> Page:
    """A page of a parent's children matching `condition`; siblings with the same `variant` load together."""
    rows = await loaders.many(
        relationship, parent, where=condition, order_by=ordering.order_by(), variant=f"{variant}|{ordering.signature}"
    )
    return page_of_list(rows, ordering, window)
