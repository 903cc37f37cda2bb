"""Fresh databases for tests: SQLite files, and databases created on the PostgreSQL server."""

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from models import metadata
from models.database import create_engine

POSTGRES_URL = os.environ.get("BILATERAL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_unavailable() -> str | None:
    """Why PostgreSQL cannot be used for tests, or None when it can."""
    engine = create_engine(POSTGRES_URL)
    try:
        with engine.connect():
            return None
    except sa.exc.OperationalError as error:
        return f"PostgreSQL at {POSTGRES_URL} is not reachable: {str(error.orig).strip().splitlines()[0]}"
    finally:
        engine.dispose()


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty database on the PostgreSQL server, dropped afterwards; yields its URL."""
    name = f"bilateral_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def postgres_reader(url: str) -> Iterator[str]:
    """A role that may only read the tables of the database at `url`, dropped afterwards; yields a URL as that role.

    Its transactions cannot be made to write, as a read-only default can (a pool resets `read_only` on each
    connection it takes back)."""
    role = f"bilateral_reader_{uuid.uuid4().hex[:12]}"
    database = sa.make_url(url).database
    owner = create_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    with owner.connect() as connection:
        connection.execute(sa.text(f'CREATE ROLE "{role}" LOGIN'))
        connection.execute(sa.text(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"'))
        connection.execute(sa.text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
        connection.execute(sa.text(f'ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO "{role}"'))
    try:
        yield sa.make_url(url).set(username=role, password=None).render_as_string(hide_password=False)
    finally:
        with owner.connect() as connection:
            connection.execute(sa.text(f'DROP OWNED BY "{role}"'))
        owner.dispose()
        admin = create_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def reset(engine: sa.Engine) -> None:
    """Drop and recreate every table; on PostgreSQL, fail (naming them) rather than wait on transactions an
    earlier test left open."""
    if engine.dialect.name == "postgresql":
        assert not (left := left_open(engine)), f"transactions left open on the test database: {left}"
    metadata.drop_all(engine)
    metadata.create_all(engine)


def left_open(engine: sa.Engine, grace: float = 5.0) -> list[str]:
    """PostgreSQL: the transactions other connections hold open on `engine`'s database, idle, once `grace` seconds
    have let those still being rolled back (a connection on its way back to its pool) end."""
    deadline = time.monotonic() + grace
    with engine.connect() as connection:
        while True:
            rows = connection.execute(
                sa.text(
                    "SELECT pid, application_name, now() - xact_start, left(query, 80) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND state LIKE 'idle in transaction%'"
                )
            ).all()
            connection.rollback()
            if not rows or time.monotonic() > deadline:
                return [f"pid {pid} ({name or 'no name'}) open for {age}, last: {sql}" for pid, name, age, sql in rows]
            time.sleep(0.05)


def snapshot(engine: sa.Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in id order: two equal snapshots are two identical databases."""
    with engine.connect() as connection:
        return {
            name: [tuple(row) for row in connection.execute(sa.select(table).order_by(*table.primary_key))]
            for name, table in metadata.tables.items()
        }
