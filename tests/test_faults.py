"""Faults: a database that goes down and comes back, and databases that cannot be opened at all."""

import asyncio
import logging
import os
import shutil
import signal
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx2
import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

import settings
from app import StartupError, create_app, prepare
from models.database import create_engine
from resolvers.reading import ConnectionLost, Reader
from tests.conftest import missing_service
from tests.databases import postgres_database
from tests.servers import cli, free_port, server_process

pytestmark = pytest.mark.slow

T = TypeVar("T")
PG_VERSIONS = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []


@dataclass(frozen=True)
class Cluster:
    """A PostgreSQL cluster of this test's own, on a port of its own."""

    version: str
    name: str
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def ctl(self, action: str, *arguments: str) -> None:
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action, *arguments]
        subprocess.run(command, check=True, capture_output=True, timeout=60)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not PG_VERSIONS or shutil.which("pg_createcluster") is None:
        missing_service("fault", "no PostgreSQL server tools (pg_createcluster) on this machine")
    made = Cluster(PG_VERSIONS[-1], f"bilateral_fault_{uuid.uuid4().hex[:8]}", free_port())
    create = ["pg_createcluster", made.version, made.name, "-p", str(made.port), "--", "--auth=trust"]
    subprocess.run(create, check=True, capture_output=True, timeout=120)
    try:
        made.ctl("start")
        yield made
    finally:
        subprocess.run(
            ["pg_dropcluster", made.version, made.name, "--stop"], capture_output=True, timeout=120, check=False
        )


def timed(work: Callable[[], T]) -> tuple[T, float]:
    started = time.monotonic()
    result = work()
    return result, time.monotonic() - started


QUERY = {"query": '{ country(code: "CAN") { name } }'}


def test_the_server_fails_fast_while_the_database_is_down_and_recovers_by_itself(cluster: Cluster):
    with TestClient(create_app(cluster.url)) as client:
        assert client.get("/ready").status_code == 200
        assert client.post("/graphql", json=QUERY).json()["data"] == {"country": {"name": "Canada"}}

        cluster.ctl("stop", "-m", "fast")
        ready, waited = timed(lambda: client.get("/ready"))
        assert ready.status_code == 503
        assert waited < settings.DATABASE_TIMEOUT + 1
        response, waited = timed(lambda: client.post("/graphql", json=QUERY))
        assert response.status_code == 503
        assert response.headers["retry-after"] == "5"
        assert response.json()["errors"][0]["extensions"] == {"code": "SERVICE_UNAVAILABLE"}
        assert waited < settings.DATABASE_TIMEOUT + 1
        assert client.get("/health").status_code == 200

        cluster.ctl("start")
        deadline = time.monotonic() + 30
        while client.get("/ready").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert client.get("/ready").status_code == 200
        again = client.post("/graphql", json={"query": '{ country(code: "KOR") { name } }'})
        assert again.status_code == 200
        assert again.json()["data"] == {"country": {"name": "Republic of Korea"}}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("sqlite:////proc/bilateral-nowhere/bilateral.db", "cannot create the folder /proc/bilateral-nowhere"),
        ("sqlite:///file:/tmp/bilateral-missing.db?mode=ro&uri=true", "unable to open database file"),
    ],
)
def test_a_sqlite_file_that_cannot_be_opened_stops_the_start_with_a_clear_error(url: str, message: str):
    started = cli("serve", timeout=60, BILATERAL_DATABASE_URL=url, BILATERAL_PORT=str(free_port()))
    assert started.returncode == 2
    assert started.stderr.startswith("Bilateral cannot start: ")
    assert message in started.stderr
    assert "Traceback" not in started.stderr


def test_a_read_only_database_that_needs_seeding_is_a_clear_start_up_error(tmp_path: Path):
    empty = tmp_path / "empty.db"
    empty.touch()
    engine = create_engine(f"sqlite:///file:{empty}?mode=ro&uri=true")
    with pytest.raises(StartupError, match="attempt to write a readonly database"):
        prepare(engine)
    engine.dispose()


def test_instances_starting_together_on_an_empty_postgresql_all_start(postgres_url: str):
    with postgres_database() as url:
        engines = [create_engine(url) for _ in range(3)]
        try:
            with ThreadPoolExecutor(3) as pool:
                list(pool.map(prepare, engines))  # raises if any instance failed to start
            with engines[0].connect() as connection:
                versions = connection.execute(sa.text("SELECT count(*), max(version) FROM dataset_version")).one()
        finally:
            for engine in engines:
                engine.dispose()
    assert tuple(versions) == (1, 1)


def frozen(cluster: Cluster, signal_number: int) -> None:
    """Stop (or continue) the cluster's server and every backend of it, as a hung machine would."""
    data = Path(f"/var/lib/postgresql/{cluster.version}/{cluster.name}/postmaster.pid")
    postmaster = int(data.read_text().split()[0])
    children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True, check=False)
    for pid in [postmaster, *map(int, children.stdout.split())]:
        os.kill(pid, signal_number)


def test_ready_and_queries_answer_in_time_while_postgresql_is_frozen(cluster: Cluster):
    with TestClient(create_app(cluster.url)) as client:
        assert client.get("/ready").status_code == 200
        frozen(cluster, signal.SIGSTOP)
        try:
            ready, waited = timed(lambda: client.get("/ready"))
            assert ready.status_code == 503
            assert waited < settings.READY_TIMEOUT + 1
            response, waited = timed(lambda: client.post("/graphql", json=QUERY))
            assert response.status_code == 503
            assert response.json()["errors"][0]["extensions"] == {"code": "SERVICE_UNAVAILABLE"}
            assert waited < settings.READY_TIMEOUT + 1
            assert client.get("/health").status_code == 200
        finally:
            frozen(cluster, signal.SIGCONT)
        deadline = time.monotonic() + 30
        while client.get("/ready").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert client.post("/graphql", json=QUERY).json()["data"] == {"country": {"name": "Canada"}}


