"""Metrics in Prometheus' text format at `GET /metrics`, with the official client.

With several worker processes (`BILATERAL_WORKERS`), `cli.py serve` gives them a folder of their own in
`PROMETHEUS_MULTIPROC_DIR` and each scrape adds up what every worker has counted: counters and histograms
over every worker that ever ran, gauges over the workers alive.

The compiled read path counts each operation it runs, or hands back to strawberry's execution, with
`count_execution`.

No label takes a value a client chose: methods, operation names and error codes outside fixed sets are
counted as `other`, so a client cannot grow the page (or read other clients' names on it). The page
shows every client's traffic and the process's details: by default (`BILATERAL_METRICS=private`) it is
served to loopback clients, and to whoever sends `BILATERAL_METRICS_TOKEN` as a bearer token.
"""

import hmac
import ipaddress
import os
from functools import cache
from typing import TYPE_CHECKING

import sqlalchemy as sa
from graphql import OperationDefinitionNode, parse
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
from starlette.responses import JSONResponse, Response

import settings
from models.database import cancelled, unavailable
from pipeline import compiled, prepared
from resolvers.errors import ErrorCode
from web import front
from web.store import Store, Stores

if TYPE_CHECKING:
    from web.access import Exchange

# A `_created` series per counter would double the page for what a scraper already knows.
disable_created_metrics()  # type: ignore[no-untyped-call]  # the client leaves it unannotated

# The methods HTTP defines (RFC 9110) and PATCH; any other token a client sends is counted as `other`.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"})
CODES = frozenset(ErrorCode)
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
COMPILED = Counter("bilateral_fast_path_executions", "Operations executed by the compiled read path.")
FALLBACK = Counter(
    "bilateral_fallback_executions",
    "Operations executed by strawberry's execution instead of the compiled read path, by reason.",
    ["reason"],
)
PREPARED = Counter(
    "bilateral_prepared_operations",
    "Requests of a text answered compiled before: `answered` without strawberry's per-request steps, or `declined` "
    "to the whole pipeline (a refusal, a costly turn, a fallback, a timeout).",
    ["outcome"],
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
for _outcome in prepared.OUTCOMES:
    PREPARED.labels(_outcome)

_database_up = True


def count_execution(fast: bool, reason: str | None = None) -> None:
    """Count one operation executed: by the compiled read path (`fast`), or by strawberry's execution.

    `reason` says why a fallback happened, in a word fixed by the code (never a client's text): one of
    `pipeline.compiled.FALLBACK_KINDS`.
    """
    if fast:
        COMPILED.inc()
    else:
        FALLBACK.labels(reason or "unsupported").inc()


compiled.LISTENERS.append(count_execution)
prepared.LISTENERS.append(lambda outcome: PREPARED.labels(outcome).inc())


def observe(exchange: "Exchange") -> None:
    """Count one answered HTTP request, and the GraphQL operations it carried."""
    route, status = route_label(exchange.path), str(exchange.status)
    REQUESTS.labels(route, exchange.method if exchange.method in METHODS else "other", status).inc()
    LATENCY.labels(route).observe(exchange.seconds)
    for name in exchange.operation_names():
        label = operation_label(name)
        OPERATIONS.labels(label, status).inc()
        OPERATION_LATENCY.labels(label).observe(exchange.seconds)
    for cost in exchange.costs:
        COST.observe(cost)
    for code in exchange.codes:
        ERRORS.labels(code if code in CODES else "other").inc()
    if route == "/graphql" and ErrorCode.SERVICE_UNAVAILABLE in exchange.codes:
        database_answered(False)
    elif route == "/graphql" and exchange.status == 200:
        database_answered(True)


def operation_label(name: str | None) -> str:
    """The operation's name if it is one of the app's own (the explorer's and the examples'); else `other`."""
    if name is None:
        return "anonymous"
    return name if name in own_operations() else "other"


@cache
def own_operations() -> frozenset[str]:
    """The names of the operations the app's own documents hold: the explorer's queries and the schema's examples."""
    paths = [*front.QUERIES.glob("*.graphql"), *(settings.ROOT / "schema" / "examples").glob("*.graphql")]
    return frozenset(
        definition.name.value
        for path in paths
        for definition in parse(path.read_text(encoding="utf-8")).definitions
        if isinstance(definition, OperationDefinitionNode) and definition.name is not None
    )


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


def allowed(request: Request) -> bool:
    """Whether `/metrics` may be shown to this client: public, from loopback, or with the token."""
    if settings.METRICS == "public" or _loopback(request.client.host if request.client else None):
        return True
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    token = settings.METRICS_TOKEN
    if not token or scheme.lower() != "bearer":
        return False
    # Compared in constant time: how long a wrong token takes to refuse says nothing about the right one.
    return hmac.compare_digest(given.strip().encode(), token.encode())


def _loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def endpoint(request: Request) -> Response:
    """`GET /metrics`: every metric of this process, or of every worker process."""
    if not allowed(request):
        message = "the metrics are served to loopback clients, and to others with `Authorization: Bearer <token>`"
        headers = {"WWW-Authenticate": "Bearer"} if settings.METRICS_TOKEN else {}
        return JSONResponse({"error": message}, 401 if settings.METRICS_TOKEN else 403, headers)
    registry = REGISTRY
    if multiprocess():
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # the client leaves it unannotated
    return Response(generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_LATEST})
