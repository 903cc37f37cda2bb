"""Load with `wrk` (Debian's package), when it is installed: a C client that costs the server nothing.

One wrk thread drives every connection, so the client leaves the other cores to the server. A short
unmeasured run warms the server first. wrk counts whole requests completed in the window.
"""

import resource
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench.results import Load

# wrk calls `done` once at the end; it prints what the harness reads back. Latencies are in microseconds.
SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.body = [==[{body}]==]
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d\\n", summary.requests, summary.duration, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


def available() -> bool:
    return shutil.which("wrk") is not None


def load(
    base: str, path: str, body: bytes, connections: int, seconds: float, warmup: float, settle: Callable[[], None]
) -> Load:
    """POST `body` to `path` over `connections` connections for `seconds` (whole seconds), after a warm-up.

    wrk leaves the requests in flight at its end unanswered: `settle` waits for the server to finish them.
    """
    if b"]==]" in body:
        raise ValueError("the request body cannot be quoted in wrk's script")
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "post.lua"
        script.write_text(SCRIPT.replace("{body}", body.decode()))
        if warmup > 0:
            _run(base + path, script, connections, max(1, round(warmup)))
            settle()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        output = _run(base + path, script, connections, max(1, round(seconds)))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    requests, duration_us, status_errors, socket_errors, p50_us, p99_us = map(int, line.split()[1:])
    duration = duration_us / 1e6
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return Load(
        connections=connections,
        seconds=duration,
        rate=requests / duration,
        requests=requests,
        errors=status_errors + socket_errors,
        p50_ms=p50_us / 1000,
        p99_ms=p99_us / 1000,
        client_cpu=cpu / duration,
        client="wrk",
    )


def _run(url: str, script: Path, connections: int, seconds: int) -> str:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s", "-s", str(script), url]
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 120).stdout
