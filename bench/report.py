"""The table a run prints, and RESULTS.md, which holds it with the machine, the method and the targets."""

import math
from dataclasses import dataclass

import orjson

from bench.cpu import CpuUse
from bench.plan import CONNECTIONS, ROWS, Row
from bench.queries import NAMES, QuerySet
from bench.results import Measurements, Rivals
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
    """What a run prints: each backend's table (PostgreSQL's with PostGraphile beside it), then the targets."""
    parts = [f"### {BACKEND_NAMES[backend]}\n\n{table(measurements, backend)}" for backend in backends]
    if "postgresql" in backends and measurements.rivals is not None:
        parts.append(f"### PostgreSQL: Bilateral beside PostGraphile\n\n{rivals_section(measurements.rivals)}")
    return "\n\n".join([*parts, f"### Targets\n\n{targets(measurements, backends)}"])


RIVAL_CONNECTIONS = (1, 4)
SERVERS = {
    "fast": "Bilateral",
    "postgraphile": "PostGraphile",
    "floor": "floor",
    "fast-same": "Bilateral, one request on all connections",
}


def _cpu(use: CpuUse | None) -> str:
    """CPU ms per request: the total, then the server's and PostgreSQL's shares."""
    if use is None or use.app_ms is None:
        return "–"
    if use.database_ms is None:
        return f"{number(use.app_ms)} + ?"
    return f"{number(use.total_ms)} ({number(use.app_ms)} + {number(use.database_ms)})"


