"""Where a request's time goes, in process: the small and medium queries' time split by phase.

`python -m bench.phases` runs one process per backend and setup (the response cache off, and on: the API reads
its settings once, on import), with the request log on as `cli.py serve` has it. Each process calls the app
through ASGI, as `bench/inprocess.py` does, on the event loop the server runs (uvloop with httptools), and
attributes each request's wall time to phases by wrapping a handful of the app's functions with timers, for
that process only (`setattr` on their modules and classes; the app looks them up at each call):

- body: the HTTP body read and its JSON parsed (`web.transport.posted`, `parsed`);
- key: the operation's identity, the cache key and ETag (`_identity`, `_key` in web/endpoint.py);
- version: the data version (`KnownVersion.known`, and `_version`: the request's snapshot begins);
- cache: the response store's `get`;
- prepared: the prepared operation looked up and its variables, cost and limits admitted (`prepared.answered`,
  less the `answer` it calls);
- plan: the plan looked up (`answer` before its read);
- turn: the read handed to the request's connection (`Reader.run` and `Reader.open` less the run: a worker thread
  on PostgreSQL, and the connection taken from the pool);
- database: SQLAlchemy's `Connection.execute` and `exec_driver_sql`, and the rows fetched from the driver,
  inside the read (on PostgreSQL, a prepared operation's statement begins the snapshot, in its round trip);
- building: the run's read callback less its statements (`Run.data`: the response built as dicts);
- encoding: `orjson.dumps` of the payload in web/endpoint.py;
- log: the request log's line (`access._log`, when it logs the request);
- rest: the request's time less all of the above: routing, the middleware, the endpoint's own steps,
  Starlette's Response and the ASGI messages.

A phase inside another (a statement inside the run) is taken out of the outer one, so the phases of a request
add up to its time. Each phase is reported as the median over requests of its time in a request. The timers
cost time too: requests are timed in alternating blocks with the wrappers in place and without them, and the
medians of both are reported. The HTTP layer is not in process: the floor's hello over HTTP, on the server
stack the API runs on, is measured beside it.
"""

import argparse
import asyncio
import functools
import inspect
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from logging.config import dictConfig
from pathlib import Path
from typing import Any, TypeVar

import orjson
import sqlalchemy as sa
import uvloop
from sqlalchemy.engine.cursor import CursorFetchStrategy
from starlette.applications import Starlette

import settings
from app import create_app
from bench import datasets, http_client, machine, report, wrk
from bench.asgi import post, running
from bench.inprocess import in_process
from bench.plan import CACHED, FAST, FLOOR, Setup
from bench.queries import SMALL, Query, discover
from bench.results import PHASES, Load, Measurements, Phases
from bench.servers import HOST, serving, wait_until_idle
from pipeline import prepared
from pipeline.compiled import EXECUTIONS
from pipeline.compiled.run import Run
from resolvers.reading import Reader
from resolvers.versions import KnownVersion
from web import access, endpoint, logs
from web.server import settle

T = TypeVar("T")

RESULTS = settings.ROOT / "bench" / "RESULTS.md"
QUERIES = ("small", "medium")
# The setups of the table's columns: the response cache off, then on. Each runs with the request log on.
SETUPS = (FAST, CACHED)
LOGGED = {"BILATERAL_ACCESS_LOG": "on"}
WARM_UP = 50  # requests before timing: the operation is prepared, its plan made, its answer cached
BLOCK = 25  # requests in a row with the timers in place, or without them
AT_LEAST = 4  # blocks of each, however short the time
HTTP_SECONDS = 2.0  # the hello over HTTP: short, since it varies little
HTTP_WARMUP = 0.5


class Request:
    """One request's phases: the seconds each has taken so far, less the phases inside it, and those open now."""

    __slots__ = ("open", "spent", "tangled")

    def __init__(self) -> None:
        self.spent = dict.fromkeys(PHASES, 0.0)
        self.open: list[list[Any]] = [[None, 0.0, 0.0]]  # [phase, started, seconds of the phases inside it]
        self.tangled = False

    def leave(self, frame: list[Any], elapsed: float) -> None:
        if self.open[-1] is frame:
            self.open.pop()
        else:  # two phases overlapped (reads of one request run at once): this request's split is not one
            self.tangled = True
            self.open.remove(frame)
        self.spent[frame[0]] += elapsed - frame[2]
        self.open[-1][2] += elapsed


