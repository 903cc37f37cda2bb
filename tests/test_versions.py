"""The data version known in process: on SQLite every commit seen at once, a replaced or removed file noticed; on
PostgreSQL every commit heard of within the bound, and nothing vouched for while the listener cannot read."""

import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

import settings
from models import tables as t
from models.database import create_engine, create_tables, writing
from resolvers.notified import NAME
from resolvers.reading import read_version
from resolvers.versions import KnownVersion
from seeds.writer import announce
from tests.databases import POSTGRES_URL, postgres_database


def database(path: Path, token: str) -> Path:
    """A SQLite file in write-ahead-log mode holding only the data version `token`."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        t.dataset_version.metadata.create_all(engine, tables=[t.dataset_version])
        with engine.begin() as connection:
            connection.execute(sa.insert(t.dataset_version).values(id=1, version=1, token=token))
    finally:
        engine.dispose()
    return path


def commit(path: Path, token: str) -> None:
    """A load by another connection (another process's, as far as the file can tell)."""
    with sqlite3.connect(path) as writer:
        writer.execute("UPDATE dataset_version SET token = ?, version = version + 1", (token,))
    writer.close()


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[Path, sa.Engine, KnownVersion]]:
    path = database(tmp_path / "data.db", "first")
    engine = create_engine(f"sqlite:///{path}")
    yield path, engine, KnownVersion(engine)
    engine.dispose()


def test_a_commit_by_another_connection_is_known_at_once(watched: tuple[Path, sa.Engine, KnownVersion]):
    path, _, versions = watched
    assert versions.known() == "first"
    for token in ("second", "third"):
        commit(path, token)
        assert versions.known() == token
    assert versions.known() == "third"


def test_a_replaced_file_is_read_afresh_and_a_removed_one_is_not_known(
    watched: tuple[Path, sa.Engine, KnownVersion], tmp_path: Path
):
    path, _, versions = watched
    assert versions.known() == "first"
    other = database(tmp_path / "other.db", "restored")
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(other, path)
    assert versions.known() == "restored"
    path.unlink()
    assert versions.known() is None
    shutil.copy(database(tmp_path / "again.db", "back"), path)
    assert versions.known() == "back"


def test_a_read_only_uri_is_watched_too(watched: tuple[Path, sa.Engine, KnownVersion]):
    path, _, _ = watched
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        versions = KnownVersion(engine)
        assert versions.known() == "first"
        commit(path, "second")
        assert versions.known() == "second"
        versions.close()
    finally:
        engine.dispose()


def test_the_version_is_known_in_process_on_both_backends(engine: sa.Engine):
    with engine.connect() as connection:
        token = read_version(connection)
    versions = KnownVersion(engine)
    if engine.dialect.name == "sqlite":
        assert versions.known() == token
    else:
        assert until(versions.known, token)  # once the listener has read it
    versions.close()


def test_a_file_locked_by_a_writer_is_not_waited_for(tmp_path: Path):
    """In rollback-journal mode a writer's lock keeps readers out: the watcher, on the event loop, says at once
    that it cannot tell, and the request reads the version in its own snapshot."""
    path = database(tmp_path / "journal.db", "first")
    with sqlite3.connect(path) as switch:
        assert switch.execute("PRAGMA journal_mode = DELETE").fetchone() == ("delete",)
    switch.close()
    engine = create_engine(f"sqlite:///{path}")
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        versions = KnownVersion(engine)
        writer.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        assert versions.known() is None
        assert time.monotonic() - started < 0.5
        writer.execute("ROLLBACK")
        assert versions.known() == "first"
        versions.close()
    finally:
        writer.close()
        engine.dispose()


def test_the_watcher_never_creates_the_file_it_watches(watched: tuple[Path, sa.Engine, KnownVersion]):
    path, _, versions = watched
    assert versions.known() == "first"
    versions.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    assert versions.known() is None
    assert not path.exists()


def until(asked: Callable[[], object], wanted: object, within: float = 2.0) -> bool:
    """Whether `asked()` answers `wanted` within `within` seconds (asked every few milliseconds)."""
    deadline = time.monotonic() + within
    while asked() != wanted:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


Listened = tuple[str, sa.Engine, KnownVersion]


@pytest.fixture
def listened(postgres_url: str) -> Iterator[Listened]:
    """A PostgreSQL database of its own holding the data version `first`, and a listener on it that knows so."""
    with postgres_database() as url:
        engine = create_engine(url)
        create_tables(engine)
        with engine.begin() as connection:
            connection.execute(sa.insert(t.dataset_version).values(id=1, version=1, token="first"))
        versions = KnownVersion(engine)
        assert until(versions.known, "first")
        yield url, engine, versions
        versions.close()
        engine.dispose()


def commit_elsewhere(url: str, token: str, notify: bool = True) -> None:
    """A load by another process, as seeds/writer.py writes the version (with a notification, unless told not to)."""
    other = create_engine(url)
    try:
        with other.begin() as connection:
            version = t.dataset_version.c.version
            connection.execute(sa.update(t.dataset_version).values(token=token, version=version + 1))
            if notify:
                announce(connection, token)
    finally:
        other.dispose()


def listeners(url: str) -> list[int]:
    """The backends of the listeners on the database at `url`."""
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.connect() as connection:
            found = connection.execute(
                sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :database AND application_name = :name"),
                {"database": sa.make_url(url).database, "name": NAME},
            )
            return list(found.scalars())
    finally:
        admin.dispose()


def test_a_commit_by_another_process_is_known_within_the_bound_on_postgresql(listened: Listened):
    url, _, versions = listened
    for token in ("second", "third"):
        commit_elsewhere(url, token)
        assert until(versions.known, token, within=settings.VERSION_TRUSTED_FOR)
    commit_elsewhere(url, "unannounced", notify=False)  # no notification: the version is read again all the same
    time.sleep(settings.VERSION_TRUSTED_FOR)
    assert versions.known() in (None, "unannounced")  # what was known before the commit is trusted no longer
    assert until(versions.known, "unannounced")


def test_a_write_of_this_process_is_never_followed_by_the_version_before_it(listened: Listened):
    _, engine, versions = listened
    with writing(engine) as connection:
        connection.execute(sa.update(t.dataset_version).values(token="second"))
    assert versions.known() in (None, "second")
    assert until(versions.known, "second")


def test_nothing_is_known_while_the_listener_is_cut_off_and_the_version_again_once_it_is_back(listened: Listened):
    url, _, versions = listened
    database = sa.make_url(url).database
    admin = create_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            [pid] = listeners(url)
            connection.execute(sa.text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false'))
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            assert until(versions.known, None)
            cut_off = time.monotonic() + settings.VERSION_TRUSTED_FOR
            while time.monotonic() < cut_off:  # it tries to connect again, and fails: it vouches for nothing
                assert versions.known() is None
                time.sleep(0.05)
            connection.execute(sa.text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true'))
        assert until(versions.known, "first", within=5)  # within its pause, doubled at each failure
        [again] = listeners(url)
        assert again != pid
    finally:
        admin.dispose()


def test_closing_stops_the_listeners_thread_and_its_connection(listened: Listened):
    url, engine, _ = listened
    before = {thread for thread in threading.enumerate() if thread.name == NAME}
    other = KnownVersion(engine)
    [thread] = {thread for thread in threading.enumerate() if thread.name == NAME} - before
    assert until(other.known, "first")
    assert len(listeners(url)) == 2
    other.close()
    assert not thread.is_alive()
    assert until(lambda: len(listeners(url)), 1)
