"""PostGraphile 5 beside the API on PostgreSQL: the same logical queries, checked row for row, then timed.

`bench/postgraphile/` holds what it runs: package.json and package-lock.json (PostGraphile 5 and the `node`
package, which ships a Node 22 binary from the npm registry), graphile.config.mjs (the amber preset on the
bench database, production mode) and functions.sql (a schema of its own, `postgraphile_bench`, with the few
SQL functions that give PostGraphile the API's sets and orders: either side of a relation, participants
people first, citations by subject type and id, events of some kinds latest first).

1. `install`: `npm ci` there, once per package-lock.json, and check the Node it brought is 22 or later;
   without npm, or when the install fails, say why: the harness then skips only these rows.
2. `compare`, with the API and the floor already serving: run functions.sql, start PostGraphile, ask it the
   relation and the second page's cursor as `bench.queries.discover` asks the API, and for each query ask
   both servers and check that their rows are equal in the same order (`check_same_rows`); a query whose
   rows differ is reported and not timed.
3. Load the API (fast path on, cache off), PostGraphile and the floor with each query at 1 and 4
   connections, with the load generator the harness chose for the query, reading the CPU each server and
   its PostgreSQL backends used in the measured window (`bench.cpu`). Each request is numbered with a
   variable no operation declares, so that the API's single flight (identical operations in flight run
   once, web/bursts.py) does not answer several requests with one execution; one more load at 4
   connections sends the API the same request on all of them, as the main table does, and counts in its
   request log how many answers were shared.
"""

import argparse
import asyncio
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import orjson

import settings
from bench import http_client, wrk
from bench.compare import MismatchError
from bench.cpu import CpuMeter, tagged
from bench.queries import NAMES, Post, Query, QuerySet
from bench.results import Load, Rivals
from bench.servers import HOST, START_TIMEOUT, Server, free_port, stop, wait_until_idle
from models.database import create_engine

FOLDER = settings.ROOT / "bench" / "postgraphile"
MODULES = FOLDER / "node_modules"
NODE = MODULES / ".bin" / "node"
CLI = MODULES / "postgraphile" / "dist" / "cli-run.js"
FUNCTIONS = FOLDER / "functions.sql"
INSTALLED = MODULES / ".bench-installed"  # the hash of the package-lock.json that `npm ci` installed
NODE_MAJOR = 22
INSTALL_TIMEOUT = 900.0
CONNECTIONS = (1, 4)
# The rows of this phase, as results name them. Every connection numbers its requests (`http_client.numbered`)
# so that no two in flight are the same, except in SAME: the API with the same request on every connection,
# which its single flight (web/bursts.py) runs once for all those in flight at the time.
API, POSTGRAPHILE, FLOOR, SAME = "fast", "postgraphile", "floor", "fast-same"
NAMES_OF = {API: "Bilateral", POSTGRAPHILE: "PostGraphile", FLOOR: "floor", SAME: "Bilateral, same requests"}
SAME_CONNECTIONS = 4

# The API's queries (bench/queries.py) as PostGraphile asks them. Aliases give its fields the API's names where
# only the name differs; dates stay two columns (`dateText`, `datePrecision`), enums the stored lowercase words.
SMALL = '{ country: countryByCode(code: "SYN001") { name } }'

MEDIUM = """
query Medium($id: ID!) {
  node(id: $id) {
    ... on Relation {
      slug
      status
      establishedText establishedPrecision
      events: eventsByRelationId(first: 20, orderBy: [SORT_DATE_ASC, SORT_PRECISION_ASC, SLUG_ASC]) {
        nodes {
          slug title kind dateText datePrecision
          participants: participantsList { role basis country: countryByCountryId { code name } }
          citations: citationsList { excerpt start end }
        }
      }
      citations: citationsList { excerpt start end }
    }
  }
}
"""

LARGE = """
{ countries: allCountries(first: 20, orderBy: CODE_ASC) { nodes { code name relations(first: 10) { nodes {
  slug status events: eventsByRelationId(first: 10, orderBy: [SORT_DATE_ASC, SORT_PRECISION_ASC, SLUG_ASC]) {
  nodes { slug title kind dateText datePrecision
  participants: participantsList { role country: countryByCountryId { code } } } } } } } } }
"""

