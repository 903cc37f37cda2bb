"""The data version known in process: every commit seen at once, a replaced or removed file noticed."""

import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from models import tables as t
from models.database import create_engine
from resolvers.reading import read_version
from resolvers.versions import KnownVersion


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


def test_the_version_is_known_in_process_on_sqlite_and_read_in_each_snapshot_on_postgresql(engine: sa.Engine):
    with engine.connect() as connection:
        token = read_version(connection)
    versions = KnownVersion(engine)
    assert versions.known() == (token if engine.dialect.name == "sqlite" else None)
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
