"""Editors' accounts: a token made once by the command line, kept as its SHA-256, sent as a bearer token, revoked.

Anonymous requests stay readers; a token that signs no one in is refused with 401 and never logged.
"""

import hashlib
import logging
import os
import subprocess
import sys
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

import seeds
from editors import accounts
from settings import ROOT
from tests.conftest import NORTH_AMERICA
from tests.databases import snapshot

VIEWER = "{ viewer { name role } }"


def signed(
    client: TestClient, token: str, document: str = VIEWER, **request: object
) -> tuple[int, dict[str, Any], dict[str, str]]:
    response = client.post(
        "/graphql", json={"query": document, **request}, headers={"Authorization": f"Bearer {token}"}
    )
    return response.status_code, response.json(), dict(response.headers)


def test_the_command_line_prints_a_token_once_and_the_database_keeps_only_its_digest(
    seeded: sa.Engine, database_url: str
):
    environment = {**os.environ, "BILATERAL_DATABASE_URL": database_url}

    def cli(*arguments: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "cli.py", "user", *arguments]
        return subprocess.run(
            command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60, check=False
        )

    made = cli("add", "ana", "--role", "editor")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("blt_")
    assert len(token) == accounts.TOKEN_LENGTH
    assert "shown once" in made.stderr
    stored = repr(snapshot(seeded))
    assert token not in stored
    assert token[len("blt_") :] not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored
    listed = cli("list")
    assert listed.stdout.split("\t")[:2] == ["ana", "editor"]
    assert "1 valid token" in listed.stdout
    again = cli("add", "ana", "--role", "editor")
    assert again.returncode == 1
    assert "already an account named 'ana'" in again.stderr


def test_a_token_signs_its_account_in_and_an_anonymous_request_reads_as_before(
    seeded: sa.Engine, seeded_client: TestClient
):
    token = accounts.add(seeded, "ben", "reviewer")
    status, body, headers = signed(seeded_client, token)
    assert (status, body["data"]) == (200, {"viewer": {"name": "ben", "role": "REVIEWER"}})
    assert headers["cache-control"] == "private, no-store"
    assert "Authorization" in headers["vary"]
    anonymous = seeded_client.post("/graphql", json={"query": VIEWER})
    assert anonymous.json()["data"] == {"viewer": None}
    # The anonymous answer is cached and shared; the signed-in one never is, nor served to anyone else.
    assert seeded_client.post("/graphql", json={"query": VIEWER}).headers["bilateral-cache"] == "hit"
    assert signed(seeded_client, token)[2]["bilateral-cache"] == "miss"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer blt_" + "A" * 43,  # the right shape, never issued
        "Bearer not-a-token",
        "Basic YW5hOnNlY3JldA==",
        "Bearer",
        "Bearer blt_" + "A" * 5000,
    ],
    ids=["forged", "malformed", "another scheme", "empty", "oversized"],
)
def test_a_token_that_signs_no_one_in_is_refused_with_401(seeded_client: TestClient, header: str):
    response = seeded_client.post("/graphql", json={"query": VIEWER}, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer ")
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert header.split(" ", 1)[-1] not in error["message"] or header == "Bearer"


def test_a_revoked_token_is_refused_and_a_new_one_signs_in(seeded: sa.Engine, seeded_client: TestClient):
    token = accounts.add(seeded, "cy", "editor")
    assert signed(seeded_client, token)[0] == 200
    assert accounts.revoke(seeded, "cy") == 1
    status, body, _ = signed(seeded_client, token)
    assert (status, body["errors"][0]["extensions"]["code"]) == (401, "UNAUTHENTICATED")
    fresh = accounts.issue(seeded, "cy")
    assert signed(seeded_client, fresh)[1]["data"] == {"viewer": {"name": "cy", "role": "EDITOR"}}
    assert accounts.revoke(seeded, "cy") == 1  # the old one was revoked already


def test_a_token_in_the_address_is_refused(seeded: sa.Engine, seeded_client: TestClient):
    token = accounts.add(seeded, "dee", "admin")
    for name in ("access_token", "token"):
        response = seeded_client.get("/graphql", params={"query": VIEWER, name: token})
        assert response.status_code == 400
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "TOKEN_IN_URL"
        assert token not in response.text


def test_no_token_reaches_a_log(seeded: sa.Engine, seeded_client: TestClient, caplog: pytest.LogCaptureFixture):
    token = accounts.add(seeded, "eve", "editor")
    revoked = accounts.issue(seeded, "eve")
    caplog.set_level(logging.DEBUG)
    signed(seeded_client, token)
    signed(seeded_client, token, "{ viewer { name } events(first: 101) { totalCount } }")
    seeded_client.get("/graphql", params={"query": VIEWER, "access_token": token})
    accounts.revoke(seeded, "eve")
    signed(seeded_client, revoked)
    server = [record for record in caplog.records if not record.name.startswith(("httpx", "httpcore"))]  # not ours
    logged = "\n".join(record.getMessage() + repr(record.__dict__) for record in server)
    assert "POST /graphql" in logged  # the requests were logged
    for secret in (token, revoked):
        assert secret not in logged
        assert secret[len("blt_") :] not in logged


def test_a_reload_of_the_data_keeps_the_accounts(seeded: sa.Engine, seeded_client: TestClient):
    token = accounts.add(seeded, "fay", "reviewer")
    seeds.load(seeded, [NORTH_AMERICA])
    assert signed(seeded_client, token)[1]["data"] == {"viewer": {"name": "fay", "role": "REVIEWER"}}
    assert [each.name for each in accounts.listed(seeded)] == ["fay"]


@pytest.mark.parametrize(
    ("name", "role", "message"),
    [
        ("gus", "owner", "the role must be one of editor, reviewer, admin"),
        ("", "editor", "a name is 1 to 64 printable characters"),
        (" gus", "editor", "a name is 1 to 64 printable characters"),
        ("g" * 65, "editor", "a name is 1 to 64 printable characters"),
    ],
)
def test_an_account_needs_a_role_and_a_name(seeded: sa.Engine, name: str, role: str, message: str):
    with pytest.raises(accounts.AccountError, match=message):
        accounts.add(seeded, name, role)
    assert accounts.listed(seeded) == []
