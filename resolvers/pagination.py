"""Relay-style pages over ordered rows, with keyset cursors: page 1,000 costs what page 1 costs."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any

import sqlalchemy as sa
import strawberry

import settings
from resolvers.errors import BadUserInput
from resolvers.loading import Relationship, Row
from resolvers.ordering import Ordering

First = Annotated[
    int | None,
    strawberry.argument(
        description=f"Return the first n items after `after` (0 to {settings.MAX_PAGE_SIZE}; "
        f"{settings.DEFAULT_PAGE_SIZE} when neither `first` nor `last` is given)."
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
        return settings.DEFAULT_PAGE_SIZE if self.first is None else self.first


@dataclass(frozen=True, eq=False)
class Total:
    """How many items a page's whole list holds: `count` answers for many lists at once, this one by `key`.

    Pages cut in one statement share one `count`, so their totals are counted in one statement too.
    """

    count: Callable[[sa.Connection, list[Any]], list[int]]
    key: Any


@dataclass
class Page:
    """A page of rows: what a connection type reads its fields from."""

    rows: list[Any]
    ordering: Ordering
    has_next: bool
    has_previous: bool
    total: Total

    @cached_property
    def cursors(self) -> list[str]:
        """The rows' cursors, made only when a query asks for edges or page info."""
        return [self.ordering.cursor(row) for row in self.rows]

    @classmethod
    def of(cls, rows: list[Row], window: Window, ordering: Ordering, total: Total) -> "Page":
        """A page from rows in the order fetched, one beyond the window's size fetched to tell whether more follow."""
        fetched_more = len(rows) > window.size
        rows = rows[: window.size]
        if window.backward:
            rows.reverse()
            has_next, has_previous = window.before is not None, fetched_more
        else:
            has_next, has_previous = fetched_more, window.after is not None
            if window.last is not None and len(rows) > window.last:
                rows, has_previous = rows[len(rows) - window.last :], True
        return cls(rows, ordering, has_next, has_previous, total)


def keyset(statement: sa.Select[Any], ordering: Ordering, window: Window) -> sa.Select[Any]:
    """The statement for one page: rows beyond the cursors, in order, one more than the page holds."""
    ordered = statement.where(beyond_cursors(ordering, window)).order_by(*ordering.order_by(reverse=window.backward))
    return ordered.limit(window.size + 1)


def beyond_cursors(ordering: Ordering, window: Window) -> sa.ColumnElement[bool]:
    """The rows after `after` and before `before`, in `ordering`."""
    conditions: list[sa.ColumnElement[bool]] = []
    if window.after is not None:
        conditions.append(ordering.beyond(ordering.decode(window.after, "after")))
    if window.before is not None:
        conditions.append(ordering.beyond(ordering.decode(window.before, "before"), reverse=True))
    return sa.and_(*conditions) if conditions else sa.true()


def root_page(connection: sa.Connection, statement: sa.Select[Any], ordering: Ordering, window: Window) -> Page:
    """A page of a query's rows, found in SQL by the sort key the cursors hold: one statement."""
    counted = sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())

    def count(counting: sa.Connection, keys: list[Any]) -> list[int]:
        total: int = counting.execute(counted).scalar_one()
        return [total for _ in keys]

    rows = list(connection.execute(keyset(statement, ordering, window)))
    return Page.of(rows, window, ordering, Total(count, None))


def child_pages(
    connection: sa.Connection,
    relationship: Relationship,
    keys: list[Any],
    where: sa.ColumnElement[bool],
    ordering: Ordering,
    window: Window,
) -> list[Page]:
    """A page of each parent's children matching `where`, cut in SQL by the same keyset as a root page: one
    statement for every parent, whether a parent has ten children or ten thousand."""
    beyond = beyond_cursors(ordering, window)
    keyed = where if beyond is sa.true() else beyond if where is sa.true() else sa.and_(where, beyond)
    order = [(column.key, descending != window.backward) for column, descending in ordering.columns]
    found = relationship.page(connection, keys, keyed, order, window.size + 1)

    def count(counting: sa.Connection, parents: list[Any]) -> list[int]:
        return relationship.count(counting, parents, where)

    return [Page.of(rows, window, ordering, Total(count, key)) for key, rows in zip(keys, found, strict=True)]
