"""The data version known in process on PostgreSQL: a listener per server, told of every commit that changes it.

The listener has a connection of its own (psycopg, autocommit, outside the request pool, its `application_name`
`bilateral-version-listener`) that runs `LISTEN` on `models.meta.CHANNEL`, which every load that changes the
version notifies in its own transaction (seeds/writer.py); PostgreSQL delivers the notification as the load
commits. On a daemon thread the listener reads the version as it connects, again on every notification, and
again whenever `VERSION_CONFIRM_EVERY` seconds pass without one. It reads rather than take a notification's
payload: a notification that arrives during a read is handed over after it and may be older than what the read
found, while a read's version is as new as the read.

How stale the version `known` gives can be: it is what a read begun at most `VERSION_TRUSTED_FOR` seconds ago
found. A commit by any process is known once its notification arrives and the version is read again (a round
trip after the commit on a server that is not overloaded), and never later than `VERSION_TRUSTED_FOR` after it;
until then a cached answer or an ETag may still be the version's before. After a commit of this process
(`models.database.writing`), no version read before it is given. Whenever the listener cannot vouch for a version
so recent (connecting, its connection lost, a read failed or slow), `known` says None and the request reads the
version in its own snapshot, as it does without a listener. A lost connection is opened again after a pause that
doubles while it keeps failing, and the version read again before it is trusted.
"""

import logging
import os
import select
import threading
import time

import psycopg
import sqlalchemy as sa

import settings
from models.database import WRITES
from models.meta import CHANNEL
from resolvers.reading import VERSION, version_of

log = logging.getLogger("bilateral")

NAME = "bilateral-version-listener"
# The pause before connecting again, doubled after each attempt that read no version.
RETRY_FIRST = 0.1
RETRY_MOST = 5.0


class Listener:
    """The data version of one PostgreSQL database as the listener last read it; None when it cannot vouch for it."""

    def __init__(self, engine: sa.Engine) -> None:
        _, parameters = engine.dialect.create_connect_args(engine.url)
        self._parameters = {name: value for name, value in parameters.items() if name != "context"} | {
            "autocommit": True,
            "application_name": NAME,
            "connect_timeout": max(1, round(settings.READY_TIMEOUT)),
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 5,
            "keepalives_count": 2,
            "options": f"-c statement_timeout={round(settings.READY_TIMEOUT * 1000)}",
        }
        # The version, when the read that found it began, and this process's writes then: replaced whole, so the
        # event loop reads it without a lock.
        self._read: tuple[str, float, int] | None = None
        self._stopping = threading.Event()
        self._wake, self._waking = os.pipe()  # written by `close`: the thread stops waiting at once
        self._thread = threading.Thread(target=self._run, name=NAME, daemon=True)
        self._thread.start()

    def known(self) -> str | None:
        """The version, if read recently enough and since this process last wrote; never waits."""
        read = self._read
        if read is None:
            return None
        token, began, writes = read
        if writes != WRITES.count or time.monotonic() - began > settings.VERSION_TRUSTED_FOR:
            return None
        return token

    def close(self) -> None:
        """Stop the thread, which closes its connection: at once, unless it is in the middle of a read."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        os.write(self._waking, b"!")
        self._thread.join(settings.READY_TIMEOUT)
        if not self._thread.is_alive():  # else a read still hangs: the descriptors stay for it to wait on
            os.close(self._wake)
            os.close(self._waking)

    def _run(self) -> None:
        pause, told = RETRY_FIRST, False
        while not self._stopping.is_set():
            try:
                self._listen()
            except psycopg.Error as error:
                if self._read is not None or not told:  # once per outage, not once per attempt
                    log.warning("the data version listener cannot reach the database, and tries again: %s", error)
                    told = True
            pause = RETRY_FIRST if self._read is not None else min(pause * 2, RETRY_MOST)
            self._read = None
            self._stopping.wait(pause)

    def _listen(self) -> None:
        connection = psycopg.connect(**self._parameters)
        try:
            connection.execute(f"LISTEN {CHANNEL}")
            while not self._stopping.is_set():
                self._confirm(connection)
                self._wait(connection)
        finally:
            connection.close()

    def _wait(self, connection: psycopg.Connection) -> None:
        """Until a notification comes (all that came together are taken), `VERSION_CONFIRM_EVERY` passes, or `close`."""
        if list(connection.notifies(timeout=0)):  # one came during the last read, which may not have seen its commit
            return
        socket = connection.pgconn.socket
        ready, _, _ = select.select([socket, self._wake], [], [], settings.VERSION_CONFIRM_EVERY)
        if socket in ready:
            list(connection.notifies(timeout=0))

    def _confirm(self, connection: psycopg.Connection) -> None:
        # This process's writes counted before the read begins: one that commits during it leaves it untrusted.
        writes, began = WRITES.count, time.monotonic()
        row = connection.execute(VERSION).fetchone()
        self._read = (version_of(row[0] if row else None), began, writes)
