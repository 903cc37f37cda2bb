"""CPU time per request: a server's processes and the PostgreSQL backends that answer it, read from /proc.

A server's time is the user and system time of its process and of each live descendant (a process's
threads count in it: Node's and the database driver's), with what its finished children left behind.
Its backends are the ones `pg_stat_activity` lists on the database with the `application_name` its
connections carry (`tagged` puts it in the URL the server is given): the API, the floor and PostGraphile
each have their own, so one's database time is not another's. Both are read when a load's measured
window opens and when it closes, and divided by the requests counted in it. A backend that ends inside
the window takes its time with it (the pools keep theirs open), and one that starts inside counts from 0;
so does a process the server starts inside it.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa

PROC = Path("/proc")
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 10.0
BACKENDS = sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :database AND application_name = :name")


class Meter(Protocol):
    """Told when a load's warm-up is nearly over (`prepare`, off the clock), and when its measured window opens
    and closes (`start`, `stop`: quick, not to hold up the load)."""

    def prepare(self) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


@dataclass(frozen=True)
class CpuUse:
    """Milliseconds of CPU per request: the server's processes, and its PostgreSQL backends (None: not read)."""

    app_ms: float | None
    database_ms: float | None

    @property
    def total_ms(self) -> float | None:
        if self.app_ms is None or self.database_ms is None:
            return None
        return self.app_ms + self.database_ms


def tagged(url: str, application_name: str) -> str:
    """`url` with connections that say `application_name` to PostgreSQL (libpq's and node-postgres's parameter)."""
    parsed = sa.make_url(url).update_query_dict({"application_name": application_name})
    return parsed.render_as_string(hide_password=False)


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command's closing parenthesis (state is [0]), or None if gone."""
    try:
        return (PROC / str(pid) / "stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None


def process_ticks(pid: int, children: bool = False) -> int | None:
    """utime + stime of a process (all its threads), with its waited-for children's if `children`; None if gone."""
    fields = _stat(pid)
    if fields is None:
        return None
    ticks = int(fields[11]) + int(fields[12])
    return ticks + int(fields[13]) + int(fields[14]) if children else ticks


def descendants(pid: int) -> list[int]:
    """The live processes below `pid`, from each process's parent in /proc."""
    parents: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        below = parents.get(todo.pop(), [])
        found += below
        todo += below
    return found


class CpuMeter:
    """The CPU a server and its PostgreSQL backends use between `start` and `stop`.

    `prepare` (at the end of the warm-up, when the pools have opened their connections) finds the server's
    processes and its backends, so that `start` and `stop`, called at the edges of the measured window, only
    read a few /proc files; `use` (after the load) looks for backends that opened inside the window and
    counts all of their time. `database` is an engine on the
    server's database (its own connection has no application name, so it does not count itself); without
    it, or without /proc, the database's share is not read.
    """

    def __init__(self, pid: int, database: sa.Engine | None = None, application_name: str = "") -> None:
        self.pid, self.database, self.application_name = pid, database, application_name
        self._processes: list[int] = []
        self._backends: list[int] | None = None
        self._started: tuple[int | None, dict[int, int]] = (None, {})
        self._stopped: tuple[int | None, dict[int, int]] = (None, {})

    def _backend_pids(self) -> list[int] | None:
        if self.database is None or not self.application_name or not PROC.is_dir():
            return None
        name = self.database.url.database
        with self.database.connect() as connection:
            rows = connection.execute(BACKENDS, {"database": name, "name": self.application_name}).scalars()
            return list(rows)

    def prepare(self) -> None:
        self._processes = descendants(self.pid) if PROC.is_dir() else []
        self._backends = self._backend_pids()

    def _read(self) -> tuple[int | None, dict[int, int]]:
        app = process_ticks(self.pid, children=True)
        if app is not None:
            app += sum(process_ticks(child) or 0 for child in self._processes)
        backends = {pid: ticks for pid in self._backends or [] if (ticks := process_ticks(pid)) is not None}
        return app, backends

    def start(self) -> None:
        self._started = self._read()

    def stop(self) -> None:
        self._stopped = self._read()

    def use(self, requests: float) -> CpuUse:
        """Milliseconds per request over the window, for `requests` counted in it."""
        (app_before, before), (app_after, after) = self._started, self._stopped
        app = None if app_before is None or app_after is None else app_after - app_before
        database: int | None = None
        if self._backends is not None:
            # A backend gone by the end took its time with it; one opened inside the window counts from 0.
            database = sum(after[pid] - before.get(pid, 0) for pid in after)
            for pid in set(self._backend_pids() or []) - set(self._backends):
                database += process_ticks(pid) or 0
        if requests <= 0:
            return CpuUse(None, None)

        def share(ticks: int | None) -> float | None:
            return None if ticks is None else ticks * TICK_MS / requests

        return CpuUse(share(app), share(database))
