"""Proposing and withdrawing changes through GraphQL: checked by the loader, allowed by role, every attempt recorded.

Each test signs in with tokens of its own accounts, on a database of its own, over HTTP through the real app.
"""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from starlette.testclient import TestClient

import seeds
from app import create_app
from editors import accounts
from models.database import create_engine, create_tables
from seeds import FixtureError, read_fixtures
from seeds.writer import loaded_tables
from tests.conftest import NORTH_AMERICA
from tests.databases import postgres_database
from tests.servers import cli

PROPOSE = """mutation Propose($input: ProposeChangeInput!) {
  proposeChange(input: $input) {
    change {
      number state summary author source
      entries { section action key entry }
      history { action outcome account }
    }
    userErrors { field message code }
    clientMutationId
  }
}"""
WITHDRAW = """mutation Withdraw($input: WithdrawChangeInput!) {
  withdrawChange(input: $input) { change { number state } userErrors { field message code } }
}"""
CHANGES = "{ changes { number state author history { action outcome account comment } } }"
NEW_EVIDENCE: dict[str, Any] = {
    "section": "themes",
    "action": "cite",
    "key": "security",
    "entry": {"cite": ["two sides agreed to strengthen security and economic alliance"]},
}
NOT_ON_THE_PAGE: dict[str, Any] = {**NEW_EVIDENCE, "entry": {"cite": ["the alliance was signed on the moon"]}}


