"""Every database test runs on SQLite and on the real PostgreSQL server.

Tests that only read share one database per backend, seeded once for the run and opened read-only, and
one app on it (`client`, `shared`), whose caches and queues are emptied before each test. Those tests
run once more on SQLite over a second folder, the North America page and an invented page beside it:
tests about the North America page load that page by name, so adding a page changes none of their answers.
Tests that write get an empty database of their own per backend (`engine`, `seeded`, `seeded_client`).
"""

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

import seeds
from app import create_app, prepare, start_serving, stores_for
from models.database import create_engine
from tests.databases import left_open, postgres_database, postgres_reader, postgres_unavailable, reset, snapshot
from tests.servers import RedisServer, cli_process
from web import metrics

# BILATERAL_TEST_BACKENDS=sqlite narrows a run to one backend.
BACKENDS = os.environ.get("BILATERAL_TEST_BACKENDS", "sqlite,postgresql").split(",")
NORTH_AMERICA = seeds.FIXTURES / "mofa-north-america.yaml"
INVENTED = Path(__file__).parent / "pages" / "invented-testland.yaml"
SKIPPED_SERVICES: dict[str, str] = {}


def missing_service(name: str, reason: str) -> NoReturn:
    """Fail in CI, where every service must run; elsewhere skip, and say so loudly at the end."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the {name} tests", pytrace=False)
    SKIPPED_SERVICES.setdefault(name, reason)
    pytest.skip(f"SKIPPING {name.upper()} TESTS: {reason}")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """A banner per missing service; the skips' own reports carry the reason from a worker process (`-n`)."""
    reasons = {name.upper(): reason for name, reason in SKIPPED_SERVICES.items()}
    for report in terminalreporter.stats.get("skipped", []):
        message = str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else ""
        found = re.search(r"SKIPPING (.+?) TESTS: (.*)", message)
        if found:
            reasons.setdefault(found[1], found[2])
    for name, reason in reasons.items():
        terminalreporter.section(f"{name} TESTS WERE SKIPPED", sep="!", red=True, bold=True)
        terminalreporter.write_line(reason, red=True, bold=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A `one_page` test does not run on the database with a second page."""
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        two_pages = callspec is not None and callspec.params.get("shared", (None, 1))[1] == 2
        (dropped if two_pages and item.get_closest_marker("one_page") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    reason = postgres_unavailable()
    if reason:
        missing_service("PostgreSQL", reason)
    with postgres_database() as url:
        yield url


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A Redis server of this test's own, on a free port, which the test may stop and start again."""
    if shutil.which("redis-server") is None:
        missing_service("Redis", "redis-server is not installed")
    with RedisServer() as server:
        yield server


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One database per backend for the whole run."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'bilateral.db'}"


@pytest.fixture(scope="session")
def session_engine(database_url: str) -> Iterator[sa.Engine]:
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(session_engine: sa.Engine) -> Iterator[sa.Engine]:
    """An engine on empty tables, which the test may write to; on PostgreSQL the test must leave no transaction
    open on them."""
    reset(session_engine)
    yield session_engine
    if session_engine.dialect.name == "postgresql":
        assert not (left := left_open(session_engine)), f"the test left transactions open: {left}"


@pytest.fixture
def seeded(engine: sa.Engine) -> sa.Engine:
    """An engine on a database loaded from the North America page, which the test may write to."""
    seeds.load(engine, [NORTH_AMERICA])
    return engine


def copy_page(fixture: Path, folder: Path) -> Path:
    """Copy a fixture and the page text it quotes into `folder`; answer the copy's path."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in (fixture, fixture.with_suffix(".txt")):
        (folder / path.name).write_bytes(path.read_bytes())
    return folder / fixture.name


@pytest.fixture
def fixtures_copy(tmp_path: Path) -> Path:
    """A folder holding a copy of the North America page, which a test may break."""
    copy_page(NORTH_AMERICA, tmp_path / "fixtures")
    return tmp_path / "fixtures"


@pytest.fixture
def seeded_client(seeded: sa.Engine, database_url: str) -> Iterator[TestClient]:
    """The real app over HTTP (ASGI), on a database of the test's own loaded from the North America page."""
    with TestClient(create_app(database_url)) as test_client:
        yield test_client


@dataclass(frozen=True)
class Shared:
    """A database seeded once for the run, which tests only read."""

    backend: str  # `sqlite` or `postgresql`
    url: str  # opened read-only: a test that writes fails
    pages: int  # 1: the North America page; 2: that page and an invented one, loaded from one folder


# Each backend with the North America page; SQLite with a second page in the folder too.
SHARED = [(backend, 1) for backend in BACKENDS] + [("sqlite", 2)] * ("sqlite" in BACKENDS)


@pytest.fixture(scope="session", params=SHARED, ids=lambda case: case[0] + "-two-pages" * (case[1] == 2))
def shared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    """The shared database; at the end of the run, that no test changed a row of it."""
    backend, pages = request.param
    folder = copy_page(NORTH_AMERICA, tmp_path_factory.mktemp("pages")).parent
    if pages == 2:
        copy_page(INVENTED, folder)
    with _shared_database(backend, tmp_path_factory) as (url, read_only_url):
        engine = create_engine(url)
        prepare(engine, folder)  # as a server starting on an empty database seeds it from its fixture folder
        loaded = snapshot(engine)
        yield Shared(backend, read_only_url, pages)
        assert snapshot(engine) == loaded, f"a test changed the shared {backend} database"
        engine.dispose()


@contextmanager
def _shared_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A new database's URL, and a URL that opens it read-only: a file opened `mode=ro`, or a PostgreSQL role
    that may only select."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("shared") / "bilateral.db"
        yield f"sqlite:///{path}", f"sqlite:///file:{path}?mode=ro&uri=true"
        return
    reason = postgres_unavailable()
    if reason:
        missing_service("PostgreSQL", reason)
    with postgres_database() as url, postgres_reader(url) as read_only_url:
        yield url, read_only_url


@pytest.fixture(scope="module")
def shared_unchanged(shared: Shared) -> Iterator[Shared]:
    """The shared database, checked after each module that reads it: a test that changed it is found nearby."""
    engine = create_engine(shared.url)
    before = snapshot(engine)
    yield shared
    assert snapshot(engine) == before, f"a test of this module changed the shared {shared.backend} database"
    engine.dispose()


@pytest.fixture
def read_engine(shared_unchanged: Shared) -> Iterator[sa.Engine]:
    """An engine on the shared database, which refuses to write."""
    engine = create_engine(shared_unchanged.url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def shared_app(shared: Shared) -> Iterator[TestClient]:
    with TestClient(create_app(shared.url, redis_url=None)) as test_client:
        yield test_client


@pytest.fixture
def client(shared_app: TestClient, shared_unchanged: Shared) -> TestClient:
    """The real app over HTTP (ASGI), on the shared database, with its caches and queues empty, as if it had
    just started: a test may count the statements a query sends, or see its answer cached."""

    async def restart() -> None:
        await shared_app.app.state.stores.close()  # type: ignore[attr-defined]  # Starlette's app, typed as ASGI
        start_serving(shared_app.app, metrics.counted(stores_for(None, "bilateral:")))  # type: ignore[arg-type]

    shared_app.portal.call(restart)  # type: ignore[union-attr]  # set while the client is open
    shared_app.cookies.clear()
    return shared_app


@pytest.fixture(scope="session")
def synthetic_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The full synthetic data set in a database of its own per backend, each filled by `cli.py synthetic` as an
    operator fills one, the backends side by side."""
    with ExitStack() as stack:
        urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('synthetic') / 'synthetic.db'}"}
        if "postgresql" in BACKENDS and postgres_unavailable() is None:
            urls["postgresql"] = stack.enter_context(postgres_database())
        makers = {backend: cli_process("synthetic", BILATERAL_DATABASE_URL=url) for backend, url in urls.items()}
        for backend, maker in makers.items():
            _, errors = maker.communicate(timeout=300)
            assert maker.returncode == 0, f"the synthetic data set on {backend}: {errors}"
        yield urls


@pytest.fixture(scope="session")
def synthetic_url(database_url: str, synthetic_urls: dict[str, str]) -> str:
    """The synthetic data set on the backend of `database_url`."""
    return synthetic_urls[sa.make_url(database_url).get_backend_name()]


@pytest.fixture
def synthetic(synthetic_url: str) -> Iterator[TestClient]:
    """The real app on the synthetic data set."""
    with TestClient(create_app(synthetic_url)) as client:
        yield client
