"""Talking to the API as a client does: a query document in, a dict out."""

import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

import sqlalchemy as sa
from psycopg import pq
from starlette.testclient import TestClient

from resolvers.reading import VERSION


def query(client: TestClient, document: str, **variables: Any) -> dict[str, Any]:
    """The `data` of a query that must succeed."""
    response = client.post("/graphql", json={"query": document, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def errors(client: TestClient, document: str, **variables: Any) -> list[dict[str, Any]]:
    """The `errors` of a query that must fail."""
    response = client.post("/graphql", json={"query": document, "variables": variables})
    body = response.json()
    assert body.get("errors"), body
    found: list[dict[str, Any]] = body["errors"]
    return found


def persisted(digest: str, **body: object) -> dict[str, object]:
    """A request body naming a persisted query by its sha256 (`query=` sends the document too)."""
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}, **body}


TRANSACTION_CONTROL = ("BEGIN", "SET LOCAL", "COMMIT", "ROLLBACK")


def reads(statement: str) -> bool:
    """Whether `statement` reads data: not only transaction control and the data version a snapshot begins with
    (one string may hold several statements, as PostgreSQL's snapshot begins with its version read)."""
    parts = [part.strip().upper() for part in statement.split(";")]
    return any(part and not part.startswith(TRANSACTION_CONTROL) and part != VERSION.upper() for part in parts)


@contextmanager
def statements(client: TestClient) -> Iterator[list[str]]:
    """The SQL statements that read data while the block runs: beginning a snapshot, its timeout and its data
    version aside, which a request reads apart or beside its first statement, as its lane has it (a statement that
    reads the version beside data counts)."""
    engine: sa.Engine = client.app.state.engine  # type: ignore[attr-defined]
    seen: list[str] = []

    def record(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if reads(statement):
            seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


@dataclass(frozen=True)
class RoundTrip:
    """One exchange with PostgreSQL: what the client sent before waiting for the server to be ready again."""

    sent: str  # a simple query's text, or the statement an extended exchange parsed last ("" for one prepared before)
    status: str  # the server's transaction status at the end: I idle, T in a transaction, E in a failed one
    parsed: tuple[str, ...] = field(default=(), compare=False)  # every statement the exchange parsed, in order


@contextmanager
def round_trips(engine: sa.Engine) -> Iterator[list[RoundTrip]]:
    """The round trips to PostgreSQL of the connections `engine`'s pool hands out while the block runs, as the
    server sees them: from libpq's trace of the protocol, each Query message, or messages up to a Sync, sent, and
    the ReadyForQuery that answers it. Whatever the driver sends of its own (a BEGIN) is there too.

    A connection is traced from when the pool hands it out (before any ping) until it is back, reset; the list is
    filled once all of them are back. The block begins and ends with every connection in the pool: a pool's event
    listeners must not change while it calls them on another thread (a request gives its connection back on a
    worker thread, after its answer), or that connection is lost to the pool."""
    pool = engine.pool
    assert isinstance(pool, sa.pool.QueuePool)
    traced: dict[int, tuple[IO[bytes], int]] = {}  # a pool record's id → its trace's file, and libpq's descriptor
    traces: list[str] = []
    found: list[RoundTrip] = []

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        file = tempfile.TemporaryFile()  # noqa: SIM115  # closed once the connection is back, in `back`
        descriptor = os.dup(file.fileno())  # libpq's own stream, closed by no one: its descriptor is closed below
        dbapi_connection.pgconn.trace(descriptor)
        dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        traced[id(record)] = (file, descriptor)

    def back(dbapi_connection: Any, record: Any, *_: Any) -> None:
        # Nothing here may raise: the pool would lose the connection.
        if dbapi_connection is None or id(record) not in traced:
            return  # invalidated before its return: read when it was
        file, descriptor = traced.pop(id(record))
        dbapi_connection.pgconn.untrace()  # flushes libpq's stream, which writes no more
        os.close(descriptor)
        with file:
            file.seek(0)
            traces.append(file.read().decode(errors="replace"))

    with _listening(pool, [("checkout", checkout, True), ("checkin", back, False), ("invalidate", back, False)]):
        yield found
    assert not traced
    for trace in traces:
        found.extend(_exchanges(trace))


@contextmanager
def _listening(pool: sa.pool.QueuePool, listeners: list[tuple[str, Callable[..., None], bool]]) -> Iterator[None]:
    """`listeners` (event, function, first) on `pool` while the block runs: added and removed only with every
    connection back in the pool (a pool's listeners must not change while it calls them on another thread)."""
    assert _all_back(pool), "a connection taken before the block did not come back to the pool"
    for event, function, first in listeners:
        sa.event.listen(pool, event, function, insert=first)
    try:
        yield
    finally:
        back_in_time = _all_back(pool)
        for event, function, _ in listeners:
            sa.event.remove(pool, event, function)
    assert back_in_time, "a connection taken during the block did not come back to the pool"


def _all_back(pool: sa.pool.QueuePool) -> bool:
    """Whether every connection of `pool` is back in it, waiting a few seconds for those on their way."""
    deadline = time.monotonic() + 10
    while pool.checkedout() and time.monotonic() < deadline:
        time.sleep(0.005)
    return not pool.checkedout()


# A message of libpq's trace: who sent it (F the client, B the server), its length, its type, its fields (a
# statement's text as it is, new lines and all).
_MESSAGE = re.compile(r"^([FB])\t\d+\t(\w+)\t?(.*?)(?=\n[FB]\t\d+\t\w+|\n?\Z)", re.MULTILINE | re.DOTALL)
_QUERY = re.compile(r' "(.*)"', re.DOTALL)
_PARSE = re.compile(r' "[^"]*" "(.*)" \d+( NNNN)*', re.DOTALL)


def _exchanges(trace: str) -> list[RoundTrip]:
    sent: list[tuple[str, ...]] = []
    statuses: list[str] = []
    parsed: list[str] = []
    for side, message, fields in _MESSAGE.findall(trace):
        if side == "F" and message in ("Query", "Parse"):
            text = (_QUERY if message == "Query" else _PARSE).fullmatch(fields)
            assert text, fields
            parsed.append(text.group(1))
        if side == "F" and message in ("Query", "Sync"):
            sent.append(tuple(parsed))
            parsed = []
        elif side == "B" and message == "ReadyForQuery":
            statuses.append(fields.strip())
    assert len(statuses) == len(sent), trace
    return [RoundTrip(texts[-1] if texts else "", status, texts) for texts, status in zip(sent, statuses, strict=True)]


@contextmanager
def checkouts(client: TestClient) -> Iterator[list[int]]:
    """The connections the app's pool hands out while the block runs: a snapshot begins on each."""
    engine: sa.Engine = client.app.state.engine  # type: ignore[attr-defined]
    pool = engine.pool
    assert isinstance(pool, sa.pool.QueuePool)
    taken: list[int] = []

    def record(_dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        taken.append(1)

    with _listening(pool, [("checkout", record, False)]):
        yield taken


def known_version(client: TestClient) -> str:
    """The data version the app knows in process, once it knows it: on PostgreSQL, once its listener has read it
    since this process last wrote (resolvers/notified.py)."""
    versions = client.app.state.versions  # type: ignore[attr-defined]
    deadline = time.monotonic() + 2
    while (token := versions.known()) is None:
        assert time.monotonic() < deadline, "the app does not know its data version"
        time.sleep(0.01)
    assert isinstance(token, str)
    return token
