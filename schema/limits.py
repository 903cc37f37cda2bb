"""Limits on what one request may ask: depth, aliases, tokens, filter size and cost, introspection included.

The cost estimates the work a query asks of the database, before a single row is read; it is
pessimistic on purpose, and a client can work it out from the query alone:

- every object the query can return counts 1: a connection as many as its `first` or `last` allows
  (100 when neither is given), a list without paging as `LIST_WIDTH`, each multiplied by how many
  times its parent can occur;
- a field that makes the database count, search or aggregate (`totalCount`, `search`, `timeline`,
  `eventStats`' counts) adds the cost it declares, each time it can occur;
- a `filter` adds `CONDITION` per condition in it (`TEXT_CONDITION` for `contains`, which reads every
  row it is given), each time the filtered list can occur;
- the operations of a batch share one budget.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
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
from resolvers.errors import BadUserInput, ErrorCode
from schema.strings import too_long

LIST_WIDTH = 10
CONDITION = 100
TEXT_CONDITION = 1000
MAX_CONDITIONS = 50
# Introspection nests type references deep (`ofType` in `ofType`…) but can reach no data: it has a depth
# limit of its own, with room for every tool's introspection query.
MAX_INTROSPECTION_DEPTH = 30
# Inlining fragments can multiply a small document; walking stops past this many selections.
MAX_SELECTIONS = 20_000
_META = {"__typename": TypeNameMetaFieldDef, "__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}


class TooComplexError(GraphQLError):
    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": ErrorCode.QUERY_TOO_COMPLEX.value, **extensions})


@dataclass
class Budget:
    """The cost one HTTP request may spend, shared by the operations of a batch."""

    limit: int = field(default_factory=lambda: settings.MAX_COST)
    spent: int = 0


@dataclass
class Analysis:
    """What a query asks for: how deep, how many aliases, how many filter conditions, and its cost."""

    depth: int = 0
    introspection_depth: int = 0
    aliases: int = 0
    cost: int = 0
    selections: int = 0
    conditions: list[tuple[str, int]] = field(default_factory=list)  # (field, conditions) of each filter


def declared_cost(definition: GraphQLField) -> int:
    """The cost a field declares for the work it asks of the database, each time it is resolved."""
    strawberry_field = (definition.extensions or {}).get("strawberry-definition")
    metadata = getattr(strawberry_field, "metadata", None) or {}
    return int(metadata.get("cost", 0))


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


class _Walker:
    def __init__(self, schema: GraphQLSchema, document: Any, variables: dict[str, Any]) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.analysis = Analysis()
        self.introspecting = False
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
        self.analysis.cost += instances * declared_cost(definition)
        self._filter(node, definition, instances)
        if node.selection_set is None:
            return
        named = get_named_type(definition.type)
        if _is_connection(named):
            # The connection itself occurs once per parent; its page of items is as wide as `first` or `last`.
            width = self._page_width(node, definition)
            self.analysis.cost += instances * width
            self.walk(node.selection_set, named, depth, instances, width, path)
            return
        count = instances * self._width(node, definition, parent, page)
        if is_composite_type(named) and not _within_page(parent):
            self.analysis.cost += count
        self.walk(node.selection_set, named, depth, count, page, path)

    def _filter(self, node: FieldNode, definition: GraphQLField, instances: int) -> None:
        argument = next((a for a in node.arguments or () if a.name.value == "filter"), None)
        if argument is None or "filter" not in definition.args:
            return
        variable = argument.value.name.value if isinstance(argument.value, VariableNode) else None
        counted = self._counted.get(variable) if variable else None
        if counted is None:
            counted = conditions(value_from_ast_untyped(argument.value, self.variables))
            if variable:
                self._counted[variable] = counted
        found, text = counted
        self.analysis.conditions.append((node.name.value, found))
        self.analysis.cost += instances * ((found - text) * CONDITION + text * TEXT_CONDITION)

    def _definition(self, name: str, parent: Any) -> GraphQLField | None:
        if name in _META:
            return _META[name]
        fields = getattr(parent, "fields", None)
        return fields.get(name) if fields else None

    def _page_width(self, node: FieldNode, definition: GraphQLField) -> int:
        sizes = [self._argument(node, name) for name in ("first", "last") if name in definition.args]
        given = [size for size in sizes if size is not None]
        return max(0, min(given)) if given else settings.MAX_PAGE_SIZE

    def _width(self, node: FieldNode, definition: GraphQLField, parent: Any, page: int) -> int:
        if "ids" in definition.args:
            return self._length(node, "ids")
        if _within_page(parent):
            # A connection's `edges` and `nodes` hold its page; an edge's `node` is one of them.
            return page if _is_connection(parent) else 1
        kind = definition.type.of_type if isinstance(definition.type, GraphQLNonNull) else definition.type
        return LIST_WIDTH if isinstance(kind, GraphQLList) else 1

    def _length(self, node: FieldNode, name: str) -> int:
        """How many items a list argument holds, given inline or as a variable."""
        for argument in node.arguments or ():
            if argument.name.value != name:
                continue
            if isinstance(argument.value, ListValueNode):
                return len(argument.value.values)
            if isinstance(argument.value, VariableNode):
                given = self.variables.get(argument.value.name.value)
                return len(given) if isinstance(given, list) else 1
        return 1

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


def _is_connection(kind: Any) -> bool:
    return isinstance(kind, GraphQLObjectType) and kind.name.endswith("Connection")


def _within_page(parent: Any) -> bool:
    """A connection's `edges` and `nodes`, and an edge's `node`, hold the items the connection field counted."""
    return isinstance(parent, GraphQLObjectType) and parent.name.endswith(("Connection", "Edge"))


def analyse(
    schema: GraphQLSchema, document: Any, operation_name: str | None, variables: dict[str, Any] | None
) -> Analysis:
    """Depth, aliases, filter sizes and cost of the operation `operation_name` of a valid document."""
    operation = get_operation_ast(document, operation_name)
    if not isinstance(operation, OperationDefinitionNode):
        return Analysis()
    walker = _Walker(schema, document, variables or {})
    root = schema.get_root_type(operation.operation)
    walker.walk(operation.selection_set, root, 0, 1, 1, frozenset())
    return walker.analysis


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
    for name, count in analysis.conditions:
        if count > MAX_CONDITIONS:
            message = (
                f"the filter of `{name}` has more than {MAX_CONDITIONS} conditions: match several values with "
                "one `in`, or split the question into several queries"
            )
            found.append(TooComplexError(message, conditions=MAX_CONDITIONS))
    if analysis.cost > budget.limit - budget.spent:
        before = f" (the operations before it in the batch spent {budget.spent})" if budget.spent else ""
        message = (
            f"the query's cost is {analysis.cost}{before}; the limit is {budget.limit}: ask for fewer items with "
            "`first` or `last`, fewer counts and statistics, or fewer filter conditions"
        )
        found.append(TooComplexError(message, cost=analysis.cost, limit=budget.limit))
    return found


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


class Limits(SchemaExtension):
    """Refuses a query past a limit with `QUERY_TOO_COMPLEX`, and reports the cost of every query it lets through."""

    analysis: Analysis | None = None

    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = settings.MAX_TOKENS
        yield

    def on_validate(self) -> Iterator[None]:
        # Runs after the cached standard validation (ValidationCache comes first), before execution.
        context = self.execution_context
        if not context.pre_execution_errors and context.graphql_document is not None:
            context.pre_execution_errors = self._bad_input(context.graphql_document) or self._refusals()
        yield

    def _bad_input(self, document: DocumentNode) -> list[GraphQLError]:
        """Values no resolver should see: a NUL character, a variable of the wrong type, a string too long."""
        context = self.execution_context
        if nul_characters(context.query, document):
            message = "a string holds a NUL character (\\u0000), which no value in this API holds: remove it"
            return [BadUserInput(message)]
        variables = context.variables or {}
        if coercion := variable_errors(context.schema._schema, document, context.operation_name, variables):
            return coercion
        long = too_long(document, variables, settings.MAX_STRING_LENGTH)
        return [long] if long else []

    def _refusals(self) -> list[GraphQLError]:
        context = self.execution_context
        budget = getattr(context.context, "budget", None) or Budget()
        try:
            self.analysis = analyse(
                context.schema._schema,  # strawberry keeps graphql-core's schema there
                context.graphql_document,
                context.operation_name,
                context.variables,
            )
        except TooComplexError as error:
            return [error]
        found = refusals(self.analysis, budget)
        if not found:
            budget.spent += self.analysis.cost
            if hasattr(context.context, "cost"):
                context.context.cost = self.analysis.cost
        return found

    def get_results(self) -> dict[str, Any]:
        if self.analysis is None or self.execution_context.pre_execution_errors:
            return {}
        return {"cost": {"requested": self.analysis.cost, "limit": settings.MAX_COST}}
