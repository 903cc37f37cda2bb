"""PostgreSQL's pool: a connection idle for a while is pinged before use, one in steady use is not; a reader's
connection comes back idle, ready for a writer's transaction, however its snapshot ended."""

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from psycopg import pq
from starlette.testclient import TestClient

from app import create_app
from models import database
from models.database import create_engine, create_tables, writing
from resolvers.reading import ConnectionLost, QueryTimeout, Reader
from tests.databases import postgres_database


@pytest.fixture
def one_connection(postgres_url: str) -> Iterator[sa.Engine]:
    engine = create_engine(postgres_url, timeout=5, pool_size=1)
    yield engine
    engine.dispose()


def backend_of(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        pid: int = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        return pid


def terminate(postgres_url: str, pid: int) -> None:
    killer = create_engine(postgres_url)
    try:
        with killer.connect() as connection:
            assert connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    finally:
        killer.dispose()


def aged(engine: sa.Engine) -> None:
    """From now on a connection given back to the pool looks as if it had been idle past the bound."""

    def older(_dbapi_connection: object, record: Any) -> None:
        record.info["returned"] -= database.PING_IDLE + 1

    sa.event.listen(engine.pool, "checkin", older)  # after the engine's own, which notes the time


def test_a_connection_idle_past_the_bound_that_died_is_replaced_before_use(
    one_connection: sa.Engine, postgres_url: str
):
    aged(one_connection)
    first = backend_of(one_connection)
    terminate(postgres_url, first)
    assert backend_of(one_connection) != first  # pinged, found dead, replaced: no error reaches the reader


def test_a_connection_in_steady_use_is_not_pinged(one_connection: sa.Engine, postgres_url: str):
    first = backend_of(one_connection)
    terminate(postgres_url, first)
    # Returned a moment ago: no ping, so its first statement meets the dead connection (a request then begins
    # again on a new one: tests/test_faults.py).
    with pytest.raises(sa.exc.OperationalError):
        backend_of(one_connection)
    assert backend_of(one_connection) != first


def test_a_connection_just_opened_is_not_pinged(
    one_connection: sa.Engine, monkeypatch: pytest.MonkeyPatch, postgres_url: str
):
    """A pooler that lets a login through but fails its ping must not make the pool give up on every connection."""
    aged(one_connection)  # the pooled one is pinged ...
    first = backend_of(one_connection)
    terminate(postgres_url, first)

    def failing(_dbapi_connection: object) -> bool:
        raise OSError("no answer")

    monkeypatch.setattr(one_connection.dialect, "do_ping", failing)  # ... and fails; a new one is not pinged
    assert backend_of(one_connection) != first


def test_ready_stays_ready_when_the_database_closed_a_pooled_connection(postgres_url: str):
    """A restart closes every pooled connection: `/ready` tries once more on a new one rather than report an outage
    no client would meet."""
    with postgres_database() as url, TestClient(create_app(url, redis_url=None)) as client:
        assert client.get("/ready").status_code == 200
        killer = create_engine(postgres_url)
        try:
            with killer.connect() as connection:
                ended = connection.execute(
                    sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :name"),
                    {"name": sa.make_url(url).database},
                ).scalar_one()
        finally:
            killer.dispose()
        assert ended >= 1
        assert client.get("/ready").json() == {"status": "ready"}


def signal_backend(postgres_url: str, how: str, pid: int) -> None:
    """`pg_cancel_backend` or `pg_terminate_backend` for the backend `pid`, from a connection of its own."""
    signaller = create_engine(postgres_url)
    try:
        with signaller.connect() as connection:
            assert connection.execute(sa.text(f"SELECT {how}(:pid)"), {"pid": pid}).scalar_one()
    finally:
        signaller.dispose()


def assert_back_idle_as_writers_want_it(engine: sa.Engine) -> None:
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]  # a QueuePool's
    with engine.connect() as connection:
        driver = connection.connection.dbapi_connection
        assert driver is not None
        assert driver.info.transaction_status == pq.TransactionStatus.IDLE
        assert driver.autocommit is False
    with writing(engine) as connection:  # psycopg begins the writer's transaction, with the server's defaults
        assert connection.exec_driver_sql("SHOW transaction_isolation").scalar() == "read committed"
        assert connection.exec_driver_sql("SHOW transaction_read_only").scalar() == "off"


SLOW = "SELECT pg_sleep(5)"
# How a snapshot ends: the request's budget, what it reads, what another connection does to its backend meanwhile,
# and what the read raises.
ENDINGS: dict[str, tuple[float, str, str | None, type[Exception] | None]] = {
    "an answer": (10, "SELECT 1", None, None),
    "a failed statement": (10, "SELECT 1 / 0", None, sa.exc.DataError),
    "its time budget spent": (0.5, SLOW, None, QueryTimeout),
    "a cancel": (10, SLOW, "pg_cancel_backend", QueryTimeout),
    "its connection killed": (10, SLOW, "pg_terminate_backend", ConnectionLost),
}


@pytest.mark.parametrize("ending", ENDINGS)
def test_a_reader_s_connection_goes_back_to_the_pool_idle_however_its_snapshot_ended(
    one_connection: sa.Engine, postgres_url: str, ending: str
):
    """The reader begins its snapshot itself, its driver in autocommit meanwhile (resolvers/reading.py)."""
    budget, statement, meanwhile, raises = ENDINGS[ending]
    create_tables(one_connection)

    async def read() -> None:
        reader = Reader(one_connection, budget)
        try:
            pid = await reader.run(lambda connection: connection.exec_driver_sql("SELECT pg_backend_pid()").scalar())
            if meanwhile is not None:
                threading.Timer(0.3, signal_backend, (postgres_url, meanwhile, pid)).start()
            await reader.run(lambda connection: connection.exec_driver_sql(statement).all())
        finally:
            await reader.release()

    if raises is None:
        asyncio.run(read())
    else:
        with pytest.raises(raises):
            asyncio.run(read())
    assert_back_idle_as_writers_want_it(one_connection)


def test_the_time_budget_bounds_the_version_read_that_begins_a_snapshot(one_connection: sa.Engine, postgres_url: str):
    """The statement timeout is set in the round trip that begins the snapshot, before its version is read."""
    create_tables(one_connection)
    locker = create_engine(postgres_url)
    try:
        with locker.begin() as connection:
            connection.exec_driver_sql("LOCK TABLE dataset_version IN ACCESS EXCLUSIVE MODE")
            started = time.monotonic()
            with pytest.raises(QueryTimeout):
                asyncio.run(Reader(one_connection, budget=0.5).run(lambda _connection: None))
            assert time.monotonic() - started < 2  # not the connection's own timeout, 5 seconds
    finally:
        locker.dispose()
    assert_back_idle_as_writers_want_it(one_connection)
