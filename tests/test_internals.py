"""What the API takes from its libraries beyond their public APIs still works: one test per private reach.

Each test names the library and the version installed, so an upgrade that changes or removes a private name
pipeline/internals.py relies on fails here, by name, before it shows as fallbacks or wrong answers. And no
module but pipeline/internals.py reaches into a library's private names.
"""

import ast
import datetime
import importlib
import inspect
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import strawberry
from graphql import (
    Executor,
    FieldNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    get_argument_values,
    graphql_sync,
    parse,
    print_schema,
    specified_rules,
    validate,
)
from graphql.execution import collect_fields as graphql_collect_fields
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import ExecutionContext
from strawberry.types import arguments as strawberry_arguments
from strawberry.types.field import StrawberryField
from strawberry.types.graphql import OperationType

from pipeline import internals
from schema import graphql_schema
from settings import ROOT

STRAWBERRY = f"strawberry-graphql {version('strawberry-graphql')}"
GRAPHQL_CORE = f"graphql-core {version('graphql-core')}"
SQLALCHEMY = f"SQLAlchemy {version('sqlalchemy')}"


@strawberry.input
class Years:
    start: int = strawberry.field(name="from")
    end: int | None = None


@strawberry.type
class Item:
    name: str

    @strawberry.field
    def label(self, loud: bool = False) -> str:
        return self.name.upper() if loud else self.name


def items(within: Years | None = None, on: datetime.date | None = None) -> list[Item]:
    return [Item(name="one"), Item(name="two")]


@strawberry.type
class Query:
    items: list[Item] = strawberry.field(resolver=items)


def a_schema() -> strawberry.Schema:
    return strawberry.Schema(query=Query)


