"""One log line per HTTP request, and the request's id.

The id is the client's `X-Request-Id` when it is sane (1 to 128 letters, digits and `._:=+/-`), else a new
one. It goes back as `Request-Id`, is `extensions.requestId` of a masked error, and is on every log line
written while the request runs. The GraphQL endpoint notes on the request's `Exchange` what only it knows
(the operations, their cost, the error codes); once the response has gone, the line is logged and the
request counted in the metrics. Variables and query strings never reach the log; what the client chose
that does (the method, the path, operation names, the client's address) is escaped and cut to
`MAX_FIELD` characters, so it can neither forge a line, nor color a terminal, nor fill the disk.
"""

import logging
import re
import time
import uuid
import zlib
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import GraphQLSyntaxError, Source, TokenKind
from graphql.language.lexer import Lexer
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

import settings
from pipeline.limits import reported_cost
from resolvers.errors import ErrorCode
from web import metrics

log = logging.getLogger("bilateral.access")

REQUEST_ID = re.compile(r"[A-Za-z0-9._:=+/-]{1,128}", flags=re.ASCII)
# The most characters of one client-supplied field a log line keeps.
MAX_FIELD = 200
_OPERATION_KEYWORDS = {"query", "mutation", "subscription"}


@dataclass
class Exchange:
    """One HTTP request and its response, as the log and the metrics see them."""

    id: str
    method: str
    path: str
    client: str | None = None
    status: int = 0
    seconds: float = 0.0
    cache: str | None = None  # the response's `Bilateral-Cache`
    operations: list[tuple[str | None, str | None]] = field(default_factory=list)  # (operationName, query)
    costs: list[int] = field(default_factory=list)  # of the operations accepted for execution
    codes: list[str] = field(default_factory=list)  # the errors' `extensions.code`
    _names: list[str | None] | None = field(default=None, repr=False)

    def operation_names(self) -> list[str | None]:
        """The name of each operation: given by the client, or read from its document (once)."""
        if self._names is None:
            self._names = [given or _name_in(query) for given, query in self.operations]
        return self._names

    def fields(self) -> dict[str, Any]:
        """What the log line says, by name; what the client chose escaped and cut short."""
        names = self.operation_names()
        return {
            "method": clean(self.method),
            "path": clean(self.path),
            "status": self.status,
            "duration_ms": round(self.seconds * 1000, 1),
            "operation": ",".join(clean(name) if name else "anonymous" for name in names) if names else None,
            "cost": sum(self.costs) if self.costs else None,
            "cache": self.cache,
            "errors": sorted(set(self.codes)) or None,
            "client": clean(self.client) if self.client else None,
        }


def clean(value: str, limit: int | None = MAX_FIELD) -> str:
    """`value` with a backslash and each character that is not printable (CR, LF, ESC, every other control,
    format and line-separating character) written as a Python escape; past `limit` characters, cut short."""
    shown = value if limit is None else value[:limit]
    if not (shown.isprintable() and "\\" not in shown):
        shown = "".join(map(_escaped, shown))
    if limit is None or (len(value) <= limit and len(shown) <= limit):
        return shown
    return f"{shown[:limit]}…({len(value)} characters)"


def _escaped(character: str) -> str:
    if character == "\\":
        return "\\\\"
    return character if character.isprintable() else character.encode("unicode_escape").decode("ascii")


_current: ContextVar[Exchange | None] = ContextVar("exchange", default=None)


def current() -> Exchange | None:
    return _current.get()


def request_id() -> str:
    """The id of the HTTP request being answered (a new one outside of any)."""
    exchange = _current.get()
    return exchange.id if exchange else uuid.uuid4().hex


def note_operation(operation_name: str | None, query: str | None) -> None:
    """An operation of this request, named by the client or by its document."""
    if exchange := _current.get():
        exchange.operations.append((operation_name, query))


