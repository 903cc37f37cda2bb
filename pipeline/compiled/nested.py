"""One statement per operation: the plan's reads nested in SQL, the database answering with one JSON value.

A field read through a fetch this module knows (a row by key or by foreign key, a parent's children, a pair of
rows, a page of a list or of a parent's children, with its total) becomes a subquery correlated to its parent's
row. Each row comes back as a JSON array of its table's columns followed by the values nested in it, and the
operation's data as one array of the root fields' values: PostgreSQL builds it with `json_build_array` and
`json_agg`, SQLite with `json_array` and `json_group_array`, each list aggregated from an ordered subquery.

The rows are rebuilt in Python (`NestedRow`: the columns as the driver would give them, and the nested values
beside them), so the step-by-step run (`pipeline.compiled.run`) fills the response from them exactly as from
rows of its own statements. A field whose fetch is not nested here (a union, a tally, a computed object's
fields) is read by its fetch as before, for every parent at once: a plan is never refused, only read in more
statements.
"""

from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import count
from typing import Any
from weakref import WeakKeyDictionary

import orjson
import sqlalchemy as sa
from graphql import VariableValues, is_abstract_type
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql import FromClause
from sqlalchemy.sql.util import ClauseAdapter

from pipeline.compiled.plan import Planner, Shape, Step
from pipeline.compiled.values import Fallback
from pipeline.internals import field_of
from pipeline.kept import Kept
from resolvers.fetches import ByKey, ChildPage, Children, Computed, Foreign, Pair, RootPage, Totals, window_of
from resolvers.loading import Lookup, Relationship, by_key
from resolvers.nodes import Node
from resolvers.ordering import Ordering
from resolvers.pagination import Page, Total, Window, beyond_cursors, keyset
from resolvers.reading import Opening
from resolvers.rows import TYPENAMES, parse_global_id

Decode = Callable[[Any], Any]
Joins = list[tuple[FromClause, sa.ColumnElement[bool]]]
"""Rows joined to the rows of a level: the table's alias, and the condition."""
# How many subqueries deep a statement nests values; the fields below are read by their fetches, a statement each.
# A correlated subquery runs once per row of its parent: three levels down, the large query's 2,500 events would
# each run one for their participants, and nesting them costs more than the one statement it saves. Measured in
# process on the synthetic set (medians): PostgreSQL large 71 ms at three levels, 106 ms at four, 77 ms field by
# field; SQLite large 61 ms at three, 62-75 ms at four, 61-63 ms field by field, and medium 2.7 ms at three or four,
# 3.3 ms field by field. SQLite's parser has a stack of 100 entries (its default build), which a statement nested
# deeply enough (with long filters) may overflow: one that does is built again a level shallower, and the depth
# that fits is kept with the plan.
DEPTH = 3
_FITTING: WeakKeyDictionary[Shape, int] = WeakKeyDictionary()
# How many built statements are kept, the least recently used forgotten first.
STATEMENTS = 256
KEPT_VARIABLES = 2048  # characters of a request's variables, written out, past which its statement is not kept
_BUILT: Kept[tuple[Shape, str, bool, int], "Statement | None"] = Kept(STATEMENTS)
_UNBUILT: Any = object()  # no statement kept for the key (None is kept for an operation with nothing to nest)
_POSITION = "nested_position"  # the column of a row's place in its list (PostgreSQL)
# PostgreSQL's planner settings for a snapshot begun by a statement that joins rows in a correlated subquery. A
# small table joined there (a participant's country) is hashed anew at every execution of the subquery, once per
# parent row, where an index lookup per row costs far less: measured on the synthetic set with prepared statements
# (medians of 40), the medium query's statement 0.67 ms with hash joins and 0.44 ms without, the filtered one's
# 0.48 and 0.35 ms, the large one's 26 ms either way. Every join a statement makes is on a key with an index.
PLANNER = ("enable_hashjoin = off",)
_PAGE_FIELDS = {"nodes", "edges", "page_info", "total_count"}


class NestedRow:
    """A row rebuilt from the database's JSON: a named tuple of its columns, then `nested`, the values nested for
    its fields' steps. Each `Level` makes a class of its own, so rows of one level share their layout."""

    __slots__ = ()
    nested: dict[Step, Any]