FILTERED = """
query Filtered($id: ID!, $after: Cursor) {
  node(id: $id) {
    ... on Relation {
      slug
      events: eventsOfKinds(
        kinds: ["summit", "war", "agreement_signed", "agreement_adopted", "disruption", "security_threat"]
        first: 10
        after: $after
      ) {
        totalCount
        edges { cursor node { slug title kind dateText datePrecision
          participants: participantsList { role country: countryByCountryId { code } } } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""

FIRST_RELATION = '{ country: countryByCode(code: "SYN001") { relations(first: 1) { nodes { id } } } }'
READY = orjson.dumps({"query": "{ __typename }"})
# How the API's request log says an answer was made: executed (miss), taken from an identical request in flight
# at the same time (shared: its single flight, web/bursts.py), or from the response cache (hit; off here).
ANSWERED = re.compile(rb'cache(?:=|": ")(shared|miss|hit)')


class RowsDiffer(MismatchError):
    """PostGraphile's rows for a query are not the API's: timing one against the other would mean nothing."""


@dataclass(frozen=True)
class Installed:
    """PostGraphile installed in bench/postgraphile, and the Node it runs on."""

    node: str  # "v22.23.3"
    postgraphile: str  # "5.1.5"

    @property
    def version(self) -> str:
        return f"PostGraphile {self.postgraphile} on Node {self.node}"


# Normalization: both answers to the same list of tuples, in order. A tuple's first item says what it is, so a
# row of one level cannot pass for a row of another; the order of the list is the order of the answer.

Row = tuple[Any, ...]


def _word(value: Any) -> Any:
    """An enum value: the API's GraphQL name (SUMMIT) and PostGraphile's stored word (summit) alike."""
    return value.upper() if isinstance(value, str) else value


def _date(node: Mapping[str, Any], field: str) -> tuple[str, str] | None:
    """A partial date: the API's `{text, precision}` object, or PostGraphile's `…Text` and `…Precision`."""
    if field in node:
        value = node[field]
        text, precision = (None, None) if value is None else (value["text"], value["precision"])
    else:
        text, precision = node[f"{field}Text"], node[f"{field}Precision"]
    return None if text is None or precision is None else (text, _word(precision))


def _code(participant: Mapping[str, Any], key: str = "code") -> Any:
    country = participant["country"]
    return None if country is None else country[key]


def _event(event: Mapping[str, Any], detailed: bool) -> list[Row]:
    rows: list[Row] = [("event", event["slug"], event["title"], _word(event["kind"]), _date(event, "date"))]
    for participant in event["participants"]:
        if detailed:
            role, basis = _word(participant["role"]), _word(participant["basis"])
            rows.append(("participant", role, basis, _code(participant), _code(participant, "name")))
        else:
            rows.append(("participant", _word(participant["role"]), _code(participant)))
    if detailed:
        rows += [("event citation", c["excerpt"], c["start"], c["end"]) for c in event["citations"]]
    return rows


def rows(query: str, data: Mapping[str, Any]) -> list[Row]:
    """The rows of a query's `data`, whichever server answered it, as a list of tuples in the answer's order.

    small: the country's name. medium: the relation, then each event with its participants (role, basis,
    country code and name) and citations, then the relation's citations. large: each country, its relations
    (slug, status), their events (slug, title, kind, date) and participants (role, country code). filtered:
    the relation, the page (total count, whether another follows), its events as in large.
    """
    if query == "small":
        country = data["country"]
        return [("country", None if country is None else country["name"])]
    if query == "large":
        found: list[Row] = []
        for country in data["countries"]["nodes"]:
            found.append(("country", country["code"], country["name"]))
            for relation in country["relations"]["nodes"]:
                found.append(("relation", relation["slug"], _word(relation["status"])))
                for event in relation["events"]["nodes"]:
                    found += _event(event, detailed=False)
        return found
    relation = data["node"]
    if relation is None:
        return [("relation", None)]
    if query == "medium":
        found = [("relation", relation["slug"], _word(relation["status"]), _date(relation, "established"))]
        for event in relation["events"]["nodes"]:
            found += _event(event, detailed=True)
        return found + [("relation citation", c["excerpt"], c["start"], c["end"]) for c in relation["citations"]]
    if query == "filtered":
        events = relation["events"]
        found = [("relation", relation["slug"]), ("page", events["totalCount"], events["pageInfo"]["hasNextPage"])]
        for edge in events["edges"]:
            found += _event(edge["node"], detailed=False)
        return found
    raise ValueError(f"no rows for the query {query!r}")


def _data(query: str, server: str, body: bytes) -> Mapping[str, Any]:
    try:
        answer = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise RowsDiffer(f"{server} did not answer the {query} query with JSON: {body[:300]!r}") from None
    if not isinstance(answer, dict) or answer.get("errors") or not answer.get("data"):
        raise RowsDiffer(f"{server} failed the {query} query: {str(answer)[:1000]}")
    data: Mapping[str, Any] = answer["data"]
    return data


def check_same_rows(query: str, bilateral: bytes, postgraphile: bytes) -> int:
    """The number of rows if both servers' answers to `query` have the same rows in the same order.

    Otherwise `RowsDiffer`, saying where they first differ, or that they hold the same rows in another order.
    """
    ours, theirs = (
        rows(query, _data(query, "Bilateral", bilateral)),
        rows(query, _data(query, "PostGraphile", postgraphile)),
    )
    if ours == theirs:
        return len(ours)
    counts = f"Bilateral has {len(ours)} rows, PostGraphile {len(theirs)}"
    same = sorted(ours, key=repr) == sorted(theirs, key=repr)
    how = "the same rows in another order" if same else "different rows"
    first = next((index for index, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b), None)
    if first is None:
        longer, name = (ours, "Bilateral") if len(ours) > len(theirs) else (theirs, "PostGraphile")
        where = f"after row {min(len(ours), len(theirs))}, {name} goes on with {longer[min(len(ours), len(theirs))]}"
    else:
        where = f"at row {first + 1}, Bilateral has {ours[first]}, PostGraphile {theirs[first]}"
    raise RowsDiffer(f"PostGraphile's answer to the {query} query holds {how} ({counts}): {where}")


# Installing and serving.


def _lock_hash() -> str:
    return hashlib.sha256((FOLDER / "package-lock.json").read_bytes()).hexdigest()


def install(say: Callable[[str], None]) -> Installed | str:
    """PostGraphile and Node 22 in bench/postgraphile/node_modules (`npm ci` when the lock file changed), or why not."""
    if not NODE.exists() or not INSTALLED.exists() or INSTALLED.read_text().strip() != _lock_hash():
        failed = _npm_ci(say)
        if failed:
            return failed
    if not NODE.exists() or not CLI.exists():
        return "the `node` or `postgraphile` package did not install its files in bench/postgraphile/node_modules"
    try:
        node = subprocess.run([NODE, "--version"], capture_output=True, text=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError) as error:
        return f"the Node the `node` package installed does not run: {error}"
    node = node.strip()
    if int(node.lstrip("v").partition(".")[0] or 0) < NODE_MAJOR:
        return f"PostGraphile 5 needs Node {NODE_MAJOR} or later; the `node` package brought {node}"
    version = orjson.loads((MODULES / "postgraphile" / "package.json").read_bytes())["version"]
    return Installed(node=node, postgraphile=str(version))


def _npm_ci(say: Callable[[str], None]) -> str:
    """`npm ci` in bench/postgraphile: why it failed, or nothing."""
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed (on Debian: apt-get install npm), so neither is PostGraphile"
    say("postgresql: installing PostGraphile 5 and Node 22 from the npm registry (npm ci in bench/postgraphile)")
    try:
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=FOLDER,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"`npm ci` in bench/postgraphile did not finish in {INSTALL_TIMEOUT:.0f} s"
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-8:])
        return f"`npm ci` in bench/postgraphile failed:\n{tail}"
    INSTALLED.write_text(_lock_hash() + "\n")
    return ""


def create_functions(url: str) -> None:
    """functions.sql in the bench database: its own schema, created or replaced; the API's tables untouched."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(FUNCTIONS.read_text())
    finally:
        engine.dispose()


