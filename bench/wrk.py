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

from bench.cpu import Meter
from bench.http_client import numbered
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
# With `varied`, each request's body is numbered (bench.http_client.numbered) by a count kept in the script.
VARIED = """
local count = 0
request = function()
  count = count + 1
  return wrk.format(nil, nil, nil, [==[{head}]==] .. count .. [==[{tail}]==])
end
"""
NUMBER = "__bench_request__"


def available() -> bool:
    return shutil.which("wrk") is not None


def load(
    base: str,
    path: str,
    body: bytes,
    connections: int,
    seconds: float,
    warmup: float,
    settle: Callable[[], None],
    meter: Meter | None = None,
    varied: bool = False,
) -> Load:
    """POST `body` to `path` over `connections` connections for `seconds` (whole seconds), after a warm-up.

    wrk leaves the requests in flight at its end unanswered: `settle` waits for the server to finish them.
    A `meter` is prepared after the warm-up, started just before the measured run and stopped as soon as wrk ends.
    `varied`: each request's body is numbered, so no two requests in flight are the same.
    """
    if b"]==]" in body:
        raise ValueError("the request body cannot be quoted in wrk's script")
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "post.lua"
        text = SCRIPT.replace("{body}", body.decode())
        if varied:
            head, _, tail = numbered(body, NUMBER).decode().partition(f'"{NUMBER}"')
            text += VARIED.replace("{head}", head).replace("{tail}", tail)
        script.write_text(text)
        if warmup > 0:
            _run(base + path, script, connections, max(1, round(warmup)))
            settle()
        if meter is not None:
            meter.prepare()
            meter.start()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        output = _run(base + path, script, connections, max(1, round(seconds)))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if meter is not None:
            meter.stop()
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
