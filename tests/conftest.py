"""Every database test runs on SQLite and on the real PostgreSQL server.

Tests about the North America page load that page by name, so adding a page to `seeds/fixtures/`
changes none of their answers.
"""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

import seeds
from app import create_app
from models.database import create_engine, create_tables
from seeds.synthetic import generate
from tests.databases import postgres_database, postgres_unavailable, reset
from tests.servers import RedisServer

# BILATERAL_TEST_BACKENDS=sqlite narrows a run to one backend (the run with an invented page does).
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
    for name, reason in SKIPPED_SERVICES.items():
        terminalreporter.section(f"{name.upper()} TESTS WERE SKIPPED", sep="!", red=True, bold=True)
        terminalreporter.write_line(reason, red=True, bold=True)


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
def engine(session_engine: sa.Engine) -> sa.Engine:
    """An engine on empty tables."""
    reset(session_engine)
    return session_engine


@pytest.fixture
def seeded(engine: sa.Engine) -> sa.Engine:
    """An engine on a database loaded from the North America page."""
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
def client(seeded: sa.Engine, database_url: str) -> Iterator[TestClient]:
    """The real app over HTTP (ASGI), serving the North America page."""
    with TestClient(create_app(database_url)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def synthetic_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of its own per backend, filled once with the full synthetic data set."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path_factory.mktemp('synthetic') / 'synthetic.db'}"
        _fill(url)
        yield url
    else:
        with postgres_database() as url:
            _fill(url)
            yield url


def _fill(url: str) -> None:
    engine = create_engine(url)
    create_tables(engine)
    generate(engine, progress=None)
    engine.dispose()


@pytest.fixture
def synthetic(synthetic_url: str) -> Iterator[TestClient]:
    """The real app on the synthetic data set."""
    with TestClient(create_app(synthetic_url)) as client:
        yield client
