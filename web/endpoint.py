"""The GraphQL endpoint: GET and POST, persisted queries, ETags, a response cache, and errors with codes.

One request reads one snapshot of the data through one `Reader`: the data version that keys the
cache and the ETag, and every operation of a batch.
"""

import hashlib
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import anyio
import orjson
import sqlalchemy as sa
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

import settings
from models.database import unavailable as unavailable_database
from pipeline import prepared
from pipeline.errors import classify_all, unavailable
from pipeline.limits import Budget, reported_cost
from resolvers.context import Context
from resolvers.errors import ErrorCode
from resolvers.reading import ConnectionLost, PoolBusy, QueryTimeout, Reader
from resolvers.sizes import SIZES
from schema import graphql_schema, printed_schema
from web import access, auth, persisted, playground, refused
from web.admission import Admission
from web.bursts import Flights, LightOperations
from web.store import Stores
from web.transport import GraphQLRequest, HTTPError, already_held, graphql_request, parsed, posted, weights

log = logging.getLogger("bilateral.http")

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
# Cached answers are only good for this schema: a new release never serves an old one's.
SCHEMA_DIGEST = hashlib.sha256(printed_schema().encode()).hexdigest()[:16]
NOT_FOUND = {
    "errors": [{"message": "PersistedQueryNotFound", "extensions": {"code": ErrorCode.PERSISTED_QUERY_NOT_FOUND}}]
}
_GRAPHQL_PARAMETERS = {"query", "extensions"}  # what makes a GET a GraphQL request rather than a visit
REQUEST_ERRORS = refused.DETERMINED  # a request the server will not run: 400 for a client that asks for status codes
RETRY_AFTER = {ErrorCode.SERVICE_UNAVAILABLE: "5", ErrorCode.SERVER_BUSY: "1"}
# Past its budget, a request whose database does not answer at all is given up on a little later.
GRACE = 0.5
# A request whose connection died is begun again on a new one only if this much of its budget is left.
RETRY_AT_LEAST = 0.25
# Outcomes that belong to the request that met them: an identical request waiting for it runs on its own.
_NOT_SHARED = {ErrorCode.SERVICE_UNAVAILABLE, ErrorCode.INTERNAL_SERVER_ERROR}


@dataclass(frozen=True)
class Executed:
    """One operation's answer, the data version of the snapshot it read, and whether its connection died."""

    payload: dict[str, Any]
    status: int
    token: str
    lost: bool
    writes: bool = False  # a mutation: its answer is its request's alone

    def shareable(self) -> bool:
        codes = {error.get("extensions", {}).get("code") for error in self.payload.get("errors", [])}
        return not self.lost and not self.writes and not codes & _NOT_SHARED


