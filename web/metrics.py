"""Metrics in Prometheus' text format at `GET /metrics`, with the official client.

With several worker processes (`BILATERAL_WORKERS`), `cli.py serve` gives them a folder of their own in
`PROMETHEUS_MULTIPROC_DIR` and each scrape adds up what every worker has counted: counters and histograms
over every worker that ever ran, gauges over the workers alive.

The compiled read path counts each operation it runs, or hands back to strawberry's execution, with
`count_execution`.
"""

import os
from typing import TYPE_CHECKING

import sqlalchemy as sa
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.exposition import generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response

from models.database import cancelled, unavailable
from resolvers.errors import ErrorCode
from schema import compiled
from web.store import Store, Stores

if TYPE_CHECKING:
    from web.access import Exchange

# A `_created` series per counter would double the page for what a scraper already knows.
disable_created_metrics()  # type: ignore[no-untyped-call]  # the client leaves it unannotated

# A client names its operations: past this many names, a process counts the others together as "other".
MAX_OPERATION_NAMES = 200
# Cost buckets around the limits' defaults: 10000 is where a query starts to take turns, 500000 the most allowed.
COST_BUCKETS = (10, 100, 1000, 10_000, 100_000, 500_000)
ROUTES = ("/graphql", "/health", "/ready", "/metrics", "/")
MOUNTS = ("/explorer", "/graphiql")

REQUESTS = Counter(
    "bilateral_http_requests", "HTTP requests answered, by route, method and status.", ["route", "method", "status"]
)
LATENCY = Histogram("bilateral_http_request_duration_seconds", "Time to answer an HTTP request, by route.", ["route"])
OPERATIONS = Counter(
    "bilateral_graphql_operations",
    "GraphQL operations received, by operation name (`anonymous` when unnamed) and the HTTP status of their request.",
    ["operation", "status"],
)
OPERATION_LATENCY = Histogram(
    "bilateral_graphql_operation_duration_seconds",
    "Time to answer the HTTP request that carried a GraphQL operation, by operation name.",
    ["operation"],
)
COST = Histogram("bilateral_graphql_cost", "The cost of each query accepted for execution.", buckets=COST_BUCKETS)
ERRORS = Counter("bilateral_graphql_errors", "Errors in GraphQL responses, by `extensions.code`.", ["code"])
RESPONSE_CACHE = Counter("bilateral_response_cache_lookups", "Response cache lookups, by result.", ["result"])
PERSISTED_QUERIES = Counter(
    "bilateral_persisted_query_lookups", "Persisted queries looked up by hash alone, by result.", ["result"]
)
FAST_PATH = Counter("bilateral_fast_path_executions", "Operations executed by the compiled read path.")
FALLBACK = Counter(
    "bilateral_fallback_executions",
    "Operations executed by strawberry's execution instead of the compiled read path, by reason.",
    ["reason"],
)
DATABASE_ERRORS = Counter(
    "bilateral_database_errors",
    "Statements or connections the database failed: `unavailable` (down, unreachable, damaged), "
    "`timeout` (stopped at the request's time budget) or `other`.",
    ["kind"],
)
OUTAGES = Counter(
    "bilateral_database_outages",
    "Times the database stopped answering after it had answered (as the requests of this process saw it).",
)
POOL_IN_USE = Gauge(
    "bilateral_database_connections_in_use", "Pooled database connections checked out.", multiprocess_mode="livesum"
)
POOL_SIZE = Gauge(
    "bilateral_database_pool_size", "Database connections the pools may open.", multiprocess_mode="livesum"
)
EXECUTING = Gauge("bilateral_admission_executing", "Costly operations executing now.", multiprocess_mode="livesum")
WAITING = Gauge("bilateral_admission_waiting", "Costly operations waiting their turn.", multiprocess_mode="livesum")

for _result in ("hit", "miss"):
    RESPONSE_CACHE.labels(_result)
    PERSISTED_QUERIES.labels(_result)
for _kind in ("unavailable", "timeout", "other"):
    DATABASE_ERRORS.labels(_kind)
