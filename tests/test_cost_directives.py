"""The cost the schema's `@cost` and `@listSize` directives give is the cost the server reports and enforces.

What a gateway or a client does: read the committed SDL (the schema served, `test_api_schema`), and work out
each operation's cost by IBM's static analysis, here written from the specification alone, with none of the
server's code. Each example, each explorer operation and a few shapes besides must come to the server's
`extensions.cost.requested`; and the answer's `actual`, worked out from the answer the same way, must too.
"""

from typing import Any

import pytest
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    build_schema,
    get_named_type,
    parse,
    value_from_ast_untyped,
)
from starlette.testclient import TestClient

import settings
from settings import ROOT
from tests.test_explorer import OPERATIONS
from web import front

SDL = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
EXAMPLES = sorted((ROOT / "schema" / "examples").glob("*.graphql"))
SHAPES = {
    "both page fields": "{ events(first: 7) { edges { cursor node { slug } } nodes { title } pageInfo { hasNextPage } "
    "} }",
    "only a count": "{ relations { totalCount } }",
    "a filter of every kind": '{ events(first: 3, filter: {or: [{title: {contains: "summit"}}, {kind: {in: [SUMMIT, WAR'
    "]}}], date: {from: 1990}}) { nodes { slug } } }",
    "an order": "{ countries(first: 2, orderBy: [{field: NAME, direction: DESC}]) { nodes { code } } }",
    "first and last": "{ events(first: 4, last: 2) { nodes { slug } } }",
    "nested lists": "{ agreements(first: 2) { nodes { parties { regions { code } } themes { name } } } }",
    "a search across members": '{ search(query: "summit", first: 3) { totalCount nodes { ... on Event { relation '
    "{ slug } } ... on Agreement { relation { slug } } ... on Mechanism { relation { slug } } } } }",
    "global ids": '{ nodes(ids: ["Q291bnRyeTpLT1I="]) { id } }',
    "aggregates": '{ relation(between: {a: "KOR", b: "USA"}) { eventStats { byKind { count } byTheme { theme { '
    "name } } } } }",
}


def _weight(directives: Any, name: str = "cost") -> dict[str, Any] | None:
    for directive in directives or ():
        if directive.name.value == name:
            return {argument.name.value: value_from_ast_untyped(argument.value) for argument in directive.arguments}
    return None


def _directives(element: Any) -> Any:
    return element.ast_node.directives if element.ast_node is not None else ()


def _is_list(kind: Any) -> bool:
    return isinstance(kind.of_type if isinstance(kind, GraphQLNonNull) else kind, GraphQLList)


class Analysis:
    """IBM's static analysis (and, given an answer, its query response analysis) of one operation."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]) -> None:
        self.schema = schema
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.variables = variables

    def type_weight(self, kind: Any) -> float:
        if isinstance(kind, GraphQLInterfaceType | GraphQLUnionType):
            return max(self.type_weight(member) for member in self.schema.get_possible_types(kind))
        declared = _weight(_directives(kind))
        if declared is not None:
            return float(declared["weight"])
        return 1.0 if isinstance(kind, GraphQLObjectType) else 0.0

    def input_cost(self, kind: Any, value: Any, declared: Any) -> float:
        """An argument or input field given: its weight (1 for an input object by default), and its fields'."""
        if value is None:
            return 0.0
        named = get_named_type(kind)
        weight = _weight(declared)
        total = float(weight["weight"]) if weight else (1.0 if isinstance(named, GraphQLInputObjectType) else 0.0)
        if isinstance(named, GraphQLInputObjectType):
            for item in value if isinstance(value, list) else [value]:
                for key, inner in item.items():
                    field = named.fields[key]
                    total += self.input_cost(field.type, inner, _directives(field))
        return total

    def static(self, selections: SelectionSetNode, parent: Any, n: float, sized: dict[str, float]) -> float:
        total = 0.0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, n, sized)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                kind = self.schema.get_type(condition.name.value) if condition else parent
                total += self.static(selection.selection_set, kind, n, sized)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                total += self.static(
                    fragment.selection_set, self.schema.get_type(fragment.type_condition.name.value), n, sized
                )
        return total

    def own(self, node: FieldNode, parent: Any) -> tuple[Any, float]:
        """A field's definition, and what one occurrence of it weighs with its arguments."""
        definition = parent.fields[node.name.value]
        declared = _weight(_directives(definition))
        named = get_named_type(definition.type)
        if declared is not None:
            weight = float(declared["weight"])
        else:
            weight = 0.0 if _is_list(definition.type) else self.type_weight(named)
        for argument in node.arguments or ():
            given = value_from_ast_untyped(argument.value, self.variables)
            declared_argument = definition.args[argument.name.value]
            weight += self.input_cost(declared_argument.type, given, _directives(declared_argument))
        return definition, max(0.0, weight)

    def size(self, node: FieldNode, list_size: dict[str, Any]) -> float:
        slicing = list_size.get("slicingArguments") or []
        given = [
            value_from_ast_untyped(argument.value, self.variables)
            for argument in node.arguments or ()
            if argument.name.value in slicing
        ]
        given = [value for value in given if value is not None]
        if given:
            return float(max(given))
        assert list_size.get("assumedSize") is not None, f"{node.name.value} has no size"
        return float(list_size["assumedSize"])

    def field(self, node: FieldNode, parent: Any, n: float, sized: dict[str, float]) -> float:
        if node.name.value.startswith("__"):
            return 0.0
        definition, weight = self.own(node, parent)
        total = n * weight
        if node.selection_set is None:
            return total
        named = get_named_type(definition.type)
        list_size = _weight(_directives(definition), "listSize")
        if list_size and list_size.get("sizedFields"):
            size = self.size(node, list_size)
            return total + self.static(node.selection_set, named, n, dict.fromkeys(list_size["sizedFields"], size))
        if _is_list(definition.type):
            size = sized[node.name.value] if node.name.value in sized else self.size(node, list_size or {})
            items = n * size
            return total + items * self.type_weight(named) + self.static(node.selection_set, named, items, {})
        return total + self.static(node.selection_set, named, n, {})

    def answered(self, selections: SelectionSetNode, parent: Any, value: dict[str, Any]) -> float:
        """Query response analysis: every field the answer holds a value for, every object as many as came back."""
        total = 0.0
        counted: set[str] = set()
        for node, owner in self._fields(selections, parent):
            key = node.alias.value if node.alias else node.name.value
            if key in counted or value.get(key) is None or node.name.value.startswith("__"):
                continue
            counted.add(key)
            definition, weight = self.own(node, owner)
            total += weight
            named = get_named_type(definition.type)
            inner = value[key]
            merged = [each for each, _ in self._fields(selections, parent) if (each.alias or each.name).value == key]
            for each in merged:
                if each.selection_set is None:
                    continue
                for item in inner if isinstance(inner, list) else [inner]:
                    if item is not None:
                        total += self.answered(each.selection_set, named, item)
            if isinstance(inner, list) and any(each.selection_set for each in merged):
                total += self.type_weight(named) * sum(1 for item in inner if item is not None)
        return total

    def _fields(self, selections: SelectionSetNode, parent: Any) -> list[tuple[FieldNode, Any]]:
        found: list[tuple[FieldNode, Any]] = []
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                found.append((selection, parent))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                found += self._fields(
                    selection.selection_set, self.schema.get_type(condition.name.value) if condition else parent
                )
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                found += self._fields(fragment.selection_set, self.schema.get_type(fragment.type_condition.name.value))
        return found


