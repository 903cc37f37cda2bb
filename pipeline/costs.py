"""What each part of the schema costs, in IBM's GraphQL cost directives: the weights and list sizes the cost walker
(`pipeline/limits.py`) counts, printed on the schema as `@cost` and `@listSize`, so that a client or a gateway reading
the SDL works out the `requested` cost the server enforces.

The rules, for a field selected on n parent objects (IBM's static analysis, as Apollo's and Hot Chocolate's
implementations read it):

- the field counts n * (its weight + the weights of the arguments given), never less than 0; its weight is its own
  `@cost`, else, for a field returning one object, its type's (1 unless the type says otherwise with `@cost`; an
  interface or a union weighs what its heaviest member weighs), else 0;
- a list's items count n * size * their type's weight, the size from the field's `@listSize`: the largest of its
  slicing arguments given, else its assumed size; a field whose `@listSize` names `sizedFields` (a connection) gives
  that size to those fields of its type (`edges`, `nodes`) instead;
- an argument or an input field given (not null) counts its `@cost`, else 1 for an input object and 0 for a scalar
  or an enum, plus the input fields given in it (in each item of a list).

What no directive can say is counted besides, as `scanned`: the rows a read that may scan its table can read
(`pipeline/limits.py`), from the data loaded.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

import strawberry
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    get_operation_ast,
    is_input_object_type,
    value_from_ast_untyped,
)
from strawberry.schema_directive import Location

import settings
from models.registry import BY_NAME
from pipeline.internals import core_schema, field_of

# What a filter's condition costs, each time the filtered list can occur: one that matches text reads every row
# it is given.
CONDITION = 100
TEXT_CONDITION = 1000
# The items a list without paging is assumed to hold.
LIST_WIDTH = 10
# The fields of a connection type that hold its page.
PAGE_FIELDS = ("edges", "nodes")
SLICING = ("first", "last")


@strawberry.schema_directive(
    locations=[
        Location.ARGUMENT_DEFINITION,
        Location.ENUM,
        Location.FIELD_DEFINITION,
        Location.INPUT_FIELD_DEFINITION,
        Location.OBJECT,
        Location.SCALAR,
    ],
    name="cost",
    description="What a type, field or argument adds to a query's cost each time it can occur (IBM's GraphQL cost "
    "directives); `extensions.cost.requested` is the sum.",
)
class Cost:
    weight: str


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION],
    name="listSize",
    description="How many items a list holds, for a query's cost: the largest slicing argument given, else the "
    "assumed size; `sizedFields` name the fields of the returned type that hold the list (IBM's GraphQL cost "
    "directives).",
)
class ListSize:
    assumed_size: int | None = strawberry.UNSET
    slicing_arguments: list[str] | None = strawberry.UNSET
    sized_fields: list[str] | None = strawberry.UNSET
    require_one_slicing_argument: bool | None = True


@dataclass(frozen=True)
class Size:
    """A list field's `@listSize`."""

    assumed: int | None
    slicing: tuple[str, ...] = ()
    sized: tuple[str, ...] = ()


@dataclass(frozen=True)
class Costs:
    """Every weight and list size of a schema that is not the directives' default."""

    types: dict[str, int]  # object types that weigh other than 1
    fields: dict[tuple[str, str], int]  # (type, field): the field's own weight
    sizes: dict[tuple[str, str], Size]  # (type, field): how many items its list holds
    inputs: dict[tuple[str, str], int]  # (input type, field): what giving it costs

    def type_weight(self, schema: GraphQLSchema, named: Any) -> int:
        if isinstance(named, GraphQLObjectType):
            return self.types.get(named.name, 1)
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            return max((self.type_weight(schema, each) for each in schema.get_possible_types(named)), default=1)
        return 0

    def field_weight(self, schema: GraphQLSchema, parent: str, name: str, definition: GraphQLField) -> int:
        """What one occurrence of the field weighs by itself, its list's items aside."""
        own = self.fields.get((parent, name))
        if own is not None:
            return own
        return 0 if _is_list(definition.type) else self.type_weight(schema, get_named_type(definition.type))

    def arguments_cost(self, node: FieldNode, definition: GraphQLField, variables: dict[str, Any]) -> int:
        """What the arguments given to one occurrence of a field cost: each input object given, and each of its input
        fields (`input_cost`); an argument of a scalar or an enum costs nothing."""
        total = 0
        for argument in node.arguments or ():
            declared = definition.args.get(argument.name.value)
            if declared is None or not isinstance(get_named_type(declared.type), GraphQLInputObjectType):
                continue
            value = value_from_ast_untyped(argument.value, variables)
            if value is not None:
                total += 1 + self.input_cost(declared.type, value)
        return total

    def input_cost(self, kind: Any, value: Any) -> int:
        """What an input value given for the input type `kind` costs: its input fields given, each item of a list."""
        named = get_named_type(kind)
        if not isinstance(named, GraphQLInputObjectType):
            return 0
        items = value if isinstance(value, list) else [value]
        total = 0
        for item in items:
            if not isinstance(item, dict):
                continue
            for key, inner in item.items():
                definition = named.fields.get(key)
                if definition is None or inner is None:
                    continue
                weight = self.inputs.get((named.name, key))
                if weight is None:
                    weight = 1 if is_input_object_type(get_named_type(definition.type)) else 0
                total += weight + self.input_cost(definition.type, inner)
        return total


