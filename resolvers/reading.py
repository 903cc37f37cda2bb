"""One request's reads: one pooled connection, one read-only transaction (one snapshot), one time budget."""

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from anyio import to_thread
from psycopg import pq

from models import tables as t
from models.database import ALONE, LAST_RESULT, SENT_AFTER, SENT_BEFORE, STATEMENT_TIMEOUT, cancelled, check_file
from resolvers.errors import ClientError, ErrorCode
from resolvers.sizes import SIZES

# Between two statements of one request, PostgreSQL's statement timeout is brought down to what is left
# of the budget once this much of it has been spent.
_RESET_AFTER = 0.25
# SQLite calls the progress handler every so many virtual machine instructions (about ten milliseconds). Each call
# takes the GIL: a read on a worker thread may wait for it as long as the interpreter's switch interval (5 ms) while
# the event loop is busy, so a handler called every millisecond could make a scan take up to six times as long.
_PROGRESS_EVERY = 200_000


# Connections on their way back to the pool.
_CLOSING: set[asyncio.Future[None]] = set()


async def closed() -> None:
    """Wait until every reader's connection of this event loop's app is back in its pool (before the pool is
    disposed of); another app in the process, on a loop of its own, waits for its own."""
    loop = asyncio.get_running_loop()
    closing = [future for future in _CLOSING if future.get_loop() is loop]
    if closing:
        await asyncio.gather(*closing, return_exceptions=True)


class QueryTimeout(ClientError):
    """The request ran past its time budget; the database stopped what it was doing."""

    code = ErrorCode.QUERY_TIMEOUT

    def __init__(self, budget: float) -> None:
        super().__init__(
            f"the query ran past its time budget of {budget:g} seconds and was stopped: ask for less "
            "(fewer items with `first`, fewer filter terms or aliases) or try again later"
        )


class PoolBusy(ClientError):
    """Every database connection stayed in use while the request waited: busy, not down."""

    code = ErrorCode.SERVER_BUSY

    def __init__(self) -> None:
        super().__init__("every database connection is in use; try again in a moment")


class ConnectionLost(ClientError):
    """The request's connection died during its snapshot: the database is unavailable to this request."""

    code = ErrorCode.SERVICE_UNAVAILABLE

    def __init__(self) -> None:
        super().__init__("The database is unavailable; try again shortly.")


class Connections:
    """Turns for pooled connections, taken on the event loop: a request waits here rather than on a worker
    thread inside the pool, and past `wait` seconds it is refused with `PoolBusy`.

    `reserved` of the `size` turns are kept for requests known to be light, so a burst of costly ones,
    which hold their connections for long, never makes a small query wait for one.
    """

    def __init__(self, size: int, reserved: int, wait: float) -> None:
        self.wait = wait
        self._reserves = reserved > 0
        self._shared = asyncio.Semaphore(max(1, size - reserved))
        self._reserved = asyncio.Semaphore(reserved)

    async def take(self, light: bool) -> asyncio.Semaphore:
        """A turn; the semaphore to give it back to. A light request takes a shared turn if one is free, else
        waits for one of its own lane."""
        lane = self._reserved if light and self._reserves and self._shared.locked() else self._shared
        try:
            async with asyncio.timeout(self.wait):
                await lane.acquire()
        except TimeoutError:
            raise PoolBusy from None
        return lane


@dataclass(frozen=True)
class Opening:
    """A statement of one value (one row of one column), in the driver's own SQL and parameters: on PostgreSQL, sent
    in the round trip that begins the snapshot when the request has not begun one (`Reader.open`)."""

    sql: str
    parameters: dict[str, Any] | tuple[Any, ...]  # by name or by position, as the driver takes them
    # Nothing is read after it: a snapshot begun in its round trip also ends there (a ROLLBACK sent after it), and
    # the connection goes back to the pool idle, with no round trip of its own.
    ends: bool = False
    # PostgreSQL's planner settings for a snapshot begun in its round trip (`SET LOCAL`, sent before it).
    planner: tuple[str, ...] = ()