# The request being timed, in the task that answers it (and the worker threads it hands reads to).
_timed: ContextVar[Request | None] = ContextVar("timed", default=None)


def timed(
    phase: str,
    function: Callable[..., Any],
    within: frozenset[str | None] | None = None,
    when: Callable[..., bool] | None = None,
) -> Callable[..., Any]:
    """`function`, sync or async, timing each call as `phase` of the request being timed.

    A call outside a timed request, inside a phase not `within` (when given: None for no phase), or for which
    `when(*arguments)` is false is not timed: its time stays with the phase around it. What the timer costs
    itself is kept short (a few hundred nanoseconds a call): some are called for each row read.
    """
    clock = time.perf_counter
    get = _timed.get

    def timing(arguments: tuple[Any, ...], keywords: dict[str, Any]) -> Request | None:
        request = get()
        if request is None or (within is not None and request.open[-1][0] not in within):
            return None
        if when is not None and not when(*arguments, **keywords):
            return None
        return request

    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def awaited(*arguments: Any, **keywords: Any) -> Any:
            request = timing(arguments, keywords)
            if request is None:
                return await function(*arguments, **keywords)
            frame: list[Any] = [phase, clock(), 0.0]
            request.open.append(frame)
            try:
                return await function(*arguments, **keywords)
            finally:
                request.leave(frame, clock() - frame[1])

        return awaited

    @functools.wraps(function)
    def called(*arguments: Any, **keywords: Any) -> Any:
        request = get()
        if request is None or (within is not None and request.open[-1][0] not in within):
            return function(*arguments, **keywords)
        if when is not None and not when(*arguments, **keywords):
            return function(*arguments, **keywords)
        frame: list[Any] = [phase, clock(), 0.0]
        request.open.append(frame)
        try:
            return function(*arguments, **keywords)
        finally:
            request.leave(frame, clock() - frame[1])

    return called


TOP = frozenset({None})
IN_RUN = frozenset({"building", "turn"})
# What is wrapped: (module or class, attribute, phase, the phases it is timed within, when it is timed).
WRAPPED: tuple[tuple[Any, str, str, frozenset[str | None] | None, Callable[..., bool] | None], ...] = (
    (endpoint, "posted", "body", None, None),
    (endpoint, "parsed", "body", None, None),
    (endpoint, "_identity", "key", None, None),
    (endpoint, "_key", "key", None, None),
    (KnownVersion, "known", "version", None, None),
    (endpoint, "_version", "version", None, None),
    (prepared, "answered", "prepared", None, None),
    (prepared, "answer", "plan", frozenset({"prepared"}), None),
    (Reader, "run", "turn", frozenset({"plan"}), None),
    (Reader, "open", "turn", frozenset({"plan"}), None),
    (Run, "data", "building", frozenset({"turn"}), None),
    (sa.Connection, "execute", "database", IN_RUN, None),
    (sa.Connection, "exec_driver_sql", "database", IN_RUN, None),
    (CursorFetchStrategy, "fetchone", "database", IN_RUN, None),
    (CursorFetchStrategy, "fetchmany", "database", IN_RUN, None),
    (CursorFetchStrategy, "fetchall", "database", IN_RUN, None),
    (access, "_log", "log", None, access.logged),
)
_ABSENT = object()


@contextmanager
def wrapped(app: Starlette) -> Iterator[None]:
    """The timers in place for the block: the functions of `WRAPPED`, web/endpoint.py's `orjson.dumps` (the payload
    alone: the identity's is inside the key's phase), and the `get` of `app`'s response store; then the originals."""
    encoder = types.SimpleNamespace(**vars(orjson))
    encoder.dumps = timed("encoding", orjson.dumps, TOP)
    store = app.state.stores.responses
    replaced: list[tuple[Any, str, Any, Any]] = [
        (owner, name, owner.__dict__.get(name, _ABSENT) if isinstance(owner, type) else getattr(owner, name), timer)
        for owner, name, phase, within, when in WRAPPED
        for timer in [timed(phase, getattr(owner, name), within, when)]
    ]
    replaced += [
        (endpoint, "orjson", orjson, encoder),
        (store, "get", store.__dict__.get("get", _ABSENT), timed("cache", store.get)),
    ]
    try:
        for owner, name, _, timer in replaced:
            setattr(owner, name, timer)
        yield
    finally:
        for owner, name, original, _ in reversed(replaced):
            if original is _ABSENT:
                delattr(owner, name)
            else:
                setattr(owner, name, original)


