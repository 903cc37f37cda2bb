"""The GraphQL endpoint: GET and POST, persisted queries, ETags, a response cache, and errors with codes."""

import hashlib
import logging
import uuid
from typing import Any

import orjson
import sqlalchemy as sa
from graphql import GraphQLError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

import playground
import settings
from models import tables
from models.database import unavailable as unavailable_database
from resolvers.context import Context
from schema import graphql_schema, printed_schema
from schema.errors import (
    BAD_USER_INPUT,
    INTERNAL_SERVER_ERROR,
    PARSE_FAILED,
    QUERY_TOO_COMPLEX,
    SERVICE_UNAVAILABLE,
    VALIDATION_FAILED,
    classify_all,
    unavailable,
)
from web import persisted
from web.requests import GraphQLRequest, HTTPError, read
from web.store import Store

log = logging.getLogger("bilateral.http")

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
# Cached answers are only good for this schema: a new release never serves an old one's.
SCHEMA_DIGEST = hashlib.sha256(printed_schema().encode()).hexdigest()[:16]
NOT_FOUND = {"errors": [{"message": "PersistedQueryNotFound", "extensions": {"code": persisted.NOT_FOUND}}]}
_GRAPHQL_PARAMETERS = {"query", "extensions"}  # what makes a GET a GraphQL request rather than a visit
REQUEST_ERRORS = {PARSE_FAILED, VALIDATION_FAILED, BAD_USER_INPUT, QUERY_TOO_COMPLEX}


