"""The machine and software a run measured, so that two results files can be told apart."""

import importlib.metadata
import os
import platform
import sqlite3
import subprocess
from pathlib import Path

import settings


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def server_stack() -> str:
    """The servers: the API as `cli.py serve` runs it, the floor under plain uvicorn, both on the HTTP parser and
    event loop `BILATERAL_HTTP` picks (httptools and uvloop by default, or h11 and asyncio)."""
    version = importlib.metadata.version("uvicorn")
    http, loop = settings.HTTP, settings.LOOPS.get(settings.HTTP, "auto")
    return (
        f"the API by `cli.py serve` (uvicorn {version}, {http}, {loop}, one worker process, its request log on); "
        f"the floor by plain uvicorn {version} ({http}, {loop}, no access log)"
    )


def revision() -> str:
    """The commit measured, marked when the work tree has changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=settings.ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            # The results file itself is what a run rewrites: it does not make the code measured another.
            ["git", "status", "--porcelain", "--", ".", ":!bench/RESULTS.md"],
            cwd=settings.ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit} (with uncommitted changes)" if changed else commit


def describe(postgres_version: str | None) -> list[tuple[str, str]]:
    """What RESULTS.md says about where it was measured, as (name, value) pairs."""
    return [
        ("CPU", f"{cpu_model()}, {os.cpu_count()} cores"),
        ("memory", memory()),
        ("system", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("SQLite", sqlite3.sqlite_version),
        ("PostgreSQL", postgres_version or "not measured"),
        ("server", server_stack()),
        ("commit", revision()),
    ]
