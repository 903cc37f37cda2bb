"""The synthetic data set the benchmark reads, on SQLite and on PostgreSQL, made once and kept.

SQLite's copy is the file `var/bench.db`; PostgreSQL's is the database `bilateral_bench` on the local
server. A copy is reused when it is complete (made by this version's tables, holding the whole data
set); anything else is thrown away and made again, which takes a minute or two.
"""

import os
from collections.abc import Callable

import sqlalchemy as sa

import settings
from models import tables as t
from models.database import create_engine, create_tables, missing_columns
from seeds.synthetic import Size, generate

SIZE = Size()
SQLITE_FILE = settings.ROOT / "var" / "bench.db"
POSTGRES_SERVER = os.environ.get("BILATERAL_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
POSTGRES_DATABASE = "bilateral_bench"
BACKENDS = ("sqlite", "postgresql")


def url_of(backend: str) -> str:
    """Where `backend`'s copy of the data set lives."""
    if backend == "sqlite":
        return f"sqlite:///{SQLITE_FILE}"
    return sa.make_url(POSTGRES_SERVER).set(database=POSTGRES_DATABASE).render_as_string(hide_password=False)


def prepare(backend: str, fresh: bool = False, say: Callable[[str], None] = print) -> str:
    """The URL of `backend`'s complete copy of the data set, made first if it is missing or incomplete."""
    url = url_of(backend)
    if not fresh and complete(url):
        return url
    _discard(backend)
    say(f"{backend}: generating the synthetic data set ({SIZE.events:,} events); this happens once")
    engine = create_engine(url)
    try:
        create_tables(engine)
        generate(engine, SIZE)
    finally:
        engine.dispose()
    return url


def complete(url: str) -> bool:
    """Whether the database at `url` holds the whole synthetic data set, in tables of this version."""
    engine = create_engine(url)
    try:
        if missing_columns(engine):
            return False
        with engine.connect() as connection:
            sources = connection.execute(sa.select(t.source.c.slug)).scalars().all()
            counts = [
                connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for table in (t.country, t.relation, t.event, t.dataset_version)
            ]
        return sources == ["synthetic"] and counts == [SIZE.countries, SIZE.relations, SIZE.events, 1]
    except sa.exc.SQLAlchemyError:
        return False  # no such file or database, or not ours
    finally:
        engine.dispose()


def postgres_version() -> str:
    """The version of the PostgreSQL server the benchmark uses."""
    engine = create_engine(POSTGRES_SERVER)
    try:
        with engine.connect() as connection:
            version: str = connection.execute(sa.text("SHOW server_version")).scalar_one()
            return version
    finally:
        engine.dispose()


def _discard(backend: str) -> None:
    if backend == "sqlite":
        for suffix in ("", "-journal", "-wal", "-shm"):
            SQLITE_FILE.with_name(SQLITE_FILE.name + suffix).unlink(missing_ok=True)
        return
    admin = create_engine(POSTGRES_SERVER).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{POSTGRES_DATABASE}"'))
    finally:
        admin.dispose()
