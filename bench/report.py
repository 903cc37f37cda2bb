"""The table a run prints, and RESULTS.md, which holds it with the machine, the method and the targets."""

import math
from dataclasses import dataclass

import orjson

import settings
from bench.cpu import CpuUse
from bench.plan import CACHED, CONNECTIONS, FAST, FLOOR, ROWS, Row
from bench.queries import NAMES, QuerySet
from bench.results import PHASES, Measurements, Rivals
from bench.targets import TARGETS

BACKEND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

CLIENTS = {
    "wrk": "wrk, one thread",
    "python": "the raw-socket asyncio client of `bench/http_client.py`, which counts each request by the share of "
    "it inside the window (wrk counts whole requests: too few for a short run when each takes a second)",
}

PHASES_HEADING = "## Where a request's time goes (in process)"
# The columns of a phase table: (query, setup, label).
PHASE_COLUMNS = (
    ("small", FAST.name, "small, cache off"),
    ("small", CACHED.name, "small, cache on"),
    ("medium", FAST.name, "medium, cache off"),
    ("medium", CACHED.name, "medium, cache on"),
)
PHASE_LABELS = {
    "body": "HTTP body read and JSON parse (`posted`, `parsed`)",
    "key": "cache key and ETag (`_identity`, `_key`)",
    "version": "data version (`KnownVersion.known`, `_version`: the snapshot begins)",
    "cache": "cache lookup (the response store's `get`)",
    "prepared": "prepared-operation lookup and limits (`prepared.answered` less `answer`)",
    "plan": "plan lookup (`answer` before its read)",
    "turn": "the read's turn, connection and thread (`Reader.run`, `Reader.open` less the run)",
    "database": "database statements and rows (`Connection.execute`, `exec_driver_sql`, fetches)",
    "building": "building the answer (`Run.data` less its statements)",
    "encoding": "encoding (`orjson.dumps` of the payload)",
    "log": "request log (`access._log`)",
    "rest": "the rest, the total less the rows above: routing, middleware, the endpoint's own steps, the Response",
}
assert set(PHASE_LABELS) == set(PHASES)


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
    """What a run prints: each backend's table (PostgreSQL's with PostGraphile beside it), then the targets, then
    where a request's time goes."""
    parts = [f"### {BACKEND_NAMES[backend]}\n\n{table(measurements, backend)}" for backend in backends]
    if "postgresql" in backends and measurements.rivals is not None:
        parts.append(f"### PostgreSQL: Bilateral beside PostGraphile\n\n{rivals_section(measurements.rivals)}")
    parts.append(f"### Targets\n\n{targets(measurements, backends)}")
    if measurements.phases:
        parts.append(phase_tables(measurements, backends))
    return "\n\n".join(parts)


def phase_table(measurements: Measurements, backend: str) -> str:
    """One backend's phases in Markdown: a row per phase, a column pair (µs, share) per query and setup."""
    found = [
        (label, measurements.phases[(backend, query, setup)])
        for query, setup, label in PHASE_COLUMNS
        if (backend, query, setup) in measurements.phases
    ]
    phases = [each for _, each in found]
    header = ["phase", *(cell for label, _ in found for cell in (f"{label} µs", "share"))]
    lines = [_line(header), _line(["---", *["---:"] * (len(header) - 1)])]

    def row(label: str, cells: list[tuple[str, str]]) -> None:
        lines.append(_line([label, *(cell for pair in cells for cell in pair)]))

    for phase in PHASES:
        row(
            PHASE_LABELS[phase],
            [(number(each.spent_us[phase]), _share(each.spent_us[phase], each.total_us)) for each in phases],
        )
    row("**total** (median), timers in place", [(f"**{number(each.total_us)}**", "100%") for each in phases])
    row(
        "total (median) without the timers; share: what the timers add",
        [(number(each.plain_us), f"{(each.total_us - each.plain_us) / each.plain_us:+.1%}") for each in phases],
    )
    row(
        "requests timed, with / without the timers",
        [(f"{each.requests:,} / {each.plain_requests:,}", "") for each in phases],
    )
    hello = measurements.over_http.get((backend, "small", FLOOR.name, 1))
    if hello is not None:
        inside = measurements.median(backend, ("small", FLOOR.name))
        alone = f" (in process: {number(inside * 1000)} µs)" if inside is not None else ""
        label = f"*over HTTP, not in the total:* the floor's hello, p50 at 1 connection{alone}"
        row(label, [(number(hello.p50_ms * 1000), "") for _ in phases])
    return "\n".join(lines)


def phase_tables(measurements: Measurements, backends: list[str]) -> str:
    """Each backend's phase table under its name, for the terminal."""
    parts = [
        f"### {BACKEND_NAMES[backend]}: where a request's time goes, in process\n\n{phase_table(measurements, backend)}"
        for backend in backends
        if any(key[0] == backend for key in measurements.phases)
    ]
    return "\n\n".join(parts)


def phase_section(measurements: Measurements, backends: list[str], origin: str | None = None) -> str:
    """RESULTS.md's section on where a request's time goes; `origin` says how it was made when apart from the rest."""
    clients = {load.client for key, load in measurements.over_http.items() if key[2] == FLOOR.name and key[3] == 1}
    client = "wrk" if clients == {"wrk"} else "the Python client" if clients else "no client"
    loop = settings.LOOPS.get(settings.HTTP, "asyncio")
    method = f"""\
The small and medium queries, called through ASGI as in the tables above, in a process of their own per setup:
the response cache off (`BILATERAL_CACHE_MAX_AGE=0`) or on (`=60`), the fast path on, and the request log on
(`BILATERAL_ACCESS_LOG=on`, written to a file as the servers' are), on the event loop the server runs
({loop}, with {settings.HTTP}). A few of the app's functions are wrapped with timers for that process only
(`bench/phases.py` names each); a phase inside another is taken out of it. A cell is the median over the
requests of the phase's µs in a request, and its share of the median total; the rest is the median total
less the other rows, so it also holds the few per cent by which medians of skewed parts fall short of the
median of the whole. The timers cost time themselves: requests were timed in alternating blocks with and
without them, and both totals are shown. The HTTP layer is not in process: the last row is the floor's hello
over HTTP, served by uvicorn on the API's HTTP parser and event loop, loaded by {client} at one connection."""
    parts = [PHASES_HEADING, *([origin] if origin else []), method]
    parts += [
        f"### {BACKEND_NAMES[backend]}\n\n{phase_table(measurements, backend)}"
        for backend in backends
        if any(key[0] == backend for key in measurements.phases)
    ]
    return "\n\n".join(parts)


def with_section(text: str, section: str) -> str:
    """RESULTS.md's `text` with its phase section replaced by `section`, or added before the queries (or at the end)."""
    start = text.find(PHASES_HEADING + "\n")
    if start >= 0:
        end = text.find("\n## ", start + len(PHASES_HEADING))
        after = text[end + 1 :] if end >= 0 else ""
        return f"{text[:start]}{section.strip()}\n" + (f"\n{after}" if after else "")
    queries = text.find("\n## Queries\n")
    if queries >= 0:
        return f"{text[: queries + 1]}{section.strip()}\n\n{text[queries + 1 :]}"
    return f"{text.rstrip()}\n\n{section.strip()}\n"


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
    if measurements.phases:
        sections.append(phase_section(measurements, backends))
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


def _share(part: float, whole: float) -> str:
    return f"{part / whole:.1%}" if whole else ""


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"