def note_result(payload: dict[str, Any]) -> None:
    """The cost and error codes of one operation's response."""
    if exchange := _current.get():
        cost = reported_cost(payload)
        if cost is not None:
            exchange.costs.append(cost)
        exchange.codes += [error.get("extensions", {}).get("code", "") for error in payload.get("errors", [])]


def note_error(code: str) -> None:
    """A request refused before any operation ran, with this code."""
    if exchange := _current.get():
        exchange.codes.append(code)


class AccessLog:
    """ASGI middleware: the request's id, one log line per request, the request metrics; a masked 500 for a bug."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        exchange = Exchange(_given_id(scope) or uuid.uuid4().hex, scope["method"], scope["path"], client and client[0])
        # Each request runs in a task of its own, so the id stays with it and leaves with it.
        _current.set(exchange)
        started = time.perf_counter()
        observed = False

        def observe() -> None:
            nonlocal observed
            if not observed:
                observed = True
                exchange.seconds = time.perf_counter() - started
                metrics.observe(exchange)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
                headers = MutableHeaders(scope=message)
                exchange.cache = headers.get("bilateral-cache")
                headers["Request-Id"] = exchange.id
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                observe()  # counted before the client has its answer: a scrape after it, on any worker, sees it
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            log.exception("unexpected error")
            exchange.codes.append(ErrorCode.INTERNAL_SERVER_ERROR)
            if exchange.status:
                raise  # the response has begun: nothing is left to do but drop the connection
            await _internal_error(exchange, sending)
        finally:
            observe()
            _log(exchange)


def _given_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            given = value.decode("latin-1")
            return given if REQUEST_ID.fullmatch(given) else None
    return None


async def _internal_error(exchange: Exchange, send: Send) -> None:
    extensions = {"code": ErrorCode.INTERNAL_SERVER_ERROR, "requestId": exchange.id}
    body = orjson.dumps({"errors": [{"message": "Internal server error.", "extensions": extensions}]})
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def logged(exchange: Exchange) -> bool:
    """Whether the request log takes this request: all, none or a share (`BILATERAL_ACCESS_LOG`); a 5xx always."""
    share = settings.ACCESS_LOG
    if share >= 1.0 or exchange.status >= 500:
        return True
    return share > 0.0 and zlib.crc32(exchange.id.encode()) < share * 2**32


def _log(exchange: Exchange) -> None:
    if not logged(exchange):
        return
    fields = exchange.fields()
    words = [f"{key}={value}" for key in ("operation", "cost", "cache", "errors") if (value := fields[key]) is not None]
    level = logging.WARNING if exchange.status >= 500 else logging.INFO
    line = f"{exchange.method} {exchange.path} {exchange.status} {fields['duration_ms']}ms"
    log.log(level, " ".join([line, *words]), extra={"fields": fields})


def _name_in(query: str | None) -> str | None:
    """The name of the first operation of a document, reading no further than its first operation's name.

    A request without `operationName` runs its document's only operation, so that is the one named.
    """
    if not query:
        return None
    lexer, depth, after_keyword = Lexer(Source(query)), 0, False
    try:
        while (token := lexer.advance()).kind != TokenKind.EOF:
            if depth == 0 and after_keyword:
                return token.value if token.kind == TokenKind.NAME else None
            if token.kind == TokenKind.BRACE_L:
                if depth == 0 and not after_keyword and _shorthand(token):
                    return None
                depth += 1
            elif token.kind == TokenKind.BRACE_R:
                depth -= 1
            after_keyword = depth == 0 and token.kind == TokenKind.NAME and token.value in _OPERATION_KEYWORDS
    except GraphQLSyntaxError:
        return None
    return None


def _shorthand(token: Any) -> bool:
    """Whether a `{` at the top of a document opens an anonymous query rather than a fragment's selection."""
    previous = token.prev
    return previous is None or previous.kind in (TokenKind.SOF, TokenKind.BRACE_R)
