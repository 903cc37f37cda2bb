"""Planning an operation: for each selection set, the steps that fill its response keys, in order.

The selections are collected by graphql-core itself (fragments, `@skip` and `@include`, aliases,
merged fields), so the keys come in the order normal execution writes them. A field is planned
from its resolver's fetch (`resolvers.fetches`), or read off its parent when it has no resolver; a field
with a resolver that names no fetch cannot be planned, and neither can introspection.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    Executor,
    FieldNode,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    ListValueNode,
    ObjectValueNode,
    VariableNode,
    VariableValues,
    get_argument_values,
    is_abstract_type,
    is_leaf_type,
)
from strawberry import Schema
from strawberry.types.arguments import StrawberryArgument

from pipeline.compiled.values import Convert, Fallback, converter
from pipeline.internals import (
    FieldDetailsList,
    GroupedFieldSet,
    collect_fields,
    collect_subfields,
    core_schema,
    field_of,
    resolver_arguments,
)
from resolvers.fetches import Fetch, fetch_of


@dataclass(frozen=True)
class Output:
    """What a field's value is: nullable or not, a list (of nullable items or not) or one value."""

    nullable: bool
    listed: bool
    items_nullable: bool
    named: Any  # the named GraphQL type

    @classmethod
    def of(cls, kind: GraphQLOutputType, where: str) -> "Output":
        nullable = not isinstance(kind, GraphQLNonNull)
        inner = kind.of_type if isinstance(kind, GraphQLNonNull) else kind
        if not isinstance(inner, GraphQLList):
            return cls(nullable, False, False, inner)
        item = inner.of_type
        items_nullable = not isinstance(item, GraphQLNonNull)
        item = item.of_type if isinstance(item, GraphQLNonNull) else item
        if isinstance(item, GraphQLList | GraphQLNonNull):
            raise Fallback(f"a list of lists at {where}")
        return cls(nullable, True, items_nullable, item)


@dataclass(eq=False)
class Step:
    """How one response key of a selection set is filled, for every parent at once.

    Its value is read off the parent (`attribute`), read by the field's fetch for the field's
    arguments, or, for `__typename`, the parent's concrete type; a leaf is then converted, an object
    filled with the shape of its concrete type.
    """

    key: str
    where: str
    output: Output
    attribute: str | None = None
    fetch: Fetch | None = None
    definition: GraphQLField | None = None
    details: FieldDetailsList | None = None
    arguments: list[StrawberryArgument] = field(default_factory=list)  # to convert GraphQL's values
    convert: Convert | None = None  # for a leaf
    shapes: "Shapes | None" = None  # for an object, an interface or a union
    fixed: dict[str, Any] | None = None  # the arguments, when no variable is among them

    @property
    def typename(self) -> bool:
        return self.attribute is None and self.fetch is None


@dataclass(eq=False)
class Shape:
    """The steps of a selection set on one object type."""

    typename: str
    steps: list[Step]


@dataclass(eq=False)
class Shapes:
    """The shapes of a field's selection set, by the concrete type of its value, planned as types are met."""

    planner: "Planner"
    named: Any
    details: FieldDetailsList
    found: dict[str, Shape] = field(default_factory=dict)

    def of(self, typename: str) -> Shape:
        shape = self.found.get(typename)
        if shape is None:
            kind = self.planner.schema.get_type(typename)
            if not isinstance(kind, GraphQLObjectType):
                raise Fallback(f"no object type {typename}")
            if is_abstract_type(self.named):
                if not self.planner.schema.is_sub_type(self.named, kind):
                    raise Fallback(f"{typename} is not a {self.named.name}")
            elif kind is not self.named:
                raise Fallback(f"a {typename} where a {self.named.name} belongs")
            shape = self.found[typename] = self.planner.shape(kind, self.details)
        return shape


