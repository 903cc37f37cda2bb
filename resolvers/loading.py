"""Relationships declared once, and the batch functions and DataLoaders derived from them."""

import asyncio
import operator
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any, TypeAlias, TypeVar

import sqlalchemy as sa
from sqlalchemy.sql.elements import BinaryExpression
from strawberry.dataloader import DataLoader

from models.entity import Entity
from resolvers.keys import among, keys_given, keys_parameter
from resolvers.reading import Reader
from resolvers.rows import columns_of

T = TypeVar("T")
AwaitableOrValue: TypeAlias = T | Awaitable[T]
"""A value now, or an awaitable of it: what a resolver may return to graphql-core."""

Row = sa.Row[Any]


@dataclass(frozen=True, eq=False)
class Relationship:
    """Rows of `table` that belong to a parent, found by the parent's id in one of `keys`.

    `keys` are columns of `table`, or of a `link` table joined to it by `link_on`; `where`
    narrows the rows (a citation's subject type); `order_by` is the order each parent sees.
    """

    table: sa.Table
    keys: tuple[sa.ColumnElement[Any], ...]
    order_by: tuple[sa.ColumnElement[Any], ...] = ()
    link: sa.Table | None = None
    link_on: sa.ColumnElement[bool] | None = None
    where: sa.ColumnElement[bool] | None = None

    @cached_property
    def statement(self) -> sa.Select[Any]:
        """Every row of the parents bound as `keys`: built once, its compiled form cached by SQLAlchemy."""
        labelled = [key.label(f"parent_key_{index}") for index, key in enumerate(self.keys)]
        statement = sa.select(*columns_of(self.table), *labelled)
        if self.link is not None and self.link_on is not None:
            statement = statement.select_from(self.table.join(self.link, self.link_on))
        parents = keys_parameter("keys")
        statement = statement.where(sa.or_(*(among(key, parents) for key in self.keys)))
        if self.where is not None:
            statement = statement.where(self.where)
        return statement.order_by(*self.order_by, *self.table.primary_key)

    def fetch(self, connection: sa.Connection, keys: Sequence[Any]) -> list[list[Row]]:
        """All the rows of each key, in key order: one statement for all of them."""
        grouped: dict[Any, list[Row]] = defaultdict(list)
        if len(self.keys) == 1 and self.link is None:
            # One key, no link table: each row belongs to the one parent its last column names.
            for row in connection.execute(self.statement, keys_given("keys", keys)):
                grouped[row[-1]].append(row)
            return [grouped.get(key, []) for key in keys]
        wanted = set(keys)
        seen: set[tuple[Any, Any]] = set()
        for row in connection.execute(self.statement, keys_given("keys", keys)):
            parents = {row[len(row) - len(self.keys) + index] for index in range(len(self.keys))}
            for parent in parents & wanted:
                # Through a link table a row can come twice (a country in two roles at one event).
                if (parent, row.id) not in seen:
                    seen.add((parent, row.id))
                    grouped[parent].append(row)
        return [grouped.get(key, []) for key in keys]

    def _children(self, keys: Sequence[Any], where: sa.ColumnElement[bool], columns: Sequence[str] = ()) -> sa.Subquery:
        """Each parent's children as (id, `columns`…, parent_key), once each, whichever key column finds them."""
        link_child = self.link_child()
        chosen = [self.table.c.id, *(self.table.c[name] for name in columns if name != "id")]
        selects = []
        for key in self.keys:
            if link_child is not None:
                # Through a link table a child can come twice (a country in two roles at one event):
                # take the distinct (parent, child) pairs from the link's index, then the children.
                pairs = sa.select(key.label("parent_key"), link_child.label("child_id")).where(among(key, keys))
                if self.where is not None:
                    pairs = pairs.where(self.where)
                paired = pairs.distinct().subquery("pair")
                select = (
                    sa.select(*chosen, paired.c.parent_key)
                    .join_from(paired, self.table, self.table.c.id == paired.c.child_id)
                    .where(where)
                )
            else:
                select = sa.select(*chosen, key.label("parent_key"))
                if self.link is not None and self.link_on is not None:
                    select = select.select_from(self.table.join(self.link, self.link_on)).distinct()
                conditions = [among(key, keys), where, *([self.where] if self.where is not None else [])]
                select = select.where(*conditions)
            selects.append(select)
        return (selects[0] if len(selects) == 1 else sa.union_all(*selects)).subquery("child")

    def link_child(self) -> sa.ColumnElement[Any] | None:
        """The link table's column naming the child, when the link is a plain `link.x == table.id`."""
        on = self.link_on
        if self.link is None or not isinstance(on, BinaryExpression) or on.operator is not operator.eq:
            return None
        for side, other in ((on.left, on.right), (on.right, on.left)):
            if getattr(side, "table", None) is self.link and other is self.table.c.id:
                return side
        return None

    def page(
        self,
        connection: sa.Connection,
        keys: Sequence[Any],
        where: sa.ColumnElement[bool],
        order: Sequence[tuple[str, bool]],
        limit: int,
    ) -> list[list[Row]]:
        """The first `limit` children of each key in `order` ((column, descending) pairs): one statement.

        Each parent's page is cut by the database, so a page of one event costs the same whether its
        parent has ten events or ten thousand.
        """
        if where is sa.true():
            # The common page, unfiltered and from the start: its statement is built once per order.
            template = self._templates.get(tuple(order))
            if template is None:
                parents = keys_parameter("keys")
                size: sa.BindParameter[int] = sa.bindparam("limit")
                template = self._templates[tuple(order)] = self._page_statement(parents, where, order, size)
            result = connection.execute(template, {**keys_given("keys", keys), "limit": limit})
        else:
            result = connection.execute(self._page_statement(keys, where, order, limit))
        grouped: dict[Any, list[Row]] = defaultdict(list)
        for row in result:
            grouped[row.parent_key].append(row)
        return [grouped.get(key, []) for key in keys]

    def _page_statement(
        self, keys: Any, where: sa.ColumnElement[bool], order: Sequence[tuple[str, bool]], limit: Any
    ) -> sa.Select[Any]:
        # Children are ranked on their ids and sort keys alone (an index holds them), then the page's rows read.
        child = self._children(keys, where, [name for name, _ in order])
        ordering = [child.c[name].desc() if descending else child.c[name].asc() for name, descending in order]
        rank = sa.func.row_number().over(partition_by=child.c.parent_key, order_by=ordering).label("parent_rank")
        ranked = sa.select(child.c.id, child.c.parent_key, rank).subquery("ranked")
        statement: sa.Select[Any] = (
            sa.select(*columns_of(self.table), ranked.c.parent_key, ranked.c.parent_rank)
            .join_from(ranked, self.table, self.table.c.id == ranked.c.id)
            .where(ranked.c.parent_rank <= limit)
            .order_by(ranked.c.parent_key, ranked.c.parent_rank)
        )
        return statement

    @cached_property
    def _templates(self) -> dict[tuple[tuple[str, bool], ...], sa.Select[Any]]:
        return {}

    def count(self, connection: sa.Connection, keys: Sequence[Any], where: sa.ColumnElement[bool]) -> list[int]:
        """How many children each key has: one statement."""
        child = self._children(keys, where)
        statement = sa.select(child.c.parent_key, sa.func.count()).group_by(child.c.parent_key)
        counts: dict[Any, int] = dict(connection.execute(statement).all())
        return [counts.get(key, 0) for key in keys]


