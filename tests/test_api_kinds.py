"""Every kind of the registry, as its declaration promises: listed, filtered, searched, linked and compiled.

The kinds come from `models/registry.py` and the fields from the schema, so a new kind is covered here
without an edit: its rows are listed with their ids (by its root list, or a list of it on a root list's
items), answered by the compiled path; its filter
combines with `and`, `or` and `not`; search finds each kind it indexes; and each link declared on a
child is served at both ends with the same pairs.
"""

from collections import Counter
from collections.abc import Callable
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
# Every link, its children listed by the parent's type itself (`listed=False`) or from the declaration.
LINKS = [(child, link) for parent in NODES for child, link in links_to(parent)]


def name(entity: Entity) -> str:
    return entity.name


def root(entity: Entity) -> str:
    return to_camel_case(entity.plural)


def reach(entity: Entity) -> tuple[str, Link | None]:
    """Where every row of a kind is listed: its root list, else its parent's root list and the link whose field of
    the parent's type lists its children (`relations` and `Relation.labels`); the link, or None."""
    assert SCHEMA.query_type is not None
    if root(entity) in SCHEMA.query_type.fields:
        return root(entity), None
    for link in entity.links:
        parent = SCHEMA.get_type(link.parent.name)
        listed_by_parent = isinstance(parent, GraphQLObjectType) and to_camel_case(link.children) in parent.fields
        if root(link.parent) in SCHEMA.query_type.fields and listed_by_parent:
            return root(link.parent), link
    raise AssertionError(f"no root list of {entity.plural}, nor of a parent that lists them")


def listed(field: str, selection: str, arguments: str = "") -> str:
    """A root connection's selection of every row (a first page of 100), with `arguments`."""
    return f"{field}(first: 100{', ' + arguments if arguments else ''}) {{ nodes {{ {selection} }} }}"


def rows(data: dict[str, Any], field: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = data[field]["nodes"]
    return found


def paged(entity: Entity, field: str) -> bool:
    """Whether the field of a kind's type is a connection."""
    owner = SCHEMA.get_type(entity.name)
    assert isinstance(owner, GraphQLObjectType)
    named: str = get_named_type(owner.fields[field].type).name
    return named.endswith("Connection")


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


def page_of(field: str, selection: str, after: str | None = None) -> str:
    """A page of 100 of a connection, with what it takes to ask for the next."""
    cursor = f', after: "{after}"' if after else ""
    return f"{field}(first: 100{cursor}) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {selection} }} }}"


def every(
    client: TestClient, entity: Entity, selection: str, answer: Callable[[TestClient, str], Any] = compiled
) -> list[dict[str, Any]]:
    """`selection` of every row of a kind where `reach` finds them all, answered by `answer` (by default, the
    compiled path); a parent's rows paged as a client pages them, from the parent's id."""
    field, link = reach(entity)
    if link is None:
        return rows(answer(client, "{ " + listed(field, selection) + " }"), field)
    child = to_camel_case(link.children)
    if not paged(link.parent, child):
        parents = rows(answer(client, "{ " + listed(field, f"{child} {{ {selection} }}") + " }"), field)
        return [row for parent in parents for row in parent[child]]
    parents = rows(answer(client, "{ " + listed(field, f"id {page_of(child, selection)}") + " }"), field)
    return [row for parent in parents for row in whole(client, link.parent, parent, child, selection, answer)]


def whole(
    client: TestClient,
    entity: Entity,
    row: dict[str, Any],
    field: str,
    selection: str,
    answer: Callable[[TestClient, str], Any] = compiled,
) -> list[dict[str, Any]]:
    """Every item of a row's connection, from its first page (`page_of`) on, each next one asked of its id."""
    page = row[field]
    found: list[dict[str, Any]] = page["nodes"]
    while page["pageInfo"]["hasNextPage"]:
        following = page_of(field, selection, page["pageInfo"]["endCursor"])
        document = f'{{ node(id: "{row["id"]}") {{ ... on {entity.name} {{ {following} }} }} }}'
        page = answer(client, document)["node"][field]
        found = found + page["nodes"]
    return found


@pytest.mark.parametrize("entity", NODES, ids=name)
def test_every_row_of_a_kind_is_listed_with_the_id_of_its_natural_key(uncached: TestClient, entity: Entity):
    served = every(uncached, entity, "__typename id")
    engine: sa.Engine = uncached.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        keys = connection.execute(sa.select(entity.table.c[entity.key])).scalars().all()
    assert sorted(row["id"] for row in served) == sorted(global_id(entity.name, key) for key in keys)
    assert {row["__typename"] for row in served} <= {entity.name}


FILTERED = [entity for entity in NODES if "filter" in getattr(SCHEMA.query_type.fields.get(root(entity)), "args", {})]  # type: ignore[union-attr]


@pytest.mark.parametrize("entity", FILTERED, ids=name)
def test_a_kinds_filter_combines_with_and_or_and_not(uncached: TestClient, entity: Entity):
    key = to_camel_case(entity.key)
    field = root(entity)
    unfiltered = rows(compiled(uncached, "{ " + listed(field, key) + " }"), field)
    assert unfiltered, f"no {entity.plural} to filter"
    everything = "filter: {and: [{}], or: [{}]}"
    nothing = "filter: {not: {}}"
    assert rows(compiled(uncached, "{ " + listed(field, key, everything) + " }"), field) == unfiltered
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
    document = """query($q: String!) { search(query: $q, first: 100) { edges { title node { __typename
        ... on Node { id } } } } }"""
    hits = query(client, document, q=words)["search"]["edges"]
    assert {"title": first.title, "node": {"__typename": entity.name, "id": global_id(entity.name, key)}} in hits


def pairs(client: TestClient, entity: Entity, field: str) -> set[tuple[str, str]]:
    """(row id, linked row id) for every row of `entity` and every row its `field` gives."""
    connection = paged(entity, field)
    selection = page_of(field, "id") if connection else f"{field} {{ id }}"
    found = set()
    for row in every(client, entity, f"id {selection}"):
        value = whole(client, entity, row, field, "id") if connection else row[field]
        linked = value if isinstance(value, list) else [value] if value else []
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
