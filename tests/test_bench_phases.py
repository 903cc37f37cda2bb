"""Where a request's time goes (bench/phases.py): every phase is there, they add up, and each lands where it belongs.

The split runs in process on a small SQLite database seeded from the North America page. What is asserted does
not depend on the machine's speed: which phases took time at all, and that they add up to the requests' time.
"""

import asyncio
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.engine.cursor import CursorFetchStrategy

import settings
from app import create_app
from bench import phases
from bench.asgi import post, running
from bench.queries import MEDIUM
from bench.results import PHASES, Phases
from pipeline import prepared
from resolvers.reading import Reader
from tests.conftest import NORTH_AMERICA, copy_page
from web import access, endpoint

FIRST = "{ countries(first: 1) { nodes { code relations(first: 1) { nodes { id } } } } }"
SECONDS = 0.05  # the fewest blocks each way are timed, however short
# The phases every request answered by the prepared lane, cache off, spends time in.
ANSWERING = {"body", "key", "version", "cache", "prepared", "plan", "turn", "database", "building", "encoding"}

Split = dict[str, tuple[Phases, list[phases.Request]]]


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_page(NORTH_AMERICA, tmp_path_factory.mktemp("pages")).parent


@pytest.fixture
def split(fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Split the small and medium queries by phase, with the request log and the response cache as given."""

    def run(access_log: float, cache_max_age: int) -> Split:
        monkeypatch.setattr(settings, "ACCESS_LOG", access_log)
        monkeypatch.setattr(settings, "CACHE_MAX_AGE", cache_max_age)
        monkeypatch.setattr(settings, "COMPILED", True)
        url = f"sqlite:///{tmp_path / 'bilateral.db'}"

        async def profiled() -> Split:
            async with running(create_app(url, redis_url=None, fixtures=fixtures)) as app:
                first = orjson.loads((await post(app, "/graphql", orjson.dumps({"query": FIRST})))[1])
                country = first["data"]["countries"]["nodes"][0]
                small = {"query": f'{{ country(code: "{country["code"]}") {{ name }} }}'}
                medium = {"query": MEDIUM, "variables": {"id": country["relations"]["nodes"][0]["id"]}}
                bodies = {"small": small, "medium": medium}
                return {name: await phases.profile(app, orjson.dumps(body), SECONDS) for name, body in bodies.items()}

        return asyncio.run(profiled())

    return run


def test_every_phase_is_there_and_the_phases_add_up_to_the_total(split: Any):
    for name, (found, requests) in split(access_log=0.0, cache_max_age=0).items():
        assert list(found.spent_us) == list(PHASES), name
        assert sum(found.spent_us.values()) == pytest.approx(found.total_us, rel=0.01), name
        assert found.requests >= phases.AT_LEAST * phases.BLOCK
        assert found.plain_requests == found.requests
        for request in requests:  # each request's phases, its own rest among them, are its time: none counted twice
            assert min(request.spent.values()) >= 0, (name, request.spent)
        assert all(found.spent_us[phase] > 0 for phase in ANSWERING), (name, found.spent_us)
        assert found.spent_us["log"] == 0, name  # BILATERAL_ACCESS_LOG=off: nothing is logged


def test_the_request_log_is_a_phase_of_its_own_when_it_logs(split: Any):
    for name, (found, _) in split(access_log=1.0, cache_max_age=0).items():
        assert found.spent_us["log"] > 0, name


def test_an_answer_from_the_cache_reads_and_encodes_nothing(split: Any):
    for name, (found, _) in split(access_log=1.0, cache_max_age=60).items():
        for phase in ("prepared", "plan", "turn", "database", "building", "encoding"):
            assert found.spent_us[phase] == 0, (name, phase)
        assert found.spent_us["cache"] > 0, name
        assert found.spent_us["log"] > 0, name


def test_the_functions_are_the_apps_own_again_after_the_split(split: Any):
    originals = {
        (owner, name): getattr(owner, name)
        for owner, name in [
            (endpoint, "posted"),
            (endpoint, "parsed"),
            (endpoint, "_identity"),
            (endpoint, "orjson"),
            (prepared, "answered"),
            (prepared, "answer"),
            (Reader, "run"),
            (sa.Connection, "execute"),
            (CursorFetchStrategy, "fetchone"),
            (access, "_log"),
        ]
    }
    split(access_log=0.0, cache_max_age=0)
    assert {key: getattr(*key) for key in originals} == originals


def test_a_phase_inside_another_is_taken_out_of_it(monkeypatch: pytest.MonkeyPatch):
    clock = [0.0]
    monkeypatch.setattr(time, "perf_counter", lambda: clock[0])

    def later(seconds: float) -> None:
        clock[0] += seconds

    def statement() -> None:
        later(3)

    timed_statement = phases.timed("database", statement, frozenset({"building"}))

    def build() -> None:
        later(5)
        timed_statement()
        later(2)

    async def body() -> None:
        later(1)
        timed_statement()  # outside `building`: the body's own time

    timed_build = phases.timed("building", build)
    timed_body = phases.timed("body", body)
    timed_log = phases.timed("log", later, when=lambda seconds: seconds > 10)
    request = phases.Request()
    token = phases._timed.set(request)
    try:
        timed_build()
        asyncio.run(timed_body())
        timed_log(4)  # not when: its time is no phase's
        timed_log(20)
    finally:
        phases._timed.reset(token)
    assert request.spent == dict.fromkeys(PHASES, 0.0) | {"building": 7, "database": 3, "body": 4, "log": 20}
    assert request.open[1:] == []
    assert not request.tangled
