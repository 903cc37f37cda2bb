"""Introspection answers, kept: what the schema says of itself is the same for every request of one text.

An operation that asks only about the schema (`__schema`, `__type`, `__typename` at its root) is answered,
once its limits and its turn have passed, from the answer kept for its text, operation name and variables;
the first request of them executes it and keeps what it answered. Such an answer is built on the event loop
and may be large (up to `MAX_INTROSPECTION_COST` objects), so a client that sends the same introspection
again and again costs the loop a lookup, not a schema walk, and queries beside it keep their pace.
"""

import json
from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_operation_ast,
)
from strawberry.extensions import SchemaExtension

from pipeline.internals import requested_operation_name
from pipeline.kept import Kept

ANSWERS: Kept[tuple[str, str | None, str], dict[str, Any]] = Kept(64)


def _root_fields(
    selections: SelectionSetNode, fragments: dict[str, Any], seen: frozenset[str] = frozenset()
) -> Iterator[str]:
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            yield selection.name.value
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                yield from _root_fields(fragment.selection_set, fragments, seen | {selection.name.value})


def asks_only_about_the_schema(document: DocumentNode, operation_name: str | None) -> bool:
    """Whether the operation's root fields are all introspection's own (`__schema`, `__type`, `__typename`)."""
    operation = get_operation_ast(document, operation_name)
    if not isinstance(operation, OperationDefinitionNode):
        return False
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return all(name.startswith("__") for name in _root_fields(operation.selection_set, fragments))


class KeptIntrospection(SchemaExtension):
    """Answers an introspection-only operation from the answer kept for it, or keeps the one it executes."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        key = None
        if context.result is None and context.query is not None and context.graphql_document is not None:
            name = requested_operation_name(context)
            if asks_only_about_the_schema(context.graphql_document, name):
                key = (context.query, name, json.dumps(context.variables or {}, sort_keys=True))
                kept = ANSWERS.get(key)
                if kept is not None:
                    context.result = ExecutionResult(data=kept, errors=None)
                    key = None
        yield
        result = context.result
        if key is not None and isinstance(result, ExecutionResult) and result.data is not None and not result.errors:
            ANSWERS.put(key, result.data)
