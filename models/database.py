"""Engines for the configured database URL, SQLite or PostgreSQL, and how their failures read."""

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from models import metadata

# SQLite's words for a file that cannot be used right now: the database is unavailable, not the query wrong.
_SQLITE_OUTAGES = (
    "unable to open database file",
    "disk I/O error",
    "database disk image is malformed",
    "file is not a database",
)


def create_engine(url: str, timeout: float | None = None, pool_size: int = 5) -> sa.Engine:
    """An engine for `url`; plain `postgresql://` URLs use psycopg 3.

    With a `timeout` (seconds), waiting for a pooled connection, opening one, waiting for a lock and
    running one statement are each bounded by it, so a database that is down or stuck fails a request
    quickly instead of hanging it. At most `pool_size` connections are open at once.
    """
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    options: dict[str, Any] = {"pool_size": pool_size, "max_overflow": 0}
    if timeout is not None:
        options["pool_timeout"] = timeout
    if parsed.get_backend_name() == "postgresql":
        options["connect_args"] = {
            "connect_timeout": max(1, round(timeout or 10)),
            # A server that vanishes without closing the connection is noticed within about 20 seconds.
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 2,
        }
        if timeout is not None:
            options["connect_args"]["options"] = f"-c statement_timeout={round(timeout * 1000)}"
    if parsed.get_backend_name() == "sqlite":
        options["connect_args"] = {"check_same_thread": False, "timeout": timeout or 15}
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            folder = Path(parsed.database).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise OSError(f"cannot create the folder {folder} for the SQLite database: {error.strerror}") from None
    engine = sa.create_engine(parsed, **options)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
    if engine.dialect.name == "postgresql":
        sa.event.listen(engine.pool, "connect", _returned)  # a connection just opened needs no ping
        if timeout is not None:
            sa.event.listen(engine.pool, "connect", _statement_timeout(timeout))
        sa.event.listen(engine.pool, "checkin", _returned)
        sa.event.listen(engine.pool, "checkout", _pinger(engine.dialect))
        sa.event.listen(engine, "do_execute", _last_result)
    sa.event.listen(engine, "handle_error", _outage_is_a_disconnect)
    return engine


# A pooled PostgreSQL connection idle for longer than this is pinged before it is handed out; one in steady use is
# not (a round trip saved per request). One that died meanwhile fails its first statement, and the request is
# begun again on a new connection (web/endpoint.py), as when the database restarts during a request.
PING_IDLE = 1.0


# The key of a pooled PostgreSQL connection's `info`: the statement timeout it was opened with, in seconds.
STATEMENT_TIMEOUT = "statement_timeout"


def _statement_timeout(seconds: float) -> Any:
    def note(_dbapi_connection: Any, record: Any) -> None:
        record.info[STATEMENT_TIMEOUT] = seconds

    return note


def _returned(_dbapi_connection: Any, record: Any) -> None:
    record.info["returned"] = time.monotonic()


def _pinger(dialect: sa.Dialect) -> Any:
    def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        """SQLAlchemy's pessimistic ping, only for a connection idle past `PING_IDLE` (or never used): a dead one
        is replaced by the pool before anyone reads from it."""
        if time.monotonic() - record.info.get("returned", 0.0) <= PING_IDLE:
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception:  # whatever the driver raises for a connection that is gone
            alive = False
        if not alive:
            raise sa.exc.DisconnectionError("a pooled connection did not answer its ping")

    return ping_if_idle


# An execution option of SQLite: the connection's one statement is all its snapshot reads, so no transaction is
# begun for it (a statement sees one snapshot).
ALONE = "alone"
# An execution option for a string of several statements, sent in one round trip (the simple query protocol, so
# without parameters): its result is the last statement's, where the driver's cursor stands at the first's.
LAST_RESULT = "last_result"


# Execution options of PostgreSQL: statements without parameters or rows sent before and after the statement in its
# round trip (psycopg's pipeline mode: each sent without waiting, then one wait for every answer); the statement's
# rows are its result, and an error of any of them is raised as the statement's (once one fails, the server skips
# the rest).
SENT_BEFORE = "sent_before"
SENT_AFTER = "sent_after"


def _last_result(cursor: Any, statement: str, parameters: Any, context: sa.engine.ExecutionContext) -> bool:
    before, after = context.execution_options.get(SENT_BEFORE, ()), context.execution_options.get(SENT_AFTER, ())
    if before or after:
        connection = cursor.connection
        with connection.pipeline():
            for each in before:
                connection.execute(each, prepare=False)  # never prepared: a timeout's differs each time
            cursor.execute(statement, parameters)
            for each in after:
                connection.execute(each, prepare=False)
        return True
    if not context.execution_options.get(LAST_RESULT):
        return False  # the dialect executes it as usual
    cursor.execute(statement, parameters)
    while cursor.nextset():
        pass
    return True


