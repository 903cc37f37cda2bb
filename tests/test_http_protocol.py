"""GraphQL over HTTP: status codes, media types, methods and bodies, as the specification describes them."""

import socket

from starlette.testclient import TestClient

from tests.servers import running_server

NORMAL = '{ country(code: "CAN") { name } }'


def test_malformed_json_is_a_400_with_a_graphql_error_body(client: TestClient):
    response = client.post(
        "/graphql", content=b'{"query": "{ sources { slug }', headers={"Content-Type": "application/json"}
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
    for body in ("42", '"query"', '{"query": 7}', '{"query": "{ sources { slug } }", "variables": [1]}'):
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
