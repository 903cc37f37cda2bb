"""Queries generated from the schema itself: never a 5xx, never an unexpected error, always a GraphQL response."""

import pytest
from graphql import build_schema
from httpx2 import Response
from hypothesis import HealthCheck, given, settings
from hypothesis_graphql import queries
from starlette.testclient import TestClient

from schema import printed_schema

CATALOGUE = {
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
    "BAD_USER_INPUT",
    "QUERY_TOO_COMPLEX",
}


QUERY_TYPE = build_schema(printed_schema()).query_type
assert QUERY_TYPE is not None
ROOT_FIELDS = sorted(QUERY_TYPE.fields)


@pytest.mark.parametrize("field", ROOT_FIELDS)
def test_generated_queries_get_well_formed_answers(client: TestClient, field: str):
    """A dozen generated queries from each entry point, a few hundred in all."""
    for document in _documents(field):
        _check(client.post("/graphql", json={"query": document}))


def _documents(field: str) -> list[str]:
    found: list[str] = []

    @settings(
        max_examples=12,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(document=queries(printed_schema(), fields=[field]))
    def collect(document: str) -> None:
        found.append(document)

    collect()
    return found


def _check(response: Response) -> None:
    assert response.status_code < 500, response.text
    body = response.json()
    assert isinstance(body, dict)
    assert set(body) <= {"data", "errors", "extensions"}
    assert "data" in body or "errors" in body
    for error in body.get("errors", []):
        assert isinstance(error["message"], str)
        assert error["extensions"]["code"] in CATALOGUE, error
