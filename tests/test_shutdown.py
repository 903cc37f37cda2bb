"""Stopping gracefully: on SIGTERM `/ready` turns 503, the requests in flight finish, and the process exits 0."""

import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest
import sqlalchemy as sa

from models.database import create_engine
from tests.databases import postgres_database
from tests.servers import RedisServer, server_process

pytestmark = pytest.mark.slow

QUERY = '{ country(code: "CAN") { name } }'
DRAIN = 1.0


def until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.05)


def waiting_for_a_lock(engine: sa.Engine) -> bool:
    with engine.connect() as connection:
        return bool(connection.execute(sa.text("SELECT count(*) FROM pg_locks WHERE NOT granted")).scalar())


@pytest.mark.parametrize("workers", [1, 2], ids=["1 worker", "2 workers"])
def test_sigterm_during_a_slow_request_lets_it_finish_with_200_and_exits_0(
    postgres_url: str, own_redis: RedisServer, workers: int, tmp_path: Path
):
    log = tmp_path / "server.log"
    environment = {
        "BILATERAL_WORKERS": str(workers),
        "BILATERAL_REDIS_URL": own_redis.url,
        "BILATERAL_SHUTDOWN_DRAIN": str(DRAIN),
        "BILATERAL_REQUEST_TIMEOUT": "30",
    }
    with postgres_database() as url, server_process(url, log, **environment) as (base, process):
        engine = create_engine(url)
        try:
            with engine.connect() as blocker, ThreadPoolExecutor(1) as pool:
                # A statement held up by a lock: the request stays in flight until the test lets it go.
                blocker.execute(sa.text("LOCK TABLE country IN ACCESS EXCLUSIVE MODE"))
                slow = pool.submit(httpx2.post, f"{base}/graphql", json={"query": QUERY}, timeout=60)
                until(lambda: waiting_for_a_lock(engine))

                process.send_signal(signal.SIGTERM)
                until(lambda: httpx2.get(f"{base}/ready").status_code == 503, seconds=2)
                assert httpx2.get(f"{base}/ready").json() == {"status": "stopping"}
                time.sleep(DRAIN + 0.5)
                with pytest.raises(httpx2.ConnectError):  # the drain is over: the port no longer accepts
                    httpx2.get(f"{base}/health", timeout=2)
                assert not slow.done()
                blocker.rollback()
                answer = slow.result(timeout=30)
        finally:
            engine.dispose()
        assert answer.status_code == 200
        assert answer.json()["data"] == {"country": {"name": "Canada"}}
        assert process.wait(timeout=30) == 0
    text = log.read_text()
    assert text.count("closed the database pool and the connections to Redis") == workers
    assert "Traceback" not in text
