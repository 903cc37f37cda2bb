"""The Starlette application: `app:app`."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

import playground
import seeds
import settings
from models import tables
from models.database import create_engine, create_tables, missing_columns
from web import front
from web.endpoint import GraphQLEndpoint
from web.store import create_store

log = logging.getLogger("bilateral")


class StartupError(RuntimeError):
    """The database cannot be opened, created or seeded; the message says which and why."""


def prepare(engine: sa.Engine) -> None:
    """Create the tables, and seed the database if it has never been seeded."""
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
            report = seeds.load(engine)
            log.info("seeded an empty database: %s rows", sum(report.total.values()))
    except (sa.exc.SQLAlchemyError, OSError) as error:
        where = engine.url.render_as_string(hide_password=True)
        reason = getattr(error, "orig", None) or error
        raise StartupError(f"cannot open, create or seed the database at {where}: {reason}") from None


async def health(_: Request) -> JSONResponse:
    """The process is alive."""
    return JSONResponse({"status": "ok"})


async def ready(request: Request) -> JSONResponse:
    """The database answers."""
    engine: sa.Engine = request.app.state.engine

    def ping() -> None:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))

    try:
        await run_in_threadpool(ping)
    except sa.exc.SQLAlchemyError:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ready"})


def create_app(
    database_url: str = settings.DATABASE_URL,
    redis_url: str | None = settings.REDIS_URL,
    cache_prefix: str = "bilateral:",
) -> Starlette:
    """The application, serving the database at `database_url`; it caches in Redis if `redis_url` names one."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = create_engine(database_url, timeout=settings.DATABASE_TIMEOUT)
        try:
            await run_in_threadpool(prepare, engine)
        except StartupError as error:
            log.error("%s", error)
            raise
        app.state.engine = engine
        app.state.store = create_store(redis_url, cache_prefix)
        try:
            yield
        finally:
            await app.state.store.close()
            engine.dispose()

    routes = [
        Route("/", front.index, methods=["GET", "HEAD"]),
        Route("/graphql", GraphQLEndpoint(), methods=["GET", "HEAD", "POST"]),
        Route("/health", health, methods=["GET", "HEAD"]),
        Route("/ready", ready, methods=["GET", "HEAD"]),
        Mount(playground.URL_PREFIX, StaticFiles(directory=playground.DIRECTORY, check_dir=False)),
        Route(f"{front.URL_PREFIX}/queries.json", front.queries, methods=["GET", "HEAD"]),
        Mount(front.URL_PREFIX, front.files),
    ]
    middleware = [
        Middleware(
            CORSMiddleware, allow_origins=settings.CORS_ORIGINS, allow_methods=["GET", "POST"], allow_headers=["*"]
        )
    ]
    return Starlette(debug=settings.DEBUG, routes=routes, middleware=middleware, lifespan=lifespan)


app = create_app()