@dataclass(eq=False)
class Level:
    """How the JSON array of one row becomes a `NestedRow`: its columns, their decoding, and the nested values."""

    names: list[str]
    decoders: list[tuple[int, Decode]]
    slots: list[tuple[Step, Decode]]

    def __post_init__(self) -> None:
        fields = namedtuple("Row", [*self.names, "nested"])  # type: ignore[misc]  # its fields are the level's
        self.kind = type("Row", (fields, NestedRow), {"__slots__": ()})
        self.width = len(self.names)

    def row(self, values: list[Any]) -> NestedRow:
        for position, decode in self.decoders:
            if values[position] is not None:
                values[position] = decode(values[position])
        width, slots = self.width, self.slots
        if len(slots) == 1 and len(values) == width + 1:  # one value nested, as in most levels: no loop
            [(step, decode)] = slots
            values[width] = {step: decode(values[width])}
        else:
            nested = zip(slots, values[width:], strict=True)
            values[width:] = [{step: decode(value) for (step, decode), value in nested}]
        found: NestedRow = tuple.__new__(self.kind, values)
        return found


@dataclass(eq=False)
class Statement:
    """The operation's one statement, and how its answer becomes the root's nested values."""

    select: sa.Select[Any]
    root: Level
    whole: bool  # it reads every value the operation reads: no statement follows it
    joins_per_row: bool  # it joins rows in a correlated subquery, which runs once per parent row
    _opening: Opening | None = None

    def read(self, connection: sa.Connection) -> NestedRow:
        opening = self.opening(connection.dialect)
        if opening is None:
            return self.decode(connection.execute(self.select).scalar_one())
        return self.decode(connection.exec_driver_sql(opening.sql, opening.parameters).scalar_one())

    def decode(self, text: str) -> NestedRow:
        """The root's nested values from the statement's JSON text."""
        return self.root.row(orjson.loads(text))

    def opening(self, dialect: sa.Dialect) -> Opening | None:
        """The statement in the driver's own SQL and parameters, compiled once (sent so, it costs SQLAlchemy no
        lookup of its compiled form); None when a parameter is one the dialect converts before the driver sees it
        (SQLAlchemy then sends the statement)."""
        if self._opening is None:
            compiled = self.select.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
            if any(bind.type.dialect_impl(dialect).bind_processor(dialect) for bind in compiled.binds.values()):
                return None
            values = compiled.construct_params()
            positions = compiled.positiontup
            parameters = dict(values) if positions is None else tuple(values[name] for name in positions)
            planner = PLANNER if self.joins_per_row and dialect.name == "postgresql" else ()
            self._opening = Opening(compiled.string, parameters, ends=self.whole, planner=planner)
        return self._opening


def read(planner: Planner, root: Shape, variables: VariableValues, connection: sa.Connection) -> NestedRow | None:
    """The root's nested values, read in one statement; None when no root field is nested (each is read by its
    fetch)."""
    sqlite = connection.dialect.name == "sqlite"
    while True:
        found = fitting(planner, root, variables, sqlite)
        if found is None:
            return None
        try:
            return found.read(connection)
        except sa.exc.OperationalError as error:
            if not sqlite or not overflowed(root, error):
                raise


def fitting(planner: Planner, root: Shape, variables: VariableValues, sqlite: bool) -> "Statement | None":
    """`statement`, as deep as SQLite's parser has been found to take for this plan (`overflowed`)."""
    return statement(planner, root, variables, sqlite, _FITTING.get(root, DEPTH) if sqlite else DEPTH)


def overflowed(root: Shape, error: sa.exc.OperationalError) -> bool:
    """Whether `error` is SQLite's parser stack overflowing on the plan's statement, which is then built a level
    shallower from now on (`fitting`); False when it is another error, or the statement is one level deep already."""
    depth = _FITTING.get(root, DEPTH)
    if "parser stack overflow" not in str(error.orig) or depth == 1:
        return False
    _FITTING[root] = depth - 1
    return True


