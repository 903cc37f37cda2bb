"""`make bench`: the query set on SQLite and PostgreSQL, in process and over HTTP, against the floor.

1. Make the synthetic data set on each backend, or reuse it.
2. Check that the floor answers every API setup's `data` byte for byte; stop with the difference if not.
3. Time each setup in process, in a process of its own (the API reads its settings once), and split the small
   and medium queries' time by phase, cache off and on (bench/phases.py).
4. Start a uvicorn per setup and load every row at 1 and 8 connections. A query's rows run back to back,
   so a ratio to the floor compares measurements taken seconds apart.
5. On PostgreSQL, unless `--no-postgraphile`: PostGraphile 5 beside the API and the floor (bench/rivals.py):
   its rows checked equal to the API's, then each query loaded at 1 and 4 connections with the CPU per
   request of each server and its database backends. Without npm or Node 22 it says why and skips them.
6. Print the table, and write it with the machine and the targets to bench/RESULTS.md.
"""

import argparse
import asyncio
import shlex
import sys
import tempfile
import time
from datetime import datetime
from functools import partial
from pathlib import Path

import sqlalchemy as sa

import settings
from bench import datasets, http_client, machine, phases, report, rivals, wrk
from bench.compare import MismatchError, check_same_data
from bench.cpu import tagged
from bench.inprocess import MISMATCH, in_process
from bench.plan import CONNECTIONS, FAST, ROWS, SETUPS, Row, Setup, rows_of
from bench.queries import NAMES, Query, QuerySet, discover
from bench.results import Load, Measurements, Rivals
from bench.servers import HOST, Server, serving, wait_until_idle

RESULTS = settings.ROOT / "bench" / "RESULTS.md"
WRK_UNDER_MS = 50.0  # slower requests are few in a short run: whole-request counting would round them


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def check_over_http(servers: dict[str, Server], queries: QuerySet) -> dict[tuple[str, str], int]:
    """Check every server's answers as in process; the size of each row's response, which a load expects."""
    sizes = {}
    for row in ROWS:
        query = queries.named(row.query)
        path = query.floor if row.setup.floor else "/graphql"
        if path is None:
            continue
        body = await http_client.post(servers[row.setup.name].base, path, query.body)
        if query.same_data and not row.setup.floor:
            floor = await http_client.post(servers["floor"].base, str(query.floor), query.body)
            check_same_data(query.name, f"{row.setup.label}, over HTTP", body, floor)
        elif not row.setup.floor and (b'"errors"' in body or b'"data"' not in body):
            raise RuntimeError(f"the API ({row.setup.label}) failed the {query.name} query: {body[:1000]!r}")
        sizes[row.key] = len(body)
    return sizes


def load(
    client: str,
    servers: dict[str, Server],
    row: Row,
    query: Query,
    connections: int,
    options: argparse.Namespace,
    size: int,
) -> Load:
    """Load `row`'s server with `query`, once every server has finished the previous load's last requests."""
    server = servers[row.setup.name]
    path = str(query.floor) if row.setup.floor else "/graphql"

    def settle() -> None:
        wait_until_idle(servers.values())

    settle()
    if client == "wrk":
        return wrk.load(server.base, path, query.body, connections, options.seconds, options.warmup, settle)
    return asyncio.run(
        http_client.load(HOST, server.port, path, query.body, connections, options.seconds, options.warmup, size)
    )


def client_for(query: str, backend: str, wanted: str, measurements: Measurements) -> str:
    """The load generator for a query's rows: wrk where it is installed, unless a request takes so long that
    wrk, which counts whole requests, would round a short run's throughput; then the Python client."""
    if wanted != "auto":
        return wanted
    medians = [timing.median_ms for key, timing in measurements.in_process.items() if key[:2] == (backend, query)]
    return "wrk" if wrk.available() and max(medians, default=0) < WRK_UNDER_MS else "python"


def over_http(
    backend: str,
    url: str,
    options: argparse.Namespace,
    measurements: Measurements,
    postgraphile: rivals.Installed | None = None,
) -> QuerySet:
    """Serve each setup with uvicorn and load each row at each number of connections; then, given PostGraphile
    on PostgreSQL, load it beside the API and the floor. On PostgreSQL each setup's connections carry its name
    (`bench-fast`, ...), by which its database backends are found for their CPU time."""

    def database(setup: Setup) -> str:
        return tagged(url, f"bench-{setup.name}") if backend == "postgresql" else url

    with tempfile.TemporaryDirectory() as logs:
        targets = {setup.name: (setup.target, setup.env(database(setup))) for setup in SETUPS.values()}
        with serving(targets, Path(logs)) as servers:
            queries = asyncio.run(discover(partial(http_client.post, servers[FAST.name].base)))
            sizes = asyncio.run(check_over_http(servers, queries))
            for name in NAMES:
                query = queries.named(name)
                client = client_for(name, backend, options.client, measurements)
                rows = [row for row in ROWS if row.query == name and row.key in sizes]
                for connections in CONNECTIONS:
                    for row in rows:
                        result = load(client, servers, row, query, connections, options, sizes[row.key])
                        measurements.over_http[(backend, *row.key, connections)] = result
                        say(_progress(backend, row, result))
            if backend == "postgresql" and postgraphile is not None:
                say(f"{backend}: {postgraphile.version} beside the API and the floor")
                measurements.rivals = beside_postgraphile(url, servers, queries, postgraphile, options, measurements)
    return queries