async def profile(app: Starlette, body: bytes, seconds: float, path: str = "/graphql") -> tuple[Phases, list[Request]]:
    """POST `body` to `path` of `app` (started) for about `seconds` with the timers in place and as long without,
    in alternating blocks; the medians, and each request timed with the timers. Every answer must be a 200 without
    errors, and no request may leave the prepared lane for the whole pipeline: that time would be no phase's."""

    async def call() -> None:
        status, answer = await post(app, path, body)
        if status != 200 or b'"errors"' in answer:
            raise RuntimeError(f"{path} answered {status}: {answer[:500]!r}")

    for _ in range(WARM_UP):
        await call()
    executed = _whole_pipeline()
    plain: list[float] = []
    requests: list[Request] = []
    deadline = time.perf_counter() + 2 * seconds
    while len(requests) < AT_LEAST * BLOCK or time.perf_counter() < deadline:
        for _ in range(BLOCK):
            started = time.perf_counter()
            await call()
            plain.append(time.perf_counter() - started)
        with wrapped(app):
            for _ in range(BLOCK):
                request = Request()
                token = _timed.set(request)
                started = time.perf_counter()
                try:
                    await call()
                finally:
                    request.spent["rest"] = time.perf_counter() - started
                    _timed.reset(token)
                requests.append(request)
    if (whole := _whole_pipeline() - executed) > 0:
        raise RuntimeError(f"{whole} requests went through the whole pipeline, whose time is no phase's")
    if any(request.tangled or len(request.open) > 1 for request in requests):
        raise RuntimeError("phases overlapped within a request: its time cannot be split by phase")
    return summary(requests, plain), requests


def _whole_pipeline() -> int:
    """How many operations the whole pipeline has executed (compiled or not): every execution less the prepared
    lane's answers."""
    return sum(EXECUTIONS.values()) - prepared.TALLY["answered"]


