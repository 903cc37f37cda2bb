"""The Starlette application: `app:app`."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import orjson
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

import playground
import seeds
import settings
from models import tables
from models.database import create_engine, create_tables
from resolvers.context import Context
from schema import graphql_schema
from schema.errors import classify_all

log = logging.getLogger("bilateral")


def prepare(engine: sa.Engine) -> None:
    """Create the tables, and seed the database if it has never been seeded."""
    create_tables(engine)
    with engine.connect() as connection:
        seeded = connection.execute(sa.select(tables.dataset_version.c.version)).first() is not None
    if not seeded:
        report = seeds.load(engine)
        log.info("seeded an empty database: %s rows", sum(report.total.values()))


class GraphQLView(GraphQL[Context, None]):
    """The GraphQL endpoint: a fresh context, with fresh DataLoaders, for every request."""

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        context = Context.create(request.app.state.engine, request, response)
        request.state.request_id = context.request_id
        return context

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        result.errors = classify_all(result.errors, getattr(request.state, "request_id", "-"))
        return await super().process_result(request, result)

    def encode_json(self, data: object) -> str:
        return orjson.dumps(data).decode()

    async def render_graphql_ide(self, request: Request) -> Response:
        html = playground.page()
        if html is None:
            message = "GraphiQL's assets are not installed: run `.venv/bin/python cli.py assets` (or `make serve`)."
            return HTMLResponse(f"<!doctype html><title>GraphiQL</title><p>{message}</p>", status_code=503)
        return HTMLResponse(html)


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


def create_app(database_url: str = settings.DATABASE_URL) -> Starlette:
    """The application, serving the database at `database_url`."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        engine = create_engine(database_url)
        await run_in_threadpool(prepare, engine)
        app.state.engine = engine
        try:
            yield
        finally:
            engine.dispose()

    routes = [
        Route("/graphql", GraphQLView(graphql_schema), methods=["GET", "POST"]),
        Route("/health", health, methods=["GET", "HEAD"]),
        Route("/ready", ready, methods=["GET", "HEAD"]),
        Mount(playground.URL_PREFIX, StaticFiles(directory=playground.DIRECTORY, check_dir=False)),
    ]
    middleware = [
        Middleware(
            CORSMiddleware, allow_origins=settings.CORS_ORIGINS, allow_methods=["GET", "POST"], allow_headers=["*"]
        )
    ]
    return Starlette(debug=settings.DEBUG, routes=routes, middleware=middleware, lifespan=lifespan)


app = create_app()