def parameters(function: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_strawberry_keeps_the_graphql_core_schema_it_executes_with():
    schema = a_schema()
    assert hasattr(schema, "_schema"), f"{STRAWBERRY} no longer keeps graphql-core's schema as `Schema._schema`"
    core = internals.core_schema(schema)
    assert isinstance(core, GraphQLSchema), f"{STRAWBERRY}: `Schema._schema` is no longer graphql-core's schema"
    assert core.query_type is not None
    assert core.query_type.name == "Query"
    assert core.extensions[GraphQLCoreConverter.DEFINITION_BACKREF] is schema
    answer = graphql_sync(core, "{ items { name } }")
    assert answer.data == {"items": [{"name": "one"}, {"name": "two"}]}, f"{STRAWBERRY}: {answer.errors}"


def test_a_description_set_beneath_strawberry_is_introspected_and_printed():
    schema = a_schema()
    internals.describe(schema, "Things, and what they are called.")
    answer = graphql_sync(internals.core_schema(schema), "{ __schema { description } }")
    assert answer.data == {"__schema": {"description": "Things, and what they are called."}}, GRAPHQL_CORE
    definition = internals.schema_definition(schema)
    assert definition == '"""Things, and what they are called."""\nschema {\n  query: Query\n}'
    assert print_schema(internals.core_schema(schema)).startswith(definition), GRAPHQL_CORE
    assert "Things, and what" not in schema.as_str(), f"{STRAWBERRY} prints the description itself now"


def test_strawberry_tells_the_operation_name_a_request_gave_from_the_first_operation_s():
    document = "query First { items { name } } query Second { items { label } }"
    for given in (None, "Second"):
        context = ExecutionContext(
            query=document,
            schema=a_schema(),
            allowed_operations=(OperationType.QUERY,),
            provided_operation_name=given,
            graphql_document=parse(document),
        )
        assert hasattr(context, "_provided_operation_name"), (
            f"{STRAWBERRY}: no `ExecutionContext._provided_operation_name`"
        )
        assert internals.requested_operation_name(context) == given, STRAWBERRY
        assert context.operation_name == (given or "First"), STRAWBERRY


def test_graphql_core_collects_fields_as_execution_writes_them():
    assert parameters(graphql_collect_fields.collect_fields)[:5] == [
        "schema",
        "fragments",
        "variable_values",
        "runtime_type",
        "operation",
    ], f"{GRAPHQL_CORE} changed `collect_fields`"
    assert parameters(graphql_collect_fields.collect_subfields)[:6] == [
        "schema",
        "fragments",
        "variable_values",
        "operation",
        "return_type",
        "field_details_list",
    ], f"{GRAPHQL_CORE} changed `collect_subfields`"
    core = internals.core_schema(a_schema())
    document = parse(
        """query($quiet: Boolean!) { first: items { ...Named label @skip(if: $quiet) }
        items { name } first: items { label(loud: true) @include(if: $quiet) } }
        fragment Named on Item { name ... on Item { label } }"""
    )
    executor = Executor.build(core, document, raw_variable_values={"quiet": True})
    assert isinstance(executor, Executor), executor
    assert core.query_type is not None
    grouped = internals.collect_fields(executor, core.query_type)
    assert list(grouped) == ["first", "items"], GRAPHQL_CORE
    assert all(isinstance(details.node, FieldNode) for details in grouped["first"]), GRAPHQL_CORE
    kind = core.get_type("Item")
    assert isinstance(kind, GraphQLObjectType)
    sub = internals.collect_subfields(executor, kind, grouped["first"])
    assert list(sub) == ["name", "label"], GRAPHQL_CORE
    assert [bool(details.node.arguments) for details in sub["label"]] == [False, True], GRAPHQL_CORE


def test_strawberry_converts_arguments_as_its_resolvers_take_them():
    assert parameters(strawberry_arguments.convert_arguments)[:4] == [
        "value",
        "arguments",
        "scalar_registry",
        "config",
    ], f"{STRAWBERRY} changed `convert_arguments`"
    schema = a_schema()
    assert datetime.date in schema.schema_converter.scalar_registry, f"{STRAWBERRY}: no `scalar_registry`"
    core = internals.core_schema(schema)
    assert core.query_type is not None
    definition = core.query_type.fields["items"]
    executor = Executor.build(core, parse('{ items(within: {from: 1950}, on: "1953-07-27") { name } }'))
    assert isinstance(executor, Executor), executor
    [details] = internals.collect_fields(executor, core.query_type)["items"]
    given = get_argument_values(definition, details.node, executor.variable_values)
    strawberry_field = internals.field_of(definition)
    assert strawberry_field is not None
    converted = internals.resolver_arguments(schema, given, strawberry_field.arguments)
    assert converted == {"within": Years(start=1950), "on": datetime.date(1953, 7, 27)}, STRAWBERRY


def test_a_graphql_core_field_leads_back_to_the_strawberry_field_it_was_made_from():
    core = internals.core_schema(a_schema())
    assert core.query_type is not None
    strawberry_field = internals.field_of(core.query_type.fields["items"])
    assert isinstance(strawberry_field, StrawberryField), f"{STRAWBERRY}: no field behind the graphql-core field"
    assert strawberry_field.python_name == "items"
    assert strawberry_field.base_resolver is not None
    assert strawberry_field.base_resolver.wrapped_func is items, STRAWBERRY
    assert internals.field_of(GraphQLField(GraphQLString)) is None


def test_strawberry_s_validation_adds_its_own_rules_to_the_request_s():
    schema = internals.core_schema(graphql_schema)
    document = parse('{ country(by: {code: "KOR", alpha2: "KR"}) { name } }')
    [error] = internals.validate_document(schema, document, tuple(specified_rules))
    assert "CountryKey" in error.message  # the @oneOf input's rule is strawberry's, not graphql-core's
    assert validate(schema, document, specified_rules) == []


def test_rows_of_one_statement_share_sqlalchemy_s_result_metadata():
    engine = sa.create_engine("sqlite://")
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT 1 AS a, 'x' AS b UNION ALL SELECT 2, 'y'")).all()
        again = connection.execute(sa.text("SELECT 3 AS a, 'z' AS b")).all()
    engine.dispose()
    assert hasattr(rows[0], "_parent"), f"{SQLALCHEMY}: a row no longer has `_parent`"
    assert internals.one_layout(rows), SQLALCHEMY
    assert not internals.one_layout([*rows, *again]), SQLALCHEMY
    assert not internals.one_layout([*rows, object()])
    assert not internals.one_layout([])
    assert rows[1][rows[0]._fields.index("b")] == "y"


# Names with a leading underscore that are public: a named tuple's and a row's, an enum member's.
PUBLIC_UNDERSCORED = {"_fields", "_mapping", "_asdict", "_replace", "_make", "_t", "_tuple", "_value_", "_name_"}
OWN = {path.stem for path in ROOT.iterdir() if path.suffix == ".py" or (path / "__init__.py").exists()}
SOURCES = sorted(
    path
    for folder in ("pipeline", "schema", "resolvers", "web", "models", "seeds")
    for path in (ROOT / folder).rglob("*.py")
) + sorted(ROOT.glob("*.py"))


def private_reaches(path: Path) -> list[str]:
    """Where a module reads another object's private attribute, or imports a name a library module keeps private."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.endswith("__"):
            own = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            if not own and node.attr not in PUBLIC_UNDERSCORED:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {ast.unparse(node)}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in OWN:
                continue
            module = importlib.import_module(node.module)
            public = getattr(module, "__all__", None)
            for alias in node.names:
                submodule = inspect.ismodule(getattr(module, alias.name, None))
                if alias.name.startswith("_") or (public is not None and alias.name not in public and not submodule):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} from {node.module} import {alias.name}")
    return found


def test_no_module_but_internals_reaches_into_a_library_s_private_names():
    found = [reach for path in SOURCES if path != ROOT / "pipeline" / "internals.py" for reach in private_reaches(path)]
    assert found == [], "put each in pipeline/internals.py, saying why it is needed, with a test here"
