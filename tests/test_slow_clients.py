"""Slow and broken clients over a real socket: a connection cannot hold the server waiting for ever, on either HTTP
parser (`BILATERAL_HTTP`)."""

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import cli, free_port, running_server

pytestmark = pytest.mark.slow

CLIENT_TIMEOUT = 1.0
KEEP_ALIVE = 1


@pytest.fixture(scope="module", params=["httptools", "h11"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A server on the HTTP parser the test is given, with short timeouts: each is guarded."""
    folder: Path = tmp_path_factory.mktemp(f"slow-{request.param}")
    url = f"sqlite:///{folder / 'bilateral.db'}"
    environment = {
        "BILATERAL_CLIENT_TIMEOUT": str(CLIENT_TIMEOUT),
        "BILATERAL_KEEP_ALIVE": str(KEEP_ALIVE),
        "BILATERAL_HTTP": request.param,
    }
    with running_server(url, folder / "server.log", **environment) as base:
        host, port = base.removeprefix("http://").split(":")
        yield host, int(port)


def until_closed(connection: socket.socket, limit: float = 10) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and how long that took."""
    started, received = time.monotonic(), b""
    connection.settimeout(limit)
    while chunk := connection.recv(65536):
        received += chunk
    return received, time.monotonic() - started


def test_a_connection_that_sends_nothing_is_closed(server: tuple[str, int]):
    with socket.create_connection(server) as connection:
        received, waited = until_closed(connection)
    assert received == b""
    assert CLIENT_TIMEOUT - 0.2 < waited < CLIENT_TIMEOUT + 2


def test_half_a_request_head_is_closed(server: tuple[str, int]):
    with socket.create_connection(server) as connection:
        connection.sendall(b"POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Ty")
        received, waited = until_closed(connection)
    assert received == b""
    assert waited < CLIENT_TIMEOUT + 2


def test_a_body_that_stops_coming_is_answered_408_and_closed(server: tuple[str, int]):
    with socket.create_connection(server) as connection:
        connection.sendall(
            b"POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{"
        )
        received, waited = until_closed(connection)
    assert received.startswith(b"HTTP/1.1 408")
    assert b'"code":"BAD_REQUEST"' in received
    assert b"did not arrive within 1 seconds" in received
    assert waited < CLIENT_TIMEOUT + 2


def test_an_idle_keep_alive_connection_is_closed(server: tuple[str, int]):
    with socket.create_connection(server) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        received, waited = until_closed(connection)
    assert received.startswith(b"HTTP/1.1 200")
    assert KEEP_ALIVE - 0.2 < waited < KEEP_ALIVE + 2


def test_an_unknown_http_parser_is_refused_at_start(tmp_path: Path):
    started = cli(
        "serve",
        timeout=60,
        BILATERAL_HTTP="picohttp",
        BILATERAL_DATABASE_URL=f"sqlite:///{tmp_path / 'bilateral.db'}",
        BILATERAL_PORT=str(free_port()),
    )
    assert started.returncode == 2
    assert started.stderr == "Bilateral cannot start: BILATERAL_HTTP must be `httptools` or `h11`, not 'picohttp'\n"
