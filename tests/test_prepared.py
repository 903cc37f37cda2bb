"""Prepared operations: a text answered once is answered again without strawberry's per-request steps,
the same bytes, under every limit that depends on its variables, its batch and its cost."""

import itertools
from collections import Counter
from typing import Any

import pytest
from starlette.testclient import TestClient

import settings
from pipeline import limits, prepared
from schema import graphql_schema

_texts = itertools.count()


def fresh(document: str) -> str:
    """`document` as a text no test has sent before (a comment apart), so its first request is not prepared."""
    return f"# prepared-{next(_texts)}\n{document}"


@pytest.fixture
def uncached(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setattr(settings, "CACHE_MAX_AGE", 0)
    return client


@pytest.fixture
def executions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts strawberry's whole pipeline executes while the test runs."""
    seen: list[str] = []
    execute = graphql_schema.execute

    async def counted(query: str | None, *arguments: Any, **keywords: Any) -> Any:
        seen.append(query or "")
        return await execute(query, *arguments, **keywords)

    monkeypatch.setattr(graphql_schema, "execute", counted)
    return seen


def sent(client: TestClient, body: Any) -> tuple[int, Any, Counter[str]]:
    """The status and body of a POST, and what the prepared lane did with it."""
    before = Counter(prepared.TALLY)
    response = client.post("/graphql", json=body)
    return response.status_code, response.json(), Counter(prepared.TALLY) - before


def test_a_text_answered_once_is_answered_again_without_the_pipeline_and_the_same(
    uncached: TestClient, executions: list[str]
):
    body = {"query": fresh('{ country(code: "KOR") { name relations(first: 2) { nodes { slug } } } }')}
    first = sent(uncached, body)
    again = sent(uncached, body)
    assert first[2] == Counter()
    assert again[2] == Counter(answered=1)
    assert executions == [body["query"]]  # the second request never reached strawberry's execution
    assert first[:2] == again[:2]
    assert first[1]["data"]["country"]["name"] == "Republic of Korea"


DEEP = """query Deep($n: Int!) { countries(first: $n) { nodes { code
  relations(first: $n) { nodes { events(first: $n) { nodes { slug } } } } } } }"""


@pytest.mark.parametrize(
    "variables",
    [{"n": 100}, {"n": "two"}, {}, {"n": 2**40}],
    ids=["a cost past the limit", "a variable of the wrong type", "a variable left out", "an Int past 32 bits"],
)
def test_a_prepared_text_is_refused_as_the_whole_pipeline_refuses_it(uncached: TestClient, variables: dict[str, Any]):
    text = fresh(DEEP)
    status, body, lane = sent(uncached, {"query": text, "variables": {"n": 2}})
    assert status == 200
    assert "errors" not in body
    assert lane == Counter()
    refused = sent(uncached, {"query": text, "variables": variables})
    unprepared = sent(uncached, {"query": fresh(DEEP), "variables": variables})
    assert refused[2] == Counter(declined=1)
    assert unprepared[2] == Counter()
    assert refused[:2] == unprepared[:2]
    assert refused[1]["errors"]
    assert refused[1].get("data") is None


def test_the_operations_of_a_batch_share_one_budget_in_the_lane(uncached: TestClient, monkeypatch: pytest.MonkeyPatch):
    text = fresh("{ countries(first: 10) { nodes { code } } }")
    cost = sent(uncached, {"query": text})[1]["extensions"]["cost"]["requested"]
    monkeypatch.setattr(settings, "MAX_COST", 2 * cost)  # room for two of them, not three
    status, answers, lane = sent(uncached, [{"query": text}] * 3)
    assert status == 200
    assert lane == Counter(answered=2, declined=1)
    assert [answer.get("data") is not None for answer in answers] == [True, True, False]
    assert answers[2]["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


def test_a_costly_operation_waits_its_turn_in_the_whole_pipeline(
    uncached: TestClient, executions: list[str], monkeypatch: pytest.MonkeyPatch
):
    text = fresh('{ country(code: "CAN") { name } }')
    first = sent(uncached, {"query": text})
    monkeypatch.setattr(uncached.app.state.admission, "light", 0)  # type: ignore[attr-defined]  # every cost is costly
    again = sent(uncached, {"query": text})
    assert again[2] == Counter(declined=1)
    assert executions == [text, text]
    assert first[:2] == again[:2]


def test_with_the_compiled_path_off_nothing_is_prepared(uncached: TestClient, monkeypatch: pytest.MonkeyPatch):
    text = fresh('{ country(code: "USA") { name } }')
    sent(uncached, {"query": text})
    monkeypatch.setattr(settings, "COMPILED", False)
    assert sent(uncached, {"query": text})[2] == Counter()


def test_a_variable_left_out_and_one_given_as_null_are_not_the_same_plan(
    uncached: TestClient, monkeypatch: pytest.MonkeyPatch
):
    """`$s` left out takes its default; `$s: null` is null, which `@skip(if:)` refuses: as normal execution says."""
    text = fresh('query ($s: Boolean = false) { country(code: "KOR") { code name @skip(if: $s) } }')
    for _ in range(2):  # answered compiled, then prepared
        assert sent(uncached, {"query": text, "variables": {}})[1]["data"]["country"]["name"] == "Republic of Korea"
    fast = sent(uncached, {"query": text, "variables": {"s": None}})
    monkeypatch.setattr(settings, "COMPILED", False)
    normal = sent(uncached, {"query": text, "variables": {"s": None}})
    assert fast[:2] == normal[:2]
    assert fast[1]["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


def test_a_text_costly_when_answered_is_not_prepared(
    uncached: TestClient, executions: list[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(uncached.app.state.admission, "light", 0)  # type: ignore[attr-defined]  # every cost is costly
    text = fresh('{ country(code: "MEX") { name } }')
    first, again = sent(uncached, {"query": text}), sent(uncached, {"query": text})
    assert (first[2], again[2]) == (Counter(), Counter())  # the lane never looks at it
    assert executions == [text, text]
    assert first[:2] == again[:2]


def test_a_prepared_operation_s_cost_is_walked_once_for_the_values_of_its_declared_variables(
    uncached: TestClient, monkeypatch: pytest.MonkeyPatch
):
    walks: list[dict[str, Any]] = []
    analyse = limits.analyse

    def walked(*arguments: Any, **keywords: Any) -> limits.Analysis:
        walks.append(arguments[3] or {})
        return analyse(*arguments, **keywords)

    monkeypatch.setattr(limits, "analyse", walked)
    text = fresh(DEEP)
    answers = [sent(uncached, {"query": text, "variables": {"n": 2}}) for _ in range(3)]  # whole, lane, lane
    undeclared = sent(uncached, {"query": text, "variables": {"n": 2, "unused": 1}})
    other = sent(uncached, {"query": text, "variables": {"n": 3}})
    # The whole pipeline walks the first; the lane walks the second and keeps the outcome for the third and for
    # the same values with a variable no operation declares; other values are walked again.
    assert walks == [{"n": 2}, {"n": 2}, {"n": 3}]
    assert [lane for _, _, lane in [*answers, undeclared, other]] == [Counter()] + [Counter(answered=1)] * 4
    costs = [body["extensions"]["cost"]["requested"] for _, body, _ in [*answers, undeclared, other]]
    assert costs[:4] == [costs[0]] * 4
    assert costs[4] > costs[0]
