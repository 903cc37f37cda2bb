"""A real server process for end-to-end tests, stopped by its PID."""

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


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
    port = free_port()
    variables = {
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
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start:\n{log.read_text()}") from None
                time.sleep(0.1)
        yield base, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)  # in case a test left it stopped
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
