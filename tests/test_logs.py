"""The log as an operator reads it: one line per request, with the request's id, and each error once."""

import logging
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import orjson
import pytest
from starlette.testclient import TestClient

import settings
from tests.servers import cli, free_port, running_server
from web.access import MAX_FIELD, Exchange, logged
from web.logs import RequestId

pytestmark = pytest.mark.slow

COUNTRY = "query Country($code: String!) { country(code: $code) { name } }"


class Served:
    def __init__(self, http: httpx2.Client, log: Path, database: Path) -> None:
        self.http, self.log, self.database = http, log, database

    def lines(self) -> list[dict[str, Any]]:
        return [orjson.loads(line) for line in self.log.read_text().splitlines()]

    def line_of(self, request_id: str) -> dict[str, Any]:
        """The access log's line of one request, waiting for it: the server writes it once the response is sent."""
        deadline = time.monotonic() + 10
        while True:
            lines = [line for line in self.lines() if line["logger"] == "bilateral.access"]
            found = [line for line in lines if line.get("request_id") == request_id]
            if found or time.monotonic() > deadline:
                [line] = found
                return line
            time.sleep(0.02)


@pytest.fixture
def json_server(tmp_path: Path) -> Iterator[Served]:
    database, log = tmp_path / "bilateral.db", tmp_path / "server.log"
    with (
        running_server(f"sqlite:///{database}", log, BILATERAL_LOG_FORMAT="json") as base,
        httpx2.Client(base_url=base, timeout=30) as http,
    ):
        yield Served(http, log, database)


def test_each_request_is_one_json_line_with_its_id_and_what_it_did_but_not_its_variables(json_server: Served):
    answer = json_server.http.post("/graphql", json={"query": COUNTRY, "variables": {"code": "CAN-secret"}})
    again = json_server.http.get("/graphql", params={"query": COUNTRY, "variables": '{"code": "CAN"}'})
    assert answer.json()["data"] == {"country": None}

    line = json_server.line_of(answer.headers["request-id"])
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert line["level"] == "INFO"
    assert {key: line[key] for key in ("method", "path", "status", "operation", "cost", "cache", "errors")} == {
        "method": "POST",
        "path": "/graphql",
        "status": 200,
        "operation": "Country",
        "cost": 1,
        "cache": "miss",
        "errors": None,
    }
    assert 0 < line["duration_ms"] < 10_000
    assert json_server.line_of(again.headers["request-id"])["path"] == "/graphql"  # the query string stays out
    assert "secret" not in json_server.log.read_text()


def test_a_sane_x_request_id_is_kept_and_any_other_replaced(json_server: Served):
    kept = json_server.http.get("/health", headers={"X-Request-Id": "checkout-7f3a:2"})
    assert kept.headers["request-id"] == "checkout-7f3a:2"
    assert json_server.line_of("checkout-7f3a:2")["path"] == "/health"
    for odd in ("x" * 129, "<script>", "a b", ""):
        replaced = json_server.http.get("/health", headers={"X-Request-Id": odd})
        assert re.fullmatch(r"[0-9a-f]{32}", replaced.headers["request-id"])


def test_an_unexpected_error_is_logged_once_under_the_id_the_client_sees(json_server: Served):
    with sqlite3.connect(json_server.database) as connection:
        connection.execute("DROP TABLE statistic")
    answer = json_server.http.post("/graphql", json={"query": "{ statistics { nodes { slug } } }"})
    [error] = answer.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    request_id = error["extensions"]["requestId"]
    assert answer.headers["request-id"] == request_id

    assert json_server.line_of(request_id)["errors"] == ["INTERNAL_SERVER_ERROR"]
    logged = [line for line in json_server.lines() if line.get("request_id") == request_id]
    [failure] = [line for line in logged if line["level"] == "ERROR"]
    assert "no such table: statistic" in failure["exception"]
    # The compiled read path met it first and stepped aside: where, without the database's message.
    [fallback] = [line for line in logged if line["logger"] == "bilateral.compiled"]
    assert fallback["level"] == "WARNING"
    assert fallback["message"].startswith(
        f"request {request_id}: the compiled read path fell back (error): OperationalError while answering at "
    )
    assert "no such table" not in fallback["message"]
    assert "exception" not in fallback
    assert len(logged) == 3  # the fallback, the error, and the request's own line


def test_the_text_log_reads_as_one_line_per_request(tmp_path: Path):
    log = tmp_path / "server.log"
    with running_server(f"sqlite:///{tmp_path / 'bilateral.db'}", log) as base:
        answer = httpx2.post(f"{base}/graphql", json={"query": COUNTRY, "variables": {"code": "CAN"}})
    line = next(line for line in log.read_text().splitlines() if answer.headers["request-id"] in line)
    assert re.fullmatch(
        rf"\S+ \S+ INFO +bilateral\.access {answer.headers['request-id']} "
        r"POST /graphql 200 [\d.]+ms operation=Country cost=1 cache=miss",
        line,
    )


