"""Engines for the configured database URL, SQLite or PostgreSQL."""

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from models import metadata


def create_engine(url: str, timeout: float | None = None) -> sa.Engine:
    """An engine for `url`; plain `postgresql://` URLs use psycopg 3.

    With a `timeout` (seconds), waiting for a connection, opening one and running one statement are
    each bounded by it, so a database that is down or stuck fails a request quickly instead of hanging it.
    """
    parsed = make_url(url)
    options: dict[str, Any] = {}
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "postgresql":
        options["pool_pre_ping"] = True
        options["connect_args"] = {"connect_timeout": max(1, round(timeout or 10))}
        if timeout is not None:
            options["pool_timeout"] = timeout
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
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def create_tables(engine: sa.Engine) -> None:
    """Create every table that does not exist yet; instances starting together take turns."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(4206)"))
        metadata.create_all(connection)


_SQLITE_OUTAGES = (
    "database is locked",
    "unable to open database file",
    "disk I/O error",
    "database disk image is malformed",
)


def missing_columns(engine: sa.Engine) -> list[str]:
    """The `table.column`s the models declare that the database's tables lack."""
    inspector = sa.inspect(engine)
    missing = []
    for table in metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        missing += [f"{table.name}.{column.name}" for column in table.columns if column.name not in present]
    return missing


def unavailable(error: BaseException) -> bool:
    """Whether `error` says the database cannot be reached (down, restarting, too slow), not that a query is wrong."""
    if isinstance(error, sa.exc.TimeoutError | sa.exc.DisconnectionError):
        return True
    if not isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError):
        return False
    if error.connection_invalidated:
        return True
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate is not None:
        # Connection exceptions, the server shutting down, a statement cancelled by its timeout.
        return str(sqlstate).startswith(("08", "57P", "57014"))
    message = str(error.orig)
    if error.orig is not None and error.orig.__class__.__module__.startswith("sqlite3"):
        return any(outage in message for outage in _SQLITE_OUTAGES)
    return True  # no SQLSTATE from PostgreSQL's driver: the connection itself failed