def _sqlite_connect(connection: Any, _record: Any) -> None:
    # Transactions are begun by `_sqlite_begin`, not by the driver: a read then holds one snapshot throughout.
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    # Readers see the snapshot their transaction began with while a load writes beside them; a read-only
    # file keeps the journal it has.
    with suppress(sqlite3.OperationalError):
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _sqlite_begin(connection: sa.Connection) -> None:
    options = connection.get_execution_options()
    if options.get("isolation_level") != "AUTOCOMMIT" and not options.get(ALONE):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get("writing") else "BEGIN")


def _outage_is_a_disconnect(context: sa.engine.ExceptionContext) -> None:
    """A SQLite file found corrupt or missing is dropped from the pool, so a restored file is opened afresh."""
    error = context.original_exception
    if isinstance(error, sqlite3.DatabaseError) and any(outage in str(error) for outage in _SQLITE_OUTAGES):
        context.is_disconnect = True


class Writes:
    """The transactions this process has committed through `writing`, counted.

    A data version known in process from before the last of them is not trusted (resolvers/notified.py): the
    database's notification of a commit comes a moment after it, and the writer may ask for its data at once.
    """

    def __init__(self) -> None:
        self.count = 0
        self._lock = threading.Lock()

    def add(self) -> None:
        with self._lock:
            self.count += 1


WRITES = Writes()


@contextmanager
def writing(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A transaction that writes: on SQLite it takes the write lock at once; on PostgreSQL writers take turns."""
    try:
        with engine.execution_options(writing=True).begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(4206)"))
            yield connection
    finally:
        WRITES.add()  # after the commit, or after a failure that may have come with the commit itself


class DatabaseFileError(sa.exc.DisconnectionError):
    """The SQLite file is gone, or is no longer a SQLite database: an outage until the file is back."""


_SQLITE_HEADER = b"SQLite format 3\x00"
# One descriptor per SQLite file, kept open: closing any descriptor of a file drops every POSIX lock this
# process holds on it, SQLite's own included, which would let another process reset the file's log under
# our connections. A descriptor is closed only once its file has been replaced and the pool let go of it.
_OPEN_FILES: dict[str, tuple[int, int]] = {}  # a path → a descriptor of its file, and the file's inode
_FILES_LOCK = threading.Lock()


def check_file(engine: sa.Engine) -> None:
    """For a SQLite file, that it is still there and still a database; `DatabaseFileError` if not.

    Connections already open keep reading a file that was removed or replaced, and serve pages they
    hold in memory from a file damaged since: they are dropped, so a restored file is opened afresh.
    """
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return
    with _FILES_LOCK:
        try:
            inode = os.stat(database).st_ino
            held = _OPEN_FILES.get(database)
            if held is None or held[1] != inode:
                opened = os.open(database, os.O_RDONLY)
                _OPEN_FILES[database] = (opened, os.fstat(opened).st_ino)
                if held is not None:
                    engine.dispose()  # pooled connections read the file this path named before
                    os.close(held[0])  # the replaced file's, which no pooled connection reads any more
            header = os.pread(_OPEN_FILES[database][0], len(_SQLITE_HEADER), 0)
        except OSError as error:
            problem: str | None = f"cannot be read: {error.strerror}"
        else:
            problem = None if header == _SQLITE_HEADER else "is not a SQLite database any more"
    if problem is not None:
        engine.dispose()
        raise DatabaseFileError(f"the database file {database} {problem}")


def create_tables(engine: sa.Engine) -> None:
    """Create every table that does not exist yet; instances starting together take turns."""
    with writing(engine) as connection:
        metadata.create_all(connection)


def missing_columns(engine: sa.Engine) -> list[str]:
    """The `table.column`s the models declare that the database's tables lack."""
    inspector = sa.inspect(engine)
    missing = []
    for table in metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        missing += [f"{table.name}.{column.name}" for column in table.columns if column.name not in present]
    return missing


def cancelled(error: BaseException) -> bool:
    """Whether `error` is a statement stopped for running past its time (PostgreSQL's timeout, SQLite's interrupt)."""
    if not isinstance(error, sa.exc.DBAPIError):
        return False
    if getattr(error.orig, "sqlstate", None) == "57014":
        return True
    return isinstance(error.orig, sqlite3.OperationalError) and str(error.orig) == "interrupted"


def unavailable(error: BaseException) -> bool:
    """Whether `error` says the database cannot be reached (down, restarting, corrupt), not that a query is wrong.

    A pool that is merely full, or a statement stopped by its time budget, is neither.
    """
    if isinstance(error, sa.exc.DisconnectionError):
        return True
    if not isinstance(error, sa.exc.DBAPIError) or cancelled(error):
        return False
    if error.connection_invalidated:
        return True
    sqlstate = getattr(error.orig, "sqlstate", None)
    if isinstance(error.orig, sqlite3.Error):
        return any(outage in str(error.orig) for outage in (*_SQLITE_OUTAGES, "database is locked"))
    if sqlstate is not None:
        # Connection exceptions, and the server shutting down or being shut down.
        return str(sqlstate).startswith(("08", "57P"))
    # No SQLSTATE: PostgreSQL's driver could not talk to the server at all.
    return isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError)
