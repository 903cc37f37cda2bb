"""Every kind of the registry, as its declaration promises: listed, filtered, searched, linked and compiled.

The kinds come from `models/registry.py` and the fields from the schema, so a new kind is covered here
without an edit: its root list serves every row with its id, answered by the compiled path; its filter
combines with `and`, `or` and `not`; search finds each kind it indexes; and each link declared on a
child is served at both ends with the same pairs.
"""

from collections import Counter
from typing import Any

import pytest
import sqlalchemy as sa
from graphql import GraphQLObjectType, build_schema, get_named_type
from starlette.testclient import TestClient
from strawberry.utils.str_converters import to_camel_case

import settings
from models.entity import Entity, Link
from models.registry import ENTITIES, links_to, searchable, themed
from models.theme import THEME
from pipeline.compiled import EXECUTIONS
from resolvers.rows import global_id
from schema import printed_schema
from tests.graphql import query

SCHEMA = build_schema(printed_schema())
NODES = [entity for entity in ENTITIES if entity.node]
LINKS = [(child, link) for parent in NODES for child, link in links_to(parent) if link.listed]


def name(entity: Entity) -> str:
    return entity.name


def root(entity: Entity) -> str:
    return to_camel_case(entity.plural)


def listed(field: str, selection: str, arguments: str = "") -> str:
    """A root list's selection of every row (a connection's first page of 100), with `arguments`."""
    assert SCHEMA.query_type is not None
    named = get_named_type(SCHEMA.query_type.fields[field].type)
    if named.name.endswith("Connection"):
        return f"{field}(first: 100{', ' + arguments if arguments else ''}) {{ nodes {{ {selection} }} }}"
    return f"{field}{f'({arguments})' if arguments else ''} {{ {selection} }}"


def rows(data: dict[str, Any], field: str) -> list[dict[str, Any]]:
    value = data[field]
    found: list[dict[str, Any]] = value["nodes"] if isinstance(value, dict) else value
    return found


@pytest.fixture
def uncached(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setattr(settings, "CACHE_MAX_AGE", 0)
    return client


def compiled(client: TestClient, document: str) -> dict[str, Any]:
    """The data of a query, which the compiled path must have answered."""
    before = Counter(EXECUTIONS)
    data = query(client, document)
    assert Counter(EXECUTIONS) - before == Counter({"compiled": 1}), document
    return data


@pytest.mark.parametrize("entity", NODES, ids=name)
def test_a_kinds_root_list_serves_every_row_with_its_key_and_id(uncached: TestClient, entity: Entity):
    key = to_camel_case(entity.key)
    data = compiled(uncached, "{ " + listed(root(entity), f"__typename id {key}") + " }")
    served = rows(data, root(entity))
    engine: sa.Engine = uncached.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        keys = connection.execute(sa.select(entity.table.c[entity.key])).scalars().all()
    assert sorted(row[key] for row in served) == sorted(keys)
    assert {row["__typename"] for row in served} <= {entity.name}
    assert len({row["id"] for row in served}) == len(served)


FILTERED = [entity for entity in NODES if "filter" in SCHEMA.query_type.fields[root(entity)].args]  # type: ignore[union-attr]


@pytest.mark.parametrize("entity", FILTERED, ids=name)
def test_a_kinds_filter_combines_with_and_or_and_not(uncached: TestClient, entity: Entity):
    key = to_camel_case(entity.key)
    field = root(entity)
    every = rows(compiled(uncached, "{ " + listed(field, key) + " }"), field)
    assert every, f"no {entity.plural} to filter"
    everything = "filter: {and: [{}], or: [{}]}"
    nothing = "filter: {not: {}}"
    assert rows(compiled(uncached, "{ " + listed(field, key, everything) + " }"), field) == every
    assert rows(compiled(uncached, "{ " + listed(field, key, nothing) + " }"), field) == []


@pytest.mark.parametrize("entity", [entity for entity in searchable() if entity.node], ids=name)
def test_search_finds_each_kind_it_indexes_by_its_title(client: TestClient, entity: Entity):
    engine: sa.Engine = client.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        first = connection.execute(entity.search_rows().limit(1)).one()
        key = connection.execute(
            sa.select(entity.table.c[entity.key]).where(entity.table.c.id == first.id)
        ).scalar_one()
    words = " ".join(first.title.split()[:6])
    document = """query($q: String!) { search(query: $q, first: 100) { nodes { title item { __typename
        ... on Node { id } } } } }"""
    hits = query(client, document, q=words)["search"]["nodes"]
    assert {"title": first.title, "item": {"__typename": entity.name, "id": global_id(entity.name, key)}} in hits


def pairs(client: TestClient, entity: Entity, field: str) -> set[tuple[str, str]]:
    """(row id, linked row id) for every row of `entity` and every row its `field` gives."""
    data = compiled(client, "{ " + listed(root(entity), f"id {field} {{ id }}") + " }")
    found = set()
    for row in rows(data, root(entity)):
        linked = row[field] if isinstance(row[field], list) else [row[field]] if row[field] else []
        found |= {(row["id"], other["id"]) for other in linked}
    return found


@pytest.mark.parametrize(("child", "link"), LINKS, ids=[f"{child.name}.{link.name}" for child, link in LINKS])
def test_a_link_declared_on_the_child_is_served_at_both_ends(uncached: TestClient, child: Entity, link: Link):
    upward = pairs(uncached, child, to_camel_case(link.name))
    downward = pairs(uncached, link.parent, to_camel_case(link.children))
    assert downward == {(parent, row) for row, parent in upward}
    assert upward, f"no {child.plural} with a {link.name}"


@pytest.mark.parametrize("entity", [entity for entity in themed() if entity.themed and entity.themed.listed], ids=name)
def test_a_themed_kinds_themes_and_each_themes_list_agree(uncached: TestClient, entity: Entity):
    theme_type = SCHEMA.get_type(THEME.name)
    assert isinstance(theme_type, GraphQLObjectType)
    assert root(entity) in theme_type.fields
    upward = pairs(uncached, entity, "themes")
    downward = pairs(uncached, THEME, root(entity))
    assert downward == {(theme, row) for row, theme in upward}
    assert upward, f"no {entity.plural} with a theme"
