"""Real uvicorn processes on loopback ports, one per configuration, started together and stopped by their PIDs."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import settings
from bench.plan import SERVED

HOST = "127.0.0.1"
START_TIMEOUT = 60.0
IDLE_TIMEOUT = 120.0


@dataclass(frozen=True)
class Server:
    """A running uvicorn process serving `target` (`app:app`, `bench.floor:app`)."""

    name: str
    target: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    workers: int = 1  # processes serving the port (`cli.py serve` with `BILATERAL_WORKERS`)

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(targets: Mapping[str, tuple[str, Mapping[str, str]]], logs: Path) -> Iterator[dict[str, Server]]:
    """A server per name, for (target, environment) pairs: all start at once, are ready, and stop afterwards."""
    servers: dict[str, Server] = {}
    try:
        for name, (target, environment) in targets.items():
            servers[name] = _start(name, target, environment, logs / f"{name}.log")
        for server in servers.values():
            _wait_until_ready(server)
        yield servers
    finally:
        for server in servers.values():
            stop(server)


def _start(name: str, target: str, environment: Mapping[str, str], log: Path) -> Server:
    port = free_port()
    if target == SERVED:
        command = [sys.executable, "cli.py", "serve"]
        environment = {"BILATERAL_WORKERS": "1", **environment, "BILATERAL_HOST": HOST, "BILATERAL_PORT": str(port)}
    else:
        command = [sys.executable, "-m", "uvicorn", target, "--host", HOST, "--port", str(port)]
        command += ["--log-level", "warning", "--no-access-log", *stack()]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=settings.ROOT, env={**os.environ, **environment}, stdout=output, stderr=subprocess.STDOUT
        )
    return Server(name, target, port, process, log, int(environment.get("BILATERAL_WORKERS", "1")))


def stack() -> list[str]:
    """uvicorn's options for the HTTP parser and event loop `cli.py serve` runs on (`BILATERAL_HTTP`), so that
    the floor is served as the API is and a ratio to it measures the app alone."""
    return ["--http", settings.HTTP, "--loop", settings.LOOPS.get(settings.HTTP, "auto")]


def _wait_until_ready(server: Server) -> None:
    """Until the server answers, and each of its workers has said it started (any of them may take a request)."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(f"{server.base}/health", timeout=1):
                pass
            if server.workers == 1 or server.log.read_text().count("Application startup complete.") >= server.workers:
                return
        except OSError:
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the {server.name} server did not start:\n{server.log.read_text()}") from None
        time.sleep(0.1)


def stop(server: Server) -> None:
    """Stop a server by its PID: SIGTERM, then SIGKILL if it has not ended within 10 seconds."""
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def wait_until_idle(servers: Iterable[Server]) -> None:
    """Wait until the servers have finished what a load left in flight (a client may stop before its answers).

    Idle is at most one clock tick of CPU each in 0.2 s, read from /proc; without /proc, half a second's wait.
    """
    stats = [Path(f"/proc/{server.process.pid}/stat") for server in servers]
    if not all(stat.exists() for stat in stats):
        time.sleep(0.5)
        return
    deadline = time.monotonic() + IDLE_TIMEOUT
    used = [_cpu_ticks(stat) for stat in stats]
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = [_cpu_ticks(stat) for stat in stats]
        if all(after - before <= 1 for before, after in zip(used, now, strict=True)):
            return
        used = now


def _cpu_ticks(stat: Path) -> int:
    # The fields after the command's closing parenthesis; utime and stime are the 14th and 15th of the line.
    fields = stat.read_text().rpartition(")")[2].split()
    return int(fields[11]) + int(fields[12])
