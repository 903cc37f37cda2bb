"""Fetches: how a field reaches its rows from its parents, declared once for both ways of reading.

A resolver is a plain function that asks its fetch for one parent's rows through the request's
DataLoaders (`load`); the compiled read path asks the same fetch for every parent at once, in one
statement on the request's connection (`batch`). The statements are built in one place, so the two
ways cannot mean different things. A resolver names its fetch with `@fetches(fetch)`; a field whose
resolver names none is one the compiled read path does not plan.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, overload

import sqlalchemy as sa
from strawberry import Parent

from resolvers.context import Info
from resolvers.loading import AwaitableOrValue, Loaders, Lookup, Relationship, Row
from resolvers.ordering import Ordering
from resolvers.pagination import Page, Window, child_pages, root_page
from resolvers.sizes import SIZES

F = TypeVar("F", bound=Callable[..., Any])
Arguments = dict[str, Any]


class Fetch(Protocol):
    """What the compiled read path asks of a field's fetch: its value for every parent at once.

    `batch` reads, on the request's connection, the value of the field for each parent in order (a row,
    a list of rows, a page, a count, or a value worked out from the parent), for the field's arguments
    as its resolver takes them. The cost model reads no more than this, except of a `ChildPage`, whose
    relationship and order say how many children a page may read and whether an index serves it.
    """

    def batch(self, connection: sa.Connection, parents: Sequence[Any], arguments: Arguments, /) -> list[Any]:
        """The field's value for each of `parents`, in their order."""
        ...


# The fetch each resolver reads through, by the resolver's own function.
_FETCHES: dict[Callable[..., Any], Fetch] = {}


def fetches(fetch: Fetch) -> Callable[[F], F]:
    """Mark a resolver with the fetch it reads through, for the compiled read path."""

    def mark(resolver: F) -> F:
        _FETCHES[resolver] = fetch
        return resolver

    return mark


def fetch_of(resolver: object) -> Fetch | None:
    """The fetch a resolver function (or a static or class method's) reads through, or None if it names none."""
    function = resolver.__func__ if isinstance(resolver, staticmethod | classmethod) else resolver
    return _FETCHES.get(function) if callable(function) else None


def _distinct(values: Any) -> list[Any]:
    return list(dict.fromkeys(value for value in values if value is not None))


def fetched_by_group(
    connection: sa.Connection, wanted: Sequence[tuple[Any, Any]], fetch: Callable[[Any], Callable[..., Sequence[Any]]]
) -> dict[tuple[Any, Any], Any]:
    """What `fetch(group)(connection, keys)` finds for each distinct (group, key) wanted: a statement per group."""
    found: dict[tuple[Any, Any], Any] = {}
    for group in dict.fromkeys(group for group, _ in wanted):
        keys = list(dict.fromkeys(key for of, key in wanted if of == group))
        found |= {(group, key): value for key, value in zip(keys, fetch(group)(connection, keys), strict=True)}
    return found


@dataclass(frozen=True, eq=False)
class Children:
    """A parent's rows of another table, found by the parent's `key` (its id)."""

    relationship: Relationship
    key: str = "id"

    def batch(self, connection: sa.Connection, parents: Sequence[Any], _arguments: Arguments) -> list[list[Row]]:
        keys = _distinct(getattr(parent, self.key) for parent in parents)
        found = dict(zip(keys, self.relationship.fetch(connection, keys), strict=True))
        return [found.get(getattr(parent, self.key), []) for parent in parents]


@dataclass(frozen=True, eq=False)
class Foreign:
    """The row a parent's `column` names (a foreign key), or None."""

    lookup: Lookup
    column: str

    def batch(self, connection: sa.Connection, parents: Sequence[Any], _arguments: Arguments) -> list[Row | None]:
        keys = _distinct(getattr(parent, self.column) for parent in parents)
        found = dict(zip(keys, self.lookup.fetch(connection, keys), strict=True))
        return [found.get(getattr(parent, self.column)) for parent in parents]