# Told apart from any value an opening statement reads.
_UNREAD = object()


class SnapshotEnded(Exception):
    """A read after an opening statement that was to be the request's last (`Opening.ends`): a bug, never data."""


class _Ended:
    """In place of the connection once the snapshot ended in the round trip that began it: any use raises."""

    def __getattr__(self, name: str) -> Any:
        raise SnapshotEnded(f"`{name}` of a connection whose snapshot ended with its opening statement")


_ENDED: Any = _Ended()


class Reader:
    """Every read of one request, in one transaction on one pooled connection.

    The connection is taken at the first read and kept until `close`, so the data-version read, every
    loader batch and every resolver see one snapshot: REPEATABLE READ, READ ONLY on PostgreSQL, one
    read transaction on SQLite (in WAL mode). Each snapshot begins by reading the data's version
    (`token`): on PostgreSQL in the round trip that begins the transaction and sets its statement timeout
    (`begin_snapshot`), and when the request's first read is one statement (`open`), in that same round trip too
    (`open_snapshot`); on SQLite, beside that statement. A statement that is all the request reads
    (`Opening.ends`) is its own snapshot, with no transaction begun around it on SQLite. `release` ends the
    snapshot early (a request waiting its turn holds no connection); the next read begins a new one. Reads run
    one at a time; past the deadline the database itself stops the statement (PostgreSQL's statement timeout,
    SQLite's progress handler) and the read raises `QueryTimeout`, the version read that begins a snapshot
    included.

    PostgreSQL's reads run on worker threads, which wait on the network without holding the event loop.
    SQLite's run on the event loop itself while the request is light (`heavy` not called): SQLite is a
    library in this process, a light request's reads are index lookups of a bounded number of rows that
    take well under a millisecond, and a trip to a worker thread and back costs more than that (and, with
    the GIL, several requests' trips queue behind each other). A request that is costly or may scan (a
    sort no index serves, a filter, a count: see pipeline/limits.py) is heavy: its reads go to worker
    threads, so the loop keeps answering others while SQLite works with the GIL released.
    A read on a thread whose caller gives up (a database that does not answer at all) is left to finish
    there, and whatever closes the reader waits for it there, not on the event loop.

    With `connections`, the connection is taken only on a turn from it (in the light lane once `light` is
    set). A connection that dies during the snapshot (`lost`) is never replaced by a new snapshot: every
    later read raises `ConnectionLost`, and the caller may begin again with a new reader.
    """

    def __init__(self, engine: sa.Engine, budget: float | None = None, connections: Connections | None = None) -> None:
        self.engine = engine
        self.budget = budget
        self.connections = connections
        self.light = False  # known to be a cheap request: it may take a connection of the light lane
        self.lost = False
        self.deadline = time.monotonic() + budget if budget else None
        self.snapshots = 0  # how many transactions this request has begun
        self.token = ""  # the data version the current snapshot sees
        # The data version known in process when the request came (`resolvers/versions.py`), which it may assume
        # until its snapshot begins; the snapshot says whether it was still the data's (`token`).
        self.expected: str | None = None
        self._connection: sa.Connection | None = None
        self._timeout_set = 0.0
        self._lock = threading.Lock()
        self._on_loop = engine.dialect.name == "sqlite"
        self._turn: asyncio.Semaphore | None = None
        self._taking = asyncio.Lock()

    def _loop_can_read(self) -> bool:
        """Whether a read may run on the event loop now: SQLite, a light request, no read of its own on a thread,
        and a connection at hand (waiting for the pool on the loop would stop the requests that hold them)."""
        if not self._on_loop or self._lock.locked():
            return False
        if self._connection is not None:
            return True
        pool = self.engine.pool
        if isinstance(pool, sa.pool.QueuePool):
            return pool.checkedin() > 0 or pool.checkedout() < pool.size()
        return True

    def heavy(self) -> None:
        """This request may read for long: from now on its reads run on worker threads."""
        self._on_loop = False

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    async def run(self, query: Callable[..., Any], *arguments: Any) -> Any:
        """`query(connection, *arguments)` in this request's snapshot, on the loop or a worker thread."""
        self.check()
        await self.take_turn()
        if self._loop_can_read():
            return self._run(query, arguments)
        return await to_thread.run_sync(self._run, query, arguments, abandon_on_cancel=True)

    async def open(self, query: Callable[[sa.Connection, Any], Any], opening: Opening) -> Any:
        """`query(connection, value)` in this request's snapshot, where `value` is what `opening` reads. On
        PostgreSQL, a snapshot not yet begun is begun in the round trip that reads it (`open_snapshot`)."""
        self.check()
        await self.take_turn()
        if self._loop_can_read():
            return self._run(query, (), opening)
        return await to_thread.run_sync(self._run, query, (), opening, abandon_on_cancel=True)

    @property
    def begun(self) -> bool:
        """Whether a snapshot is held: its `token` is the data version the request reads."""
        return self._connection is not None

    def sizes_token(self) -> str | None:
        """The data version whose sizes the cost model counts: the snapshot's, or the one the request assumes."""
        return self.token if self.begun else self.expected

    async def take_turn(self) -> None:
        """Wait for a turn for a connection, if there are turns to take and this reader holds none;
        `PoolBusy` past their wait, `ConnectionLost` once this reader's connection has died."""
        if self.lost:
            raise ConnectionLost
        if self.connections is not None and self._turn is None:
            async with self._taking:  # the loaders of one request read concurrently: one turn between them
                if self._turn is None:
                    self._turn = await self.connections.take(self.light)

    async def version(self) -> str:
        """The token of the loaded data as this request's snapshot sees it; every load that changes data renews it."""
        token: str = await self.run(lambda _connection: self.token)
        return token

    async def release(self) -> None:
        """End the snapshot and give the connection back; the next read begins a new snapshot."""
        if self._on_loop and not self._lock.locked():
            self._close()
        else:
            await to_thread.run_sync(self._close, abandon_on_cancel=True)
        self._give_turn_back()

    def close(self) -> None:
        """Give the connection back without waiting: on the loop where reads run there, otherwise on a worker
        thread (if a read is still running, such as on a database that does not answer, once the read ends).
        `closed()` waits for every such return."""
        if self._on_loop and not self._lock.locked():
            self._close()
        elif self._connection is not None or self._lock.locked():
            closing = asyncio.get_running_loop().run_in_executor(None, self._close)
            _CLOSING.add(closing)
            closing.add_done_callback(_CLOSING.discard)
            turn, self._turn = self._turn, None
            if turn is not None:
                closing.add_done_callback(lambda _: turn.release())  # once the connection is back in the pool
            return
        self._give_turn_back()

    def _give_turn_back(self) -> None:
        turn, self._turn = self._turn, None
        if turn is not None:
            turn.release()

    def check(self) -> None:
        """Raise `QueryTimeout` once the request has spent its time."""
        remaining = self.remaining()
        if remaining is not None and remaining <= 0 and self.budget is not None:
            raise QueryTimeout(self.budget)

    def _run(self, query: Callable[..., Any], arguments: tuple[Any, ...], opening: Opening | None = None) -> Any:
        with self._lock:
            connection, value, ended = self._connection, _UNREAD, False
            if connection is None:
                connection, value = self._begin(opening)
                ended = opening is not None and opening.ends
            remaining = self.remaining()
            postgresql = connection.dialect.name == "postgresql"
            if postgresql and remaining is not None and self._timeout_set - remaining > _RESET_AFTER:
                self._set_statement_timeout(connection, remaining)
            try:
                if opening is not None:
                    if value is _UNREAD:
                        value = connection.exec_driver_sql(opening.sql, opening.parameters).scalar_one()
                    arguments = (value, *arguments)
                return query(_ENDED if ended else connection, *arguments)
            except sa.exc.DBAPIError as error:
                if cancelled(error) and self.budget is not None:
                    raise QueryTimeout(self.budget) from None
                self._check_alive(connection, error)
                raise
            except sa.exc.PendingRollbackError as error:
                self._check_alive(connection, error)
                raise
            finally:
                if ended:  # back to the pool at once, idle: nothing to roll back
                    self._connection = None
                    self._forget(connection)

    def _check_alive(self, connection: sa.Connection, error: Exception) -> None:
        """A connection that died (killed, or the server restarting) ends this snapshot: `ConnectionLost`."""
        invalidated = isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated
        if connection.invalidated or invalidated or isinstance(error, sa.exc.PendingRollbackError):
            self.lost = True
            self._connection = None
            self._forget(connection)
            raise ConnectionLost from error

    def _begin(self, opening: Opening | None = None) -> tuple[sa.Connection, Any]:
        """A new snapshot on a pooled connection; and what `opening` reads, if it was read in the same round trip."""
        check_file(self.engine)
        connection = self.engine.connect()
        value = _UNREAD
        try:
            remaining = self.remaining()
            if connection.dialect.name == "postgresql":
                if opening is None:
                    self.token = begin_snapshot(connection, remaining)
                else:
                    self.token, value = open_snapshot(connection, remaining, opening)
                if remaining is not None:
                    self._timeout_set = remaining
            else:
                value = self._begin_sqlite(connection, remaining, opening)
            if not SIZES.known(self.token) and not (opening is not None and opening.ends):
                SIZES.count(connection, self.token)  # once per data version: the cost of the next queries reads it
        except sa.exc.DBAPIError as error:
            self._forget(connection)
            if cancelled(error):
                if self.budget is not None:  # the version read or the counts ran past the budget, which bounds them too
                    raise QueryTimeout(self.budget) from None
            elif connection.invalidated or error.connection_invalidated:
                self.lost = True
                raise ConnectionLost from error
            raise
        except BaseException:
            self._forget(connection)
            raise
        self._connection = connection
        self.snapshots += 1
        return connection, value

    def _begin_sqlite(self, connection: sa.Connection, remaining: float | None, opening: Opening | None) -> Any:
        """SQLite's snapshot: a transaction begun, or none for a statement that is all the request reads (it is its
        own snapshot); the data version read, beside `opening`'s value when there is one, which is returned."""
        if opening is not None and opening.ends:
            connection.execution_options(**{ALONE: True})
        else:
            connection.begin()
        if remaining is not None:
            self._raw(connection).set_progress_handler(self._past_deadline, _PROGRESS_EVERY)
        if opening is None:
            self.token = read_version(connection)
            return _UNREAD
        token, value = connection.exec_driver_sql(beside_version(opening), opening.parameters).one()
        self.token = version_of(token)
        return value

    def _set_statement_timeout(self, connection: sa.Connection, remaining: float) -> None:
        connection.exec_driver_sql(f"SET LOCAL statement_timeout = {_milliseconds(remaining)}")
        self._timeout_set = remaining

    def _past_deadline(self) -> int:
        return int(self.deadline is not None and time.monotonic() > self.deadline)

    def _close(self) -> None:
        with self._lock:
            connection, self._connection = self._connection, None
            if connection is not None:
                self._forget(connection)

    def _forget(self, connection: sa.Connection) -> None:
        try:
            if connection.dialect.name == "sqlite" and not connection.invalidated:
                self._raw(connection).set_progress_handler(None, 0)
        finally:
            if _unusable(connection):
                # Rolling it back would fail, and the pool would log the failure as an error with its traceback.
                with suppress(sa.exc.SQLAlchemyError):
                    connection.invalidate()
            try:
                connection.close()
            except sa.exc.DBAPIError:
                # The connection died after its last read and cannot roll back: it is thrown away, not pooled.
                with suppress(sa.exc.SQLAlchemyError):
                    connection.invalidate()
                    connection.close()

    @staticmethod
    def _raw(connection: sa.Connection) -> sqlite3.Connection:
        raw: sqlite3.Connection = connection.connection.dbapi_connection  # type: ignore[assignment]  # pysqlite's
        return raw