def operations_of(text: str) -> list[OperationDefinitionNode]:
    return [each for each in parse(text).definitions if isinstance(each, OperationDefinitionNode)]


def _documents() -> list[tuple[str, str, str | None, dict[str, Any]]]:
    """Every example, every operation of the explorer with the variables of its first call, and the shapes."""
    found: list[tuple[str, str, str | None, dict[str, Any]]] = []
    for path in EXAMPLES:
        text = path.read_text(encoding="utf-8")
        found += [(f"example/{path.stem}", text, None, {})]
    explorer = {name: text for path in front.QUERIES.glob("*.graphql") for name, text in _named(front.document(path))}
    found += [(f"explorer/{name}", explorer[name], name, variables) for name, (variables, _) in OPERATIONS.items()]
    found += [(f"shape/{name}", text, None, {}) for name, text in SHAPES.items()]
    return found


def _named(text: str) -> list[tuple[str, str]]:
    return [(each.name.value, text) for each in operations_of(text) if each.name]


DOCUMENTS = _documents()


@pytest.mark.parametrize(("where", "text", "name", "variables"), DOCUMENTS, ids=[each[0] for each in DOCUMENTS])
def test_the_directives_give_the_cost_the_server_reports(
    client: TestClient, where: str, text: str, name: str | None, variables: dict[str, Any]
):
    response = client.post("/graphql", json={"query": text, "operationName": name, "variables": variables})
    body = response.json()
    assert response.status_code == 200
    assert "errors" not in body, body
    operation = next(each for each in operations_of(text) if name is None or (each.name and each.name.value == name))
    analysis = Analysis(SDL, parse(text), variables)
    root = SDL.get_root_type(operation.operation)
    cost = body["extensions"]["cost"]
    assert cost["requested"] == analysis.static(operation.selection_set, root, 1.0, {})
    assert cost["actual"] == analysis.answered(operation.selection_set, root, body["data"])
    assert cost["limit"] == settings.MAX_COST


def test_a_list_with_more_items_than_assumed_counts_them_in_actual(client: TestClient):
    """`requested` is an estimate where a list is assumed 10 long; `actual` counts what came back."""
    text = "{ events(first: 30) { nodes { slug } } }"
    cost = client.post("/graphql", json={"query": text}).json()["extensions"]["cost"]
    assert cost["requested"] == 30
    assert 10 < cost["actual"] <= 30


def test_scans_are_counted_besides_and_held_to_the_limit_with_the_rest(client: TestClient):
    counted = client.post("/graphql", json={"query": "{ events { totalCount } }"}).json()["extensions"]["cost"]
    assert counted["requested"] == 0  # no directive weighs a count: the rows it may read are `scanned`
    assert counted["scanned"] > 0
