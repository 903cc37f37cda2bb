"""A lean HTTP/1.1 load client: raw keep-alive connections on asyncio, one request in flight on each.

Each connection writes a prepared request's bytes, reads the status line and `content-length`, counts the
body's bytes without keeping them, and sends the next request at once: a few microseconds of Python per
request, so the server sets the pace. It is what runs when `wrk` is not installed.

Throughput counts every request by the share of its time that falls inside the measured window, so that a
slow request (the large query without the fast path) is not rounded to whole requests in a short window.
"""

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field
from functools import partial

import orjson

from bench.cpu import Meter
from bench.results import Load, percentile

PREPARE_AHEAD = 0.2  # seconds before the window opens that a meter is prepared, in a thread beside the load
GRACE = 60.0  # seconds a request may still take after the window closes before the run gives up on it


def numbered(body: bytes, number: int | str) -> bytes:
    """A GraphQL POST body with one more variable, `benchRequest`, that its operation does not declare: the same
    operation run the same way, but not the same request to a server that runs identical requests in flight once.
    """
    payload = orjson.loads(body)
    payload["variables"] = {**(payload.get("variables") or {}), "benchRequest": number}
    return orjson.dumps(payload)


def request_bytes(host: str, port: int, path: str, body: bytes) -> bytes:
    """A keep-alive JSON POST, ready to write."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Accept: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def post(base: str, path: str, body: bytes) -> bytes:
    """One POST, for the requests around a load (discovery, checks); the response body, whatever its status."""

    def send() -> bytes:
        request = urllib.request.Request(
            base + path, data=body, headers={"Content-Type": "application/json", "Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                answer: bytes = response.read()
        except urllib.error.HTTPError as error:
            answer = error.read()
        return answer

    return await asyncio.to_thread(send)


@dataclass
class _Window:
    """The measured window of a run, and what was seen in it."""

    opens: float
    closes: float
    expected_size: int
    latencies: list[float] = field(default_factory=list)
    work: float = 0.0  # requests, counted by the share of their time inside the window
    errors: int = 0

    def record(self, started: float, finished: float, status: int, size: int) -> bool:
        """Count one response; whether its connection should send another."""
        inside = min(finished, self.closes) - max(started, self.opens)
        if inside > 0:
            self.work += inside / max(finished - started, 1e-9)
        if finished >= self.opens:  # in the window, or in flight when it closed
            self.latencies.append((finished - started) * 1000)
            if status != 200 or size != self.expected_size:
                self.errors += 1
        return finished < self.closes


class _Connection(asyncio.Protocol):
    def __init__(self, request: bytes, window: _Window) -> None:
        self.request = request
        self.window = window
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.head = bytearray()
        self.remaining: int | None = None  # body bytes still to come; None while reading the head
        self.status = self.size = 0
        self.started = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.send()

    def send(self) -> None:
        self.started = time.perf_counter()
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        while data:
            if self.remaining is None:
                self.head += data
                end = self.head.find(b"\r\n\r\n")
                if end < 0:
                    return
                data = bytes(self.head[end + 4 :])
                self.status, self.size = _parse_head(bytes(self.head[:end]))
                self.remaining = self.size
                self.head.clear()
            taken = min(len(data), self.remaining)
            self.remaining -= taken
            data = data[taken:]
            if self.remaining == 0:
                self.remaining = None
                self.finished()

    def finished(self) -> None:
        if self.window.record(self.started, time.perf_counter(), self.status, self.size):
            self.send()
        else:
            self.close()

    def close(self) -> None:
        if not self.done.done():
            self.done.set_result(None)
        if not self.transport.is_closing():
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.window.errors += 1
            self.done.set_result(None)


def _parse_head(head: bytes) -> tuple[int, int]:
    """The status and content length of a response head; responses without a length are not supported."""
    lowered = head.lower()
    start = lowered.find(b"\r\ncontent-length:")
    if start < 0:
        raise ValueError(f"a response without content-length: {head[:200]!r}")
    start += len(b"\r\ncontent-length:")
    end = lowered.find(b"\r\n", start)
    return int(head[9:12]), int(head[start : end if end >= 0 else None])


async def load(
    host: str,
    port: int,
    path: str,
    body: bytes,
    connections: int,
    seconds: float,
    warmup: float,
    expected_size: int,
    meter: Meter | None = None,
    varied: bool = False,
) -> Load:
    """POST `body` to `path` over `connections` connections: `warmup` seconds unmeasured, then `seconds` measured.

    A `meter` is prepared near the end of the warm-up, started when the measured window opens and stopped when
    it closes. `varied`: each connection numbers its body (`numbered`), so no two requests in flight are the same.
    """
    loop = asyncio.get_running_loop()
    now = time.perf_counter()
    window = _Window(now + warmup, now + warmup + seconds, expected_size)
    requests = [
        request_bytes(host, port, path, numbered(body, each) if varied else body) for each in range(connections)
    ]
    opened = [await loop.create_connection(partial(_Connection, request, window), host, port) for request in requests]
    if meter is not None:
        await asyncio.sleep(max(0.0, window.opens - PREPARE_AHEAD - time.perf_counter()))
        await asyncio.to_thread(meter.prepare)
    await asyncio.sleep(max(0.0, window.opens - time.perf_counter()))
    if meter is not None:
        meter.start()
    cpu = time.process_time()
    await asyncio.sleep(max(0.0, window.closes - time.perf_counter()))
    cpu = time.process_time() - cpu
    if meter is not None:
        meter.stop()
    pending = [protocol.done for _, protocol in opened]
    _, late = await asyncio.wait(pending, timeout=GRACE)
    for _, protocol in opened:
        protocol.close()
    window.errors += len(late)
    latencies = sorted(window.latencies)
    return Load(
        connections=connections,
        seconds=seconds,
        rate=window.work / seconds,
        requests=len(latencies),
        errors=window.errors,
        p50_ms=percentile(latencies, 50),
        p99_ms=percentile(latencies, 99),
        client_cpu=cpu / seconds,
        client="python",
    )
