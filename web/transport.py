"""Reading a GraphQL request off HTTP, as the GraphQL-over-HTTP specification describes it, within limits."""

import asyncio
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

import anyio
import orjson
from starlette.requests import ClientDisconnect, Request

import settings
from resolvers.errors import ErrorCode

MAX_VARIABLE_NESTING = 32
# How JSON writes NUL (it cannot hold the character itself): JSON without it holds no NUL, and is not searched for one.
_NUL = "\\u0000"
_NUL_BYTES = _NUL.encode()
# A body refused as too large is read and dropped up to this much, for at most this long.
DRAIN_BYTES = 16 * 1024 * 1024
DRAIN_SECONDS = 2.0


class HTTPError(Exception):
    """A request that cannot be a GraphQL request: answered with its status and a GraphQL error body."""

    def __init__(self, status: int, message: str, code: ErrorCode, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code, self.headers = status, message, code, headers or {}


@dataclass
class GraphQLRequest:
    """One operation to run."""

    query: str | None
    variables: dict[str, Any] | None = None
    operation_name: str | None = None
    extensions: dict[str, Any] = field(default_factory=dict)


async def graphql_request(request: Request) -> GraphQLRequest | list[GraphQLRequest]:
    """The operation (or batch) a GET or POST carries; an `HTTPError` for anything else."""
    if request.method in ("GET", "HEAD"):
        params = request.query_params
        variables = params.get("variables")
        return _operation(
            {
                "query": params.get("query"),
                "variables": _json_param(variables, "variables"),
                "operationName": params.get("operationName"),
                "extensions": _json_param(params.get("extensions"), "extensions"),
            },
            variables is not None and _NUL in variables,
        )
    return parsed(await posted(request))


async def posted(request: Request) -> bytes:
    """The body of a POST: JSON, within its bounds; an `HTTPError` for anything else."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise HTTPError(
            415, "POST a GraphQL request as `Content-Type: application/json`", ErrorCode.UNSUPPORTED_MEDIA_TYPE
        )
    return await _body(request)


def parsed(body: bytes) -> GraphQLRequest | list[GraphQLRequest]:
    """The operation (or batch) a POST's body holds; an `HTTPError` for anything else."""
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise HTTPError(400, f"the body is not valid JSON: {error}", ErrorCode.BAD_REQUEST) from None
    nul = _NUL_BYTES in body
    if isinstance(document, list):
        if not document:
            raise HTTPError(400, "a batch needs at least one operation", ErrorCode.BAD_REQUEST)
        if len(document) > settings.MAX_BATCH:
            message = f"a batch holds at most {settings.MAX_BATCH} operations, not {len(document)}"
            raise HTTPError(413, message, ErrorCode.BATCH_TOO_LARGE)
        return [_operation(item, nul) for item in document]
    return _operation(document, nul)


async def _body(request: Request) -> bytes:
    """The body, refused with 413 as soon as it is known to be too large; each part must come in time."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > settings.MAX_BODY_BYTES:
        await _drain(request)
        raise _too_large()
    chunks, size = [], 0
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(settings.CLIENT_TIMEOUT) as deadline:
            async for chunk in request.stream():
                deadline.reschedule(loop.time() + settings.CLIENT_TIMEOUT)  # the next part has as long again
                size += len(chunk)
                if size > settings.MAX_BODY_BYTES:
                    break
                chunks.append(chunk)
    except ClientDisconnect:
        raise HTTPError(400, "the client closed the connection mid-body", ErrorCode.BAD_REQUEST) from None
    except TimeoutError:
        message = f"the request's body did not arrive within {settings.CLIENT_TIMEOUT:g} seconds"
        raise HTTPError(408, message, ErrorCode.BAD_REQUEST, {"Connection": "close"}) from None
    if size > settings.MAX_BODY_BYTES:
        await _drain(request)
        raise _too_large()
    return b"".join(chunks)


async def _drain(request: Request) -> None:
    """Read and drop what the client is still sending, up to a bound: a client that is mid-send when the
    connection closes may lose the answer to a reset; one whose bytes were read gets to read the 413."""
    drained = 0
    with anyio.move_on_after(DRAIN_SECONDS), suppress(ClientDisconnect, RuntimeError):
        async for chunk in request.stream():
            drained += len(chunk)
            if drained > DRAIN_BYTES:
                break


def _too_large() -> HTTPError:
    message = f"the body is larger than {settings.MAX_BODY_BYTES} bytes"
    return HTTPError(413, message, ErrorCode.PAYLOAD_TOO_LARGE, {"Connection": "close"})


def _json_param(value: str | None, name: str) -> Any:
    if value is None:
        return None
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        raise HTTPError(400, f"the `{name}` parameter is not valid JSON", ErrorCode.BAD_REQUEST) from None


def _operation(item: Any, nul: bool) -> GraphQLRequest:
    """The request `item` is, checked; `nul` when the JSON it was read from may hold a NUL character (`_NUL`)."""
    if not isinstance(item, dict):
        raise HTTPError(400, "a GraphQL request is a JSON object", ErrorCode.BAD_REQUEST)
    query, variables = item.get("query"), item.get("variables")
    operation_name, extensions = item.get("operationName"), item.get("extensions")
    for name, value, kind in (
        ("query", query, str),
        ("variables", variables, dict),
        ("operationName", operation_name, str),
        ("extensions", extensions, dict),
    ):
        if value is not None and not isinstance(value, kind):
            noun = "a string" if kind is str else "an object"
            raise HTTPError(400, f"`{name}` must be {noun} or null", ErrorCode.BAD_REQUEST)
    if query is not None and len(query.encode()) > settings.MAX_DOCUMENT_BYTES:
        message = f"the query document is larger than {settings.MAX_DOCUMENT_BYTES} bytes"
        raise HTTPError(413, message, ErrorCode.QUERY_TOO_LARGE)
    if _depth(variables, MAX_VARIABLE_NESTING) > MAX_VARIABLE_NESTING:
        raise HTTPError(400, f"`variables` nest deeper than {MAX_VARIABLE_NESTING} levels", ErrorCode.BAD_USER_INPUT)
    if nul and _holds_nul(variables):
        message = "a string in `variables` holds a NUL character (\\u0000), which no value in this API holds: remove it"
        raise HTTPError(400, message, ErrorCode.BAD_USER_INPUT)
    return GraphQLRequest(query, variables, operation_name, extensions or {})


def _depth(value: Any, room: int) -> int:
    """How deeply lists and objects nest in a JSON value, counted exactly up to `room` levels (a value nested deeper
    counts `room` + 1): the walk stops there, and at the first branch found that deep. A scalar is 0."""
    if isinstance(value, dict):
        inner: Iterable[Any] = value.values()
    elif isinstance(value, list):
        inner = value
    else:
        return 0
    if room == 0:
        return 1
    deepest = 0
    for item in inner:
        if isinstance(item, dict | list):
            found = _depth(item, room - 1)
            if found > deepest:
                deepest = found
                if deepest >= room:
                    break
    return deepest + 1


def _holds_nul(value: Any) -> bool:
    """Whether a string in a JSON value holds NUL."""
    pending = [value]
    while pending:
        current = pending.pop()
        if isinstance(current, dict):
            pending += current.values()
        elif isinstance(current, list):
            pending += current
        elif isinstance(current, str) and "\x00" in current:
            return True
    return False


def weights(accept: str) -> dict[str, float]:
    """The media types an `Accept` header names, with their weights (`q`, 1 when not given).

    A type given `q=0` is one the client does not accept (RFC 9110, section 12.4.2).
    """
    found: dict[str, float] = {}
    for item in accept.split(","):
        media, *parameters = (part.strip() for part in item.split(";"))
        if media:
            found[media.lower()] = _quality(parameters)
    return found


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(1.0, max(0.0, float(value)))
            except ValueError:
                return 0.0  # a malformed weight accepts nothing rather than everything
    return 1.0


def already_held(request: Request, etag: str) -> bool:
    """Whether the client holds this representation: its `If-None-Match` names `etag` (quoted), or any with `*`."""
    tags = {tag.strip().removeprefix("W/") for tag in request.headers.get("if-none-match", "").split(",")}
    return "*" in tags or etag in tags