@dataclass(frozen=True, eq=False)
class ByKey:
    """The row whose natural key an argument gives, made canonical by `key_of` (`kor` is `KOR`)."""

    lookup: Lookup
    key_of: Callable[[Arguments], Any]

    def find(self, arguments: Arguments) -> tuple[Lookup, Any]:
        """The lookup the arguments name a row by, and the key they give."""
        return self.lookup, self.key_of(arguments)

    def batch(self, connection: sa.Connection, parents: Sequence[Any], arguments: Arguments) -> list[Row | None]:
        lookup, key = self.find(arguments)
        [row] = lookup.fetch(connection, [key])
        return [row for _ in parents]

    async def load(self, loaders: Loaders, **arguments: Any) -> Row | None:
        lookup, key = self.find(arguments)
        return await loaders.one(lookup, key)


@dataclass(frozen=True, eq=False)
class ByOneOf(ByKey):
    """The row any one of several natural keys names (a `@oneOf` input): `key_of` says which key and its value
    (`("alpha2", "KR")`), `lookups` holds a lookup for each key that is not `lookup`'s."""

    lookups: Mapping[str, Lookup] = field(default_factory=dict)

    def find(self, arguments: Arguments) -> tuple[Lookup, Any]:
        name, key = self.key_of(arguments)
        return self.lookups.get(name, self.lookup), key


@dataclass(frozen=True, eq=False)
class RootPage:
    """A page of a statement's rows, cut by the keyset its cursors hold."""

    statement: Callable[[Arguments], sa.Select[Any]]
    ordering: Callable[[Arguments], Ordering]

    def batch(self, connection: sa.Connection, parents: Sequence[Any], arguments: Arguments) -> list[Page]:
        page = root_page(connection, self.statement(arguments), self.ordering(arguments), window_of(arguments))
        return [page for _ in parents]

    async def load(self, loaders: Loaders, **arguments: Any) -> Page:
        statement, ordering, window = self.statement(arguments), self.ordering(arguments), window_of(arguments)
        page: Page = await loaders.run(lambda connection: root_page(connection, statement, ordering, window))
        return page


@dataclass(frozen=True, eq=False)
class ChildPage:
    """A page of each parent's children that match a filter, each parent's page cut by the database."""

    relationship: Relationship
    where: Callable[[Arguments], sa.ColumnElement[bool]]
    ordering: Callable[[Arguments], Ordering]

    def __post_init__(self) -> None:
        SIZES.watch(self.relationship)  # what a page may read: the cost of a query counts with it

    def batch(self, connection: sa.Connection, parents: Sequence[Any], arguments: Arguments) -> list[Page]:
        keys = _distinct(parent.id for parent in parents)
        where, ordering, window = self.where(arguments), self.ordering(arguments), window_of(arguments)
        pages = dict(zip(keys, child_pages(connection, self.relationship, keys, where, ordering, window), strict=True))
        return [pages[parent.id] for parent in parents]

    async def load(self, loaders: Loaders, parent: Any, **arguments: Any) -> Page:
        variant = repr(sorted(arguments.items()))
        # The statement's parts are built once per request and arguments, not once per parent.
        pages = loaders.loaders.get((self, variant)) or loaders.loader(self, variant, self._fetch(arguments))
        page: Page = await pages.load(parent.id)
        return page

    def _fetch(self, arguments: Arguments) -> Callable[[sa.Connection, list[Any]], list[Page]]:
        where, ordering, window = self.where(arguments), self.ordering(arguments), window_of(arguments)
        return lambda connection, keys: child_pages(connection, self.relationship, keys, where, ordering, window)


Reads = Callable[[str], Sequence[str]]
"""The columns a computed value reads of a row of the named GraphQL type."""


@dataclass(frozen=True, eq=False)
class Computed:
    """A value worked out from the parent alone, with no reading: a partial date, a global id.

    `reads` names the parent's columns it reads, so a statement need not select the others; None: any of them.
    """

    compute: Callable[[Any], Any]
    reads: Reads | None = None

    def batch(self, _connection: sa.Connection, parents: Sequence[Any], _arguments: Arguments) -> list[Any]:
        return [self.compute(parent) for parent in parents]


@overload
def computed(resolver: F, *, reads: Reads | None = None) -> F: ...
@overload
def computed(resolver: None = None, *, reads: Reads | None = None) -> Callable[[F], F]: ...
def computed(resolver: F | None = None, *, reads: Reads | None = None) -> F | Callable[[F], F]:
    """Mark a resolver of the parent alone (no info, no arguments) as computed, for the compiled read path:
    `@computed`, or `@computed(reads=...)` with the columns it reads."""

    def mark(function: F) -> F:
        return fetches(Computed(function, reads))(function)

    return mark if resolver is None else mark(resolver)


