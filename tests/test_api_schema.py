"""The schema documents itself, matches its committed SDL, and its examples run."""

import re
from pathlib import Path
from typing import Any

import pytest
from graphql import GraphQLScalarType, OperationDefinitionNode, get_introspection_query, parse, validate
from starlette.testclient import TestClient

from schema import graphql_schema, printed_schema
from settings import ROOT
from tests.graphql import query

EXAMPLES = sorted((ROOT / "schema" / "examples").glob("*.graphql"))


def test_the_committed_schema_is_the_schema_served():
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed == printed_schema(), "schema.graphql is stale: run `.venv/bin/python cli.py schema`"


def test_the_schema_has_a_description_for_the_docs_front_page(client: TestClient):
    description = query(client, "{ __schema { description } }")["__schema"]["description"]
    assert "Every fact points back to its passage" in description
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed.startswith(f'"""\n{description}\n"""\nschema {{\n  query: Query\n  mutation: Mutation\n}}\n')


def _undocumented(schema: dict[str, Any]) -> list[str]:
    missing = []
    for kind in schema["types"]:
        if kind["name"].startswith("__"):
            continue
        if not kind["description"]:
            missing.append(kind["name"])
        for field in (kind["fields"] or []) + (kind["inputFields"] or []):
            if not field["description"]:
                missing.append(f"{kind['name']}.{field['name']}")
            missing += [
                f"{kind['name']}.{field['name']}({arg['name']})"
                for arg in field.get("args", [])
                if not arg["description"]
            ]
        missing += [f"{kind['name']}.{value['name']}" for value in kind["enumValues"] or [] if not value["description"]]
    return missing


def test_every_type_field_argument_and_enum_value_has_a_description(client: TestClient):
    schema = query(client, get_introspection_query(descriptions=True))["__schema"]
    assert len(schema["types"]) > 30
    assert _undocumented(schema) == []


@pytest.mark.parametrize("path", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_each_example_validates_and_runs(path: Path, client: TestClient):
    document = path.read_text(encoding="utf-8")
    assert validate(graphql_schema._schema, parse(document)) == []  # strawberry keeps graphql-core's schema there
    data = query(client, document)
    assert data
    assert all(value is not None for value in data.values())


README = (ROOT / "README.md").read_text(encoding="utf-8")


def operations() -> list[tuple[str, OperationDefinitionNode]]:
    """Every operation of the example queries and of the README, with where it comes from."""
    documents = [(path.name, path.read_text(encoding="utf-8")) for path in EXAMPLES]
    documents += [("README.md", block) for block in re.findall(r"```graphql\n(.*?)```", README, flags=re.DOTALL)]
    return [
        (where, definition)
        for where, text in documents
        for definition in parse(text).definitions
        if isinstance(definition, OperationDefinitionNode)
    ]


def test_every_example_operation_has_a_name_of_its_own():
    found = operations()
    assert [where for where, operation in found if operation.name is None] == []
    names = [operation.name.value for _, operation in found if operation.name]
    assert sorted(name for name in set(names) if names.count(name) > 1) == []
    assert len(names) >= 14


def test_every_example_says_what_it_asks_in_its_description():
    # Descriptions on operations, as the September 2025 specification allows: tools show them as documentation.
    undescribed = [where for where, operation in operations() if where != "README.md" and not operation.description]
    assert undescribed == []


def test_the_date_scalar_says_where_it_is_specified():
    date = graphql_schema._schema.get_type("Date")  # strawberry keeps graphql-core's schema there
    assert isinstance(date, GraphQLScalarType)
    assert date.specified_by_url == "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"