def send(client: TestClient, token: str | None, document: str, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post("/graphql", json={"query": document, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def propose(client: TestClient, token: str | None, *entries: dict[str, Any], summary: str = "More evidence") -> Any:
    given = {"source": "mofa-north-america", "summary": summary, "entries": list(entries), "clientMutationId": "m1"}
    return send(client, token, PROPOSE, input=given)["data"]["proposeChange"]


@pytest.fixture
def tokens(seeded: sa.Engine) -> dict[str, str]:
    return {role: accounts.add(seeded, role, role) for role in accounts.ROLES} | {
        "other": accounts.add(seeded, "other", "editor")
    }


def test_an_editor_proposes_new_evidence_and_the_history_records_it(seeded_client: TestClient, tokens: dict[str, str]):
    proposed = propose(seeded_client, tokens["editor"], NEW_EVIDENCE)
    assert proposed["userErrors"] == []
    assert proposed["clientMutationId"] == "m1"
    change = proposed["change"]
    assert (change["state"], change["author"], change["source"]) == ("PROPOSED", "editor", "mofa-north-america")
    assert change["entries"] == [{**NEW_EVIDENCE, "action": "CITE"}]
    assert change["history"] == [{"action": "propose", "outcome": "done", "account": "editor"}]


def test_a_claim_the_page_does_not_support_is_refused_with_the_loaders_own_message(
    seeded_client: TestClient, tokens: dict[str, str], tmp_path: Path
):
    refused = propose(seeded_client, tokens["editor"], NOT_ON_THE_PAGE)
    assert refused["change"] is None
    [error] = refused["userErrors"]
    assert error["code"] == "UNSUPPORTED_CLAIM"
    # The same edit, made by hand to the YAML, read by `cli.py check`'s loader.
    data = yaml.safe_load(NORTH_AMERICA.read_text(encoding="utf-8"))
    theme = next(each for each in data["themes"] if each["slug"] == "security")
    theme["cite"].append(NOT_ON_THE_PAGE["entry"]["cite"][0])
    (tmp_path / NORTH_AMERICA.name).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    shutil.copyfile(NORTH_AMERICA.with_suffix(".txt"), tmp_path / NORTH_AMERICA.with_suffix(".txt").name)
    with pytest.raises(FixtureError) as raised:
        read_fixtures([tmp_path / NORTH_AMERICA.name])
    [problem] = raised.value.problems
    assert error["message"] == problem.message
    assert error["field"] == [problem.entry]


@pytest.mark.parametrize(
    ("entry", "field", "code"),
    [
        ({**NEW_EVIDENCE, "section": "planets"}, ["entries", "0", "section"], "BAD_ENTRY"),
        ({**NEW_EVIDENCE, "action": "rewrite"}, ["entries", "0", "action"], "BAD_ENTRY"),
        ({**NEW_EVIDENCE, "key": "no-such-theme"}, ["entries", "0", "key"], "NOT_FOUND"),
        ({"section": "themes", "action": "remove"}, ["entries", "0", "key"], "BAD_ENTRY"),
    ],
    ids=["unknown section", "unknown action", "unknown key", "no key"],
)
def test_an_entry_that_is_not_one_is_refused_with_where_it_is(
    seeded_client: TestClient, tokens: dict[str, str], entry: dict[str, Any], field: list[str], code: str
):
    refused = propose(seeded_client, tokens["editor"], entry)
    assert [(error["field"], error["code"]) for error in refused["userErrors"]] == [(field, code)]


def test_a_change_of_more_than_200_entries_is_refused_whole(seeded_client: TestClient, tokens: dict[str, str]):
    refused = propose(seeded_client, tokens["editor"], *[NEW_EVIDENCE] * 201)
    assert [error["code"] for error in refused["userErrors"]] == ["TOO_MANY_ENTRIES"]
    assert send(seeded_client, tokens["admin"], CHANGES)["data"]["changes"] == []


def test_anonymous_requests_change_nothing_and_the_refusal_is_recorded(
    seeded_client: TestClient, tokens: dict[str, str]
):
    for _ in range(2):  # the same refused mutation twice: neither answer is cached nor shared
        response = seeded_client.post(
            "/graphql",
            json={"query": PROPOSE, "variables": {"input": {"source": "x", "summary": "s", "entries": [NEW_EVIDENCE]}}},
        )
        assert "no-store" in response.headers["cache-control"]
        assert response.headers["bilateral-cache"] == "miss"
        [error] = response.json()["data"]["proposeChange"]["userErrors"]
        assert error["code"] == "UNAUTHENTICATED"
    anonymous = send(seeded_client, None, CHANGES)
    assert anonymous["data"]["changes"] is None
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert send(seeded_client, tokens["admin"], CHANGES)["data"]["changes"] == []  # nothing was proposed
    with seeded_client.app.state.engine.connect() as connection:  # type: ignore[attr-defined]
        recorded = connection.execute(sa.text("SELECT action, outcome, account_id FROM history")).all()
    assert [tuple(row) for row in recorded] == [("propose", "UNAUTHENTICATED", None)] * 2


def test_a_mutation_is_never_run_over_get(seeded_client: TestClient, tokens: dict[str, str]):
    response = seeded_client.get(
        "/graphql",
        params={"query": WITHDRAW, "variables": '{"input": {"number": 1}}'},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 405
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


def test_who_may_withdraw_a_change(seeded_client: TestClient, tokens: dict[str, str]):
    def withdraw(token: str, number: int) -> Any:
        given = {"number": number, "comment": "not needed"}
        return send(seeded_client, token, WITHDRAW, input=given)["data"]["withdrawChange"]

    first = propose(seeded_client, tokens["editor"], NEW_EVIDENCE)["change"]["number"]
    second = propose(seeded_client, tokens["editor"], NEW_EVIDENCE)["change"]["number"]
    assert [error["code"] for error in withdraw(tokens["other"], first)["userErrors"]] == ["FORBIDDEN"]
    assert withdraw(tokens["editor"], first)["change"] == {"number": first, "state": "WITHDRAWN"}
    assert [error["code"] for error in withdraw(tokens["editor"], first)["userErrors"]] == ["CONFLICT"]
    assert withdraw(tokens["admin"], second)["change"] == {"number": second, "state": "WITHDRAWN"}
    assert [error["code"] for error in withdraw(tokens["admin"], 999)["userErrors"]] == ["NOT_FOUND"]
    listed = send(seeded_client, tokens["reviewer"], CHANGES)["data"]["changes"]
    history = {change["number"]: change["history"] for change in listed}
    assert [(each["action"], each["outcome"], each["account"]) for each in history[first]] == [
        ("propose", "done", "editor"),
        ("withdraw", "FORBIDDEN", "other"),
        ("withdraw", "done", "editor"),
        ("withdraw", "CONFLICT", "editor"),
    ]
    assert history[first][2]["comment"] == "not needed"


REVIEW = """mutation Review($input: ReviewChangeInput!) {
  reviewChange(input: $input) { change { number state } userErrors { field message code } }
}"""
PUBLISH = """mutation Publish($input: PublishChangeInput!) {
  publishChange(input: $input) { change { number state } userErrors { field message code } }
}"""
SECURITY = '{ theme(slug: "security") { citations { excerpt } } }'
OTHER_EVIDENCE: dict[str, Any] = {**NEW_EVIDENCE, "entry": {"cite": ["anti-terrorism, nuclear security, and so forth"]}}


def decide(client: TestClient, token: str | None, document: str, number: int, **more: Any) -> Any:
    payload = send(client, token, document, input={"number": number, **more})["data"]
    return next(iter(payload.values()))


def codes(payload: Any) -> list[str]:
    return [error["code"] for error in payload["userErrors"]]


def excerpts(client: TestClient) -> list[str]:
    return [each["excerpt"] for each in send(client, None, SECURITY)["data"]["theme"]["citations"]]


def test_a_reviewed_change_is_published_and_every_reader_sees_it_at_once(
    seeded_client: TestClient, tokens: dict[str, str]
):
    before = excerpts(seeded_client)  # an anonymous answer, now in the response cache
    number = propose(seeded_client, tokens["editor"], NEW_EVIDENCE)["change"]["number"]
    assert codes(decide(seeded_client, tokens["editor"], PUBLISH, number)) == ["FORBIDDEN"]  # not an admin
    assert codes(decide(seeded_client, tokens["admin"], PUBLISH, number)) == ["CONFLICT"]  # not approved yet
    approved = decide(seeded_client, tokens["reviewer"], REVIEW, number, approve=True, comment="well quoted")
    assert approved["change"] == {"number": number, "state": "APPROVED"}
    assert excerpts(seeded_client) == before  # approved is not published
    published = decide(seeded_client, tokens["admin"], PUBLISH, number)
    assert published["change"] == {"number": number, "state": "PUBLISHED"}
    after = excerpts(seeded_client)
    assert len(after) == len(before) + 1
    assert any("strengthen security and economic alliance" in excerpt for excerpt in after)
    assert codes(decide(seeded_client, tokens["admin"], PUBLISH, number)) == ["CONFLICT"]  # never twice


def test_a_reviewer_does_not_approve_their_own_change(seeded_client: TestClient, tokens: dict[str, str]):
    number = propose(seeded_client, tokens["reviewer"], NEW_EVIDENCE)["change"]["number"]
    assert codes(decide(seeded_client, tokens["reviewer"], REVIEW, number, approve=True)) == ["FORBIDDEN"]
    rejected = decide(seeded_client, tokens["admin"], REVIEW, number, approve=False, comment="not needed")
    assert rejected["change"]["state"] == "REJECTED"
    assert codes(decide(seeded_client, tokens["admin"], REVIEW, number, approve=True)) == ["CONFLICT"]


def test_publishing_over_an_entry_that_changed_since_is_a_conflict(seeded_client: TestClient, tokens: dict[str, str]):
    first = propose(seeded_client, tokens["editor"], NEW_EVIDENCE)["change"]["number"]
    second = propose(seeded_client, tokens["other"], OTHER_EVIDENCE)["change"]["number"]
    for number in (first, second):
        assert decide(seeded_client, tokens["reviewer"], REVIEW, number, approve=True)["userErrors"] == []
    assert decide(seeded_client, tokens["admin"], PUBLISH, first)["userErrors"] == []
    conflict = decide(seeded_client, tokens["admin"], PUBLISH, second)
    assert conflict["change"] is None
    assert [(error["field"], error["code"]) for error in conflict["userErrors"]] == [
        (["entries", "0", "key"], "CONFLICT")
    ]
    texts = excerpts(seeded_client)
    assert not any("and so forth" in text for text in texts)  # the second was not written over the first
    assert any("strengthen security" in text for text in texts)


def test_every_mutation_under_every_role_is_allowed_or_refused_and_recorded(
    seeded: sa.Engine, seeded_client: TestClient, tokens: dict[str, str]
):
    signed = {role: tokens.get(role) for role in ("anonymous", "editor", "reviewer", "admin")}
    expected = {
        "propose": {"anonymous": "UNAUTHENTICATED", "editor": "done", "reviewer": "done", "admin": "done"},
        "approve": {"anonymous": "UNAUTHENTICATED", "editor": "FORBIDDEN", "reviewer": "done", "admin": "done"},
        "publish": {"anonymous": "UNAUTHENTICATED", "editor": "FORBIDDEN", "reviewer": "FORBIDDEN", "admin": "done"},
        "withdraw": {"anonymous": "UNAUTHENTICATED", "editor": "FORBIDDEN", "reviewer": "FORBIDDEN", "admin": "done"},
    }
    seen: dict[str, dict[str, str]] = {action: {} for action in expected}
    for role, token in signed.items():
        proposed = propose(seeded_client, token, NEW_EVIDENCE)
        seen["propose"][role] = (codes(proposed) or ["done"])[0]
        # Each decision on a change of its own, proposed by another account (`other`) and brought to the state needed.
        open_change = propose(seeded_client, tokens["other"], NEW_EVIDENCE)["change"]["number"]
        approved = decide(seeded_client, token, REVIEW, open_change, approve=True)
        seen["approve"][role] = (codes(approved) or ["done"])[0]
        ready = propose(seeded_client, tokens["other"], NEW_EVIDENCE)["change"]["number"]
        decide(seeded_client, tokens["reviewer"], REVIEW, ready, approve=True)
        seen["publish"][role] = (codes(decide(seeded_client, token, PUBLISH, ready)) or ["done"])[0]
        other = propose(seeded_client, tokens["other"], NEW_EVIDENCE)["change"]["number"]
        seen["withdraw"][role] = (codes(decide(seeded_client, token, WITHDRAW, other)) or ["done"])[0]
    assert seen == expected
    # The history holds every attempt, allowed or refused, with who made it.
    with seeded.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT h.action, coalesce(a.name, 'anonymous'), h.outcome FROM history h "
                "LEFT JOIN account a ON a.id = h.account_id WHERE coalesce(a.name, '') <> 'other' ORDER BY h.id"
            )
        ).all()
    recorded = {(action, who, outcome) for action, who, outcome in rows}
    for action, outcomes in expected.items():
        for role, outcome in outcomes.items():
            assert (action, role, outcome) in recorded, (action, role, outcome)


def test_loading_the_files_again_keeps_what_was_published(
    seeded: sa.Engine, seeded_client: TestClient, tokens: dict[str, str]
):
    from editors import publishing  # noqa: PLC0415
    from seeds import FIXTURES  # noqa: PLC0415

    assert not publishing.reload(seeded, FIXTURES).changed  # nothing published: the files as they are
    number = propose(seeded_client, tokens["editor"], NEW_EVIDENCE)["change"]["number"]
    decide(seeded_client, tokens["reviewer"], REVIEW, number, approve=True)
    decide(seeded_client, tokens["admin"], PUBLISH, number)
    published = excerpts(seeded_client)
    assert not publishing.reload(seeded, FIXTURES).changed  # what `cli.py seed` does: the publication stays
    assert excerpts(seeded_client) == published


def test_the_export_of_the_published_data_seeds_the_same_database(
    seeded: sa.Engine, seeded_client: TestClient, tokens: dict[str, str], database_url: str, tmp_path: Path
):
    number = propose(seeded_client, tokens["editor"], NEW_EVIDENCE)["change"]["number"]
    decide(seeded_client, tokens["reviewer"], REVIEW, number, approve=True)
    decide(seeded_client, tokens["admin"], PUBLISH, number)
    folder = tmp_path / "export"
    exported = cli("export", str(folder), BILATERAL_DATABASE_URL=database_url)
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.split() == [str(folder / NORTH_AMERICA.name)]
    written = yaml.safe_load((folder / NORTH_AMERICA.name).read_text(encoding="utf-8"))
    original = yaml.safe_load(NORTH_AMERICA.read_text(encoding="utf-8"))
    assert list(written) == list(original)  # today's format: the same sections, in the same order
    security = next(each for each in written["themes"] if each["slug"] == "security")
    assert NEW_EVIDENCE["entry"]["cite"][0] in security["cite"]
    with fresh_database(database_url, tmp_path) as url:
        engine = create_engine(url)
        try:
            create_tables(engine)
            seeds.load(engine, folder)
            assert counts(engine) == counts(seeded)
            assert token(engine) == token(seeded)  # the digest of every row loaded
        finally:
            engine.dispose()
        with TestClient(create_app(url)) as again:
            assert excerpts(again) == excerpts(seeded_client)


@contextmanager
def fresh_database(like: str, tmp_path: Path) -> Iterator[str]:
    if like.startswith("postgresql"):
        with postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'fresh.db'}"


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in loaded_tables()
        }


def token(engine: sa.Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(sa.text("SELECT token FROM dataset_version")).scalar_one())


def test_a_changeset_of_ten_thousand_entries_is_refused_and_nothing_is_written(
    seeded: sa.Engine, seeded_client: TestClient, tokens: dict[str, str]
):
    given = {"source": "mofa-north-america", "summary": "many", "entries": [NEW_EVIDENCE] * 10_000}
    response = seeded_client.post(
        "/graphql",
        json={"query": PROPOSE, "variables": {"input": given}},
        headers={"Authorization": f"Bearer {tokens['editor']}"},
    )
    assert response.status_code == 413  # past the body's bound, refused before it is read as JSON
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    with seeded.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM change")).scalar_one() == 0