@dataclass(frozen=True, eq=False)
class Lookup:
    """The one row of `table` whose `column` equals the key."""

    table: sa.Table
    column: str = "id"

    @cached_property
    def statement(self) -> sa.Select[Any]:
        """The rows whose `column` is one of the bound `keys`: built once."""
        return sa.select(*columns_of(self.table)).where(among(self.table.c[self.column], keys_parameter("keys")))

    def fetch(self, connection: sa.Connection, keys: Sequence[Any]) -> list[Row | None]:
        by_key = {
            getattr(row, self.column): row for row in connection.execute(self.statement, keys_given("keys", keys))
        }
        return [by_key.get(key) for key in keys]


@cache
def by_key(entity: Entity) -> Lookup:
    """The row of `entity` with a natural key: one declaration, so every field that looks it up shares a loader."""
    return Lookup(entity.table, entity.key)


@cache
def by_id(entity: Entity) -> Lookup:
    """The row of `entity` with an id: shared by every field that follows a foreign key to it."""
    return Lookup(entity.table)


@dataclass
class Loaders:
    """DataLoaders for one request, created on first use, one per declaration, reading through its `Reader`."""

    reader: Reader
    loaders: dict[tuple[Any, str], DataLoader[Any, Any]] = field(default_factory=dict)

    def loader(
        self, declaration: Any, variant: str = "", fetch: Callable[..., Any] | None = None
    ) -> DataLoader[Any, Any]:
        """The request's loader for `declaration`; a `variant` (a filter, an order, a window) gets one of its own."""
        if (declaration, variant) not in self.loaders:
            fetch_rows = fetch or declaration.fetch

            async def batch(keys: list[Any]) -> list[Any]:
                rows: list[Any] = await self.run(fetch_rows, keys)
                return rows

            self.loaders[declaration, variant] = DataLoader(load_fn=batch)
        return self.loaders[declaration, variant]

    def many_now_or_later(self, relationship: Relationship, key: Any) -> AwaitableOrValue[list[Row]]:
        """All the rows belonging to the parent `key`, sibling parents sharing one statement: at once when this
        request has already loaded them (no await for graphql-core), else a future."""
        return _now_if_ready(self.loader(relationship).load(key))

    def one_now_or_later(self, lookup: Lookup, key: Any) -> AwaitableOrValue[Row | None]:
        """Like `one`, but at once when this request has already loaded it (or `key` is None), else a future."""
        return None if key is None else _now_if_ready(self.loader(lookup).load(key))

    async def one(self, lookup: Lookup, key: Any) -> Row | None:
        """The row with `key`, or None; None when `key` is None."""
        if key is None:
            return None
        row: Row | None = await self.loader(lookup).load(key)
        return row

    async def run(self, query: Any, *arguments: Any) -> Any:
        """Run `query(connection, *arguments)` in the request's snapshot, off the event loop."""
        return await self.reader.run(query, *arguments)


def _now_if_ready(loading: Awaitable[T]) -> AwaitableOrValue[T]:
    """A loader's result now if its batch has already run, else what it returned to await."""
    if not isinstance(loading, asyncio.Future) or not loading.done() or loading.cancelled():
        return loading
    if loading.exception() is not None:
        return loading  # awaited, it raises where graphql-core reports it
    result: T = loading.result()
    return result
