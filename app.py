"""The Starlette application: `app:app`."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
import sqlalchemy as sa
from anyio import to_thread
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

import seeds
import settings
from models import tables
from models.database import check_file, create_engine, create_tables, missing_columns
from resolvers.reading import Connections, closed, read_version
from resolvers.sizes import SIZES
from resolvers.versions import KnownVersion
from web import front, metrics, persisted, playground
from web.access import AccessLog
from web.admission import Admission
from web.bursts import Flights, LightOperations
from web.endpoint import GraphQLEndpoint
from web.server import STOPPING
from web.store import Stores, create_stores

log = logging.getLogger("bilateral")
# Response headers a browser app may read across origins.
EXPOSED_HEADERS = ["ETag", "Retry-After", "Bilateral-Cache", "Request-Id"]
# Operations remembered as light, whose requests may use the connections kept for light ones.
KNOWN_OPERATIONS = 1024


class StartupError(RuntimeError):
    """The database cannot be opened, created or seeded; the message says which and why."""


def prepare(engine: sa.Engine, fixtures: Path = settings.FIXTURES) -> None:
    """Create the tables, and seed the database from `fixtures` if it has never been seeded."""
    try:
        create_tables(engine)
        if missing := missing_columns(engine):
            raise StartupError(
                f"the database at {engine.url.render_as_string(hide_password=True)} was made by another version of "
                f"Bilateral and lacks {', '.join(missing)}: load it into a new database (for SQLite, remove the file)"
            )
        with engine.connect() as connection:
            seeded = connection.execute(sa.select(tables.dataset_version.c.version)).first() is not None
        if not seeded:
            report = seeds.load(engine, fixtures)
            log.info("seeded an empty database: %s rows", sum(report.total.values()))
        count_rows(engine)
    except seeds.FixtureError as error:
        raise StartupError(f"the database is empty and the fixtures cannot be loaded: {error}") from None
    except (sa.exc.SQLAlchemyError, OSError) as error:
        where = engine.url.render_as_string(hide_password=True)
        reason = getattr(error, "orig", None) or error
        raise StartupError(f"cannot open, create or seed the database at {where}: {reason}") from None


def count_rows(engine: sa.Engine) -> None:
    """Count the rows of every table the cost of a query reads, before the first query is costed."""
    with engine.connect() as connection:
        SIZES.count(connection, read_version(connection))


async def health(_: Request) -> JSONResponse:
    """The process is alive."""
    return JSONResponse({"status": "ok"})


async def ready(request: Request) -> JSONResponse:
    """The database answers with its data, within a short time whatever the database does; 503 once stopping."""
    if STOPPING.is_set():
        return JSONResponse({"status": "stopping"}, status_code=503)
    engine: sa.Engine = request.app.state.engine

    def ping() -> None:
        check_file(engine)
        try:
            with engine.connect() as connection:
                read_version(connection)
        except sa.exc.DBAPIError as error:
            if not error.connection_invalidated:
                raise
            # A pooled connection the database closed (a restart): the pool let it go; one more on a new one.
            with engine.connect() as connection:
                read_version(connection)

    try:
        with anyio.fail_after(settings.READY_TIMEOUT):
            # A database that does not answer at all leaves the ping to finish on its thread.
            await to_thread.run_sync(ping, abandon_on_cancel=True)
    except (TimeoutError, sa.exc.SQLAlchemyError):
        metrics.database_answered(False)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    metrics.database_answered(True)
    return JSONResponse({"status": "ready"})


def stores_for(redis_url: str | None, prefix: str) -> Stores:
    """The caches: shared through Redis if `redis_url` names one; a malformed URL is a `StartupError`."""
    try:
        return create_stores(
            redis_url, prefix, settings.CACHE_MAX_BYTES, settings.CACHE_MAX_ENTRIES, settings.REDIS_TIMEOUT
        )
    except ValueError as error:
        raise StartupError(f"BILATERAL_REDIS_URL is not a Redis URL: {error}") from None


def start_serving(app: Starlette, stores: Stores) -> None:
    """Give `app` what its requests share besides the engine: the caches, the count of persisted-query
    registrations, the queue of costly operations, the lanes of the pool, the bursts being answered and the
    operations known to be light, all empty."""
    app.state.stores = stores
    app.state.registrations = persisted.Registrations(settings.MAX_REGISTRATIONS)
    app.state.admission = Admission(settings.MAX_HEAVY, settings.MAX_QUEUE, settings.QUEUE_TIMEOUT, settings.LIGHT_COST)
    app.state.connections = Connections(settings.POOL_SIZE, settings.LIGHT_CONNECTIONS, settings.QUEUE_TIMEOUT)
    app.state.flights = Flights()
    app.state.light = LightOperations(KNOWN_OPERATIONS, settings.LIGHT_COST)


def create_app(
    database_url: str = settings.DATABASE_URL,
    redis_url: str | None = settings.REDIS_URL,
    cache_prefix: str = "bilateral:",
    fixtures: Path = settings.FIXTURES,
) -> Starlette:
    """The application, serving the database at `database_url` (seeded from `fixtures` if empty).

    It caches in Redis if `redis_url` names one.
    """

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stores = metrics.counted(stores_for(redis_url, cache_prefix))
        engine = create_engine(database_url, timeout=settings.DATABASE_TIMEOUT, pool_size=settings.POOL_SIZE)
        try:
            await run_in_threadpool(prepare, engine, fixtures)
        except StartupError as error:
            log.error("%s", error)
            raise
        metrics.watch(engine, settings.POOL_SIZE)
        app.state.engine = engine
        app.state.versions = KnownVersion(engine)
        start_serving(app, stores)
        try:
            yield
        finally:
            await stores.close()
            with anyio.move_on_after(settings.READY_TIMEOUT):
                await closed()  # connections still on their way back to the pool
            app.state.versions.close()
            engine.dispose()
            metrics.unwatch(settings.POOL_SIZE)
            log.info("closed the database pool%s", " and the connections to Redis" if redis_url else "")

    routes = [
        Route("/", front.index, methods=["GET", "HEAD"]),
        Route("/graphql", GraphQLEndpoint(), methods=["GET", "HEAD", "POST"]),
        Route("/health", health, methods=["GET", "HEAD"]),
        Route("/ready", ready, methods=["GET", "HEAD"]),
        *([Route("/metrics", metrics.endpoint, methods=["GET"])] if settings.METRICS != "off" else []),
        Mount(playground.URL_PREFIX, StaticFiles(directory=playground.DIRECTORY, check_dir=False)),
        Route(f"{front.URL_PREFIX}/queries.json", front.queries, methods=["GET", "HEAD"]),
        Mount(front.URL_PREFIX, front.files),
    ]
    middleware = [
        Middleware(AccessLog),
        Middleware(
            CORSMiddleware,
            allow_origins=settings.CORS_ORIGINS,
            allow_methods=["GET", "POST"],
            allow_headers=["*"],
            expose_headers=EXPOSED_HEADERS,
        ),
    ]
    return Starlette(debug=settings.DEBUG, routes=routes, middleware=middleware, lifespan=lifespan)


app = create_app()