@dataclass(eq=False)
class Planner:
    """Plans one operation of one document, for the variables it was built with."""

    strawberry: Schema  # the resolvers' schema: how their arguments are converted
    schema: GraphQLSchema
    executor: Executor[Any]

    @classmethod
    def build(
        cls, strawberry: Schema, document: DocumentNode, variables: dict[str, Any] | None, operation_name: str | None
    ) -> "Planner":
        schema = core_schema(strawberry)
        return cls(strawberry, schema, _executor(schema, document, variables, operation_name))

    def variables_for(
        self, variables: dict[str, Any] | None, document: DocumentNode, operation_name: str | None
    ) -> VariableValues:
        """The coerced values of a run's variables (a plan is shared by runs with other variables)."""
        if not self.executor.operation.variable_definitions:
            return self.executor.variable_values
        return _executor(self.schema, document, variables, operation_name).variable_values

    def root(self) -> Shape:
        operation = self.executor.operation
        root = self.schema.get_root_type(operation.operation)
        if root is None or operation.operation.value != "query":
            raise Fallback("not a query")
        return self._shape(root, collect_fields(self.executor, root))

    def shape(self, kind: GraphQLObjectType, details: FieldDetailsList) -> Shape:
        return self._shape(kind, collect_subfields(self.executor, kind, details))

    def _shape(self, kind: GraphQLObjectType, grouped: GroupedFieldSet) -> Shape:
        return Shape(kind.name, [self._step(kind, key, details) for key, details in grouped.items()])

    def _step(self, parent: GraphQLObjectType, key: str, details: FieldDetailsList) -> Step:
        name = details[0].node.name.value
        where = f"{parent.name}.{name}"
        if name == "__typename":
            return Step(key, where, Output(False, False, False, None))
        if name.startswith("__"):
            raise Fallback(f"introspection at {where}")
        definition = parent.fields[name]
        step = Step(key, where, Output.of(definition.type, where), definition=definition, details=details)
        strawberry_field = field_of(definition)
        if strawberry_field is None:
            raise Fallback(f"no field definition at {where}")
        resolver = strawberry_field.base_resolver
        if resolver is None:
            step.attribute = strawberry_field.python_name
        else:
            step.fetch = fetch_of(resolver.wrapped_func)
            if step.fetch is None:
                raise Fallback(f"no fetch at {where}")
            step.arguments = list(strawberry_field.arguments)
        if is_leaf_type(step.output.named):
            step.convert = converter(step.output.named, where)
        else:
            step.shapes = Shapes(self, step.output.named, details)
        return step

    def arguments(self, step: Step, variable_values: VariableValues) -> dict[str, Any]:
        """A field's arguments as its resolver takes them, for the variables of one run.

        Arguments written in the document alone are worked out once, when first asked for.
        """
        if step.fixed is not None:
            return step.fixed
        if step.definition is None or step.details is None or not step.definition.args:
            step.fixed = {}
            return step.fixed
        node = step.details[0].node
        given = get_argument_values(step.definition, node, variable_values)
        converted = resolver_arguments(self.strawberry, given, step.arguments)
        if not any(isinstance(found, VariableNode) for found in _values(node)):
            step.fixed = converted
        return converted


def _executor(
    schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any] | None, operation_name: str | None
) -> Executor[Any]:
    """graphql-core's executor of the operation, with the variables coerced; a fallback if they do not fit."""
    executor = Executor.build(schema, document, raw_variable_values=variables, operation_name=operation_name)
    if not isinstance(executor, Executor):
        raise Fallback("the variables do not fit the operation", "variables")
    return executor


def _values(node: FieldNode) -> Iterator[Any]:
    """Every value node of a field's arguments, nested ones included."""
    pending: list[Any] = [argument.value for argument in node.arguments or ()]
    while pending:
        value = pending.pop()
        yield value
        if isinstance(value, ListValueNode):
            pending += value.values
        elif isinstance(value, ObjectValueNode):
            pending += [field.value for field in value.fields]
