"""Limits on what one query may ask: depth, aliases, tokens and cost, introspection included.

The cost estimates the objects a query can return: each field that returns objects counts once per
object it can appear on, a connection as many times as its `first` or `last` allows (100 when neither
is given), a list without paging as `LIST_WIDTH` items. It is GitHub's method, more or less, and it is
pessimistic on purpose: it must hold before a single row is read.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
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
    VariableNode,
    get_named_type,
    get_operation_ast,
    is_composite_type,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef, TypeNameMetaFieldDef
from strawberry.extensions import SchemaExtension

import settings
from resolvers.errors import ErrorCode

LIST_WIDTH = 10
# Inlining fragments can multiply a small document; walking stops past this many selections.
MAX_SELECTIONS = 20_000
_META = {"__typename": TypeNameMetaFieldDef, "__schema": SchemaMetaFieldDef, "__type": TypeMetaFieldDef}


class TooComplexError(GraphQLError):
    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": ErrorCode.QUERY_TOO_COMPLEX.value, **extensions})


@dataclass
class Analysis:
    """What a query asks for: how deep, how many aliases, and how many objects at most."""

    depth: int = 0
    aliases: int = 0
    cost: int = 0
    selections: int = 0


class _Walker:
    def __init__(self, schema: GraphQLSchema, document: Any, variables: dict[str, Any]) -> None:
        self.schema = schema
        self.variables = variables
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.analysis = Analysis()

    def walk(
        self, selections: SelectionSetNode, parent: Any, depth: int, multiplier: int, path: frozenset[str]
    ) -> None:
        for selection in selections.selections:
            self.analysis.selections += 1
            if self.analysis.selections > MAX_SELECTIONS:
                raise TooComplexError(f"the query expands to more than {MAX_SELECTIONS} selections")
            if isinstance(selection, FieldNode):
                self.field(selection, parent, depth + 1, multiplier, path)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                kind = self.schema.get_type(condition.name.value) if condition else parent
                self.walk(selection.selection_set, kind, depth, multiplier, path)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in path:
                    kind = self.schema.get_type(fragment.type_condition.name.value)
                    self.walk(fragment.selection_set, kind, depth, multiplier, path | {name})

    def field(self, node: FieldNode, parent: Any, depth: int, multiplier: int, path: frozenset[str]) -> None:
        self.analysis.depth = max(self.analysis.depth, depth)
        if node.alias is not None:
            self.analysis.aliases += 1
        definition = self._definition(node.name.value, parent)
        if definition is None or node.selection_set is None:
            return
        width = self._width(node, definition, parent)
        count = multiplier * width
        if is_composite_type(get_named_type(definition.type)) and not _within_page(parent):
            self.analysis.cost += count
        self.walk(node.selection_set, get_named_type(definition.type), depth, count, path)

    def _definition(self, name: str, parent: Any) -> GraphQLField | None:
        if name in _META:
            return _META[name]
        fields = getattr(parent, "fields", None)
        return fields.get(name) if fields else None

    def _width(self, node: FieldNode, definition: GraphQLField, parent: Any) -> int:
        if "ids" in definition.args:
            return self._length(node, "ids")
        if "first" in definition.args or "last" in definition.args:
            sizes = [self._argument(node, name) for name in ("first", "last")]
            given = [size for size in sizes if size is not None]
            return max(0, min(given)) if given else settings.MAX_PAGE_SIZE
        if _within_page(parent):
            return 1
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


def _within_page(parent: Any) -> bool:
    """A connection's `edges` and `nodes`, and an edge's `node`, hold the items the connection field counted."""
    return isinstance(parent, GraphQLObjectType) and parent.name.endswith(("Connection", "Edge"))


def analyse(
    schema: GraphQLSchema, document: Any, operation_name: str | None, variables: dict[str, Any] | None
) -> Analysis:
    """Depth, aliases and cost of the operation `operation_name` of a valid document."""
    operation = get_operation_ast(document, operation_name)
    if not isinstance(operation, OperationDefinitionNode):
        return Analysis()
    walker = _Walker(schema, document, variables or {})
    root = schema.get_root_type(operation.operation)
    walker.walk(operation.selection_set, root, 0, 1, frozenset())
    return walker.analysis


def refusals(analysis: Analysis) -> list[GraphQLError]:
    found: list[GraphQLError] = []
    if analysis.depth > settings.MAX_DEPTH:
        message = f"the query is {analysis.depth} fields deep; the limit is {settings.MAX_DEPTH}"
        found.append(TooComplexError(message, depth=analysis.depth, limit=settings.MAX_DEPTH))
    if analysis.aliases > settings.MAX_ALIASES:
        message = f"the query has {analysis.aliases} aliases; the limit is {settings.MAX_ALIASES}"
        found.append(TooComplexError(message, aliases=analysis.aliases, limit=settings.MAX_ALIASES))
    if analysis.cost > settings.MAX_COST:
        message = (
            f"the query could return {analysis.cost} objects; the limit is {settings.MAX_COST}: "
            "ask for fewer items with `first` or `last`"
        )
        found.append(TooComplexError(message, cost=analysis.cost, limit=settings.MAX_COST))
    return found


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
            try:
                self.analysis = analyse(
                    context.schema._schema,  # strawberry keeps graphql-core's schema there
                    context.graphql_document,
                    context.operation_name,
                    context.variables,
                )
                context.pre_execution_errors = refusals(self.analysis)
            except TooComplexError as error:
                context.pre_execution_errors = [error]
        yield

    def get_results(self) -> dict[str, Any]:
        if self.analysis is None or self.execution_context.pre_execution_errors:
            return {}
        return {"cost": {"requested": self.analysis.cost, "limit": settings.MAX_COST}}
