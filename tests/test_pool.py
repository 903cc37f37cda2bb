"""PostgreSQL's pool: a connection idle for a while is pinged before use, one in steady use is not."""

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from models import database
from models.database import create_engine


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


def test_a_connection_idle_past_the_bound_that_died_is_replaced_before_use(
    one_connection: sa.Engine, postgres_url: str, monkeypatch: pytest.MonkeyPatch
):
    first = backend_of(one_connection)
    terminate(postgres_url, first)
    monkeypatch.setattr(database, "PING_IDLE", -1.0)  # as if it had been idle for long
    assert backend_of(one_connection) != first  # pinged, found dead, replaced: no error reaches the reader


def test_a_connection_in_steady_use_is_not_pinged(one_connection: sa.Engine, postgres_url: str):
    first = backend_of(one_connection)
    terminate(postgres_url, first)
    # Returned a moment ago: no ping, so its first statement meets the dead connection (a request then begins
    # again on a new one: tests/test_faults.py).
    with pytest.raises(sa.exc.OperationalError):
        backend_of(one_connection)
    assert backend_of(one_connection) != first