class GraphQLEndpoint:
    """`/graphql`: an ASGI app reading the engine and the store off the Starlette app's state."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            response = await self.handle(request)
        except HTTPError as error:
            response = error_response(request, error.status, error.message, error.code, error.headers)
        except Exception:
            request_id = uuid.uuid4().hex
            log.exception("request %s: unexpected error", request_id)
            message = "Internal server error."
            response = error_response(request, 500, message, INTERNAL_SERVER_ERROR, requestId=request_id)
        if request.method == "HEAD":
            response = Response(status_code=response.status_code, headers=dict(response.headers))
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        if (
            request.method in ("GET", "HEAD")
            and _wants_html(request)
            and not _GRAPHQL_PARAMETERS & set(request.query_params)
        ):
            return _graphiql()  # GraphiQL keeps the query being edited in `?q=`, so a reload or a shared link opens it
        operation = await read(request)
        if isinstance(operation, list):
            return await self.batch(request, operation)
        return await self.single(request, operation)

    async def single(self, request: Request, operation: GraphQLRequest) -> Response:
        store: Store = request.app.state.store
        try:
            operation = await persisted.resolve(store, operation)
        except persisted.PersistedQueryNotFoundError:
            return _json(request, NOT_FOUND, 200, {"Cache-Control": "no-store"})
        version = await data_version(request.app.state.engine)
        if version is None:
            return error_response(request, 503, unavailable().message, SERVICE_UNAVAILABLE, {"Retry-After": "5"})
        key = _key(version, operation)
        etag = f'"{key}"'
        headers = {"Vary": "Accept"}
        if request.method in ("GET", "HEAD"):
            headers |= {"ETag": etag, "Cache-Control": f"public, max-age={settings.CACHE_MAX_AGE}"}
            if etag in request.headers.get("if-none-match", ""):
                return Response(status_code=304, headers=headers)
        cached = await store.get(f"response:{_media_type(request)}:{key}")
        if cached is not None:
            return Response(cached, 200, headers | {"Bilateral-Cache": "hit"}, media_type=_media_type(request))
        payload, status = await self.execute(request, operation)
        body = orjson.dumps(payload)
        if status == 200 and "errors" not in payload and settings.CACHE_MAX_AGE > 0:
            await store.set(f"response:{_media_type(request)}:{key}", body, settings.CACHE_MAX_AGE)
        else:
            headers["Cache-Control"] = "no-store"
        if status == 503:
            headers["Retry-After"] = "5"
        return Response(body, status, headers | {"Bilateral-Cache": "miss"}, media_type=_media_type(request))

    async def batch(self, request: Request, operations: list[GraphQLRequest]) -> Response:
        payloads = []
        for operation in operations:
            try:
                resolved = await persisted.resolve(request.app.state.store, operation)
            except persisted.PersistedQueryNotFoundError:
                payloads.append(NOT_FOUND)
                continue
            payloads.append((await self.execute(request, resolved))[0])
        return _json(request, payloads, 200, {"Cache-Control": "no-store"})

    async def execute(self, request: Request, operation: GraphQLRequest) -> tuple[dict[str, Any], int]:
        """Run one operation; its response body, and the HTTP status that goes with it."""
        if operation.query is None:
            raise HTTPError(400, "the request has no `query`", "BAD_REQUEST")
        context = Context.create(request.app.state.engine, request)
        reading = request.method in ("GET", "HEAD")
        allowed = {OperationType.QUERY} if reading else {OperationType.QUERY, OperationType.MUTATION}
        try:
            result: ExecutionResult = await graphql_schema.execute(
                operation.query,
                variable_values=operation.variables,
                context_value=context,
                operation_name=operation.operation_name,
                allowed_operation_types=allowed,
            )
        except InvalidOperationTypeError as error:
            if reading:
                raise HTTPError(
                    405,
                    "only queries may be sent with GET; send this with POST",
                    "METHOD_NOT_ALLOWED",
                    {"Allow": "POST"},
                ) from None
            raise HTTPError(
                400, f"{error.operation_type.value} operations are not supported over HTTP", "BAD_REQUEST"
            ) from None
        except MissingQueryError:
            raise HTTPError(400, "the request has no `query`", "BAD_REQUEST") from None
        except CannotGetOperationTypeError as error:
            named = f" named {error.operation_name!r}" if error.operation_name else " to run"
            message = f"the document has no operation{named}"
            raise HTTPError(400, message, "BAD_REQUEST") from None
        errors = classify_all(result.errors, context.request_id) or []
        payload: dict[str, Any] = {}
        if result.data is not None:
            payload["data"] = result.data
        if errors:
            payload["errors"] = [error.formatted for error in errors]
        if result.extensions:
            payload["extensions"] = result.extensions
        return payload, _status(request, result.data, errors)


def _status(request: Request, data: Any, errors: list[GraphQLError]) -> int:
    codes = {(error.extensions or {}).get("code") for error in errors}
    if data is None and SERVICE_UNAVAILABLE in codes:
        return 503
    if data is None and errors and _media_type(request) == GRAPHQL_RESPONSE and codes <= REQUEST_ERRORS:
        return 400
    return 200


async def data_version(engine: sa.Engine) -> str | None:
    """The token of the loaded data, which every load that changes it renews; None when the database does not answer."""

    def fetch() -> str:
        with engine.connect() as connection:
            value: str | None = connection.execute(sa.select(tables.dataset_version.c.token)).scalar()
            return value or "empty"

    try:
        return await run_in_threadpool(fetch)
    except sa.exc.SQLAlchemyError as error:
        if not unavailable_database(error):
            raise
        log.warning("the database is unavailable: %s", error)
        return None


def _key(version: str, operation: GraphQLRequest) -> str:
    material = orjson.dumps(
        [SCHEMA_DIGEST, version, operation.query, operation.variables, operation.operation_name],
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(material).hexdigest()[:32]


def _media_type(request: Request) -> str:
    return GRAPHQL_RESPONSE if GRAPHQL_RESPONSE in request.headers.get("accept", "") else JSON


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and GRAPHQL_RESPONSE not in accept


def _json(request: Request, payload: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(payload), status, headers, media_type=_media_type(request))


def error_response(
    request: Request, status: int, message: str, code: str, headers: dict[str, str] | None = None, **extensions: str
) -> Response:
    """A request refused before it could run: a GraphQL error body with its code, and a fitting status."""
    if status >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, message)
    body = {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}
    return _json(request, body, status, {"Cache-Control": "no-store", **(headers or {})})


def _graphiql() -> Response:
    html = playground.page()
    if html is None:
        message = "GraphiQL's assets are not installed: run `.venv/bin/python cli.py assets` (or `make serve`)."
        return HTMLResponse(f"<!doctype html><title>GraphiQL</title><p>{message}</p>", status_code=503)
    return HTMLResponse(html)
