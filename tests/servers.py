"""A real server process for end-to-end tests, stopped by its PID."""

import os
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
def running_server(database_url: str, log: Path, *, as_make_serve: bool = False) -> Iterator[str]:
    """`uvicorn app:app` (or `cli.py serve`, as `make serve` runs it) on a free loopback port.

    Yields its base URL and stops it afterwards.
    """
    port = free_port()
    environment = {
        **os.environ,
        "BILATERAL_DATABASE_URL": database_url,
        "BILATERAL_HOST": "127.0.0.1",
        "BILATERAL_PORT": str(port),
    }
    uvicorn = ["-m", "uvicorn", "app:app", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, *(["cli.py", "serve"] if as_make_serve else uvicorn)],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start:\n{log.read_text()}") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