@dataclass(frozen=True, eq=False)
class Pair:
    """The two rows a parent's two foreign keys name, ordered by `order`: a relation's countries."""

    lookup: Lookup
    columns: tuple[str, str]
    order: str

    def batch(self, connection: sa.Connection, parents: Sequence[Any], _arguments: Arguments) -> list[list[Row]]:
        keys = _distinct(getattr(parent, column) for parent in parents for column in self.columns)
        found = dict(zip(keys, self.lookup.fetch(connection, keys), strict=True))
        return [self._ordered([found[getattr(parent, column)] for column in self.columns]) for parent in parents]

    async def load(self, loaders: Loaders, parent: Any) -> list[Row]:
        rows: list[Row] = await loaders.loader(self.lookup).load_many([getattr(parent, c) for c in self.columns])
        return self._ordered(rows)

    def _ordered(self, rows: list[Row]) -> list[Row]:
        return sorted(rows, key=lambda row: getattr(row, self.order))


@dataclass(frozen=True, eq=False)
class Counterpart:
    """Of a pair, the row other than the one whose code the argument `of` gives; None if neither has it."""

    pair: Pair

    def batch(self, connection: sa.Connection, parents: Sequence[Any], arguments: Arguments) -> list[Row | None]:
        return [self.of(pair, arguments["of"]) for pair in self.pair.batch(connection, parents, arguments)]

    @staticmethod
    def of(pair: list[Row], code: str) -> Row | None:
        codes = [row.code for row in pair]
        wanted = code.strip().upper()
        return pair[1 - codes.index(wanted)] if wanted in codes else None


@dataclass(frozen=True, eq=False)
class Tallied:
    """Counts of a scope's events by one dimension, for many parents in one statement."""

    tallies: dict[str, Any]  # scope → resolvers.tallies.Tally
    dimension: str

    def batch(self, connection: sa.Connection, parents: Sequence[Any], _arguments: Arguments) -> list[list[Row]]:
        wanted = [(parent.scope, parent.key) for parent in parents]
        counted = fetched_by_group(connection, wanted, lambda scope: self.tallies[scope][self.dimension].fetch)
        return [counted[key] for key in wanted]

    async def load(self, loaders: Loaders, parent: Any) -> list[Row]:
        rows: list[Row] = await loaders.loader(self.tallies[parent.scope][self.dimension]).load(parent.key)
        return rows


@dataclass(frozen=True, eq=False)
class Totals:
    """How many items each page's whole list holds: pages cut in one statement are counted in one."""

    def batch(self, connection: sa.Connection, pages: Sequence[Page], _arguments: Arguments) -> list[int]:
        wanted = [(page.total.count, page.total.key) for page in pages]
        counted = fetched_by_group(connection, wanted, lambda count: count)
        return [counted[key] for key in wanted]

    async def load(self, loaders: Loaders, page: Page) -> int:
        total: int = await loaders.loader(page.total.count, fetch=page.total.count).load(page.total.key)
        return total


def window_of(arguments: Arguments) -> Window:
    """The paging arguments of a connection field."""
    return Window(arguments.get("first"), arguments.get("after"), arguments.get("last"), arguments.get("before"))


def children(relationship: Relationship, key: str = "id") -> Callable[..., Any]:
    """The resolver of a list of a parent's rows of another table."""
    fetch = Children(relationship, key)

    @fetches(fetch)
    def resolve(parent: Parent[Any], info: Info) -> AwaitableOrValue[list[Row]]:
        return info.context.loaders.many_now_or_later(fetch.relationship, getattr(parent, fetch.key))

    return resolve


def foreign(lookup: Lookup, column: str) -> Callable[..., Any]:
    """The resolver of the row a parent's foreign key `column` names."""
    fetch = Foreign(lookup, column)

    @fetches(fetch)
    def resolve(parent: Parent[Any], info: Info) -> AwaitableOrValue[Row | None]:
        return info.context.loaders.one_now_or_later(fetch.lookup, getattr(parent, fetch.column))

    return resolve
