"""Queries generated from the schema itself: never a 5xx, never an unexpected error, always a GraphQL response."""

import pytest
from httpx2 import Response
from starlette.testclient import TestClient

from tests.generated import ROOT_FIELDS, generated

pytestmark = pytest.mark.slow

CATALOGUE = {
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
    "BAD_USER_INPUT",
    "QUERY_TOO_COMPLEX",
    "UNAUTHENTICATED",  # `changes` is read by signed-in accounts only: these queries are anonymous
}


@pytest.mark.parametrize("field", ROOT_FIELDS)
def test_generated_queries_get_well_formed_answers(client: TestClient, field: str):
    """A dozen generated queries from each entry point, a few hundred in all."""
    for document in generated(field, 12):
        _check(client.post("/graphql", json={"query": document}))


def _check(response: Response) -> None:
    assert response.status_code < 500, response.text
    body = response.json()
    assert isinstance(body, dict)
    assert set(body) <= {"data", "errors", "extensions"}
    assert "data" in body or "errors" in body
    for error in body.get("errors", []):
        assert isinstance(error["message"], str)
        assert error["extensions"]["code"] in CATALOGUE, error