for _reason in compiled.FALLBACK_KINDS:
    FALLBACK.labels(_reason)

_names: set[str] = set()
_database_up = True


def count_execution(fast: bool, reason: str | None = None) -> None:
    """Count one operation executed: by the compiled read path (`fast`), or by strawberry's execution.

    `reason` says why a fallback happened, in a word fixed by the code (never a client's text): one of
    `schema.compiled.FALLBACK_KINDS`.
    """
    if fast:
        FAST_PATH.inc()
    else:
        FALLBACK.labels(reason or "unsupported").inc()


compiled.LISTENERS.append(count_execution)


def observe(exchange: "Exchange") -> None:
    """Count one answered HTTP request, and the GraphQL operations it carried."""
    route, status = route_label(exchange.path), str(exchange.status)
    REQUESTS.labels(route, exchange.method, status).inc()
    LATENCY.labels(route).observe(exchange.seconds)
    for name in exchange.operation_names():
        label = operation_label(name)
        OPERATIONS.labels(label, status).inc()
        OPERATION_LATENCY.labels(label).observe(exchange.seconds)
    for cost in exchange.costs:
        COST.observe(cost)
    for code in exchange.codes:
        ERRORS.labels(code).inc()
    if route == "/graphql" and ErrorCode.SERVICE_UNAVAILABLE in exchange.codes:
        database_answered(False)
    elif route == "/graphql" and exchange.status == 200:
        database_answered(True)


def operation_label(name: str | None) -> str:
    """A bounded label for a client's operation name."""
    if name is None:
        return "anonymous"
    if name in _names:
        return name
    if len(_names) >= MAX_OPERATION_NAMES:
        return "other"
    _names.add(name)
    return name


def route_label(path: str) -> str:
    if path in ROUTES:
        return path
    return next((mount for mount in MOUNTS if path.startswith(mount + "/")), "other")


def database_answered(up: bool) -> None:
    """Note whether the database answered a request; the first failure after an answer counts as an outage."""
    global _database_up  # noqa: PLW0603 -- this process's view of the database, shared by its requests
    if _database_up and not up:
        OUTAGES.inc()
    _database_up = up


def watch(engine: sa.Engine, pool_size: int) -> None:
    """Count the engine's connections in use and its failures."""
    POOL_SIZE.inc(pool_size)
    sa.event.listen(engine, "checkout", lambda *_: POOL_IN_USE.inc())
    sa.event.listen(engine, "checkin", lambda *_: POOL_IN_USE.dec())
    sa.event.listen(engine, "handle_error", _count_error)


def unwatch(pool_size: int) -> None:
    """The pool `watch` counted is closed."""
    POOL_SIZE.dec(pool_size)


def _count_error(context: sa.engine.ExceptionContext) -> None:
    error = context.sqlalchemy_exception or context.original_exception
    if cancelled(error):
        kind = "timeout"
    elif context.is_disconnect or unavailable(error):
        kind = "unavailable"
    else:
        kind = "other"
    DATABASE_ERRORS.labels(kind).inc()


class CountedStore:
    """A store whose lookups are counted as hits and misses."""

    def __init__(self, store: Store, counter: Counter) -> None:
        self.store, self.hits, self.misses = store, counter.labels("hit"), counter.labels("miss")

    async def get(self, key: str) -> bytes | None:
        value = await self.store.get(key)
        (self.misses if value is None else self.hits).inc()
        return value

    async def set(self, key: str, value: bytes, seconds: float) -> None:
        await self.store.set(key, value, seconds)

    async def close(self) -> None:
        await self.store.close()


def counted(stores: Stores) -> Stores:
    """The stores, with persisted-query and response-cache lookups counted."""
    return Stores(CountedStore(stores.queries, PERSISTED_QUERIES), CountedStore(stores.responses, RESPONSE_CACHE))


def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


async def endpoint(_: Request) -> Response:
    """`GET /metrics`: every metric of this process, or of every worker process."""
    registry = REGISTRY
    if multiprocess():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # the client leaves it unannotated
    return Response(generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_LATEST})