class GraphQLEndpoint:
    """`/graphql`: an ASGI app reading the engine, the stores and the admission gate off the app's state."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            response = await self.handle(request)
        except HTTPError as error:
            access.note_error(error.code)
            response = error_response(request, error.status, error.message, error.code, error.headers)
        except Exception:
            request_id = access.request_id()
            log.exception("unexpected error")  # the log line carries the request's id
            access.note_error(ErrorCode.INTERNAL_SERVER_ERROR)
            message = "Internal server error."
            response = error_response(request, 500, message, ErrorCode.INTERNAL_SERVER_ERROR, requestId=request_id)
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
        request.state.viewer = await auth.signed(request)
        body: bytes | None = None
        if request.method == "POST":
            body = await posted(request)
            personal = request.state.viewer is not None
            refusal = None if personal else refused.get(body, _media_type(request), request.app.state.versions.known)
            if refusal is not None:  # the same body refused before, at this data version
                access.note_result(refusal.payload)
                return refusal.response()
            operation = parsed(body)
        else:
            operation = await graphql_request(request)
        deadline = time.monotonic() + settings.REQUEST_TIMEOUT
        response = await self.attempt(request, operation, deadline, body, last=False)
        if response is None:
            response = await self.attempt(request, operation, deadline, body, last=True)
        assert response is not None  # the last attempt answers or raises
        return response

    async def attempt(
        self,
        request: Request,
        operation: GraphQLRequest | list[GraphQLRequest],
        deadline: float,
        body: bytes | None,
        last: bool,
    ) -> Response | None:
        """One try in one snapshot; None when its connection died and, nothing having been sent, it is worth
        another try on a new connection (a database restarting, a connection killed). `body`: a POST's, by which a
        refusal is kept (`web.refused`)."""
        reader = Reader(request.app.state.engine, deadline - time.monotonic(), request.app.state.connections)
        try:
            if isinstance(operation, list):
                response = await self.batch(request, operation, reader)
            else:
                response = await self.single(request, operation, reader, body)
        except HTTPError:
            if last or not _again(reader, deadline):
                raise
            return None
        finally:
            reader.close()
        return None if not last and _again(reader, deadline) else response

    async def single(
        self, request: Request, operation: GraphQLRequest, reader: Reader, posted_body: bytes | None
    ) -> Response:
        stores: Stores = request.app.state.stores
        try:
            operation = await persisted.resolve(stores.queries, operation, *_registrations(request))
        except persisted.PersistedQueryNotFoundError:
            return _json(request, NOT_FOUND, 200, {"Cache-Control": "no-store"})
        access.note_operation(operation.operation_name, operation.query)
        identity = _identity(operation)
        light: LightOperations = request.app.state.light
        reader.light = identity in light
        # Known in process (SQLite), a cached answer or a 304 needs no snapshot; else read in the request's own.
        known = request.app.state.versions.known()
        version = known or await _version(reader)
        media = _media_type(request)
        key = _key(version, identity, media)
        headers = {"Vary": "Accept, Authorization"}
        # An answer to a signed-in request is its account's alone: never cached, never shared with another request.
        personal = request.state.viewer is not None
        if request.method in ("GET", "HEAD") and not personal:
            headers |= {"ETag": f'"{key}"', "Cache-Control": f"public, max-age={settings.CACHE_MAX_AGE}"}
            if already_held(request, f'"{key}"'):
                return Response(status_code=304, headers=headers)
        cached = None if personal else await stores.responses.get(key)
        if cached is not None:
            return Response(cached, 200, headers | {"Bilateral-Cache": "hit"}, media_type=media)
        if known and SIZES.known(known):
            # The snapshot begins with the operation's first read (in its round trip, on PostgreSQL), which says
            # whether the data is still at this version; the limits meanwhile count this version's sizes.
            reader.expected = known
        elif known:
            await _version(reader)  # the snapshot begins before the limits: the cost counts its data's sizes

        async def work() -> Executed:
            payload, status = await self.execute(request, operation, reader, Budget())
            return Executed(payload, status, reader.token, reader.lost, getattr(request.state, "writes", False))

        flights: Flights[Executed] = request.app.state.flights
        # Identical operations of one data version run once; the others wait holding no connection.
        executed, shared = (
            (await work(), False) if personal else await flights.run(key, work, Executed.shareable, reader.release)
        )
        payload, status = executed.payload, executed.status
        if shared:
            access.note_result(payload)
        light.note(identity, reported_cost(payload))
        if executed.token != version:
            # The operation waited its turn and read a newer snapshot: the answer is that version's.
            key = _key(executed.token, identity, media)
            if "ETag" in headers:
                headers["ETag"] = f'"{key}"'
        body = orjson.dumps(payload)
        if (kept := _not_kept(personal or executed.writes, status, payload)) is not None:
            headers["Cache-Control"] = kept
        elif not shared:  # the leader of a shared answer has stored it
            await stores.responses.set(key, body, settings.CACHE_MAX_AGE)
        headers |= _retry_after(payload)
        headers["Bilateral-Cache"] = "shared" if shared else "miss"
        response = Response(body, status, headers, media_type=media)
        if posted_body is not None and not personal and not executed.writes:
            refused.keep(posted_body, media, executed.token, payload, response)
        return response

    async def batch(self, request: Request, operations: list[GraphQLRequest], reader: Reader) -> Response:
        """Every operation in one snapshot, sharing one cost budget; never cached."""
        payloads: list[Any] = []
        budget = Budget()
        for operation in operations:
            try:
                resolved = await persisted.resolve(
                    request.app.state.stores.queries, operation, *_registrations(request)
                )
            except persisted.PersistedQueryNotFoundError:
                payloads.append(NOT_FOUND)
                continue
            access.note_operation(resolved.operation_name, resolved.query)
            payloads.append((await self.execute(request, resolved, reader, budget))[0])
        return _json(request, payloads, 200, {"Cache-Control": "no-store"})

    async def execute(
        self, request: Request, operation: GraphQLRequest, reader: Reader, budget: Budget
    ) -> tuple[dict[str, Any], int]:
        """Run one operation; its response body, and the HTTP status that goes with it."""
        if operation.query is None:
            raise HTTPError(400, "the request has no `query`", ErrorCode.BAD_REQUEST)
        admission: Admission = request.app.state.admission
        context = Context.create(reader, request, budget, admission, access.request_id())
        reading = request.method in ("GET", "HEAD")
        allowed = {OperationType.QUERY} if reading else {OperationType.QUERY, OperationType.MUTATION}
        remaining = reader.remaining() or settings.REQUEST_TIMEOUT
        result: ExecutionResult | None = None
        try:
            with anyio.move_on_after(remaining + GRACE):
                with _refusing_when_busy():
                    prepared_payload = await prepared.answered(
                        graphql_schema, operation.query, operation.operation_name, operation.variables, context
                    )
                if prepared_payload is not None:
                    access.note_result(prepared_payload)
                    return prepared_payload, 200
                left = reader.remaining()
                if reader.expected is not None and not reader.begun and (left is None or left > 0):
                    await _version(reader)  # the whole pipeline's limits count the sizes of its snapshot's version
                result = await graphql_schema.execute(
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
                    ErrorCode.METHOD_NOT_ALLOWED,
                    {"Allow": "POST"},
                ) from None
            raise HTTPError(
                400, f"{error.operation_type.value} operations are not supported over HTTP", ErrorCode.BAD_REQUEST
            ) from None
        except MissingQueryError:
            raise HTTPError(400, "the request has no `query`", ErrorCode.BAD_REQUEST) from None
        if result is None:
            # The database did not answer within the budget at all; the statement is left to finish on its own.
            timeout = {"errors": [QueryTimeout(settings.REQUEST_TIMEOUT).formatted]}
            access.note_result(timeout)
            return timeout, 200
        errors = classify_all(result.errors, context.request_id) or []
        payload: dict[str, Any] = {}
        if result.data is not None:
            payload["data"] = result.data
        if errors:
            payload["errors"] = [error.formatted for error in errors]
        if result.extensions:
            payload["extensions"] = result.extensions
        access.note_result(payload)
        return payload, _status(request, result.data, errors)


def _not_kept(personal: bool, status: int, payload: dict[str, Any]) -> str | None:
    """The `Cache-Control` of an answer no cache may keep (a signed-in account's, a mutation's, a failure), None for
    one kept."""
    if personal:
        return "private, no-store"
    if status != 200 or "errors" in payload or settings.CACHE_MAX_AGE <= 0:
        return "no-store"
    return None


def _registrations(request: Request) -> tuple[persisted.Registrations, str]:
    """The app's count of persisted-query registrations, and the client they are counted for."""
    return request.app.state.registrations, request.client.host if request.client else ""