def _is_list(kind: Any) -> bool:
    return isinstance(kind.of_type if isinstance(kind, GraphQLNonNull) else kind, GraphQLList)


def is_page(kind: Any) -> bool:
    """A connection, an edge or a page's info: a wrapper around the items a connection field counts."""
    name = getattr(kind, "name", "")
    return isinstance(kind, GraphQLObjectType) and (name.endswith(("Connection", "Edge")) or name == "PageInfo")


def scan_table(parent: Any, definition: GraphQLField) -> str | None:
    """The table a field that declares a scan reads (a connection's `totalCount`, `timeline`), if it is a kind's:
    such a field costs that table's rows rather than its declared weight."""
    metadata = _metadata(definition)
    if not metadata.get("scans"):
        return None
    named = get_named_type(definition.type)
    return table_of(named) or (table_of(parent) if is_page(parent) else None)


def table_of(kind: Any) -> str | None:
    """The table whose rows a type (or a connection's items) are, if it is a kind's."""
    if is_page(kind) and "nodes" in getattr(kind, "fields", {}):
        kind = get_named_type(kind.fields["nodes"].type)
    found = BY_NAME.get(getattr(kind, "name", ""))
    return found.table.name if found else None


def _metadata(definition: GraphQLField) -> dict[str, Any]:
    strawberry_field = field_of(definition)
    return dict(strawberry_field.metadata or {}) if strawberry_field else {}


@cache
def costs(schema: GraphQLSchema) -> Costs:
    """The weights and list sizes of `schema`, from the fields' declarations (`schema.fields.resolved`'s `cost` and
    `scans`) and the shapes of its types."""
    types = {name: 0 for name, kind in schema.type_map.items() if is_page(kind)}
    fields: dict[tuple[str, str], int] = {}
    sizes: dict[tuple[str, str], Size] = {}
    filters: list[GraphQLInputObjectType] = []
    for kind in schema.type_map.values():
        if not isinstance(kind, GraphQLObjectType | GraphQLInterfaceType) or kind.name.startswith("__"):
            continue
        for name, definition in kind.fields.items():
            declared = int(_metadata(definition).get("cost", 0))
            if declared and scan_table(kind, definition) is None:
                fields[kind.name, name] = declared
            if size := _size(kind, definition):
                sizes[kind.name, name] = size
            filter_type = definition.args.get("filter")
            if filter_type is not None:
                filters.append(get_named_type(filter_type.type))
    return Costs(types, fields, sizes, _conditions(filters))


def _size(parent: Any, definition: GraphQLField) -> Size | None:
    named = get_named_type(definition.type)
    if is_page(named) and not is_page(parent):
        slicing = tuple(name for name in SLICING if name in definition.args)
        return Size(settings.DEFAULT_PAGE_SIZE, slicing, PAGE_FIELDS)
    composite = isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType)
    if not _is_list(definition.type) or is_page(parent) or not composite:
        return None
    if "ids" in definition.args:
        return Size(settings.MAX_PAGE_SIZE)  # the most ids it takes
    first = definition.args.get("first")
    if first is not None and isinstance(first.default_value, int):
        return Size(first.default_value, ("first",))  # a list cut by `first`, as long as its default unless given
    return Size(LIST_WIDTH)


def _conditions(filters: list[GraphQLInputObjectType]) -> dict[tuple[str, str], int]:
    """The weight of every condition a filter can hold: each scalar, enum or list of them given in a filter's input
    types, `contains` (which reads every row it is given) more."""
    weights: dict[tuple[str, str], int] = {}
    seen: set[str] = set()
    pending = list(filters)
    while pending:
        kind = pending.pop()
        if kind.name in seen:
            continue
        seen.add(kind.name)
        for name, definition in kind.fields.items():
            named = get_named_type(definition.type)
            if isinstance(named, GraphQLInputObjectType):
                pending.append(named)
            else:
                weights[kind.name, name] = TEXT_CONDITION if name == "contains" else CONDITION
    return weights