@contextmanager
def serving(url: str, log: Path) -> Iterator[Server]:
    """PostGraphile on a free port of 127.0.0.1, serving the database at `url`, until the block ends."""
    port = free_port()
    environment = {
        **os.environ,
        "NODE_ENV": "production",
        "BENCH_POSTGRAPHILE_DATABASE_URL": url,
        "BENCH_POSTGRAPHILE_PORT": str(port),
    }
    command = [str(NODE), str(CLI), "--config", "graphile.config.mjs"]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=FOLDER, env=environment, stdout=output, stderr=subprocess.STDOUT)
    server = Server(POSTGRAPHILE, "postgraphile", port, process, log)
    try:
        _wait_until_ready(server)
        yield server
    finally:
        stop(server)


def _wait_until_ready(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    request = urllib.request.Request(f"{server.base}/graphql", data=READY, headers={"Content-Type": "application/json"})
    while True:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if b'"data"' in response.read():
                    return
        except OSError:
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"PostGraphile did not start:\n{server.log.read_text()}")
        time.sleep(0.2)


async def discover(post: Post) -> QuerySet:
    """PostGraphile's queries, with its own id of the API's relation and its own cursor of the second page."""
    found = await _ask(post, Query("first relation", FIRST_RELATION))
    relation_id = found["country"]["relations"]["nodes"][0]["id"]
    first_page = Query("filtered", FILTERED, {"id": relation_id, "after": None})
    cursor = (await _ask(post, first_page))["node"]["events"]["pageInfo"]["endCursor"]
    return QuerySet(
        small=Query("small", SMALL),
        medium=Query("medium", MEDIUM, {"id": relation_id}),
        large=Query("large", LARGE),
        filtered=Query("filtered", FILTERED, {"id": relation_id, "after": cursor}),
    )


