"""Schema coordinates in errors: an argument a resolver refused is named as `Type.field(argument:)` (GraphQL's
schema coordinates), in the message and in `extensions.coordinate`, so a client with several `first`s in one
query knows which one was refused; a value within an input object, by the field that takes it."""

from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, FragmentDefinitionNode, GraphQLError, GraphQLSchema, get_named_type, get_operation_ast
from strawberry.extensions import SchemaExtension

from pipeline.costs import grouped
from pipeline.internals import core_schema
from resolvers.errors import ClientError


def coordinate_of(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, path: list[str | int]
) -> str | None:
    """The schema coordinate (`Type.field`) of the field at `path` in the operation's answer, if it can be told."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    parent: Any = schema.get_root_type(operation.operation)
    selections = [operation.selection_set]
    found = None
    for key in path:
        if isinstance(key, int):
            continue
        nodes = [
            (node, owner)
            for selection in selections
            for node, owner in grouped(schema, fragments, selection, parent).get(key, [])
            if node.name.value in getattr(owner, "fields", {})
        ]
        if not nodes:
            return found
        node, owner = nodes[0]
        found = f"{owner.name}.{node.name.value}"
        parent = get_named_type(owner.fields[node.name.value].type)
        selections = [each.selection_set for each, _ in nodes if each.selection_set is not None]
    return found


def located(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, error: GraphQLError) -> None:
    """Name the argument a resolver refused by its schema coordinate."""
    original = error.original_error
    argument = (original.extensions or {}).get("argument") if isinstance(original, ClientError) else None
    if not argument or not error.path:
        return
    field = coordinate_of(schema, document, operation_name, list(error.path))
    if field is None:
        return
    owner, name = field.split(".")
    arguments = getattr(schema.get_type(owner), "fields", {})[name].args
    # An input field's own name (a filter's `date`) is not an argument: the field alone is named then.
    coordinate = f"{field}({argument}:)" if argument in arguments else field
    error.message = f"{error.message} (`{coordinate}`)"
    error.extensions = {**(error.extensions or {}), "coordinate": coordinate}


class Coordinates(SchemaExtension):
    """Names each argument a resolver refused by its schema coordinate."""

    def on_execute(self) -> Iterator[None]:
        yield
        context = self.execution_context
        result = context.result
        if result is None or not result.errors or context.graphql_document is None:
            return
        schema = core_schema(context.schema)
        for error in result.errors:
            located(schema, context.graphql_document, context.operation_name, error)
