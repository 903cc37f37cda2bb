"""The table a run prints, and RESULTS.md, which holds it with the machine, the method and the targets."""

import math
from dataclasses import dataclass

import orjson

from bench.plan import CONNECTIONS, ROWS, Row
from bench.queries import QuerySet
from bench.results import Measurements
from bench.targets import TARGETS

BACKEND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

CLIENTS = {
    "wrk": "wrk, one thread",
    "python": "the raw-socket asyncio client of `bench/http_client.py`, which counts each request by the share of "
    "it inside the window (wrk counts whole requests: too few for a short run when each takes a second)",
}


@dataclass(frozen=True)
class Run:
    """How a run was made: what RESULTS.md says above its tables."""

    command: str
    date: str
    machine: list[tuple[str, str]]
    seconds: float
    warmup: float
    in_process_seconds: float
    note: str = ""


def number(value: float | None) -> str:
    """A time or a rate to three significant figures or so; a dash when not measured."""
    if value is None or math.isnan(value):
        return "–"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 0.1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def ratio(value: float | None, baseline: float | None) -> str:
    if value is None or baseline is None or not value or not baseline:
        return ""
    return f"{value / baseline:.2f}×"


def _cells(measurements: Measurements, backend: str, row: Row) -> list[str]:
    timing = measurements.in_process.get((backend, *row.key))
    floor_median = measurements.median(backend, row.baseline) if row.baseline else None
    cells = [
        row.label,
        number(timing.median_ms if timing else None),
        str(timing.statements) if timing else "–",
        ratio(timing.median_ms if timing else None, floor_median),
    ]
    for connections in CONNECTIONS:
        load = measurements.over_http.get((backend, *row.key, connections))
        floor_rate = measurements.rate(backend, row.baseline, connections) if row.baseline else None
        rate = number(load.rate if load else None) + (f" ({load.errors} errors)" if load and load.errors else "")
        cells += [
            rate,
            number(load.p50_ms if load else None),
            number(load.p99_ms if load else None),
            ratio(floor_rate, load.rate if load else None),
        ]
    return cells


def table(measurements: Measurements, backend: str) -> str:
    """One backend's table in Markdown: in process, then over HTTP at each number of connections."""
    header = ["query", "ms", "SQL", "× floor"]
    for connections in CONNECTIONS:
        header += [
            f"req/s @{connections}",
            f"p50 ms @{connections}",
            f"p99 ms @{connections}",
            f"× floor @{connections}",
        ]
    align = ["---", *["---:"] * (len(header) - 1)]
    lines = [_line(header), _line(align)]
    lines += [_line(_cells(measurements, backend, row)) for row in ROWS if _measured(measurements, backend, row)]
    return "\n".join(lines)


def targets(measurements: Measurements, backends: list[str]) -> str:
    """The targets in Markdown, each measured and marked on each backend."""
    lines = [_line(["backend", "target", "measured", ""]), _line(["---", "---", "---:", "---"])]
    for backend in backends:
        for target in TARGETS:
            found = target.measure(measurements, backend)
            if found is not None:
                value, met = found
                lines.append(_line([BACKEND_NAMES[backend], target.description, value, "pass" if met else "**FAIL**"]))
    return "\n".join(lines)


def tables(measurements: Measurements, backends: list[str]) -> str:
    """What a run prints: each backend's table, then the targets."""
    parts = [f"### {BACKEND_NAMES[backend]}\n\n{table(measurements, backend)}" for backend in backends]
    return "\n\n".join([*parts, f"### Targets\n\n{targets(measurements, backends)}"])


def document(run: Run, measurements: Measurements, backends: list[str], queries: QuerySet | None) -> str:
    """RESULTS.md."""
    machine = "\n".join(f"- {name}: {value}" for name, value in run.machine)
    clients = _clients(measurements)
    note = f"\n> {run.note}\n" if run.note else ""
    method = f"""\
- Data: the synthetic data set (`cli.py synthetic`: 200 countries, 2,000 relations, 100,000 events), in
  `var/bench.db` on SQLite and in the database `bilateral_bench` on PostgreSQL.
- **ms, SQL**: in process, the app called through ASGI with no socket in between; the median of repeats
  over {run.in_process_seconds:g} s (at least 5), and the SQL statements one request runs (counted with
  SQLAlchemy's `before_cursor_execute` on the app's engine).
- **req/s, p50, p99 @n**: over HTTP, one server process on 127.0.0.1 per setup, n keep-alive connections
  each with one request in flight, {run.warmup:g} s of warm-up then {run.seconds:g} s measured.
  Load generator: {clients}.
- **× floor**: the query's time over its floor's, measured in the same run (over HTTP: the floor's
  throughput over the query's). The floor (`bench/floor.py`) answers the medium and large queries with
  hand-written SQL and orjson, and was checked to return the API's `data` byte for byte before anything
  was timed; the small query's floor is its plain `hello` endpoint.
- The response cache is off (`BILATERAL_CACHE_MAX_AGE=0`) except in the row that says it is on.
  "fast path on/off" is `BILATERAL_COMPILED=1`/`0`: the compiled read path, or normal execution for all."""
    sections = [
        "# Benchmark results",
        f"{note}\n`{run.command}`, {run.date}.",
        f"## Machine\n\n{machine}",
        f"## Method\n\n{method}",
        *(f"## {BACKEND_NAMES[backend]}\n\n{table(measurements, backend)}" for backend in backends),
        f"## Targets\n\nOver HTTP at one connection unless stated; marked, not asserted.\n\n"
        f"{targets(measurements, backends)}",
    ]
    if queries is not None:
        documents = "\n\n".join(
            f"{query.name}{f', with `{orjson.dumps(query.variables).decode()}`' if query.variables else ''}:\n\n"
            f"```graphql\n{query.document.strip()}\n```"
            for query in queries
        )
        sections.append(f"## Queries\n\n{documents}")
    return "\n\n".join(section.strip("\n") for section in sections) + "\n"


def _clients(measurements: Measurements) -> str:
    """Which load generator ran which queries, and the most CPU it took."""
    parts = []
    for client, description in CLIENTS.items():
        loads = {key: load for key, load in measurements.over_http.items() if load.client == client}
        if loads:
            queries = ", ".join(dict.fromkeys(key[1] for key in loads))
            busiest = max(load.client_cpu for load in loads.values())
            parts.append(f"for {queries}, {description}; it used at most {busiest:.1%} of a core")
    return "; ".join(parts) or "none ran"


def _measured(measurements: Measurements, backend: str, row: Row) -> bool:
    return (backend, *row.key) in measurements.in_process or any(
        (backend, *row.key, connections) in measurements.over_http for connections in CONNECTIONS
    )


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"