async def _ask(post: Post, query: Query) -> Any:
    return _data(query.name, "PostGraphile", await post("/graphql", query.body))


# Timing.


@dataclass(frozen=True)
class Contender:
    """A server of this phase, what it is sent for a query, how big its answer is, and what its connections to
    PostgreSQL call themselves (`bench-fast`, as the harness names them)."""

    server: Server
    path: str
    body: bytes
    size: int
    application_name: str
    varied: bool = True


def compare(
    url: str,
    servers: Mapping[str, Server],
    queries: QuerySet,
    installed: Installed,
    options: argparse.Namespace,
    client_of: Callable[[str], str],
    say: Callable[[str], None],
) -> Rivals:
    """Check PostGraphile's rows against the API's, then load the API, PostGraphile and the floor side by side.

    `servers` are the harness's, serving `url` with connections named `bench-<setup>`; `queries` the API's
    query set; `client_of` the load generator the harness uses for a query.
    """
    rivals = Rivals(version=installed.version)
    create_functions(url)
    monitor = create_engine(url, pool_size=1)
    try:
        with (
            tempfile.TemporaryDirectory() as logs,
            serving(tagged(url, f"bench-{POSTGRAPHILE}"), Path(logs) / "pgl.log") as pgl,
        ):
            everyone = [*servers.values(), pgl]
            theirs = asyncio.run(discover(partial(http_client.post, pgl.base)))
            rivals.documents = {query.name: (query.document, query.variables) for query in theirs}
            for name in NAMES:
                contenders = _checked(name, queries.named(name), theirs.named(name), servers, pgl, rivals, say)
                plan = [(key, connections) for connections in CONNECTIONS for key in contenders if key != SAME]
                plan += [(SAME, SAME_CONNECTIONS)] if SAME in contenders else []
                for key, connections in plan:
                    contender = contenders[key]
                    meter = CpuMeter(contender.server.process.pid, monitor, contender.application_name)
                    logged = contender.server.log.stat().st_size
                    result = _load(client_of(name), contender, connections, options, meter, everyone)
                    rivals.loads[(name, key, connections)] = result
                    rivals.cpu[(name, key, connections)] = meter.use(result.rate * result.seconds)
                    if key in (API, SAME):
                        wait_until_idle(everyone)  # its last answers logged
                        shared = shared_share(contender.server.log, logged)
                        if shared is not None:
                            rivals.shared[(name, key, connections)] = shared
                    say(_progress(name, key, result, rivals))
    finally:
        monitor.dispose()
    return rivals


