"""PostgreSQL's pool: a connection idle for a while is pinged before use, one in steady use is not."""

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from app import create_app
from models import database
from models.database import create_engine
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