@pytest.mark.parametrize(
    ("document", "name"),
    [
        ('query Country { country(code: "CAN") { name } }', "Country"),
        ("# the page's title\nquery Title @skip(if: false) { sources { nodes { title } } }", "Title"),
        ('fragment Named on Country { name } query Canada { country(code: "CAN") { ...Named } }', "Canada"),
        ("{ sources { nodes { slug } } }", None),
        ("query { sources { nodes { slug } } }", None),
        ("query ($code: String!) { country(code: $code) { name } }", None),
        ('{ search(query: "query Hidden") { totalCount } }', None),
        ("query Broken {", "Broken"),
        ("}{", None),
    ],
)
def test_an_operation_is_named_by_its_document_when_the_request_does_not_name_it(document: str, name: str | None):
    exchange = Exchange("id", "POST", "/graphql", operations=[(None, document)])
    assert exchange.operation_names() == [name]
    assert Exchange("id", "POST", "/graphql", operations=[("Given", document)]).operation_names() == ["Given"]


FORGED = "2026-01-01 00:00:00,000 INFO    bilateral.access forged POST /graphql 200 1.0ms"
HOSTILE_NAMES = {
    "a forged line": f"Country\r\n{FORGED}",
    "an escape sequence": "\x1b[2J\x1b[31mCountry",
    "a bidirectional override": "Country\u202e",
    "64 KB": "A" * 65536,
}


@pytest.mark.parametrize("case", HOSTILE_NAMES)
def test_a_client_s_text_cannot_forge_color_or_flood_the_text_log(tmp_path: Path, case: str):
    log = tmp_path / "server.log"
    with running_server(f"sqlite:///{tmp_path / 'bilateral.db'}", log) as base, httpx2.Client(base_url=base) as http:
        named = http.post("/graphql", json={"query": COUNTRY, "operationName": HOSTILE_NAMES[case]})
        pathed = http.get("/graphql%0d%0a" + FORGED.replace(" ", "%20") + "%1b[31m")
    text = log.read_text()
    for answer in (named, pathed):
        [line] = [line for line in text.splitlines() if answer.headers["request-id"] in line]
        assert line.isprintable()
        assert len(line) < 1000
    assert not any(line.startswith(FORGED[:20]) for line in text.splitlines())
    assert "\x1b" not in text


@pytest.mark.parametrize("case", HOSTILE_NAMES)
def test_a_client_s_text_is_escaped_and_cut_short_in_the_json_log(json_server: Served, case: str):
    answer = json_server.http.post("/graphql", json={"query": COUNTRY, "operationName": HOSTILE_NAMES[case]})
    line = json_server.line_of(answer.headers["request-id"])
    assert line["operation"].isprintable()
    assert len(line["operation"]) <= MAX_FIELD + 20
    assert (
        line["operation"]
        == {
            "a forged line": f"Country\\r\\n{FORGED}",
            "an escape sequence": "\\x1b[2J\\x1b[31mCountry",
            "a bidirectional override": "Country\\u202e",
            "64 KB": "A" * MAX_FIELD + "…(65536 characters)",
        }[case]
    )


def access_lines(client: TestClient, caplog: pytest.LogCaptureFixture, ids: list[str]) -> list[str]:
    """The request ids of the log lines that `ids`' requests wrote."""
    caplog.clear()
    caplog.handler.addFilter(RequestId())  # as the server's handlers do: each line names its request
    with caplog.at_level(logging.INFO, logger="bilateral.access"):
        for request_id in ids:
            client.post("/graphql", json={"query": "{ __typename }"}, headers={"X-Request-Id": request_id})
    return [getattr(record, "request_id", "") for record in caplog.records if record.name == "bilateral.access"]


def test_the_request_log_takes_every_request_a_share_of_them_or_none(
    client: TestClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
):
    ids = [f"request-{number}" for number in range(120)]
    monkeypatch.setattr(settings, "ACCESS_LOG", 1.0)
    assert access_lines(client, caplog, ids) == ids
    monkeypatch.setattr(settings, "ACCESS_LOG", 0.0)
    assert access_lines(client, caplog, ids) == []
    monkeypatch.setattr(settings, "ACCESS_LOG", 0.25)
    sampled = access_lines(client, caplog, ids)
    assert 15 <= len(sampled) <= 45  # a quarter of 120, give or take
    assert access_lines(client, caplog, ids) == sampled  # the same requests each time, on every worker
    monkeypatch.setattr(settings, "ACCESS_LOG", 0.0)
    assert logged(Exchange("any", "POST", "/graphql", None, status=500))  # a 5xx is always logged


@pytest.mark.parametrize("value", ["sometimes", "2", "-0.5"])
def test_a_request_log_setting_out_of_range_is_refused_at_start(value: str, tmp_path: Path):
    started = cli(
        "serve",
        timeout=60,
        BILATERAL_ACCESS_LOG=value,
        BILATERAL_DATABASE_URL=f"sqlite:///{tmp_path / 'bilateral.db'}",
        BILATERAL_PORT=str(free_port()),
    )
    assert started.returncode == 2
    assert started.stderr == (
        "Bilateral cannot start: BILATERAL_ACCESS_LOG is `on`, `off` or the share of requests to log, from 0 to 1; "
        f"not {value!r}\n"
    )
