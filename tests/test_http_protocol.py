"""GraphQL over HTTP: status codes, media types, methods and bodies, as the specification describes them."""

import socket
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.servers import running_server

NORMAL = '{ country(code: "CAN") { name } }'


def test_malformed_json_is_a_400_with_a_graphql_error_body(client: TestClient):
    response = client.post(
        "/graphql", content=b'{"query": "{ sources { nodes { slug } }', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_REQUEST"}
    assert error["message"].startswith("the body is not valid JSON")


def test_a_body_that_is_not_json_is_a_415(client: TestClient):
    response = client.post("/graphql", content=NORMAL, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert response.json()["errors"][0]["extensions"] == {"code": "UNSUPPORTED_MEDIA_TYPE"}


def test_a_request_that_is_not_an_object_is_a_400(client: TestClient):
    for body in ("42", '"query"', '{"query": 7}', '{"query": "{ sources { nodes { slug } } }", "variables": [1]}'):
        response = client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, body
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_a_mutation_over_get_is_a_405(client: TestClient):
    response = client.get("/graphql", params={"query": "mutation { anything }"})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"] == {"code": "METHOD_NOT_ALLOWED"}


def test_a_mutation_over_post_is_a_validation_error(client: TestClient):
    response = client.post("/graphql", json={"query": "mutation { anything }"})
    assert response.json()["errors"][0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}


def test_head_answers_with_headers_only(client: TestClient):
    response = client.head("/graphql", params={"query": NORMAL})
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["etag"]
    assert client.head("/health").status_code == 200


def test_the_graphql_response_media_type_gets_status_codes_for_request_errors(client: TestClient):
    accept = {"Accept": "application/graphql-response+json"}
    bad = client.post("/graphql", json={"query": "{ nothing }"}, headers=accept)
    assert bad.status_code == 400
    assert bad.headers["content-type"].startswith("application/graphql-response+json")
    good = client.post("/graphql", json={"query": NORMAL}, headers=accept)
    assert good.status_code == 200
    legacy = client.post("/graphql", json={"query": "{ nothing }"})
    assert legacy.status_code == 200
    assert legacy.headers["content-type"].startswith("application/json")


def test_a_declared_huge_body_is_refused_without_being_read(tmp_path):
    """Over a real socket: the server answers 413 on the headers alone, while the client sends nothing more."""
    with running_server(f"sqlite:///{tmp_path / 'bilateral.db'}", tmp_path / "server.log") as base:
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(
                b"POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                b'Content-Length: 104857600\r\n\r\n{"query": '
            )
            answer = b""
            while b"PAYLOAD_TOO_LARGE" not in answer and (chunk := connection.recv(65536)):
                answer += chunk
    assert answer.startswith(b"HTTP/1.1 413")
    assert b'"code":"PAYLOAD_TOO_LARGE"' in answer


RESPONSE_MEDIA = "application/graphql-response+json"


@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize(
    ("operation_name", "message"),
    [
        ("B", "the document has no operation named 'B' (its operations: `A`)"),
        ("", "the document has no operation named '' (its operations: `A`)"),
    ],
)
def test_an_operation_name_that_names_no_operation_is_a_request_error(
    client: TestClient, method: str, operation_name: str, message: str
):
    request = {"query": "query A { sources { nodes { slug } } }", "operationName": operation_name}
    for accept, status in (("application/json", 200), (RESPONSE_MEDIA, 400)):
        if method == "GET":
            response = client.get("/graphql", params=request, headers={"Accept": accept})
        else:
            response = client.post("/graphql", json=request, headers={"Accept": accept})
        assert response.status_code == status
        assert response.json() == {
            "errors": [{"message": message, "extensions": {"code": "OPERATION_RESOLUTION_FAILURE"}}]
        }


def test_a_document_of_two_operations_needs_an_operation_name(client: TestClient):
    document = "query A { sources { nodes { slug } } } query B { regions { nodes { code } } }"
    [error] = client.post("/graphql", json={"query": document}).json()["errors"]
    assert error == {
        "message": "the document holds 2 operations (`A`, `B`): name the one to run with `operationName`",
        "extensions": {"code": "OPERATION_RESOLUTION_FAILURE"},
    }
    named = client.post("/graphql", json={"query": document, "operationName": "B"}).json()
    assert named["data"] == {"regions": {"nodes": [{"code": "north-america"}]}}


def test_an_oversized_body_always_gets_its_413(tmp_path: Path):
    """Fifty 1 MB POSTs from a plain client that sends the whole body before reading: fifty 413 answers."""
    body = b'{"query": "' + b" " * 1_048_576 + b'"}'
    answers = []
    with running_server(f"sqlite:///{tmp_path / 'bilateral.db'}", tmp_path / "server.log") as base:
        for _ in range(50):
            request = urllib.request.Request(f"{base}/graphql", data=body, headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    answers.append((response.status, response.read()))
            except urllib.error.HTTPError as error:
                answers.append((error.code, error.read()))
    assert [status for status, _ in answers] == [413] * 50
    assert all(b'"code":"PAYLOAD_TOO_LARGE"' in answer for _, answer in answers)


def test_each_media_type_has_its_own_etag_and_a_star_matches_any(client: TestClient):
    query = {"query": '{ country(code: "CAN") { name } }'}
    plain = client.get("/graphql", params=query)
    typed = client.get("/graphql", params=query, headers={"Accept": RESPONSE_MEDIA})
    assert plain.headers["etag"] != typed.headers["etag"]
    across = client.get(
        "/graphql", params=query, headers={"Accept": RESPONSE_MEDIA, "If-None-Match": plain.headers["etag"]}
    )
    assert across.status_code == 200
    same = client.get(
        "/graphql", params=query, headers={"Accept": RESPONSE_MEDIA, "If-None-Match": typed.headers["etag"]}
    )
    assert same.status_code == 304
    assert client.get("/graphql", params=query, headers={"If-None-Match": "*"}).status_code == 304


def test_a_browser_app_may_read_the_caching_and_retry_headers(client: TestClient):
    response = client.get(
        "/graphql", params={"query": '{ country(code: "CAN") { name } }'}, headers={"Origin": "https://app.example"}
    )
    exposed = {name.strip().lower() for name in response.headers["access-control-expose-headers"].split(",")}
    assert {"etag", "retry-after", "bilateral-cache"} <= exposed
    assert response.headers["etag"]


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (f"{RESPONSE_MEDIA};q=0, application/json", "application/json"),
        (f"{RESPONSE_MEDIA}; q=0.0", "application/json"),
        (f"application/json, {RESPONSE_MEDIA};q=0.5", "application/json"),
        (f"application/json;q=0.5, {RESPONSE_MEDIA}", RESPONSE_MEDIA),
        (f"{RESPONSE_MEDIA}, application/json", RESPONSE_MEDIA),
    ],
)
def test_a_media_type_is_chosen_by_its_weight_and_q_0_is_not_acceptable(client: TestClient, accept: str, media: str):
    response = client.post("/graphql", json={"query": "{ nothing }"}, headers={"Accept": accept})
    assert response.headers["content-type"] == media
    assert response.status_code == (400 if media == RESPONSE_MEDIA else 200)
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_html_given_q_0_is_not_served_graphiql(client: TestClient):
    response = client.get("/graphql", headers={"Accept": "text/html;q=0, application/json"})
    assert not response.headers["content-type"].startswith("text/html")
