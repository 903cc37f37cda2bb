"""Global ids: every node refetches from its own id, and ids survive a re-seed."""

import pytest
import sqlalchemy as sa
from graphql import build_schema, get_named_type
from starlette.testclient import TestClient
from strawberry.utils.str_converters import to_camel_case

import seeds
from models.registry import ENTITIES
from schema import printed_schema
from tests.conftest import NORTH_AMERICA
from tests.databases import reset
from tests.graphql import errors, query

# Every kind that is a node, by its root list: a new kind is covered here without an edit.
SCHEMA = build_schema(printed_schema())
NODE_KINDS = [entity for entity in ENTITIES if entity.node]
TYPENAMES = {to_camel_case(entity.plural): entity.name for entity in NODE_KINDS}


def listed(field: str) -> str:
    """The selection of every id of a root list, paged or not."""
    assert SCHEMA.query_type is not None
    named = get_named_type(SCHEMA.query_type.fields[field].type)
    return f"{field}(first: 100) {{ nodes {{ id }} }}" if named.name.endswith("Connection") else f"{field} {{ id }}"


EVERY_NODE = "{ " + " ".join(listed(field) for field in TYPENAMES) + " }"


def every_id(client: TestClient) -> dict[str, list[str]]:
    data = query(client, EVERY_NODE)
    return {
        field: [n["id"] for n in (value.get("nodes", value) if isinstance(value, dict) else value)]
        for field, value in data.items()
    }


def test_every_node_is_fetched_back_by_its_id(client: TestClient):
    for field, ids in every_id(client).items():
        fetched = query(client, "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", ids=ids)["nodes"]
        assert fetched == [{"__typename": TYPENAMES[field], "id": node_id} for node_id in ids]
        single = query(client, "query($id: ID!) { node(id: $id) { __typename id } }", id=ids[0])["node"]
        assert single == {"__typename": TYPENAMES[field], "id": ids[0]}


def test_ids_survive_a_reseed(seeded_client: TestClient, seeded: sa.Engine):
    before = every_id(seeded_client)
    reset(seeded)
    seeds.load(seeded, [NORTH_AMERICA])
    assert every_id(seeded_client) == before


def test_an_unknown_id_is_null_and_a_malformed_one_is_an_error(client: TestClient):
    unknown = "Q291bnRyeTpYWFg"  # Country:XXX
    assert query(client, f'{{ node(id: "{unknown}") {{ id }} nodes(ids: ["{unknown}"]) {{ id }} }}') == {
        "node": None,
        "nodes": [None],
    }
    [error] = errors(client, '{ node(id: "not an id") { id } }')
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "id"}
    assert error["message"] == "'not an id' is not a valid node id"


@pytest.mark.parametrize("fragment", ["... on Country { code }", "... on Relation { slug }"])
def test_a_node_answers_its_own_fields(client: TestClient, fragment: str):
    ids = every_id(client)
    node_id = ids["countries" if "Country" in fragment else "relations"][0]
    node = query(client, f'{{ node(id: "{node_id}") {{ {fragment} }} }}')["node"]
    assert node in ({"code": "CAN"}, {"slug": "CAN-KOR"})
