"""Limits on what one request may ask: depth, aliases, tokens, filter size and cost, introspection included.

The cost estimates the work a query asks of the database, before a single row is read; it is
pessimistic on purpose, and a client can work it out from the query and the schema alone. It has two parts:

- `requested`: what the schema's `@cost` and `@listSize` directives give (`pipeline/costs.py` says the rules, and
  declares the directives from the weights this walk counts): every object the query can return counts 1 (a
  connection's page as many as its `first` or `last` allows, `DEFAULT_PAGE_SIZE` when neither is given; a list
  without paging `LIST_WIDTH`), each multiplied by how many times its parent can occur; a search or an aggregate
  counts the weight it declares; every argument and input field given counts its weight (a filter's condition
  `CONDITION`, `TEXT_CONDITION` for `contains`; an input object 1);
- `scanned`: what no directive can say, the rows a read that may scan its table can read — a list with a
  `filter`, a list sorted by a field no index sorts by (`INDEXED_ORDERS`), a nested page no index cuts,
  `totalCount`, `timeline`'s window of years — counted from the data loaded (resolvers/sizes.py), once per time
  the field is written in the query: one statement reads the rows of every parent at once, each row at most once.

The limit (`MAX_COST`) holds their sum. Every argument counts with the value it will have: written in the query,
passed as a variable, or a variable's default value. Introspection counts every object it returns, with the
schema's own sizes (`__schema { types { fields { name } } }` counts each type and each field), in `requested`
and against a budget of its own too (`MAX_INTROSPECTION_COST`): its answer is built on the event loop, and is
large. The operations of a batch share both budgets.

A read that may scan is heavy whatever its cost: its statements run on a worker thread (see
resolvers/reading.py), where the database's own time budget stops them.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_operation_ast,
    get_variable_values,
    is_composite_type,
    value_from_ast_untyped,
    visit,
)
from graphql.language import Visitor
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef, TypeNameMetaFieldDef
from strawberry.extensions import SchemaExtension

import settings
from pipeline.costs import LIST_WIDTH, actual, costs, is_page, scan_table, table_of
from pipeline.internals import core_schema, field_of
from pipeline.kept import Kept
from pipeline.strings import too_long
from resolvers.errors import BadUserInput, ErrorCode
from resolvers.fetches import ChildPage, Fetch, fetch_of
from resolvers.sizes import SIZES

MAX_CONDITIONS = 50
# Introspection nests type references deep (`ofType` in `ofType`…) but can reach no data: it has a depth
# limit of its own, with room for every tool's introspection query.
MAX_INTROSPECTION_DEPTH = 30
# Inlining fragments can multiply a small document; walking stops past this many selections.
MAX_SELECTIONS = 20_000
_META = {"__typename": TypeNameMetaFieldDef, "__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}
# The sorts an index serves, by the GraphQL enum that names a sort's field: sorting by any other field
# reads every row of the list's table before the first one is returned.
INDEXED_ORDERS = {"EventOrderField": {"DATE"}, "CountryOrderField": {"CODE"}, "RelationOrderField": {"SLUG"}}


class TooComplexError(GraphQLError):
    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": ErrorCode.QUERY_TOO_COMPLEX.value, **extensions})


@dataclass
class Budget:
    """The cost one HTTP request may spend, shared by the operations of a batch."""

    limit: int = field(default_factory=lambda: settings.MAX_COST)
    spent: int = 0
    introspection_limit: int = field(default_factory=lambda: settings.MAX_INTROSPECTION_COST)
    introspection_spent: int = 0


@dataclass
class Analysis:
    """What a query asks for: how deep, how many aliases, how many filter conditions, and its cost."""

    depth: int = 0
    introspection_depth: int = 0
    aliases: int = 0
    cost: int = 0  # what the schema's cost directives give: `extensions.cost.requested`
    scanned: int = 0  # the rows reads that may scan their tables can read, on the data version counted
    introspection: int = 0  # the part of the cost that introspection returns
    partial: bool = False  # the walk stopped once introspection was past its budget: the counts are at least these
    scans: bool = False  # whether a read may scan a table rather than look up a bounded number of rows
    selections: int = 0
    conditions: list[tuple[str, int]] = field(default_factory=list)  # (coordinate, conditions) of each filter

    @property
    def total(self) -> int:
        """What the limit holds: the cost the directives give and the rows scans can read."""
        return self.cost + self.scanned


def conditions(value: Any, limit: int = MAX_CONDITIONS) -> tuple[int, int]:
    """How many conditions a filter holds, and how many of them match text: `and`, `or` and `not` looked into.

    Counting stops past `limit`: a filter of a million conditions costs no more to refuse than one of 51.
    """
    found, text = 0, 0
    pending = [value]
    while pending and found <= limit:
        current = pending.pop()
        if not isinstance(current, dict):
            continue
        for key, inner in current.items():
            if key in ("and", "or") and isinstance(inner, list):
                pending += inner
            elif key == "not":
                pending.append(inner)
            elif isinstance(inner, dict):
                # A field's conditions: each of `eq`, `in`, `contains`, `from`, `to` given, or a nested input's own.
                own = [condition for condition in inner.values() if condition is not None]
                found += sum(1 for condition in own if not isinstance(condition, dict))
                text += 1 if inner.get("contains") is not None else 0
                pending += [condition for condition in own if isinstance(condition, dict)]
            elif inner is not None:
                found += 1
    return found, text


@dataclass(frozen=True)
class SchemaSize:
    """What introspection can return: how many types, and how many of each of their parts, the schema holds."""

    types: int
    directives: int
    per_parent: dict[tuple[str, str], tuple[int, int]]  # (type, list field): (items, parents) in the schema
    wrapping: int  # the most `ofType` levels a type reference has (`[Event!]!` has 3)


@cache
def schema_size(schema: GraphQLSchema) -> SchemaSize:
    kinds = list(schema.type_map.values())
    with_fields = [kind for kind in kinds if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType)]
    fields = [definition for kind in with_fields for definition in kind.fields.values()]
    inputs = [kind for kind in kinds if isinstance(kind, GraphQLInputObjectType)]
    enums = [kind for kind in kinds if isinstance(kind, GraphQLEnumType)]
    abstract = [kind for kind in kinds if isinstance(kind, GraphQLInterfaceType | GraphQLUnionType)]
    directive_arguments = sum(len(directive.args) for directive in schema.directives)
    references = [definition.type for definition in fields]
    references += [argument.type for definition in fields for argument in definition.args.values()]
    references += [definition.type for kind in inputs for definition in kind.fields.values()]
    count = len(kinds)
    per_parent = {
        ("__Type", "fields"): (len(fields), count),
        ("__Type", "inputFields"): (sum(len(kind.fields) for kind in inputs), count),
        ("__Type", "enumValues"): (sum(len(kind.values) for kind in enums), count),
        ("__Type", "interfaces"): (sum(len(kind.interfaces) for kind in with_fields), count),
        ("__Type", "possibleTypes"): (sum(len(schema.get_possible_types(kind)) for kind in abstract), count),
        ("__Field", "args"): (sum(len(definition.args) for definition in fields), max(1, len(fields))),
        ("__Directive", "args"): (directive_arguments, max(1, len(schema.directives))),
    }
    return SchemaSize(count, len(schema.directives), per_parent, max(map(_wrappers, references), default=0))


def _wrappers(reference: Any) -> int:
    found = 0
    while isinstance(reference, GraphQLList | GraphQLNonNull):
        found, reference = found + 1, reference.of_type
    return found


class _Enough(Exception):
    """Introspection is past its budget: the walk stops there."""


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        document: Any,
        variables: dict[str, Any],
        token: str | None,
        introspection_left: int | None = None,
    ) -> None:
        self.schema = schema
        self.introspection_left = introspection_left
        self.variables = variables
        self.token = token
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.analysis = Analysis()
        self.introspecting = False
        self.of_type = 0  # how many `ofType` levels deep introspection is
        self.enclosing: int | None = None  # the most children the parents of the connection walked can have
        self._counted: dict[str, tuple[int, int]] = {}  # a filter passed as a variable is counted once

    def walk(
        self, selections: SelectionSetNode, parent: Any, depth: int, instances: int, page: int, path: frozenset[str]
    ) -> None:
        """Walk a selection set on `instances` objects of `parent`; `page` is the width of a connection's page."""
        for selection in selections.selections:
            self.analysis.selections += 1
            if self.analysis.selections > MAX_SELECTIONS:
                raise TooComplexError(f"the query expands to more than {MAX_SELECTIONS} selections")
            if isinstance(selection, FieldNode):
                self.field(selection, parent, depth + 1, instances, page, path)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                kind = self.schema.get_type(condition.name.value) if condition else parent
                self.walk(selection.selection_set, kind, depth, instances, page, path)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in path:
                    kind = self.schema.get_type(fragment.type_condition.name.value)
                    self.walk(fragment.selection_set, kind, depth, instances, page, path | {name})

    def field(self, node: FieldNode, parent: Any, depth: int, instances: int, page: int, path: frozenset[str]) -> None:
        name = node.name.value
        if name in ("__schema", "__type") and not self.introspecting:
            self.introspecting = True
            try:
                self.field(node, parent, depth, instances, page, path)
            finally:
                self.introspecting = False
            return
        if self.introspecting:
            self.analysis.introspection_depth = max(self.analysis.introspection_depth, depth)
        else:
            self.analysis.depth = max(self.analysis.depth, depth)
        if node.alias is not None:
            self.analysis.aliases += 1
        definition = self._definition(name, parent)
        if definition is None:
            return
        named = get_named_type(definition.type)
        if self.introspecting:
            self._introspection(node, definition, parent, named, depth, instances, path)
            return
        self._reads(node, definition, parent, named, instances)
        weights = costs(self.schema)
        own = weights.field_weight(self.schema, parent.name, name, definition)
        arguments = weights.arguments_cost(node, definition, self.variables)
        self.analysis.cost += instances * max(0, own + arguments)
        if node.selection_set is None:
            return
        size = weights.sizes.get((parent.name, name))
        if size is not None and size.sized:
            # A connection occurs once per parent; the fields that hold its page (`edges`, `nodes`) are as wide
            # as `first` or `last`.
            width = self._slice(node, size.slicing, size.assumed)
            enclosing, self.enclosing = self.enclosing, self._family(definition, instances)  # what `totalCount` reads
            try:
                self.walk(node.selection_set, named, depth, instances, width, path)
            finally:
                self.enclosing = enclosing
            return
        if size is not None or (is_page(parent) and name in ("edges", "nodes")):
            items = instances * (page if size is None else self._slice(node, size.slicing, size.assumed))
            self.analysis.cost += items * weights.type_weight(self.schema, named)
            self.walk(node.selection_set, named, depth, items, page, path)
            return
        self.walk(node.selection_set, named, depth, instances, page, path)

    def _slice(self, node: FieldNode, slicing: tuple[str, ...], assumed: int | None) -> int:
        """A list's size: the largest slicing argument given, else its assumed size."""
        given = [size for name in slicing if (size := self._argument(node, name)) is not None]
        return max(0, *given) if given else (assumed or 0)

    def _reads(self, node: FieldNode, definition: GraphQLField, parent: Any, named: Any, instances: int) -> None:
        """The rows a field may read besides its objects: a scan of its table, where one is known."""
        table = table_of(named) if is_page(named) else None
        scanned = self._filter(node, definition, parent) | self._unindexed_order(node, definition)
        scanned |= not _index_pages(definition)
        if table is not None and scanned:
            self._scan(table, self._family(definition, instances))
        declared = scan_table(parent, definition)
        if declared is not None:
            self._scan(declared, self.enclosing if is_page(parent) else None)

    def _scan(self, table: str, family: int | None) -> None:
        """One statement that may read every row of `table` (or, for a nested list, every child of its
        parents), for every parent at once."""
        rows = SIZES.rows(table, self.token)
        self.analysis.scanned += rows if family is None else min(family, rows)
        self.analysis.scans = True

    def _family(self, definition: GraphQLField, instances: int) -> int | None:
        """The most children `instances` parents can have in a nested list; None for a list of a whole table."""
        fetch = _fetch(definition)
        largest = SIZES.family(fetch.relationship, self.token) if isinstance(fetch, ChildPage) else None
        return None if largest is None else instances * largest

    def _filter(self, node: FieldNode, definition: GraphQLField, parent: Any) -> bool:
        """Count the conditions of a field's filter (its cost is its arguments'); whether it has any (a filter no
        index is sure to serve)."""
        argument = next((a for a in node.arguments or () if a.name.value == "filter"), None)
        if argument is None or "filter" not in definition.args:
            return False
        variable = argument.value.name.value if isinstance(argument.value, VariableNode) else None
        counted = self._counted.get(variable) if variable else None
        if counted is None:
            counted = conditions(value_from_ast_untyped(argument.value, self.variables))
            if variable:
                self._counted[variable] = counted
        found, _ = counted
        self.analysis.conditions.append((f"{parent.name}.{node.name.value}(filter:)", found))
        return found > 0

    def _unindexed_order(self, node: FieldNode, definition: GraphQLField) -> bool:
        """Whether the field is sorted by a field no index sorts by (and so reads every row to sort them)."""
        argument = next((a for a in node.arguments or () if a.name.value == "orderBy"), None)
        if argument is None or "orderBy" not in definition.args:
            return False
        terms = value_from_ast_untyped(argument.value, self.variables)
        terms = terms if isinstance(terms, list) else [terms]
        term_type = get_named_type(definition.args["orderBy"].type)
        enum = get_named_type(term_type.fields["field"].type) if isinstance(term_type, GraphQLInputObjectType) else None
        indexed = INDEXED_ORDERS.get(getattr(enum, "name", ""), set())
        return any(isinstance(term, dict) and term.get("field") not in indexed for term in terms)

    def _introspection(
        self,
        node: FieldNode,
        definition: GraphQLField,
        parent: Any,
        named: Any,
        depth: int,
        instances: int,
        path: frozenset[str],
    ) -> None:
        """Walk an introspection field (which reads no data), counting the objects it returns."""
        if node.selection_set is None:
            return
        count = self._introspected(node, definition, parent, instances)
        if is_composite_type(named):
            self.analysis.cost += count
            self.analysis.introspection += count
            if self.introspection_left is not None and self.analysis.introspection > self.introspection_left:
                raise _Enough  # refused whatever the rest holds: walking it would only spend the loop's time
        self.of_type += node.name.value == "ofType"
        try:
            self.walk(node.selection_set, named, depth, count, 1, path)
        finally:
            self.of_type -= node.name.value == "ofType"

    def _introspected(self, node: FieldNode, definition: GraphQLField, parent: Any, instances: int) -> int:
        """How many objects an introspection field returns, from the schema's own sizes rather than a list's
        usual width."""
        size = schema_size(self.schema)
        name = node.name.value
        owner = getattr(parent, "name", "")
        if (owner, name) == ("__Schema", "types"):
            return instances * size.types
        if (owner, name) == ("__Schema", "directives"):
            return instances * size.directives
        if (owner, name) in size.per_parent:
            # As many as the schema holds per parent on average: `types { fields }` counts every field once.
            items, parents = size.per_parent[owner, name]
            return -(-instances * items // parents)
        if name == "ofType":
            # Past the deepest type reference of the schema, `ofType` is null.
            return instances if self.of_type < size.wrapping else 0
        return instances * self._width(definition)

    def _definition(self, name: str, parent: Any) -> GraphQLField | None:
        if name in _META:
            return _META[name]
        fields = getattr(parent, "fields", None)
        return fields.get(name) if fields else None

    def _width(self, definition: GraphQLField) -> int:
        kind = definition.type.of_type if isinstance(definition.type, GraphQLNonNull) else definition.type
        return LIST_WIDTH if isinstance(kind, GraphQLList) else 1

    def _argument(self, node: FieldNode, name: str) -> int | None:
        for argument in node.arguments or ():
            if argument.name.value != name:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return int(value.value)
            if isinstance(value, VariableNode):
                given = self.variables.get(value.name.value)
                return given if isinstance(given, int) and not isinstance(given, bool) else None
        return None


def _index_pages(definition: GraphQLField) -> bool:
    """Whether a nested page's rows come straight from an index, each parent's first rows read first: its
    children found by one column of their own table, an index on it followed by the columns of the order.

    Otherwise (children found through a link table, or by one of two columns, or an order no index
    follows) every child of every parent is read and sorted before the first page is cut.
    """
    fetch = _fetch(definition)
    return _index_follows(fetch) if isinstance(fetch, ChildPage) else True


def _fetch(definition: GraphQLField) -> Fetch | None:
    """The fetch a field's resolver reads through (resolvers/fetches.py), if it names one."""
    strawberry_field = field_of(definition)
    resolver = strawberry_field.base_resolver if strawberry_field else None
    return fetch_of(resolver.wrapped_func) if resolver else None


@cache
def _index_follows(fetch: ChildPage) -> bool:
    relationship = fetch.relationship
    if relationship.link is not None or len(relationship.keys) != 1:
        return False
    columns = [getattr(relationship.keys[0], "name", None), *(column.name for column, _ in fetch.ordering({}).columns)]
    return any(list(index.columns.keys())[: len(columns)] == columns for index in relationship.table.indexes)


def analyse(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    token: str | None = None,
    budget: Budget | None = None,
) -> Analysis:
    """Depth, aliases, filter sizes and cost of the operation `operation_name` of a valid document, on the
    data version `token` (the latest counted when not given); the walk stops early, `partial`, once
    introspection is past what is left of `budget`."""
    operation = get_operation_ast(document, operation_name)
    if not isinstance(operation, OperationDefinitionNode):
        return Analysis()
    left = budget.introspection_limit - budget.introspection_spent if budget else None
    walker = _Walker(schema, document, {**defaults(operation), **(variables or {})}, token, left)
    root = schema.get_root_type(operation.operation)
    try:
        walker.walk(operation.selection_set, root, 0, 1, 1, frozenset())
    except _Enough:
        walker.analysis.partial = True
    return walker.analysis


def defaults(operation: OperationDefinitionNode) -> dict[str, Any]:
    """The default values of the operation's variables: what a variable the request leaves out will be."""
    found: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        default: ValueNode | None = definition.default_value
        if default is not None:
            found[definition.variable.name.value] = value_from_ast_untyped(default)
    return found


def refusals(analysis: Analysis, budget: Budget) -> list[GraphQLError]:
    found: list[GraphQLError] = []
    if analysis.depth > settings.MAX_DEPTH:
        message = f"the query is {analysis.depth} fields deep; the limit is {settings.MAX_DEPTH}"
        found.append(TooComplexError(message, depth=analysis.depth, limit=settings.MAX_DEPTH))
    if analysis.introspection_depth > MAX_INTROSPECTION_DEPTH:
        message = (
            f"the introspection query is {analysis.introspection_depth} fields deep; "
            f"the limit is {MAX_INTROSPECTION_DEPTH}"
        )
        found.append(TooComplexError(message, depth=analysis.introspection_depth, limit=MAX_INTROSPECTION_DEPTH))
    if analysis.aliases > settings.MAX_ALIASES:
        message = f"the query has {analysis.aliases} aliases; the limit is {settings.MAX_ALIASES}"
        found.append(TooComplexError(message, aliases=analysis.aliases, limit=settings.MAX_ALIASES))
    for coordinate, count in analysis.conditions:
        if count > MAX_CONDITIONS:
            message = (
                f"the filter `{coordinate}` has more than {MAX_CONDITIONS} conditions: match several values with "
                "one `in`, or split the question into several queries"
            )
            found.append(TooComplexError(message, conditions=MAX_CONDITIONS, coordinate=coordinate))
    if analysis.total > budget.limit - budget.spent:
        before = f" (the operations before it in the batch spent {budget.spent})" if budget.spent else ""
        scans = f": {analysis.cost} requested and {analysis.scanned} rows it may scan" if analysis.scanned else ""
        message = (
            f"the query's cost is {analysis.total}{scans}{before}; the limit is {budget.limit}: ask for fewer items "
            "with `first` or `last`, fewer counts and statistics, or fewer filter conditions"
        )
        # JSON carries integers exactly up to 2**53 - 1 (JavaScript's safe integers); a cost past it says so much.
        found.append(TooComplexError(message, cost=min(analysis.total, 2**53 - 1), limit=budget.limit))
    if analysis.introspection > budget.introspection_limit - budget.introspection_spent:
        found.append(_introspection_refusal(analysis, budget))
    return found


def _introspection_refusal(analysis: Analysis, budget: Budget) -> TooComplexError:
    returns = f"at least {analysis.introspection}" if analysis.partial else str(analysis.introspection)
    before = f" (the operations before it in the batch spent {budget.introspection_spent})"
    message = (
        f"the introspection query returns {returns} objects{before if budget.introspection_spent else ''}; "
        f"the limit is {budget.introspection_limit}: ask for the schema once, not once per alias or operation"
    )
    return TooComplexError(message, cost=analysis.introspection, limit=budget.introspection_limit)


def nul_characters(query: str | None, document: Any) -> bool:
    """Whether a string of the document holds a NUL character, which no stored value holds.

    (The endpoint refuses variables that hold one before they get here.)
    """
    if query is not None and "\\u" not in query:
        return False  # a NUL in a GraphQL string is only ever written as an escape: `\u0000`, `\u{0}`
    found = False

    class _Strings(Visitor):
        def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
            nonlocal found
            found = found or "\x00" in node.value

    visit(document, _Strings())
    return found


def variable_errors(
    schema: GraphQLSchema, document: Any, operation_name: str | None, variables: dict[str, Any] | None
) -> list[GraphQLError]:
    """The variables that do not fit their types, found before the cost is counted from them.

    Counted first, `first: $n` with `n` past 32 bits would be reported as a cost rather than as the Int it is not.
    """
    operation = get_operation_ast(document, operation_name)
    if operation is None or not operation.variable_definitions:
        return []
    coerced = get_variable_values(schema, operation.variable_definitions, variables or {})
    return coerced if isinstance(coerced, list) else []


def bad_input(
    schema: GraphQLSchema, query: str | None, document: DocumentNode, operation_name: str | None, variables: Any
) -> list[GraphQLError]:
    """Values no resolver should see: a NUL character, a variable of the wrong type, a string too long."""
    if nul_characters(query, document):
        message = "a string holds a NUL character (\\u0000), which no value in this API holds: remove it"
        return [BadUserInput(message)]
    variables = variables or {}
    if coercion := variable_errors(schema, document, operation_name, variables):
        return coercion
    long = too_long(document, variables, settings.MAX_STRING_LENGTH, query)
    return [long] if long else []


def admit(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
    token: str | None,
    budget: Budget,
) -> tuple[Analysis | None, list[GraphQLError]]:
    """The operation measured against every limit; let through, its cost is taken from `budget`.

    Its analysis (None when the walk itself was refused) and the refusals, none when it may run.
    """
    try:
        analysis = analyse(schema, document, operation_name, variables, token, budget)
    except TooComplexError as error:
        return None, [error]
    found = refusals(analysis, budget)
    if not found:
        charge(budget, analysis)
    return analysis, found


def charge(budget: Budget, analysis: Analysis) -> None:
    """An operation let through takes its cost from the budget."""
    budget.spent += analysis.total
    budget.introspection_spent += analysis.introspection


def cost_report(analysis: Analysis, actual: int | None = None) -> dict[str, Any]:
    """The `extensions` of an answer: what the operation was counted to cost before it ran (`requested`, and the
    rows its scans may read), what the answer it returned costs by the same weights (`actual`), and the limit."""
    report = {"requested": analysis.cost, "scanned": analysis.scanned}
    if actual is not None:
        report["actual"] = actual
    return {"cost": {**report, "limit": settings.MAX_COST}}


def reported_cost(payload: dict[str, Any]) -> int | None:
    """The cost an answer reports, as the limit counts it: requested, and the rows its scans may read."""
    cost = payload.get("extensions", {}).get("cost", {})
    requested = cost.get("requested")
    return requested + cost.get("scanned", 0) if isinstance(requested, int) else None


KEPT_CHECKS = 256
# What checking an operation found, by `_check_key`: its analysis, against whose counts the limits are checked
# again at every request (let through or refused), or the refusals of input that no analysis was made of.
CHECKED: Kept[tuple[Any, ...], "Analysis | list[GraphQLError]"] = Kept(KEPT_CHECKS)


def checked(
    schema: GraphQLSchema,
    query: str | None,
    name: str | None,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    token: str | None,
    budget: Budget,
) -> tuple[Analysis | None, list[GraphQLError]]:
    """The input checked (`bad_input`) and the operation measured (`admit`), both taken from what was kept when the
    same operation came before, so a client repeating a request, let through or refused, costs a lookup: the
    outcomes depend on the text, the operation, the values of its declared variables, the data version's sizes
    and a few settings, and on nothing else for a request's first operation. Nothing is kept for a budget already
    spent (a batch's later operations) or a data version whose sizes are not counted."""
    key = _check_key(query, name, document, variables, token, budget)
    kept = None if key is None else CHECKED.get(key)
    if isinstance(kept, list):
        return None, kept
    if kept is not None:
        refused = refusals(kept, budget)
        if not refused:
            charge(budget, kept)
        return kept, refused
    bad = bad_input(schema, query, document, name, variables)
    analysis, refused = (None, bad) if bad else admit(schema, document, name, variables, token, budget)
    if key is not None:
        CHECKED.put(key, analysis if analysis is not None else [_detached(error) for error in refused])
    return analysis, refused


def _check_key(
    query: str | None,
    name: str | None,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    token: str | None,
    budget: Budget,
) -> tuple[Any, ...] | None:
    if query is None or token is None or not SIZES.known(token) or budget.spent or budget.introspection_spent:
        return None
    operation = get_operation_ast(document, name)
    definitions = (operation.variable_definitions or ()) if operation else ()
    given = variables or {}
    names = [each.variable.name.value for each in definitions]
    declared = [[given[name]] if name in given else [] for name in names]  # one left out is not a null
    try:
        written = orjson.dumps(declared)  # a request's variables are JSON: quicker than repr, for thousands of terms
    except TypeError:  # given in process, not parsed from JSON
        written = repr(declared).encode()
    values = hashlib.sha256(written).digest()
    limits = (settings.MAX_PAGE_SIZE, settings.DEFAULT_PAGE_SIZE, settings.MAX_STRING_LENGTH)
    return (query, name, values, token, limits, budget.introspection_limit)


def _detached(error: GraphQLError) -> GraphQLError:
    """The error without the traceback it was raised with (nor those of the errors it wraps): a traceback's frames
    hold the request that raised it, its context and its database connection, which a kept refusal must not keep."""
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        raised = pending.pop()
        if raised is None or any(raised is other for other in seen):
            continue
        seen.append(raised)
        raised.__traceback__ = None
        pending += [raised.__cause__, raised.__context__, getattr(raised, "original_error", None)]
    return error


class Limits(SchemaExtension):
    """Refuses a query past a limit with `QUERY_TOO_COMPLEX`, and reports the cost of every query it lets through."""

    analysis: Analysis | None = None

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = settings.MAX_TOKENS
        yield

    def on_validate(self) -> Iterator[None]:
        # Runs after the standard validation (KeptValidation comes first), before execution.
        context = self.execution_context
        if not context.pre_execution_errors and context.graphql_document is not None:
            budget = getattr(context.context, "budget", None) or Budget()
            reader = getattr(context.context, "reader", None)
            token = None if reader is None else reader.sizes_token()  # the snapshot's version, or the one it assumes
            schema, document, name = core_schema(context.schema), context.graphql_document, context.operation_name
            self.analysis, found = checked(schema, context.query, name, document, context.variables, token, budget)
            if not found and self.analysis is not None and hasattr(context.context, "cost"):
                context.context.cost = self.analysis.total
                context.context.scans = self.analysis.scans
            context.pre_execution_errors = found
        yield

    def get_results(self) -> dict[str, Any]:
        context = self.execution_context
        if self.analysis is None or context.pre_execution_errors or context.graphql_document is None:
            return {}
        data = getattr(context.result, "data", None)
        schema, document, variables = core_schema(context.schema), context.graphql_document, context.variables or {}
        return cost_report(self.analysis, actual(schema, document, context.operation_name, variables, data))
