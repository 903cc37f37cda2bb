"""The HTTP surface: GraphQL over GET and POST, health, readiness, CORS, and errors clients can act on."""

import logging

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from app import create_app
from models.database import create_engine
from tests.databases import postgres_database
from tests.graphql import errors


def test_health_and_readiness(client: TestClient):
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json() == {"status": "ready"}


def test_a_query_over_get(client: TestClient):
    response = client.get("/graphql", params={"query": '{ country(code: "CAN") { name } }'})
    assert response.status_code == 200
    assert response.json()["data"] == {"country": {"name": "Canada"}}


def test_a_browser_gets_graphiql(client: TestClient):
    response = client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


@pytest.mark.one_page
def test_a_graphiql_link_with_its_query_opens_graphiql(client: TestClient):
    shared = client.get("/graphql", params={"q": "{ sources { nodes { slug } } }"}, headers={"Accept": "text/html"})
    assert shared.status_code == 200
    assert "graphiql" in shared.text.lower()
    asked = client.get("/graphql", params={"query": "{ sources { nodes { slug } } }"}, headers={"Accept": "text/html"})
    assert asked.json()["data"] == {"sources": {"nodes": [{"slug": "mofa-north-america"}]}}


def test_any_origin_may_read_without_credentials(client: TestClient):
    preflight = client.options(
        "/graphql",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in preflight.headers
    response = client.post(
        "/graphql", json={"query": "{ sources { nodes { slug } } }"}, headers={"Origin": "https://app.example"}
    )
    assert response.headers["access-control-allow-origin"] == "*"


def test_a_syntax_error_is_readable_and_coded(client: TestClient):
    [error] = errors(client, "{ events(first: 2 ")
    assert error["message"] == "Syntax Error: Expected Name, found <EOF>."
    assert error["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}
    assert error["locations"] == [{"line": 1, "column": 19}]


def test_an_unknown_field_is_readable_and_coded(client: TestClient):
    [error] = errors(client, "{ evnts { totalCount } }")
    assert error["message"] == "Cannot query field 'evnts' on type 'Query'. Did you mean 'events' or 'event'?"
    assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}


def test_a_wrong_typed_variable_is_bad_user_input(client: TestClient):
    [error] = errors(client, "query($n: Int) { events(first: $n) { totalCount } }", n="ten")
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert "$n" in error["message"]


def test_an_unexpected_error_is_masked_and_logged_with_a_request_id(
    seeded_client: TestClient, seeded: sa.Engine, caplog: pytest.LogCaptureFixture
):
    with seeded.begin() as connection:
        connection.execute(sa.text("DROP TABLE statistic"))
    with caplog.at_level(logging.ERROR, logger="bilateral.errors"):
        response = seeded_client.post("/graphql", json={"query": "{ statistics { nodes { slug } } }"})
    [error] = response.json()["errors"]
    assert error["message"] == "Internal server error."
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    request_id = error["extensions"]["requestId"]
    assert response.headers["request-id"] == request_id
    for leak in ("SELECT", "FROM statistic", "Traceback", "sqlalchemy", "relation", "no such table"):
        assert leak not in response.text
    [record] = caplog.records
    assert request_id in record.getMessage()
    assert record.exc_info is not None
    assert "statistic" in str(record.exc_info[1])


def test_ready_answers_503_when_the_database_goes_away(postgres_url: str):
    with postgres_database() as url, TestClient(create_app(url)) as client:
        assert client.get("/ready").status_code == 200
        admin = create_engine(url).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            name = connection.execute(sa.text("SELECT current_database()")).scalar()
        admin.dispose()
        client.app.state.engine.dispose()  # type: ignore[attr-defined]
        server = create_engine(postgres_url)
        with server.execution_options(isolation_level="AUTOCOMMIT").connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        server.dispose()
        response = client.get("/ready")
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable", "database": "unreachable"}
        assert client.get("/health").status_code == 200