def _unusable(connection: sa.Connection) -> bool:
    """Whether a PostgreSQL connection cannot be rolled back and pooled again: its socket closed, or it still
    awaits the results of a command that a killed backend will never send."""
    if connection.dialect.name != "postgresql" or connection.invalidated:
        return False
    try:
        raw = connection.connection.dbapi_connection
    except sa.exc.SQLAlchemyError:
        return False
    if raw is None:
        return False
    status = raw.info.transaction_status
    return bool(raw.broken) or status in (pq.TransactionStatus.ACTIVE, pq.TransactionStatus.UNKNOWN)


# Read at the start of every snapshot: plain SQL, with nothing for SQLAlchemy to compile or look up.
VERSION = f"SELECT {t.dataset_version.c.token.name} FROM {t.dataset_version.name}"
SNAPSHOT = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"


def version_of(value: str | None) -> str:
    """The data version a `dataset_version` token read (or None: no row) stands for: "empty" before the first load."""
    return value or "empty"


def read_version(connection: sa.Connection) -> str:
    """The data version the database holds."""
    return version_of(connection.exec_driver_sql(VERSION).scalar())


def begin_snapshot(connection: sa.Connection, remaining: float | None) -> str:
    """Begin PostgreSQL's snapshot on `connection` and read its data version, with the statement timeout of the
    `remaining` seconds (bounding the version read and all that follows) set in between: one round trip.

    The transaction is begun here rather than by psycopg, which would send its own BEGIN first (a round trip of
    its own): the driver is in autocommit until the connection goes back to the pool, so it begins nothing, and
    SQLAlchemy's rollback still ends the transaction (psycopg's follows the server's transaction status, not its
    own setting), before the pool resets the setting on the connection, idle again."""
    connection.execution_options(isolation_level="AUTOCOMMIT")
    timeout = [] if remaining is None else [f"SET LOCAL statement_timeout = {_milliseconds(remaining)}"]
    begin = "; ".join([SNAPSHOT, *timeout, VERSION])
    return version_of(connection.exec_driver_sql(begin, execution_options={LAST_RESULT: True}).scalar())