def statement(planner: Planner, root: Shape, variables: VariableValues, sqlite: bool, depth: int) -> Statement | None:
    """The operation in one statement, values nested at most `depth` rows deep; None when no root field is nested.

    Built once per plan and values of its variables (which, with the document, make every argument): building
    one costs more than running a small one. Variables longer than `KEPT_VARIABLES` when written out (a long
    filter, say) are built each time, so the kept statements stay small whatever clients send."""
    values = repr(sorted(variables.coerced.items()))
    key = (root, values, sqlite, depth)
    kept = len(values) <= KEPT_VARIABLES
    found = _BUILT.get(key, _UNBUILT)
    if found is not _UNBUILT:
        return found
    builder = _Builder(planner, variables, sqlite, depth)
    nested, slots = builder.slots([root], None, [])
    select = sa.select(builder.text(builder.array(nested)))
    built = Statement(select, Level([], [], slots), builder.whole, builder.joins_per_row) if slots else None
    if kept:
        _BUILT.put(key, built)
    return built


class _NotNested(Exception):
    """A field this module does not nest: its fetch reads it."""


class _Builder:
    def __init__(self, planner: Planner, variables: VariableValues, sqlite: bool, deepest: int) -> None:
        self.planner = planner
        self.variables = variables
        self.sqlite = sqlite
        self.deepest = deepest
        self.names = count()
        self.depth = 0  # how many subqueries deep the values being built are nested
        self.whole = True  # whether the statement reads every value the operation reads (so far)
        self.joins_per_row = False  # whether it joins rows in a correlated subquery (so far)

    # SQL of each dialect.
    def array(self, values: list[sa.ColumnElement[Any]]) -> sa.ColumnElement[Any]:
        if self.sqlite:
            return sa.func.json_array(*values)
        return sa.func.json_build_array(*values)

    def nested(self, value: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        """A JSON value from a subquery, to be put in an array as JSON, not as text."""
        return sa.func.json(value) if self.sqlite else value

    def aggregate(self, rows: sa.Select[Any], source: FromClause) -> sa.ColumnElement[Any]:
        """The JSON arrays of `rows` (one column, over `source`, an ordered subquery and the rows joined to it) as
        one JSON array, in that order; `[]` when there are none.

        PostgreSQL aggregates by each row's `position` in the subquery (a join may emit rows in another order);
        SQLite joins the subquery's rows in their order, one by one, and aggregates them as they come."""
        [array] = rows.selected_columns
        if self.sqlite:
            return self.nested(rows.with_only_columns(sa.func.json_group_array(array)).scalar_subquery())
        empty: sa.ColumnElement[Any] = sa.literal_column("'[]'::json")
        joined = any(isinstance(found, sa.Join) for found in rows.get_final_froms())
        ordered = aggregate_order_by(array, source.c[_POSITION]) if joined else array
        return rows.with_only_columns(sa.func.coalesce(sa.func.json_agg(ordered), empty)).scalar_subquery()

    def text(self, value: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        return value if self.sqlite else sa.cast(value, sa.Text)

    def alias(self, table: sa.Table) -> FromClause:
        return table.alias(f"n{next(self.names)}")

    def read_apart(self, steps: list[Step]) -> None:
        """`steps` are not nested: read after the statement, by their fetches and those of the fields below."""
        if any(_reads_after(step) for step in steps):
            self.whole = False

    # The values nested in a row, for the steps of the shapes that read it.
    def slots(
        self, shapes: list[Shape], parent: FromClause | None, joins: Joins
    ) -> tuple[list[sa.ColumnElement[Any]], list[tuple[Step, Decode]]]:
        """The values nested in a row of `parent` (in the operation, when None) for the steps of `shapes`, and how
        to decode each; the rows they need joined to `parent` are added to `joins`."""
        values: list[sa.ColumnElement[Any]] = []
        slots: list[tuple[Step, Decode]] = []
        for shape in shapes:
            for step in shape.steps:
                if step.fetch is None:
                    self.read_apart([step])  # an attribute: an object's fields below it may read
                    continue
                if step.shapes is None or (is_abstract_type(step.shapes.named) and not isinstance(step.fetch, Node)):
                    self.read_apart([step])
                    continue
                try:
                    value, decode = self.value(step, parent, joins)
                except _NotNested:
                    self.read_apart([step])
                    continue
                values.append(value)
                slots.append((step, decode))
        return values, slots

    def value(self, step: Step, parent: FromClause | None, joins: Joins) -> tuple[sa.ColumnElement[Any], Decode]:
        """A step's value for a row of `parent` (for the operation, when None), and how to decode it."""
        arguments = self.planner.arguments(step, self.variables)
        fetch = step.fetch
        if isinstance(fetch, RootPage):
            return self.root_page(step, fetch, arguments)
        if isinstance(fetch, Node):
            return self.node(step, arguments)
        if isinstance(fetch, ByKey):
            lookup, key = fetch.find(arguments)
            return self.one(step, lookup.table, lambda alias: alias.c[lookup.column] == key)
        if parent is None:
            raise _NotNested
        return self.child(step, fetch, arguments, parent, joins)

    def child(
        self, step: Step, fetch: object, arguments: dict[str, Any], parent: FromClause, joins: Joins
    ) -> tuple[sa.ColumnElement[Any], Decode]:
        if isinstance(fetch, Foreign):
            return self.joined(step, fetch.lookup, parent.c[fetch.column], joins)
        if isinstance(fetch, Children):
            relationship = fetch.relationship
            order = [*relationship.order_by, *relationship.table.primary_key]
            return self.many(step, relationship, parent.c[fetch.key], order, parent)
        if isinstance(fetch, Pair):
            table, column_name = fetch.lookup.table, fetch.lookup.column
            keys = [parent.c[column] for column in fetch.columns]

            def pair(alias: FromClause) -> list[sa.ColumnElement[bool]]:
                return [alias.c[column_name].in_(keys)]

            value, decode = self.listed(step, table, pair, [table.c[fetch.order], *table.primary_key], None, parent)

            def both(values: Any) -> Any:
                rows = decode(values)
                if len(rows) != len(fetch.columns):  # a key that names no row: normal execution reports it
                    raise Fallback(f"a row missing at {step.where}", "data")
                return rows

            return value, both
        if isinstance(fetch, ChildPage):
            return self.child_page(step, fetch, arguments, parent)
        raise _NotNested

    def node(self, step: Step, arguments: dict[str, Any]) -> tuple[sa.ColumnElement[Any], Decode]:
        """`node(id:)`: the id names the node's type, whose shape reads the row."""
        assert step.shapes is not None
        entity, key = parse_global_id(arguments["id"])
        lookup = by_key(entity)
        typename = TYPENAMES.get(lookup.table.name)
        if typename is None:
            raise _NotNested
        shape = step.shapes.of(typename)
        return self.one(step, lookup.table, lambda alias: alias.c[lookup.column] == key, None, shape)

    def rows(
        self,
        shapes: list[Shape],
        table: sa.Table,
        where: Callable[[FromClause], list[sa.ColumnElement[bool]]],
        order: list[sa.ColumnElement[Any]],
        limit: int | None,
        parent: FromClause | None,
        keep: Sequence[str] = (),
    ) -> tuple[sa.Select[Any], Level, FromClause]:
        """The rows of `table` that `where` lets through, in `order`, each as one JSON array (the select's one
        column), and the rows' source; with an order or a limit, the rows are cut in a subquery of their columns
        alone."""
        alias = self.alias(table)
        adapt = ClauseAdapter(alias).traverse
        columns = _columns_of(alias, table)
        if limit is None and not order:
            select, level, _source = self.arrays(shapes, alias, columns, parent, keep)
            return select.where(*where(alias)), level, alias
        ordered = [adapt(term) for term in order]
        paged = limit is not None
        chosen = sa.select(*columns, *self.position(ordered, shapes, paged)).where(*where(alias)).order_by(*ordered)
        if parent is not None:
            chosen = chosen.correlate(parent)
        found = (chosen if limit is None else chosen.limit(limit)).subquery(f"n{next(self.names)}")
        select, level, source = self.arrays(shapes, found, _row_columns(found), parent, keep)
        return (select if limit is None else self.beyond(select, found, limit - 1)), level, source

    def position(
        self, order: list[sa.ColumnElement[Any]], shapes: list[Shape], paged: bool
    ) -> list[sa.ColumnElement[Any]]:
        """PostgreSQL: each row's place in `order`, for a page to tell the row beyond it (`beyond`), and for the
        aggregate to keep the order when rows are joined to the rows of `shapes` (`aggregate`, `joined`); without
        a join they come in the subquery's order."""
        joined = self.depth < self.deepest and any(
            isinstance(step.fetch, Foreign) for shape in shapes for step in shape.steps
        )
        wanted = (paged or joined) and not self.sqlite
        return [sa.func.row_number().over(order_by=order).label(_POSITION)] if wanted else []

    def beyond(self, select: sa.Select[Any], found: FromClause, size: int) -> sa.Select[Any]:
        """A page's rows read one beyond its size, to tell whether more follow: on PostgreSQL that one only as a
        null, without the values nested in it (on SQLite the condition would take a level of its parser's stack,
        which `DEPTH` leaves for another level of rows)."""
        if self.sqlite:
            return select
        [array] = select.selected_columns
        return select.with_only_columns(sa.case((found.c[_POSITION] > size, sa.null()), else_=array))

    def arrays(
        self,
        shapes: list[Shape],
        source: FromClause,
        columns: list[sa.ColumnElement[Any]],
        parent: FromClause | None,
        keep: Sequence[str] = (),
    ) -> tuple[sa.Select[Any], Level, FromClause]:
        """Each row of `source` as one JSON array (`array`), the rows a foreign key names joined to it; and the
        source."""
        joins: Joins = []
        self.depth += 1  # a row joined to these (`joined`) is read with them, at their depth
        try:
            array, level = self.array_of(shapes, source, columns, keep, joins)
        finally:
            self.depth -= 1
        joined = source
        for target, on in joins:
            joined = joined.outerjoin(target, on)
        select = sa.select(array).select_from(joined)
        if parent is not None:
            select = select.correlate(parent)
            self.joins_per_row = self.joins_per_row or bool(joins)
        return select, level, source

    def array_of(
        self,
        shapes: list[Shape],
        source: FromClause,
        columns: list[sa.ColumnElement[Any]],
        keep: Sequence[str],
        joins: Joins,
    ) -> tuple[sa.ColumnElement[Any], Level]:
        """A row of `source` as one JSON array: those of `columns` that the steps of `shapes` read (and `keep`),
        then the values nested for them; the rows they need joined are added to `joins`."""
        if any(isinstance(column.type, sa.Numeric) and not isinstance(column.type, sa.Float) for column in columns):
            raise _NotNested  # a decimal's digits would pass through a JSON number
        if self.depth <= self.deepest:
            nested, slots = self.slots(shapes, source, joins)
        else:
            nested, slots = [], []
            self.read_apart([step for shape in shapes for step in shape.steps])
        needed = _needed(shapes, {step for step, _ in slots}, keep)
        if needed is not None:
            columns = [column for column in columns if column.key in needed]
        values = [self.column(column) for column in columns]
        decoders = [(position, decode) for position, column in enumerate(columns) if (decode := self.decoder(column))]
        return self.array([*values, *nested]), Level([str(column.key) for column in columns], decoders, slots)

    def joined(
        self,
        step: Step,
        lookup: Lookup,
        key: sa.ColumnElement[Any],
        joins: Joins,
    ) -> tuple[sa.ColumnElement[Any], Decode]:
        """The row a foreign key names, joined to its parent's rows: a subquery per row would read the table
        once for each (PostgreSQL scans a small table rather than use its index, row after row)."""
        target = self.alias(lookup.table)
        found = target.c[lookup.column]
        joins.append((target, found == key))
        array, level = self.array_of([self.shape(step)], target, _columns_of(target, lookup.table), (), joins)
        value = sa.case((found.is_(None), sa.null()), else_=array)
        return self.nested(value), lambda row: None if row is None else level.row(row)

    def root_page(self, step: Step, fetch: RootPage, arguments: dict[str, Any]) -> tuple[sa.ColumnElement[Any], Decode]:
        window, ordering = window_of(arguments), fetch.ordering(arguments)
        shapes, counted = self.page_shapes(step)
        statement = fetch.statement(arguments)
        cut = keyset(statement, ordering, window)
        found = cut.add_columns(*self.position(ordering.order_by(reverse=window.backward), shapes, True)).subquery(
            f"n{next(self.names)}"
        )
        select, level, source = self.arrays(shapes, found, _row_columns(found), None, _sort_keys(ordering))
        select = self.beyond(select, found, window.size)
        total: sa.ColumnElement[Any] = sa.null()
        if counted:
            total = sa.select(sa.func.count()).select_from(statement.order_by(None).subquery()).scalar_subquery()
        return self.array([self.aggregate(select, source), total]), self.page(level, window, ordering)

    def column(self, column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        return sa.func.json(column) if self.sqlite and isinstance(column.type, sa.JSON) else column

    def decoder(self, column: sa.ColumnElement[Any]) -> Decode | None:
        """How a column's JSON value becomes the value the driver gives for it, where they differ."""
        if isinstance(column.type, sa.Date):
            return date.fromisoformat
        if isinstance(column.type, sa.Boolean) and self.sqlite:
            return bool
        return None

    def one(
        self,
        step: Step,
        table: sa.Table,
        where: Callable[[FromClause], sa.ColumnElement[bool]],
        parent: FromClause | None = None,
        shape: Shape | None = None,
    ) -> tuple[sa.ColumnElement[Any], Decode]:
        shapes = [shape or self.shape(step)]
        select, level, _source = self.rows(shapes, table, lambda alias: [where(alias)], [], None, parent)
        return self.nested(select.scalar_subquery()), lambda value: None if value is None else level.row(value)

    def listed(
        self,
        step: Step,
        table: sa.Table,
        where: Callable[[FromClause], list[sa.ColumnElement[bool]]],
        order: list[sa.ColumnElement[Any]],
        limit: int | None,
        parent: FromClause | None,
    ) -> tuple[sa.ColumnElement[Any], Decode]:
        select, level, source = self.rows([self.shape(step)], table, where, order, limit, parent)
        return self.aggregate(select, source), lambda values: [level.row(value) for value in values]

    def many(
        self,
        step: Step,
        relationship: Relationship,
        key: sa.ColumnElement[Any],
        order: list[sa.ColumnElement[Any]],
        parent: FromClause,
    ) -> tuple[sa.ColumnElement[Any], Decode]:
        """All of a parent's rows in `relationship`, in `order`."""

        def belonging(alias: FromClause) -> list[sa.ColumnElement[bool]]:
            return self.belonging(relationship, alias, key, parent)

        return self.listed(step, relationship.table, belonging, order, None, parent)

    def belonging(
        self, relationship: Relationship, alias: FromClause, key: sa.ColumnElement[Any], parent: FromClause
    ) -> list[sa.ColumnElement[bool]]:
        """The conditions that a row of `alias` is one of the parent's (whose key is `key`, a column of `parent`)
        in `relationship`."""
        adapt = ClauseAdapter(alias).traverse
        if relationship.link is None:
            conditions = [sa.or_(*(adapt(column) == key for column in relationship.keys))]
            return conditions + ([adapt(relationship.where)] if relationship.where is not None else [])
        child = relationship.link_child()
        if child is None:
            raise _NotNested
        link = self.alias(relationship.link)
        linked = ClauseAdapter(link).traverse
        pairs = sa.select(linked(child)).where(sa.or_(*(linked(column) == key for column in relationship.keys)))
        if relationship.where is not None:
            pairs = pairs.where(linked(relationship.where))
        return [alias.c.id.in_(pairs.correlate(parent))]

    def shape(self, step: Step) -> Shape:
        assert step.shapes is not None
        return step.shapes.of(step.shapes.named.name)

    def child_page(
        self, step: Step, fetch: ChildPage, arguments: dict[str, Any], parent: FromClause
    ) -> tuple[sa.ColumnElement[Any], Decode]:
        window, ordering = window_of(arguments), fetch.ordering(arguments)
        where, beyond = fetch.where(arguments), beyond_cursors(ordering, window)
        shapes, counted = self.page_shapes(step)
        relationship = fetch.relationship
        key = parent.c.id

        def chosen(alias: FromClause) -> list[sa.ColumnElement[bool]]:
            adapt = ClauseAdapter(alias).traverse
            return [*self.belonging(relationship, alias, key, parent), adapt(where), adapt(beyond)]

        order = ordering.order_by(reverse=window.backward)
        select, level, source = self.rows(
            shapes, relationship.table, chosen, order, window.size + 1, parent, _sort_keys(ordering)
        )
        rows = self.aggregate(select, source)
        total: sa.ColumnElement[Any] = sa.null()
        if counted:
            alias = self.alias(relationship.table)
            adapt = ClauseAdapter(alias).traverse
            conditions = [*self.belonging(relationship, alias, key, parent), adapt(where)]
            total = sa.select(sa.func.count()).select_from(alias).where(*conditions).correlate(parent).scalar_subquery()

        return self.array([rows, total]), self.page(level, window, ordering)

    @staticmethod
    def page(level: Level, window: Window, ordering: Ordering) -> Decode:
        def decode(value: list[Any]) -> Page:
            found, number = value
            rows: list[Any] = [None if row is None else level.row(row) for row in found]  # None: the one beyond
            return Page.of(rows, window, ordering, Total(_counted, number))

        return decode

    def page_shapes(self, step: Step) -> tuple[list[Shape], bool]:
        """The shapes that read a page's rows (under `nodes`, and `node` under `edges`), and whether its total
        is asked for; a connection field this module does not know is not nested."""
        shapes: list[Shape] = []
        counted = False
        for step_ in self.shape(step).steps:
            if step_.typename:
                continue
            name = step_.definition and _python_name(step_)
            if name not in _PAGE_FIELDS:
                raise _NotNested
            if name == "total_count":
                counted = isinstance(step_.fetch, Totals)
            elif name == "nodes":
                shapes.append(self.shape(step_))
            elif name == "edges":
                for edge_step in self.shape(step_).steps:
                    if not edge_step.typename and edge_step.attribute == "node":
                        shapes.append(self.shape(edge_step))
        return shapes, counted


def _reads_after(step: Step) -> bool:
    """Whether a step read apart from the statement takes a statement: its fetch's, or a fetch's below it (any, for
    an abstract type's, whose shapes are planned as values come)."""
    if step.fetch is not None and not isinstance(step.fetch, Computed):
        return True
    if step.shapes is None:
        return False
    if is_abstract_type(step.shapes.named):
        return True
    return any(_reads_after(child) for child in step.shapes.of(step.shapes.named.name).steps)


def _python_name(step: Step) -> str | None:
    assert step.definition is not None
    found = field_of(step.definition)
    return None if found is None else found.python_name


def _needed(shapes: list[Shape], nested: set[Step], keep: Sequence[str]) -> set[str] | None:
    """The columns the steps of `shapes` read of a row, beside those nested in SQL; None when one may read any."""
    names = {"typename", *keep}
    for shape in shapes:
        for step in shape.steps:
            if step.typename or step in nested:
                continue
            if step.attribute is not None:
                names.add(step.attribute)
            elif isinstance(step.fetch, Computed) and step.fetch.reads is not None:
                names.update(step.fetch.reads(shape.typename))
            else:
                return None  # a fetch reads it step by step, from any of the row's columns
    return names


def _columns_of(alias: FromClause, table: sa.Table) -> list[sa.ColumnElement[Any]]:
    """The columns of `table` through `alias`, with the type name where a union may need it (as
    `resolvers.rows.columns_of` selects them from the table itself)."""
    columns: list[sa.ColumnElement[Any]] = [alias.c[column.name] for column in table.c]
    typename = TYPENAMES.get(table.name)
    return [*columns, sa.literal(typename).label("typename")] if typename is not None else columns


def _row_columns(found: FromClause) -> list[sa.ColumnElement[Any]]:
    """A subquery's columns but the rows' positions."""
    return [column for column in found.c if column.key != _POSITION]


def _sort_keys(ordering: Ordering) -> list[str]:
    """The columns a page's cursors are made of."""
    return [str(column.key) for column, _ in ordering.columns]


def _counted(_connection: sa.Connection, numbers: list[Any]) -> list[int]:
    """The totals of pages counted in the operation's one statement: each page's key is its count."""
    return list(numbers)