def _status(request: Request, data: Any, errors: list[GraphQLError]) -> int:
    codes = {(error.extensions or {}).get("code") for error in errors}
    if data is None and codes & RETRY_AFTER.keys():
        return 503
    if data is None and errors and _media_type(request) == GRAPHQL_RESPONSE and codes <= REQUEST_ERRORS:
        return 400
    return 200


def _retry_after(payload: dict[str, Any]) -> dict[str, str]:
    codes = [error.get("extensions", {}).get("code") for error in payload.get("errors", [])]
    waits = [RETRY_AFTER[code] for code in codes if code in RETRY_AFTER]
    return {"Retry-After": max(waits, key=int)} if waits else {}


def _again(reader: Reader, deadline: float) -> bool:
    """Whether to begin a request again: its connection died, and enough of its budget is left."""
    if not reader.lost or deadline - time.monotonic() < RETRY_AT_LEAST:
        return False
    log.warning("a database connection was lost during the request: trying once more on a new one")
    return True


async def _version(reader: Reader) -> str:
    """The data version, read in the request's snapshot; an `HTTPError` when the database cannot say it."""
    try:
        with _refusing_when_busy():
            await reader.take_turn()  # waiting for a connection is waiting in a burst, and bounded there
            with anyio.fail_after(settings.READY_TIMEOUT):
                return await reader.version()
    except ConnectionLost:
        raise HTTPError(503, unavailable().message, ErrorCode.SERVICE_UNAVAILABLE, {"Retry-After": "5"}) from None
    except (TimeoutError, QueryTimeout, sa.exc.SQLAlchemyError) as error:
        if isinstance(error, sa.exc.SQLAlchemyError) and not unavailable_database(error):
            raise
        log.warning("the database is unavailable: %s", error)
        message = unavailable().message
        raise HTTPError(503, message, ErrorCode.SERVICE_UNAVAILABLE, {"Retry-After": "5"}) from None


