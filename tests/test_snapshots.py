"""Every answer reads one snapshot: data loaded while a request runs is wholly in the answer or wholly out."""

import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx2
import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

import seeds
import settings
from app import create_app
from models.database import create_engine
from tests.conftest import NORTH_AMERICA, copy_page
from tests.servers import running_server

pytestmark = pytest.mark.slow

# The concurrent test's loads, each version loaded twice while eight clients ask; and the seconds they may take.
LOADS = 4
LOADING = 60.0
KOREA_US = """{ relation(between: {a: "KOR", b: "USA"}) {
  events(first: 100) { totalCount nodes { title participants { country { code } } } } } }"""


@pytest.fixture
def revised(tmp_path: Path) -> Path:
    """The North America page revised: each event's title (the editors' words) marked, one event of KOR-USA gone."""
    page = copy_page(NORTH_AMERICA, tmp_path / "revised")
    text = page.read_text(encoding="utf-8")
    events = text.index("\nevents:")
    text = text[:events] + text[events:].replace("\n    title: ", "\n    title: (revised) ")
    start = text.index("  - slug: nuclear-tests-and-missile-launches")
    text = text[:start] + text[text.index("  - slug:", start + 1) :]
    page.write_text(text, encoding="utf-8")
    return page


def version_of(answer: dict[str, Any]) -> str:
    """`original`, `revised`, or `mixed`: which load an answer comes from, judged by every part of it."""
    events = answer["data"]["relation"]["events"]
    titles = [node["title"] for node in events["nodes"]]
    marked = {title.startswith("(revised) ") for title in titles}
    if marked == {False} and events["totalCount"] == len(titles) == 15:
        return "original"
    if marked == {True} and events["totalCount"] == len(titles) == 14:
        return "revised"
    return "mixed"


def test_a_load_committed_between_two_statements_of_a_request_is_not_in_its_answer(
    seeded: sa.Engine, database_url: str, revised: Path, monkeypatch: pytest.MonkeyPatch
):
    """Read field by field (`BILATERAL_NESTED=0`), so the events are read by a statement of their own after the
    snapshot began; nested, a prepared query is one round trip on PostgreSQL, with no moment between statements."""
    monkeypatch.setattr(settings, "NESTED", False)
    monkeypatch.setattr(settings, "CACHE_MAX_AGE", 0)
    writer = create_engine(database_url)
    loaded: list[str] = []

    def load_once(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "FROM event" in statement and not loaded:
            loaded.append(str(seeds.load(writer, [revised]).version))  # commits before this statement runs

    with TestClient(create_app(database_url)) as client:
        client.post("/graphql", json={"query": KOREA_US})  # prepared: the next request of it takes the prepared lane
        sa.event.listen(client.app.state.engine, "before_cursor_execute", load_once)  # type: ignore[attr-defined]
        during = client.post("/graphql", json={"query": KOREA_US}).json()
        sa.event.remove(client.app.state.engine, "before_cursor_execute", load_once)  # type: ignore[attr-defined]
        after = client.post("/graphql", json={"query": KOREA_US}).json()
    writer.dispose()
    assert loaded == ["2"]
    assert (version_of(during), version_of(after)) == ("original", "revised")


@pytest.mark.alone  # eight clients and a writer load both cores
def test_answers_under_eight_clients_while_the_data_is_reloaded_are_never_mixed(
    seeded: sa.Engine, database_url: str, revised: Path, tmp_path: Path
):
    stop, loaded = threading.Event(), threading.Event()
    seen: Counter[str] = Counter()
    loads = 0

    def reload() -> None:
        nonlocal loads
        writer = create_engine(database_url)
        while not stop.is_set():
            for fixture in (revised, NORTH_AMERICA):
                seeds.load(writer, [fixture])
                loads += 1
                if loads >= LOADS:
                    loaded.set()
                time.sleep(0.1)  # each version stays a moment, so that answers come from both
        writer.dispose()

    def ask(base: str) -> None:
        with httpx2.Client(base_url=base, timeout=30) as http:
            while not stop.is_set():
                seen[version_of(http.post("/graphql", json={"query": KOREA_US}).json())] += 1

    with running_server(database_url, tmp_path / "server.log", BILATERAL_CACHE_MAX_AGE="0") as base:
        threads = [threading.Thread(target=reload), *(threading.Thread(target=ask, args=(base,)) for _ in range(8))]
        for thread in threads:
            thread.start()
        loaded.wait(LOADING)  # however long the loads take on this machine, while the clients ask
        stop.set()
        for thread in threads:
            thread.join()
    print(f"\n{dict(seen)} answers over {loads} loads")
    assert loads >= LOADS
    assert seen["original"] > 0
    assert seen["revised"] > 0
    assert seen["mixed"] == 0
