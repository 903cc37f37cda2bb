"""Timing in process: one setup's app called through ASGI, the median of repeats, and its SQL statements.

The harness runs `python -m bench.inprocess SETUP QUERY…` once per setup, with that setup's environment,
because the API reads its settings once, on import. The process first checks that the floor answers the
API's data for the queries that have a floor, then times the setup's app and prints one JSON object:
`{query: {"median_ms", "repeats", "statements", "size"}}`. A disagreement exits with status 3 and says where.
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import orjson
import sqlalchemy as sa
from starlette.applications import Starlette

import settings
from app import create_app
from bench.asgi import post, running
from bench.compare import MismatchError, check_same_data
from bench.floor import create_floor
from bench.plan import SETUPS, Setup
from bench.queries import NAMES, Query, QuerySet, discover
from bench.results import Timing
from web.server import settle

MISMATCH = 3
AT_LEAST = 5
AT_MOST = 2000


async def median_ms(call: Callable[[], Awaitable[Any]], seconds: float) -> tuple[float, int]:
    """The median time of `call` in milliseconds, repeated for `seconds` (at least 5 times), after a warm-up."""
    for _ in range(2):
        await call()
    timings: list[float] = []
    deadline = time.perf_counter() + seconds
    while len(timings) < AT_LEAST or (time.perf_counter() < deadline and len(timings) < AT_MOST):
        started = time.perf_counter()
        await call()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), len(timings)


@contextmanager
def counting(engine: sa.Engine) -> Iterator[list[str]]:
    """The SQL statements run on `engine` while the block runs."""
    seen: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


async def time_query(app: Starlette, path: str, query: Query, seconds: float) -> Timing:
    """Time one POST of `query` to `path`; it must answer 200."""

    async def call() -> bytes:
        status, body = await post(app, path, query.body)
        if status != 200:
            raise RuntimeError(f"{path} answered the {query.name} query with {status}: {body[:500]!r}")
        return body

    median, repeats = await median_ms(call, seconds)
    with counting(app.state.engine) as statements:
        body = await call()
    return Timing(median, repeats, len(statements), len(body))


async def check(api: Starlette, floor: Starlette, queries: QuerySet, setup: str) -> None:
    for query in queries:
        if query.floor and query.same_data:
            _, api_body = await post(api, "/graphql", query.body)
            _, floor_body = await post(floor, query.floor, query.body)
            check_same_data(query.name, setup, api_body, floor_body)


async def measure(setup: str, names: list[str], seconds: float, checked: bool = False) -> dict[str, Timing]:
    database_url = settings.DATABASE_URL
    async with running(create_app(database_url)) as api, running(create_floor(database_url)) as floor:
        settle()  # as the server does once started

        async def ask(path: str, body: bytes) -> bytes:
            return (await post(api, path, body))[1]

        queries = await discover(ask)
        if not checked:
            await check(api, floor, queries, SETUPS[setup].label)
        timings = {}
        for name in names:
            query = queries.named(name)
            if SETUPS[setup].floor:
                if query.floor:
                    timings[name] = await time_query(floor, query.floor, query, seconds)
            else:
                timings[name] = await time_query(api, "/graphql", query, seconds)
        return timings


def in_process(setup: Setup, url: str, queries: list[str], seconds: float, checked: bool = False) -> dict[str, Timing]:
    """Run `bench.inprocess` for `setup` on the database at `url`: a check (unless `checked`), then timings."""
    command = [sys.executable, "-m", "bench.inprocess", setup.name, *queries, "--seconds", str(seconds)]
    command += ["--checked"] if checked else []
    environment = {**os.environ, **setup.env(url)}
    done = subprocess.run(command, cwd=settings.ROOT, env=environment, capture_output=True, text=True, check=False)
    if done.returncode == MISMATCH:
        raise MismatchError(done.stderr.strip())
    if done.returncode != 0:
        raise RuntimeError(f"timing {setup.label} in process failed:\n{done.stderr}")
    return {name: Timing.from_json(values) for name, values in orjson.loads(done.stdout).items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.inprocess", description=__doc__)
    parser.add_argument("setup", choices=SETUPS, help="the setup, whose environment this process already has")
    parser.add_argument("queries", nargs="*", help=f"the queries to time, of {', '.join(NAMES)}; none: only check")
    parser.add_argument("--seconds", type=float, default=1.0, help="how long to repeat each query")
    parser.add_argument("--checked", action="store_true", help="the data was checked already: time without checking")
    arguments = parser.parse_args(argv)
    if unknown := set(arguments.queries) - set(NAMES):
        parser.error(f"unknown queries: {', '.join(sorted(unknown))}")
    try:
        timings = asyncio.run(measure(arguments.setup, arguments.queries, arguments.seconds, arguments.checked))
    except MismatchError as error:
        print(error, file=sys.stderr)
        return MISMATCH
    sys.stdout.write(orjson.dumps({name: timing.to_json() for name, timing in timings.items()}).decode() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