@contextmanager
def _refusing_when_busy() -> Iterator[None]:
    """An `HTTPError` 503 when every pooled connection stayed in use: the server is busy, not the database down."""
    try:
        yield
    except (sa.exc.TimeoutError, PoolBusy):
        message = "the server is busy; try again in a moment"
        raise HTTPError(503, message, ErrorCode.SERVER_BUSY, {"Retry-After": "1"}) from None


def _identity(operation: GraphQLRequest) -> str:
    """What makes two requests the same operation: the document, the variables and the operation's name."""
    material = orjson.dumps(
        [SCHEMA_DIGEST, operation.query, operation.variables, operation.operation_name], option=orjson.OPT_SORT_KEYS
    )
    return hashlib.sha256(material).hexdigest()


def _key(version: str, identity: str, media: str) -> str:
    """The answer's key (cache, ETag, flight): the operation, the data version it reads and the media type."""
    return hashlib.sha256(f"{identity} {version} {media}".encode()).hexdigest()[:32]


def _media_type(request: Request) -> str:
    """The GraphQL response media type when the client names it and weighs it no less than JSON; else JSON.

    A client that names no type it accepts gets JSON, as the GraphQL-over-HTTP specification allows.
    """
    accepted = weights(request.headers.get("accept", ""))
    preferred = accepted.get(GRAPHQL_RESPONSE, 0.0)
    return GRAPHQL_RESPONSE if preferred > 0 and preferred >= accepted.get(JSON, 0.0) else JSON


def _wants_html(request: Request) -> bool:
    accepted = weights(request.headers.get("accept", ""))
    return accepted.get("text/html", 0.0) > 0 and accepted.get(GRAPHQL_RESPONSE, 0.0) == 0


def _json(request: Request, payload: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(payload), status, headers, media_type=_media_type(request))


def error_response(
    request: Request,
    status: int,
    message: str,
    code: ErrorCode,
    headers: dict[str, str] | None = None,
    **extensions: str,
) -> Response:
    """A request refused before it could run: a GraphQL error body with its code, and a fitting status."""
    body = {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}
    return _json(request, body, status, {"Cache-Control": "no-store", **(headers or {})})


def _graphiql() -> Response:
    html = playground.page()
    if html is None:
        message = "GraphiQL's assets are not installed: run `.venv/bin/python cli.py assets` (or `make serve`)."
        return HTMLResponse(f"<!doctype html><title>GraphiQL</title><p>{message}</p>", status_code=503)
    return HTMLResponse(html)