def _checked(
    name: str,
    ours: Query,
    theirs: Query,
    servers: Mapping[str, Server],
    pgl: Server,
    rivals: Rivals,
    say: Callable[[str], None],
) -> dict[str, Contender]:
    """The servers to load with query `name`: none when PostGraphile's rows differ from the API's."""
    api_body = asyncio.run(http_client.post(servers[API].base, "/graphql", ours.body))
    pgl_body = asyncio.run(http_client.post(pgl.base, "/graphql", theirs.body))
    try:
        rivals.rows[name] = check_same_rows(name, api_body, pgl_body)
    except RowsDiffer as error:
        rivals.differ[name] = str(error)
        say(f"  postgresql PostGraphile: not timing the {name} query: {error}")
        return {}
    say(f"  postgresql PostGraphile: the {name} query's {rivals.rows[name]:,} rows equal the API's, in order")
    api = Contender(servers[API], "/graphql", ours.body, len(api_body), f"bench-{API}")
    contenders = {
        API: api,
        POSTGRAPHILE: Contender(pgl, "/graphql", theirs.body, len(pgl_body), f"bench-{POSTGRAPHILE}"),
    }
    if ours.floor is not None:
        floor_body = asyncio.run(http_client.post(servers[FLOOR].base, ours.floor, ours.body))
        contenders[FLOOR] = Contender(servers[FLOOR], ours.floor, ours.body, len(floor_body), f"bench-{FLOOR}")
    contenders[SAME] = replace(api, varied=False)
    return contenders


def shared_share(log: Path, offset: int) -> float | None:
    """The share of the API's answers logged after `offset` that an identical request's execution made."""
    with log.open("rb") as lines:
        lines.seek(offset)
        answers = [match.group(1) for match in ANSWERED.finditer(lines.read())]
    return answers.count(b"shared") / len(answers) if answers else None


def _load(
    client: str,
    contender: Contender,
    connections: int,
    options: argparse.Namespace,
    meter: CpuMeter,
    everyone: list[Server],
) -> Load:
    def settle() -> None:
        wait_until_idle(everyone)

    settle()
    server = contender.server
    path, body, seconds, warmup, varied = (
        contender.path,
        contender.body,
        options.seconds,
        options.warmup,
        contender.varied,
    )
    if client == "wrk":
        return wrk.load(server.base, path, body, connections, seconds, warmup, settle, meter, varied)
    return asyncio.run(
        http_client.load(HOST, server.port, path, body, connections, seconds, warmup, contender.size, meter, varied)
    )


def _progress(name: str, key: str, result: Load, rivals: Rivals) -> str:
    cpu = rivals.cpu[(name, key, result.connections)]
    app = "–" if cpu.app_ms is None else f"{cpu.app_ms:.2f}"
    database = "–" if cpu.database_ms is None else f"{cpu.database_ms:.2f}"
    errors = f", {result.errors} errors" if result.errors else ""
    shared = rivals.shared.get((name, key, result.connections))
    errors += f", {shared:.0%} of answers shared" if shared else ""
    return (
        f"  postgresql {name + ', ' + NAMES_OF[key]:<24} {result.connections} conn  {result.rate:>8.1f} req/s  "
        f"p50 {result.p50_ms:>7.2f} ms  p99 {result.p99_ms:>7.2f} ms  CPU/request {app} ms app + {database} ms "
        f"PostgreSQL  ({result.client}){errors}"
    )