def test_a_damaged_sqlite_file_is_an_outage_and_the_server_recovers_when_it_is_restored(tmp_path: Path):
    path = tmp_path / "bilateral.db"
    engine = create_engine(f"sqlite:///{path}")
    prepare(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    good = path.read_bytes()
    with TestClient(create_app(f"sqlite:///{path}")) as client:
        assert client.post("/graphql", json=QUERY).json()["data"] == {"country": {"name": "Canada"}}
        path.write_bytes(b"\xff" * len(good))  # the file damaged in place, while the server runs
        for _ in range(3):
            response = client.post("/graphql", json={"query": '{ country(code: "KOR") { name } }'})
            assert response.status_code == 503
            assert response.json()["errors"][0]["extensions"] == {"code": "SERVICE_UNAVAILABLE"}
        assert client.get("/ready").status_code == 503
        path.write_bytes(good)
        assert client.get("/ready").status_code == 200
        response = client.post("/graphql", json={"query": '{ country(code: "KOR") { name } }'})
        assert response.json()["data"] == {"country": {"name": "Republic of Korea"}}


# Two statements on normal execution (the version, then the relation), so a kill can fall between them.
KILLED_QUERIES = [
    '{ country(code: "CAN") { name } }',
    '{ relation(between: {a: "KOR", b: "CAN"}) { established { text } events(first: 5) { nodes { slug } } } }',
]


def test_connections_killed_during_requests_are_retried_or_coded_never_internal_errors(
    postgres_url: str, tmp_path: Path
):
    log = tmp_path / "server.log"
    with postgres_database() as url, server_process(url, log, BILATERAL_CACHE_MAX_AGE="0") as (base, _process):
        own = sa.make_url(url).database
        admin = create_engine(postgres_url).execution_options(isolation_level="AUTOCOMMIT")
        stop = time.monotonic() + 6
        kills = 0

        def kill_own_backends() -> None:
            nonlocal kills
            with admin.connect() as connection:
                while time.monotonic() < stop:
                    # Only this test's own database's backends, never another's nor this connection.
                    killed = connection.execute(
                        sa.text(
                            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE datname = :own AND pid <> pg_backend_pid()"
                        ),
                        {"own": own},
                    ).scalar()
                    kills += killed or 0
                    time.sleep(0.02)

        def ask(query: str) -> list[tuple[int, dict[str, object]]]:
            answers = []
            with httpx2.Client(base_url=base, timeout=30) as http:
                while time.monotonic() < stop:
                    response = http.post("/graphql", json={"query": query})
                    answers.append((response.status_code, response.json()))
            return answers

        try:
            with ThreadPoolExecutor(5) as pool:
                killer = pool.submit(kill_own_backends)
                asking = [pool.submit(ask, query) for query in KILLED_QUERIES * 2]
                answers = [answer for future in asking for answer in future.result()]
                killer.result()
        finally:
            admin.dispose()

    def code_of(status: int, body: dict[str, object]) -> str:
        errors = body.get("errors") or []
        codes = {error["extensions"]["code"] for error in errors}  # type: ignore[attr-defined]  # JSON
        return f"{status} " + (",".join(sorted(codes)) if codes else "data")

    outcomes = Counter(code_of(status, body) for status, body in answers)
    print(f"\n{kills} backends killed; {dict(outcomes)}")
    assert kills > 10
    assert set(outcomes) <= {"200 data", "200 SERVICE_UNAVAILABLE", "503 SERVICE_UNAVAILABLE"}, outcomes
    assert outcomes["200 data"] > len(answers) / 2
    assert "a database connection was lost during the request: trying once more" in log.read_text()
    assert "Traceback" not in log.read_text()


def test_a_snapshot_whose_backend_was_killed_is_thrown_away_with_no_error_logged(
    postgres_url: str, caplog: pytest.LogCaptureFixture
):
    """The request meets `ConnectionLost`; its connection is not rolled back on a dead socket, so the pool logs
    no error and traceback for it, and the next reader gets a live connection."""
    with postgres_database() as url:
        killed_and_logged(url, postgres_url, caplog)


def killed_and_logged(url: str, postgres_url: str, caplog: pytest.LogCaptureFixture) -> None:
    engine = create_engine(url, pool_size=1)
    admin = create_engine(postgres_url).execution_options(isolation_level="AUTOCOMMIT")
    prepare(engine)

    async def killed_then_read() -> str:
        reader = Reader(engine, 5.0)
        pid = await reader.run(lambda connection: connection.exec_driver_sql("SELECT pg_backend_pid()").scalar())

        def kill_soon() -> None:
            time.sleep(0.3)
            with admin.connect() as connection:
                connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

        # Killed in the middle of several statements sent at once, as a snapshot's first round trip sends them.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(kill_soon)
            with pytest.raises(ConnectionLost):
                await reader.run(lambda connection: connection.exec_driver_sql("SELECT 1; SELECT pg_sleep(3)").all())
        reader.close()
        again = Reader(engine, 5.0)
        try:
            return str(await again.version())
        finally:
            again.close()

    try:
        with caplog.at_level(logging.WARNING, logger="sqlalchemy.pool"):
            assert asyncio.run(killed_then_read())
    finally:
        engine.dispose()
        admin.dispose()
    assert [record.getMessage() for record in caplog.records if record.name.startswith("sqlalchemy.pool")] == []
