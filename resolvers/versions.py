"""The data version known in process, so a request answered from the cache (or with 304) needs no snapshot.

On SQLite, a connection of the watcher's own asks `PRAGMA data_version`, which changes whenever another
connection has committed since it last asked: a lookup in the shared memory of the database's write-ahead
log, with no statement on the request's pool. While it does not change, the version read last is still the
data's version; once it does, the version is read again. A commit is seen by the very next request, as when
each request read the version in its own snapshot.

PostgreSQL has no such local signal: there a listener is told of each commit by a notification that arrives
a moment after it, and reads the version again at least every `VERSION_CONFIRM_EVERY` seconds. The version it
gives is never one read more than `VERSION_TRUSTED_FOR` seconds ago (resolvers/notified.py says how stale it may
be); when it cannot vouch for one, `known` says None and the request reads the version in its own snapshot.
"""

import os
import sqlite3
import threading
from urllib.parse import quote

import sqlalchemy as sa

from models.database import check_file
from resolvers.notified import Listener
from resolvers.reading import VERSION, version_of

# The options of a SQLite URL that say how its file is to be read.
_KEPT = ("immutable", "nolock", "vfs")


class KnownVersion:
    """The data version of one engine's database, as the last commit left it; None when it cannot be told here."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        database = engine.url.database
        database = database if engine.dialect.name == "sqlite" and database and database != ":memory:" else None
        # A `file:` URI (read-only, say) names its file before its query.
        self._path = database[5:].split("?", 1)[0] if database and database.startswith("file:") else database
        # Opened read-only, with the URL's own options: it never creates the file, writes it or checkpoints it.
        kept = {name: engine.url.query[name] for name in _KEPT if name in engine.url.query}
        options = "".join(f"&{name}={value}" for name, value in kept.items())
        self._uri = f"file:{quote(self._path)}?mode=ro{options}" if self._path else None
        self._connection: sqlite3.Connection | None = None
        self._inode = 0
        self._changes: int | None = None
        self._token: str | None = None
        self._lock = threading.Lock()
        self._listener = Listener(engine) if engine.dialect.name == "postgresql" else None

    def known(self) -> str | None:
        """The version now, or None: the request reads it in its own snapshot (and reports what is wrong)."""
        if self._listener is not None:
            return self._listener.known()
        if self._path is None:
            return None
        with self._lock:
            try:
                check_file(self.engine)  # a file removed or replaced: pooled connections open it afresh
                return self._read(self._path)
            except (OSError, sqlite3.Error, sa.exc.SQLAlchemyError):
                self._drop()
                return None

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
        with self._lock:
            self._drop()

    def _read(self, path: str) -> str:
        connection = self._open(path)
        [changes] = connection.execute("PRAGMA data_version").fetchone()
        if changes != self._changes or self._token is None:
            row = connection.execute(VERSION).fetchone()
            self._token = version_of(row[0] if row else None)
            self._changes = changes
        return self._token

    def _open(self, path: str) -> sqlite3.Connection:
        inode = os.stat(path).st_ino
        if self._connection is None or inode != self._inode:
            self._drop()
            # It runs on the event loop: never waits for a lock (a file in rollback-journal mode being written says
            # busy at once, and the request reads the version in its own snapshot instead).
            self._connection = sqlite3.connect(
                self._uri or path, uri=True, timeout=0, check_same_thread=False, isolation_level=None
            )
            self._inode = inode
        return self._connection

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        self._changes, self._token = None, None
        if connection is not None:
            connection.close()