def declare(schema: strawberry.Schema) -> None:
    """Put the schema's weights and list sizes on its types and fields as `@cost` and `@listSize`, where SDL prints
    them: the directives say what `costs` gives the walker, and nothing else."""
    core = core_schema(schema)
    found = costs(core)
    for name, weight in found.types.items():
        definition = core.type_map[name].extensions["strawberry-definition"]
        definition.directives = [*definition.directives, Cost(weight=str(weight))]
    for (parent, name), weight in found.fields.items():
        _add(core, parent, name, Cost(weight=str(weight)))
    for (parent, name), size in found.sizes.items():
        applied = ListSize(
            assumed_size=size.assumed,
            slicing_arguments=list(size.slicing) or strawberry.UNSET,
            sized_fields=list(size.sized) or strawberry.UNSET,
            require_one_slicing_argument=False if size.slicing else strawberry.UNSET,
        )
        _add(core, parent, name, applied)
    for (parent, name), weight in found.inputs.items():
        _add(core, parent, name, Cost(weight=str(weight)))


def _add(core: GraphQLSchema, parent: str, name: str, directive: object) -> None:
    found = field_of(core.type_map[parent].fields[name])  # type: ignore[attr-defined]
    assert found is not None, f"{parent}.{name} is not strawberry's"
    found.directives = [*found.directives, directive]


def actual(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any],
    data: dict[str, Any] | None,
) -> int:
    """What an answer's `data` costs by the same weights (IBM's query response analysis): every field it holds with
    a value, every object it returns, each list as long as it came back. Introspection's objects are not counted."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or data is None:
        return 0
    counting = _Answer(schema, costs(schema), document, variables)
    return counting.objects(operation.selection_set, schema.get_root_type(operation.operation), data)


# What counting one selection set over an answer's objects needs, each field that may count: its response key, what
# it weighs with its arguments, its items' weight (None for one object) and the selection sets under it.
_Plan = list[tuple[str, int, int | None, "_Plan"]]


class _Answer:
    def __init__(self, schema: GraphQLSchema, weights: Costs, document: DocumentNode, variables: dict[str, Any]):
        self.schema, self.weights, self.variables = schema, weights, variables
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.plans: dict[tuple[int, str], _Plan] = {}

    def objects(self, selections: SelectionSetNode, parent: Any, value: dict[str, Any]) -> int:
        return _counted(self._plan(selections, parent), value)

    def _plan(self, selections: SelectionSetNode, parent: Any) -> _Plan:
        """The fields of a selection set that may count, found once per selection set and type however many
        objects the answer holds; a scalar that weighs nothing is left out."""
        memo = (id(selections), parent.name)
        if memo in self.plans:
            return self.plans[memo]
        plan: _Plan = []
        self.plans[memo] = plan
        for key, nodes in grouped(self.schema, self.fragments, selections, parent).items():
            node, owner = nodes[0]
            definition = getattr(owner, "fields", {}).get(node.name.value)
            if definition is None:
                continue
            own = self.weights.field_weight(self.schema, owner.name, node.name.value, definition)
            own = max(0, own + self.weights.arguments_cost(node, definition, self.variables))
            named = get_named_type(definition.type)
            below = [each.selection_set for each, _ in nodes if each.selection_set is not None]
            children = [entry for selection in below for entry in self._plan(selection, named)]
            composite = bool(below)
            items = self.weights.type_weight(self.schema, named) if _is_list(definition.type) and composite else None
            if own or children or items:
                plan.append((key, own, items, children))
        return plan


def _counted(plan: _Plan, value: dict[str, Any]) -> int:
    total = 0
    for key, own, items, children in plan:
        inner = value.get(key)
        if inner is None:
            continue
        total += own
        if items is None:
            total += _counted(children, inner) if children else 0
            continue
        for item in inner:  # the schema has no list of lists
            if item is not None:
                total += items + (_counted(children, item) if children else 0)
    return total


def grouped(
    schema: GraphQLSchema,
    fragments: dict[str, FragmentDefinitionNode],
    selections: SelectionSetNode,
    parent: Any,
    seen: frozenset[str] = frozenset(),
) -> dict[str, list[tuple[FieldNode, Any]]]:
    """The fields of a selection set by response key, fragments looked into, each with the type it is selected on;
    meta-fields (`__typename`) left out."""
    found: dict[str, list[tuple[FieldNode, Any]]] = {}
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            if not selection.name.value.startswith("__"):
                key = selection.alias.value if selection.alias else selection.name.value
                found.setdefault(key, []).append((selection, parent))
            continue
        inner: dict[str, list[tuple[FieldNode, Any]]] = {}
        if isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            kind = schema.get_type(condition.name.value) if condition else parent
            inner = grouped(schema, fragments, selection.selection_set, kind, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                kind = schema.get_type(fragment.type_condition.name.value)
                inner = grouped(schema, fragments, fragment.selection_set, kind, seen | {selection.name.value})
        for key, nodes in inner.items():
            found.setdefault(key, []).extend(nodes)
    return found
