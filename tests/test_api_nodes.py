"""Global ids: every node refetches from its own id, and ids survive a re-seed."""

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

import seeds
from models.registry import ENTITIES
from tests.conftest import NORTH_AMERICA
from tests.databases import reset
from tests.graphql import errors, query
from tests.test_api_kinds import every

# Every kind that is a node, where every row of it is listed: a new kind is covered here without an edit.
NODE_KINDS = [entity for entity in ENTITIES if entity.node]


def every_id(client: TestClient) -> dict[str, list[str]]:
    """The ids of every row of each kind, by the kind's name."""
    ids = {}
    for entity in NODE_KINDS:
        ids[entity.name] = [row["id"] for row in every(client, entity, "id", answer=query)]
    return ids


def test_every_node_is_fetched_back_by_its_id(client: TestClient):
    for typename, ids in every_id(client).items():
        assert ids, f"no {typename} to fetch"
        for start in range(0, len(ids), 100):  # `nodes` takes at most 100 ids
            page = ids[start : start + 100]
            fetched = query(client, "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", ids=page)["nodes"]
            assert fetched == [{"__typename": typename, "id": node_id} for node_id in page]
        single = query(client, "query($id: ID!) { node(id: $id) { __typename id } }", id=ids[0])["node"]
        assert single == {"__typename": typename, "id": ids[0]}


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
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "id", "coordinate": "Query.node(id:)"}
    assert error["message"] == "'not an id' is not a valid node id (`Query.node(id:)`)"


@pytest.mark.parametrize("fragment", ["... on Country { code }", "... on Relation { slug }"])
def test_a_node_answers_its_own_fields(client: TestClient, fragment: str):
    ids = every_id(client)
    node_id = ids["Country" if "Country" in fragment else "Relation"][0]
    node = query(client, f'{{ node(id: "{node_id}") {{ {fragment} }} }}')["node"]
    assert node in ({"code": "CAN"}, {"slug": "CAN-KOR"})