def rivals_section(rivals: Rivals) -> str:
    """The API beside PostGraphile 5 (and the floor), measured in one phase: a summary, the details, the notes."""
    if rivals.skipped:
        return f"PostGraphile was not measured: {rivals.skipped}"
    timed = [name for name in NAMES if any(key[0] == name for key in rivals.loads)]
    summary = [
        _line(
            [
                "query",
                "Bilateral p50 ms @1",
                "PostGraphile p50 ms @1",
                "Bilateral req/s @4",
                "PostGraphile req/s @4",
                "Bilateral CPU ms/request @4",
                "PostGraphile CPU ms/request @4",
                "Bilateral ÷ PostGraphile req/s @1",
                "Bilateral ÷ PostGraphile req/s @4",
                "Bilateral ÷ floor req/s @4",
            ]
        ),
        _line(["---", *["---:"] * 9]),
    ]
    for name in timed:
        load = rivals.loads.get
        ours, theirs = load((name, "fast", 1)), load((name, "postgraphile", 1))
        cells = [
            name,
            number(ours.p50_ms if ours else None),
            number(theirs.p50_ms if theirs else None),
            number(rivals.rate(name, "fast", 4)),
            number(rivals.rate(name, "postgraphile", 4)),
            _cpu(rivals.cpu.get((name, "fast", 4))),
            _cpu(rivals.cpu.get((name, "postgraphile", 4))),
            ratio(rivals.rate(name, "fast", 1), rivals.rate(name, "postgraphile", 1)),
            ratio(rivals.rate(name, "fast", 4), rivals.rate(name, "postgraphile", 4)),
            ratio(rivals.rate(name, "fast", 4), rivals.rate(name, "floor", 4)) if name != "small" else "",
        ]
        summary.append(_line(cells))
    header = ["query, server"]
    for connections in RIVAL_CONNECTIONS:
        header += [
            f"req/s @{connections}",
            f"p50 ms @{connections}",
            f"p99 ms @{connections}",
            f"CPU ms/request @{connections}",
            f"Bilateral ÷ it @{connections}",
        ]
    details = [_line(header), _line(["---", *["---:"] * (len(header) - 1)])]
    for name in timed:
        for server, label in SERVERS.items():
            if not any(key[:2] == (name, server) for key in rivals.loads):
                continue
            shown = "hello (floor)" if (name, server) == ("small", "floor") else label
            cells = [f"{name}, {shown}"]
            for connections in RIVAL_CONNECTIONS:
                measured = rivals.loads.get((name, server, connections))
                errors = f" ({measured.errors} errors)" if measured and measured.errors else ""
                cells += [
                    number(measured.rate if measured else None) + errors,
                    number(measured.p50_ms if measured else None),
                    number(measured.p99_ms if measured else None),
                    _cpu(rivals.cpu.get((name, server, connections))),
                    ""
                    if server in ("fast", "fast-same")
                    else ratio(rivals.rate(name, "fast", connections), rivals.rate(name, server, connections)),
                ]
            details.append(_line(cells))
    notes = [f"- {name}: **not timed**: {why}" for name, why in rivals.differ.items()]
    notes += [f"- {name}: {count:,} rows equal, in order" for name, count in rivals.rows.items()]
    parts = ["\n".join(summary), "\n".join(details), "Rows checked before timing:\n\n" + "\n".join(notes)]
    same = [f"{name} {share:.0%}" for (name, server, _), share in rivals.shared.items() if server == "fast-same"]
    numbered = [share for (_, server, _), share in rivals.shared.items() if server == "fast" and share > 0]
    parts.append(
        "Each connection numbers its requests with a variable no operation declares (`benchRequest`), so that no "
        "two requests in flight are the same: the API runs identical operations that arrive while one is in "
        "flight once and gives each the answer (`web/bursts.py`), which PostGraphile and the floor do not. The "
        'row "Bilateral, one request on all connections" sends the same request on all 4, as the main table '
        "does; share of its answers made so: "
        + (", ".join(same) or "none counted")
        + "."
        + (f" (Numbered requests still shared up to {max(numbered):.0%} of answers.)" if numbered else "")
    )
    return "\n\n".join(parts)


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
    rivals = measurements.rivals if "postgresql" in backends else None
    if rivals is not None and not rivals.skipped:
        method += f"""
- **PostGraphile** ({rivals.version}; `bench/postgraphile/`: the amber preset, `NODE_ENV=production`,
  no GraphiQL or explain, its default pool of 10 connections, as is the API's) serves the same database with
  the SQL functions of `bench/postgraphile/functions.sql` in a schema of its own, and is asked the same
  logical queries (below). Before timing, each query's answers from the API and from PostGraphile were
  normalized to the same list of rows and checked equal, in order. Then the API (fast path on, cache off),
  PostGraphile and the floor were loaded one after another at 1 and 4 connections with the query's load
  generator, {run.warmup:g} s of warm-up then {run.seconds:g} s measured, each request numbered so that
  the API's single flight does not answer several with one execution (see below the table).
- **CPU ms/request**: the CPU time the server's processes used in the measured window (from /proc, all
  threads) plus that of the PostgreSQL backends its connections opened (found by their `application_name`
  in `pg_stat_activity`), over the requests counted: total (server + PostgreSQL). The load generator's is
  not in it, nor that of a backend that closed inside the window. **Bilateral ÷ PostGraphile** is the
  API's throughput over PostGraphile's: above 1 the API is faster."""
    sections = [
        "# Benchmark results",
        f"{note}\n`{run.command}`, {run.date}.",
        f"## Machine\n\n{machine}",
        f"## Method\n\n{method}",
        *(f"## {BACKEND_NAMES[backend]}\n\n{table(measurements, backend)}" for backend in backends),
        f"## Targets\n\nOver HTTP at one connection unless stated; marked, not asserted.\n\n"
        f"{targets(measurements, backends)}",
    ]
    if rivals is not None:
        # Beside PostgreSQL's table, before the targets.
        at = 4 + backends.index("postgresql") + 1
        sections.insert(at, f"### Bilateral beside PostGraphile 5\n\n{rivals_section(rivals)}")
    if queries is not None:
        documents = "\n\n".join(
            f"{query.name}{f', with `{orjson.dumps(query.variables).decode()}`' if query.variables else ''}:\n\n"
            f"```graphql\n{query.document.strip()}\n```"
            for query in queries
        )
        sections.append(f"## Queries\n\n{documents}")
    if rivals is not None and rivals.documents:
        documents = "\n\n".join(
            f"{name}{f', with `{orjson.dumps(variables).decode()}`' if variables else ''}:\n\n"
            f"```graphql\n{document.strip()}\n```"
            for name, (document, variables) in rivals.documents.items()
        )
        sections.append(f"## The same queries as PostGraphile is asked them\n\n{documents}")
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