def beside_version(opening: Opening) -> str:
    """One statement that reads the data version and `opening`'s value: a statement sees one snapshot."""
    return f"SELECT ({VERSION}), ({opening.sql})"


def open_snapshot(connection: sa.Connection, remaining: float | None, opening: Opening) -> tuple[str, Any]:
    """`begin_snapshot`, and `opening`'s value read in the snapshot beside the data version, in one round trip.

    A statement that is all the request reads (`Opening.ends`), with no planner settings, whose connection's own
    statement timeout is within `_RESET_AFTER` of what is left of the budget, is sent alone: one statement sees
    one snapshot, whatever the isolation level, and its implicit transaction ends with it. Otherwise the
    transaction is begun and its statement timeout and planner settings set in psycopg's pipeline mode, sent
    without waiting before the statement (`SENT_BEFORE`), and, when nothing is read after it, the transaction
    ended after it (`SENT_AFTER`)."""
    connection.execution_options(isolation_level="AUTOCOMMIT")
    statement = beside_version(opening)
    own = connection.info.get(STATEMENT_TIMEOUT)
    bounded = remaining is None or (own is not None and own - remaining <= _RESET_AFTER)
    options: dict[str, Any] = {}
    if not (opening.ends and not opening.planner and bounded):
        timeout = [] if remaining is None else [f"SET LOCAL statement_timeout = {_milliseconds(remaining)}"]
        planner = [f"SET LOCAL {setting}" for setting in opening.planner]
        options = {SENT_BEFORE: (SNAPSHOT, *timeout, *planner), SENT_AFTER: ("ROLLBACK",) if opening.ends else ()}
    token, value = connection.exec_driver_sql(statement, opening.parameters, execution_options=options).one()
    return version_of(token), value


def _milliseconds(seconds: float) -> int:
    return max(1, int(seconds * 1000))
