"""A real server process for end-to-end tests, stopped by its PID."""

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from settings import ROOT


def cli(
    *arguments: str, inherit: bool = True, timeout: float = 300, **environment: str
) -> subprocess.CompletedProcess[str]:
    """`python cli.py ARGUMENTS` as a user runs it, with `environment` (`BILATERAL_…`) over this process's own,
    or over a bare PATH (`inherit=False`), so that no setting of the test run leaks in."""
    process = cli_process(*arguments, inherit=inherit, **environment)
    try:
        output, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, output, errors)


def cli_process(*arguments: str, inherit: bool = True, **environment: str) -> subprocess.Popen[str]:
    """`python cli.py ARGUMENTS` started as `cli` runs it; its output is kept."""
    base = dict(os.environ) if inherit else {"PATH": os.environ["PATH"]}
    return subprocess.Popen(
        [sys.executable, "cli.py", *arguments],
        cwd=ROOT,
        env={**base, **environment},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


# Each test process (`pytest -n`: gw0, gw1, …) takes its ports from a range of its own, below the kernel's
# ephemeral ports (32768 and up): a port it picks is never picked by another test process, nor held by a client's
# connection, before its server binds it.
_PORTS_PER_PROCESS = 2000
_FIRST_PORT = 20000
_turns = itertools.count()


def free_port() -> int:
    """A loopback port free now, of this test process's own range."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    first = _FIRST_PORT + worker * _PORTS_PER_PROCESS
    for _ in range(_PORTS_PER_PROCESS):
        port = first + next(_turns) % _PORTS_PER_PROCESS
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port between {first} and {first + _PORTS_PER_PROCESS - 1}")


@contextmanager
def running_server(database_url: str, log: Path, **environment: str) -> Iterator[str]:
    """`cli.py serve`, as `make serve` runs it, on a free loopback port; yields its base URL, stops it afterwards.

    `environment` adds settings (`BILATERAL_…`) for this server.
    """
    with server_process(database_url, log, **environment) as (base, _process):
        yield base


@contextmanager
def server_process(database_url: str, log: Path, **environment: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Like `running_server`, yielding the process too (its PID, to signal it)."""
    with server_processes(1, database_url, [log], **environment) as [started]:
        yield started


@contextmanager
def server_processes(
    count: int, database_url: str, logs: list[Path], **environment: str
) -> Iterator[list[tuple[str, subprocess.Popen[bytes]]]]:
    """`count` servers started together on one database, each on its port with its log; each stopped by its PID."""
    started: list[tuple[str, subprocess.Popen[bytes]]] = []
    try:
        for log in logs[:count]:
            started.append(_start(database_url, log, environment))
        workers = int(environment.get("BILATERAL_WORKERS", "1"))
        for (base, process), log in zip(started, logs, strict=False):
            _wait_until_started(base, process, log, workers)
        yield started
    finally:
        for _base, process in started:
            stop(process)


def _start(database_url: str, log: Path, environment: dict[str, str]) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    variables = {
        "BILATERAL_SHUTDOWN_DRAIN": "0",  # a test's server stops at once unless the test says otherwise
        **os.environ,
        "BILATERAL_DATABASE_URL": database_url,
        "BILATERAL_HOST": "127.0.0.1",
        "BILATERAL_PORT": str(port),
        **environment,
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "cli.py", "serve"], cwd=ROOT, env=variables, stdout=output, stderr=subprocess.STDOUT
        )
    return f"http://127.0.0.1:{port}", process


def _wait_until_started(base: str, process: subprocess.Popen[bytes], log: Path, workers: int) -> None:
    """Until `/health` answers and every worker process has said it started."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=1):
                if log.read_text().count("Application startup complete.") >= workers:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start:\n{log.read_text()}") from None
        time.sleep(0.1)


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process this test started, by its PID: SIGTERM, and SIGKILL if it does not end within 10 seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGCONT)  # in case a test left it stopped
        process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class RedisServer:
    """A Redis of the test's own on a loopback port, keeping nothing on disk, stopped by its PID."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen([*command, "--daemonize", "no"], stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def __enter__(self) -> "RedisServer":
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