def summary(requests: list[Request], plain: list[float]) -> Phases:
    """The medians, in microseconds, of `requests` (each with its whole time in `spent["rest"]`, its rest then
    worked out here) and of the `plain` requests' times in seconds.

    A phase's time is the median of its time in each request; the rest is the median total less those, so the
    phases add up to the total. Most phases' times are skewed to the right (a request now and then waits longer in
    one of them), so the medians of the parts add up to a little less than the median of the whole: the rest
    holds that difference too, a few per cent of the total, on top of the median of each request's own rest.
    """
    totals = []
    for request in requests:
        total = request.spent["rest"]
        request.spent["rest"] = total - sum(seconds for phase, seconds in request.spent.items() if phase != "rest")
        totals.append(total)
    total = statistics.median(totals)
    spent = {phase: statistics.median(request.spent[phase] for request in requests) for phase in PHASES}
    spent["rest"] = total - sum(seconds for phase, seconds in spent.items() if phase != "rest")
    microseconds = {phase: seconds * 1e6 for phase, seconds in spent.items()}
    return Phases(microseconds, total * 1e6, statistics.median(plain) * 1e6, len(requests), len(plain))


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` on the event loop the server runs on (`BILATERAL_HTTP`: uvloop with httptools)."""
    if settings.LOOPS.get(settings.HTTP) == "uvloop":
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            return runner.run(coroutine)
    return asyncio.run(coroutine)


async def measure_here(seconds: float) -> dict[str, Phases]:
    """In this process (its environment one setup's): the app on `BILATERAL_DATABASE_URL`, each query profiled."""
    async with running(create_app(settings.DATABASE_URL)) as app:
        settle()  # as the server does once started

        async def ask(path: str, body: bytes) -> bytes:
            return (await post(app, path, body))[1]

        queries = await discover(ask)
        return {name: (await profile(app, queries.named(name).body, seconds))[0] for name in QUERIES}


def measure(setup: Setup, backend: str, url: str, seconds: float) -> dict[tuple[str, str, str], Phases]:
    """Profile the queries in a process of their own with `setup`'s environment and the request log on."""
    command = [sys.executable, "-m", "bench.phases", "--setup", setup.name, "--seconds", str(seconds)]
    environment = {**os.environ, **setup.env(url), **LOGGED}
    done = subprocess.run(command, cwd=settings.ROOT, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"splitting {setup.label} by phase failed:\n{done.stderr}")
    found = orjson.loads(done.stdout)
    return {(backend, name, setup.name): Phases.from_json(values) for name, values in found.items()}


def hello_over_http(url: str, seconds: float) -> Load:
    """The floor's hello over HTTP at one connection, served on the API's HTTP parser and event loop."""
    body = Query("small", SMALL).body
    with tempfile.TemporaryDirectory() as folder, serving({"floor": (FLOOR.target, FLOOR.env(url))}, Path(folder)) as s:
        server = s["floor"]

        def idle() -> None:
            wait_until_idle([server])

        if wrk.available():
            found = wrk.load(server.base, "/hello", body, 1, seconds, HTTP_WARMUP, idle)
        else:
            size = len(asyncio.run(http_client.post(server.base, "/hello", body)))
            found = asyncio.run(http_client.load(HOST, server.port, "/hello", body, 1, seconds, HTTP_WARMUP, size))
    return found


def _log_to(path: Path) -> None:
    """The app's logging as `cli.py serve` sets it up, its lines to `path` (as the bench's servers write theirs)."""
    config = logs.config(settings.LOG_FORMAT == "json", "DEBUG" if settings.DEBUG else "INFO")
    config["handlers"]["stderr"]["stream"] = path.open("a", buffering=1)  # a line at a time, as to a terminal
    dictConfig(config)


def _child(setup: str, seconds: float) -> int:
    with tempfile.TemporaryDirectory() as folder:
        _log_to(Path(folder) / f"{setup}.log")
        found = run(measure_here(seconds))
    sys.stdout.write(orjson.dumps({name: phases.to_json() for name, phases in found.items()}).decode() + "\n")
    return 0


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.phases", description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=[*datasets.BACKENDS, "all"], default="all")
    parser.add_argument("--seconds", type=float, default=1.0, help="seconds per query and setup, timed each way")
    parser.add_argument("--prepare", action="store_true", help="make the data set first if it is missing")
    parser.add_argument("--output", type=Path, default=RESULTS, help="the results file whose section to rewrite")
    parser.add_argument("--no-write", action="store_true", help="print the tables only")
    parser.add_argument("--note", default="", help="a line for the section (say, a shared machine)")
    parser.add_argument("--setup", choices=[setup.name for setup in SETUPS], help=argparse.SUPPRESS)
    options = parser.parse_args(arguments)
    if options.setup:  # one setup, in this process: what `measure` runs
        return _child(options.setup, options.seconds)
    backends = list(datasets.BACKENDS) if options.backend == "all" else [options.backend]
    urls = {}
    for backend in backends:
        if options.prepare:
            urls[backend] = datasets.prepare(backend, say=_say)
        elif datasets.complete(url := datasets.url_of(backend)):
            urls[backend] = url
        else:
            _say(f"{backend}: the synthetic data set is missing or incomplete (`--prepare` makes it, as `make bench`)")
            return 2
    measurements = Measurements()
    for backend, url in urls.items():
        _say(f"{backend}: splitting the small and medium queries by phase")
        for setup in SETUPS:
            measurements.phases |= measure(setup, backend, url, options.seconds)
        measurements.in_process[(backend, "small", FLOOR.name)] = in_process(FLOOR, url, ["small"], 1.0, True)["small"]
        measurements.over_http[(backend, "small", FLOOR.name, 1)] = hello_over_http(url, HTTP_SECONDS)
    print(report.phase_tables(measurements, backends))
    if not options.no_write:
        command = shlex.join(["python", "-m", "bench.phases", *arguments])
        date = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
        origin = f"`{command}`, {date}, commit {machine.revision()}, apart from the run above."
        origin = f"> {options.note}\n\n{origin}" if options.note else origin
        section = report.phase_section(measurements, backends, origin)
        text = options.output.read_text() if options.output.exists() else "# Benchmark results\n"
        options.output.write_text(report.with_section(text, section))
        _say(f"wrote the section to {options.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