def beside_postgraphile(
    url: str,
    servers: dict[str, Server],
    queries: QuerySet,
    postgraphile: rivals.Installed,
    options: argparse.Namespace,
    measurements: Measurements,
) -> Rivals:
    """PostGraphile's rows checked and loaded beside the API's servers; if it cannot run, why, and no rows."""

    def client(name: str) -> str:
        return client_for(name, "postgresql", options.client, measurements)

    try:
        return rivals.compare(url, servers, queries, postgraphile, options, client, say)
    except (MismatchError, RuntimeError, OSError, sa.exc.SQLAlchemyError) as error:
        say(f"postgresql: PostGraphile's rows are skipped: {error}")
        return Rivals(skipped=str(error).strip().splitlines()[0], version=postgraphile.version)


def _progress(backend: str, row: Row, result: Load) -> str:
    errors = f", {result.errors} errors" if result.errors else ""
    return (
        f"  {backend:<10} {row.label:<24} {result.connections} conn  {report.number(result.rate):>8} req/s  "
        f"p50 {report.number(result.p50_ms):>6} ms  p99 {report.number(result.p99_ms):>6} ms  ({result.client}){errors}"
    )


def install_postgraphile(measurements: Measurements) -> rivals.Installed | None:
    """PostGraphile ready to run, or None, with why in `measurements` and on the terminal."""
    installed = rivals.install(say)
    if isinstance(installed, str):
        say(f"postgresql: PostGraphile's rows are skipped: {installed}")
        measurements.rivals = Rivals(skipped=installed)
        return None
    return installed


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description="The query set against the floor.")
    parser.add_argument("--backend", choices=[*datasets.BACKENDS, "all"], default="all")
    parser.add_argument("--quick", action="store_true", help="short runs (2 s per load) for a first look")
    parser.add_argument("--seconds", type=float, help="measured seconds per load (default 5, 2 with --quick)")
    parser.add_argument("--warmup", type=float, help="unmeasured seconds before each load (default 1)")
    parser.add_argument("--in-process-seconds", type=float, help="seconds to repeat a query in process (default 1)")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto", help="the load generator")
    parser.add_argument("--fresh", action="store_true", help="make the data sets again even if they are complete")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the results")
    parser.add_argument("--note", default="", help="a line for the top of the results (say, a shared machine)")
    parser.add_argument(
        "--postgraphile",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="on PostgreSQL, also run PostGraphile 5 (bench/postgraphile, installed by npm ci with its Node 22) "
        "on the same queries, checked row for row, beside the API and the floor (default: on; skipped, saying "
        "why, when npm or Node 22 is missing)",
    )
    options = parser.parse_args(argv)
    options.seconds = options.seconds or (2.0 if options.quick else 5.0)
    options.warmup = options.warmup if options.warmup is not None else (0.5 if options.quick else 1.0)
    options.in_process_seconds = options.in_process_seconds or (0.3 if options.quick else 1.0)
    return options


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    options = parse(arguments)
    backends = list(datasets.BACKENDS) if options.backend == "all" else [options.backend]
    if options.client == "wrk" and not wrk.available():
        raise SystemExit("wrk is not installed (on Debian: apt-get install wrk); use --client python or auto")
    started = time.monotonic()
    try:
        urls = {backend: datasets.prepare(backend, options.fresh, say) for backend in backends}
    except sa.exc.OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else error
        raise SystemExit(f"the database is not reachable ({reason}); --backend sqlite measures SQLite only") from None
    measurements = Measurements()
    postgraphile = install_postgraphile(measurements) if "postgresql" in backends and options.postgraphile else None
    queries = None
    try:
        for backend in backends:
            say(f"{backend}: checking that the floor answers the API's data")
            for setup in SETUPS.values():
                if not setup.floor:
                    in_process(setup, urls[backend], [], 0)
        for backend in backends:
            say(f"{backend}: timing in process")
            for setup in SETUPS.values():
                names = [row.query for row in rows_of(setup, NAMES)]
                timings = in_process(setup, urls[backend], names, options.in_process_seconds, checked=True)
                for name, timing in timings.items():
                    measurements.in_process[(backend, name, setup.name)] = timing
            say(f"{backend}: splitting the small and medium queries by phase")
            for setup in phases.SETUPS:
                measurements.phases |= phases.measure(setup, backend, urls[backend], options.in_process_seconds)
            say(f"{backend}: timing over HTTP")
            queries = over_http(backend, urls[backend], options, measurements, postgraphile)
    except MismatchError as error:
        say(f"\nStopped before timing anything more: {error}")
        return MISMATCH
    command = shlex.join(["python", "-m", "bench", *arguments])
    postgres = datasets.postgres_version() if "postgresql" in backends else None
    described = machine.describe(postgres)
    if postgraphile is not None:
        installed = f"{postgraphile.postgraphile} on Node {postgraphile.node}, by bench/postgraphile/package-lock.json"
        described.append(("PostGraphile", installed))
    run = report.Run(
        command=command,
        date=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        machine=described,
        seconds=options.seconds,
        warmup=options.warmup,
        in_process_seconds=options.in_process_seconds,
        note=options.note,
    )
    print(report.tables(measurements, backends))
    options.output.write_text(report.document(run, measurements, backends, queries))
    say(f"\nwrote {options.output} in {time.monotonic() - started:.0f} s")
    return 0
