"""Engines for the configured database URL, SQLite or PostgreSQL."""

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from models import metadata


def create_engine(url: str) -> sa.Engine:
    """An engine for `url`; plain `postgresql://` URLs use psycopg 3."""
    parsed = make_url(url)
    options: dict[str, Any] = {}
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "postgresql":
        options["pool_pre_ping"] = True
        options["connect_args"] = {"connect_timeout": 5}
    if parsed.get_backend_name() == "sqlite":
        options["connect_args"] = {"check_same_thread": False, "timeout": 15}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, **options)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def create_tables(engine: sa.Engine) -> None:
    """Create every table that does not exist yet."""
    metadata.create_all(engine)
