"""Page 1 against page 1,000 of the events connection, on SQLite and PostgreSQL, against a hand-written floor.

Run with `make bench`. It fills a database of its own per backend with the synthetic data set (kept in
var/bench.db, and in a PostgreSQL database `bilateral_bench` dropped afterwards), then times, per page:
the API (GraphQL through the app, in process) and the floor (the same rows by hand-written SQL, encoded
with orjson). It prints medians and the ratios that matter; it asserts nothing.
"""

import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson
import sqlalchemy as sa
from starlette.testclient import TestClient

import settings
from app import create_app
from models import tables as t
from models.database import create_engine, create_tables
from resolvers.entities import columns_of
from resolvers.events import IN_DATE_ORDER
from seeds.synthetic import generate

RUNS = 30
PAGE_SIZE = 100
DEEP = 1000
POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
DOCUMENT = "query($after: String) { events(first: 100, after: $after) { nodes { slug title date { text } } } }"


def median_ms(work: Callable[[], Any]) -> float:
    work()
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


@contextmanager
def postgres_database() -> Iterator[str]:
    admin = create_engine(POSTGRES).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text("DROP DATABASE IF EXISTS bilateral_bench WITH (FORCE)"))
        connection.execute(sa.text("CREATE DATABASE bilateral_bench"))
    try:
        yield sa.make_url(POSTGRES).set(database="bilateral_bench").render_as_string(False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text("DROP DATABASE IF EXISTS bilateral_bench WITH (FORCE)"))
        admin.dispose()


def measure(name: str, url: str) -> None:
    engine = create_engine(url)
    create_tables(engine)
    with engine.connect() as connection:
        empty = connection.execute(sa.select(sa.func.count()).select_from(t.event)).scalar_one() == 0
    if empty:
        generate(engine)
    with engine.connect() as connection:
        boundary = connection.execute(
            sa.select(*columns_of(t.event))
            .order_by(*IN_DATE_ORDER.order_by())
            .offset((DEEP - 1) * PAGE_SIZE - 1)
            .limit(1)
        ).one()
    cursor = IN_DATE_ORDER.cursor(boundary)
    key = IN_DATE_ORDER.key(boundary)

    def floor(after: list[Any] | None) -> Callable[[], bytes]:
        statement = sa.select(t.event.c.slug, t.event.c.title, t.event.c.date_text)
        if after is not None:
            statement = statement.where(IN_DATE_ORDER.beyond(after))
        statement = statement.order_by(*IN_DATE_ORDER.order_by()).limit(PAGE_SIZE)

        def run() -> bytes:
            with engine.connect() as connection:
                rows = [
                    {"slug": row.slug, "title": row.title, "date": {"text": row.date_text} if row.date_text else None}
                    for row in connection.execute(statement)
                ]
            return orjson.dumps({"data": {"events": {"nodes": rows}}})

        return run

    with TestClient(create_app(url)) as client:

        def api(after: str | None) -> Callable[[], Any]:
            return lambda: client.post("/graphql", json={"query": DOCUMENT, "variables": {"after": after}}).json()

        first, deep = median_ms(api(None)), median_ms(api(cursor))
        floor_first, floor_deep = median_ms(floor(None)), median_ms(floor(key))
    engine.dispose()
    print(
        f"{name:<10}  page 1: {first:6.2f} ms (floor {floor_first:5.2f} ms, {first / floor_first:4.1f}x)   "
        f"page {DEEP}: {deep:6.2f} ms (floor {floor_deep:5.2f} ms, {deep / floor_deep:4.1f}x)   "
        f"page {DEEP} / page 1: {deep / first:4.2f}x"
    )


def main() -> int:
    settings.CACHE_MAX_AGE = 0  # every run is answered by the database, not by the response cache
    print(f"events connection, {PAGE_SIZE} per page, median of {RUNS} runs, over 100,000 synthetic events")
    measure("sqlite", f"sqlite:///{settings.ROOT / 'var' / 'bench.db'}")
    with postgres_database() as url:
        measure("postgresql", url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
