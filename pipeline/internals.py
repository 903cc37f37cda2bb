"""What the API takes from strawberry, graphql-core and SQLAlchemy beyond their public APIs, in one place.

Everything else uses the libraries' public names (`graphql.Executor.build`, `graphql.get_argument_values`,
`strawberry.types.ExecutionContext`…). Each function here is the only way to something the API needs, and
says why; `tests/test_internals.py` checks each against the installed libraries, so an upgrade that changes
or removes one fails there, by name, rather than as fallbacks or wrong answers elsewhere.

- `core_schema`: strawberry builds a graphql-core schema and keeps it as `Schema._schema`, with no public
  accessor. Validation, the cost model, the planner and the schema's description need graphql-core's
  own schema.
- `describe`: the pinned strawberry takes no schema description; it is set on graphql-core's schema
  beneath, which introspection (`__schema { description }`, GraphiQL's Docs) reads.
- `requested_operation_name`: strawberry's `ExecutionContext.operation_name` falls back on the document's
  first operation; only `_provided_operation_name` says whether the request named one, which choosing
  an operation must know.
- `collect_fields` and `collect_subfields`: graphql-core's field collection (fragments, `@skip` and
  `@include`, aliases, merged fields, in the order execution writes the keys) is "for internal use only"
  in `graphql.execution.collect_fields`; the compiled read path plans from exactly what execution
  would collect.
- `resolver_arguments`: strawberry turns GraphQL argument values into what a resolver takes (Python names,
  input classes, scalars) with `convert_arguments`, given the schema's scalar registry
  (`schema_converter.scalar_registry`); neither is public, and the compiled read path hands its fetches
  the same arguments the resolvers get.
- `field_of`: the strawberry field behind a graphql-core field, which strawberry puts in the field's
  `extensions` under `GraphQLCoreConverter.DEFINITION_BACKREF`: a public name, but no documented promise.
- `validate_document`: strawberry validates with the request's rules and two of its own (`@oneOf` inputs,
  `Maybe` arguments) in `strawberry.schema.schema.validate_document`, which its module does not export;
  validation kept by text (`pipeline.validation`) must find exactly what strawberry's would.
- `one_layout`: rows of one statement share SQLAlchemy's result metadata (`Row._parent`); reading a column
  by position from each of them is much quicker than by name, and only that identity says positions agree.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from graphql import (
    Executor,
    GraphQLField,
    GraphQLInputField,
    GraphQLObjectType,
    GraphQLSchema,
    NamedTypeNode,
    NameNode,
    OperationType,
    OperationTypeDefinitionNode,
    SchemaDefinitionNode,
    StringValueNode,
    print_ast,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.execution.collect_fields import collect_fields as _collect_fields
from graphql.execution.collect_fields import collect_subfields as _collect_subfields
from strawberry import Schema
from strawberry.schema.schema import validate_document
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import ExecutionContext
from strawberry.types.arguments import StrawberryArgument, convert_arguments
from strawberry.types.field import StrawberryField

__all__ = [
    "FieldDetailsList",
    "GroupedFieldSet",
    "collect_fields",
    "collect_subfields",
    "core_schema",
    "describe",
    "field_of",
    "one_layout",
    "requested_operation_name",
    "resolver_arguments",
    "schema_definition",
    "validate_document",
]


def core_schema(schema: Schema) -> GraphQLSchema:
    """The graphql-core schema strawberry built and executes with."""
    found: GraphQLSchema = schema._schema
    return found


def describe(schema: Schema, description: str) -> None:
    """Give the schema a description, which introspection returns."""
    core_schema(schema).description = description


def schema_definition(schema: Schema) -> str:
    """The schema definition in SDL, its description included (strawberry's printer leaves it out).

    Printed from public parts: graphql-core's own printer of it, `print_schema_definition`, is not public.
    """
    core = core_schema(schema)
    description = StringValueNode(value=core.description, block=True) if core.description else None
    roots = [
        (operation, kind)
        for operation, kind in (
            (OperationType.QUERY, core.query_type),
            (OperationType.MUTATION, core.mutation_type),
            (OperationType.SUBSCRIPTION, core.subscription_type),
        )
        if kind is not None
    ]
    node = SchemaDefinitionNode(
        description=description,
        directives=(),
        operation_types=tuple(
            OperationTypeDefinitionNode(operation=operation, type=NamedTypeNode(name=NameNode(value=kind.name)))
            for operation, kind in roots
        ),
    )
    return print_ast(node)


def requested_operation_name(context: ExecutionContext) -> str | None:
    """The `operationName` the request gave, None if it gave none (not the first operation's name)."""
    provided: str | None = context._provided_operation_name
    return provided


def collect_fields(executor: Executor[Any], root: GraphQLObjectType) -> GroupedFieldSet:
    """The response keys of the operation's selection set on `root`, each with its field nodes, in order."""
    return _collect_fields(
        executor.schema, executor.fragments, executor.variable_values, root, executor.operation
    ).grouped_field_set


def collect_subfields(executor: Executor[Any], kind: GraphQLObjectType, details: FieldDetailsList) -> GroupedFieldSet:
    """The response keys of the selection sets of a field's nodes on an object of `kind`, in order."""
    return _collect_subfields(
        executor.schema, executor.fragments, executor.variable_values, executor.operation, kind, details
    ).grouped_field_set


def resolver_arguments(schema: Schema, values: dict[str, Any], arguments: list[StrawberryArgument]) -> dict[str, Any]:
    """A field's coerced GraphQL argument values as its resolver takes them."""
    registry = schema.schema_converter.scalar_registry
    converted: dict[str, Any] = convert_arguments(values, arguments, registry, schema.config)
    return converted


def field_of(definition: GraphQLField | GraphQLInputField) -> StrawberryField | None:
    """The strawberry field a graphql-core field or input field was made from; None for one strawberry did not make."""
    found = (definition.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    return found if isinstance(found, StrawberryField) else None


def one_layout(rows: Sequence[object]) -> bool:
    """Whether every item is a row of one and the same statement, its columns at the same positions."""
    first = rows[0] if rows else None
    if not isinstance(first, sa.Row):
        return False
    layout = first._parent
    return all(isinstance(row, sa.Row) and row._parent is layout for row in rows)
