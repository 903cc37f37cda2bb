"""The HTTP server: uvicorn, in one process or several, with bounded connections and a graceful stop.

uvicorn closes a keep-alive connection left idle, but waits forever for a request's head that never
arrives (a client that connects and sends nothing, or half a header). `BoundedHttpToolsProtocol` (the default)
and `BoundedH11Protocol` (`BILATERAL_HTTP=h11`) close such a connection after `settings.CLIENT_TIMEOUT`; the
body's pace is bounded where the app reads it.
"""

import asyncio
import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import socket
import struct
import tempfile
import threading
import time
from multiprocessing.connection import wait
from multiprocessing.synchronize import Event
from types import FrameType
from typing import TYPE_CHECKING, Any

import uvicorn
from prometheus_client import multiprocess as metrics_files
from uvicorn.config import STARTUP_FAILURE
from uvicorn.protocols.http.flow_control import CLOSE_HEADER
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.supervisors import multiprocess

import settings
from web import logs

log = logging.getLogger("uvicorn.error")
# Set as soon as a stop signal arrives: `/ready` then answers 503.
STOPPING = threading.Event()

# Once stopping, seconds a keep-alive connection between requests stays open for one more request (answered
# with `Connection: close`): closing it at once would reset a request already on its way.
LINGER = 1.0
# How often a worker standing by looks whether it is needed.
STANDBY_POLL = 0.01
# How often the supervisor of several workers looks at them, at most (a worker that dies wakes it at once).
WATCH_EVERY = 0.5


if TYPE_CHECKING:

    class _Protocol(asyncio.Protocol):
        """What the guard uses of uvicorn's HTTP protocols, which both have with the same meaning."""

        cycle: Any  # the request-response cycle of the latest request; None before the first
        loop: asyncio.AbstractEventLoop
        transport: asyncio.Transport

        def shutdown(self) -> None: ...

else:
    _Protocol = object


class _Bounded(_Protocol):
    """The guard over one of uvicorn's HTTP/1.1 protocols: it closes a connection whose request head does not arrive
    in time, and stops gracefully. Listed before the protocol among the bases: `super()` is the protocol."""

    _head_timer: asyncio.TimerHandle | None = None
    _stopping = False

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._await_head()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._stopping:
            self.close_after_this_response()
        if not self._between_requests():
            self._stop_waiting()
        elif self._head_timer is None:
            self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

    def shutdown(self) -> None:
        """The server is stopping: the request in flight is answered with `Connection: close`, and so is one that
        arrives within `LINGER` seconds on a connection between requests; then such a connection is closed."""
        self._stopping = True
        if self._between_requests():
            self.loop.call_later(LINGER, self._close_if_idle)
        else:
            self.close_after_this_response()

    def close_after_this_response(self) -> None:
        """The connection closes once the current response is sent; httptools then says `Connection: close` in it
        (if it has not started yet)."""
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            cycle.keep_alive = False

    def _close_if_idle(self) -> None:
        if self._between_requests() and not self.transport.is_closing():
            super().shutdown()

    def _between_requests(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _await_head(self) -> None:
        self._head_timer = self.loop.call_later(settings.CLIENT_TIMEOUT, self._head_too_late)

    def _stop_waiting(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_late(self) -> None:
        self._head_timer = None
        if self._between_requests() and not self.transport.is_closing():
            self.transport.close()


class BoundedHttpToolsProtocol(_Bounded, HttpToolsProtocol):
    """uvicorn's httptools protocol (C, the default), closing a connection whose request head does not arrive in
    time. A pipelined request makes its cycle the latest before the one in flight ends: the connection is between
    requests only once every request it has read is answered."""


class BoundedH11Protocol(_Bounded, H11Protocol):
    """uvicorn's h11 protocol (pure Python, `BILATERAL_HTTP=h11`), closing a connection whose request head does not
    arrive in time."""

    def close_after_this_response(self) -> None:
        """h11 closes without saying so unless the request's headers hold `Connection: close`: they are given it."""
        super().close_after_this_response()
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            headers = cycle.scope["headers"]
            if isinstance(headers, list) and CLOSE_HEADER not in headers:
                headers.append(CLOSE_HEADER)  # uvicorn then says `Connection: close` in the response


PROTOCOLS: dict[str, type[asyncio.Protocol]] = {"httptools": BoundedHttpToolsProtocol, "h11": BoundedH11Protocol}


def settle() -> None:
    """Once started: what start-up built (the schema, the app, the plans' machinery) lives as long as the process,
    so it is moved out of the garbage collector's reach; each collection then walks only what requests allocate.
    A large query on normal execution spends about a quarter less time."""
    gc.collect()
    gc.freeze()


class Server(uvicorn.Server):
    """uvicorn's server: it says where the explorer and GraphiQL are once it listens, and stops gracefully.

    On SIGTERM, `/ready` answers 503 at once; the port goes on serving for `SHUTDOWN_DRAIN` seconds, so that
    a load balancer checking `/ready` stops sending first; then it stops accepting, gives the requests in
    flight up to `SHUTDOWN_TIMEOUT` seconds, closes the database pool and Redis, and the process exits 0.
    SIGINT (Ctrl-C) skips the drain; a second one stops at once.
    """

    stop_signal: int | None = None
    ready: Event | None = None  # a worker's, set once it accepts connections
    slot: Any = None  # a worker's: which of its sockets it serves (a shared integer), -1 while standing by

    def run(self, sockets: list[socket.socket] | None = None) -> None:
        if threading.current_thread() is threading.main_thread():
            # uvicorn raises the stop signal again once it has stopped; having stopped, the process ends normally.
            for stop in (signal.SIGINT, signal.SIGTERM):
                signal.signal(stop, lambda *_: None)
        super().run(sockets)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        if sockets and self.slot is not None:
            while self.slot.value < 0 and not self.should_exit:  # standing by, until a worker dies
                await asyncio.sleep(STANDBY_POLL)
            if self.should_exit:
                return
            sockets = [sockets[self.slot.value]]
        await super().startup(sockets)
        settle()
        if self.started and self.ready is not None:
            self.ready.set()
            log.info("Worker process [%d] accepts connections", os.getpid())
        if self.started and sockets is None:  # a worker's supervisor has said where it listens
            say_where(self.servers[0].sockets[0].getsockname()[1] if self.servers else settings.PORT)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        STOPPING.set()
        self.stop_signal = self.stop_signal or sig
        super().handle_exit(sig, frame)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self.stop_signal == signal.SIGTERM and settings.SHUTDOWN_DRAIN > 0:
            log.info("Draining: /ready answers 503, and the port closes in %g s", settings.SHUTDOWN_DRAIN)
            deadline = time.monotonic() + settings.SHUTDOWN_DRAIN
            while time.monotonic() < deadline and not self.force_exit:
                await asyncio.sleep(0.05)
        await super().shutdown(sockets)


def local_url(port: int) -> str:
    """The server's base URL from this machine: a wildcard address is reached on the loopback."""
    host = "127.0.0.1" if settings.HOST in ("0.0.0.0", "::", "") else settings.HOST
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def say_where(port: int) -> None:
    """Log the explorer's and GraphiQL's addresses."""
    base = local_url(port)
    log.info("Bilateral's explorer: %s/", base)
    log.info("GraphiQL (and the GraphQL endpoint): %s/graphql", base)


class Worker(multiprocess.Process):
    """One worker process of uvicorn's kind, running this module's `Server`; `ready` once it accepts connections.

    A worker `standing_by` is given every socket: it loads the app and then waits, holding no connection,
    until `take` says which socket to serve (a worker has died), and serves only that one.
    """

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket], standing_by: bool = False) -> None:
        super().__init__(config, sockets)
        context = multiprocessing.get_context("spawn")
        self.ready = context.Event()
        self.slot = context.Value("i", -1 if standing_by else 0)

    @property
    def server(self) -> uvicorn.Server:
        if self._server is None:
            self._server = Server(config=self.config)
            self._server.ready, self._server.slot = self.ready, self.slot
        return self._server

    def take(self, index: int) -> None:
        """Serve the socket at `index` of those this worker was given (once standing by)."""
        self.slot.value = index


class Workers:
    """`count` worker processes answering on one port.

    Each worker listens on a socket of its own bound to the port (`SO_REUSEPORT`), so the kernel spreads
    new connections evenly instead of handing a burst of keep-alive connections to whichever worker wakes
    first. One more worker stands by with the app loaded: a worker that dies is replaced by it at once on
    the dead one's socket, and another is started to stand by. Until the replacement accepts, the kernel
    sends new connections to the sockets of the workers that do (`Steering`). A worker that fails to start
    stops them all. SIGTERM or SIGINT is passed on to every worker, each stops as `Server` does, and then
    this process exits. The workers count their metrics in a folder of their own, removed at the end.
    """

    def __init__(self, config: uvicorn.Config, count: int) -> None:
        self.config, self.count = config, count
        self.stop = threading.Event()
        self.failed = False

    def run(self) -> int:
        try:
            sockets = listening_sockets(self.config.host, self.config.port, self.count, self.config.backlog)
        except OSError as error:
            log.error("Cannot listen on %s:%s: %s", self.config.host, self.config.port, error.strerror)
            return 1
        with tempfile.TemporaryDirectory(prefix="bilateral-metrics-") as folder:
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: self.stop.set())
            workers = [self._start([listening]) for listening in sockets]
            say_where(sockets[0].getsockname()[1])
            self.standby = self._start(sockets, standing_by=True)
            steering = Steering(sockets)
            while not self.stop.is_set():
                wait([worker.process.sentinel for worker in [*workers, self.standby]], timeout=WATCH_EVERY)
                for index, worker in enumerate(workers):
                    if worker.exitcode is not None and not self.stop.is_set():
                        steering.steer([other.ready.is_set() and other is not worker for other in workers])
                        workers[index] = self._replace(worker, index, sockets)
                if self.standby.exitcode is not None and not self.stop.is_set():
                    self._ended(self.standby)
                    self.standby = self._start(sockets, standing_by=True)
                steering.steer([worker.ready.is_set() and worker.exitcode is None for worker in workers])
            for listening in sockets:
                listening.close()  # the port closes once every worker has closed its copy too
            for worker in [*workers, self.standby]:
                worker.terminate()
            for worker in [*workers, self.standby]:
                worker.join()
                _forget(worker)
        return STARTUP_FAILURE if self.failed else 0

    def _start(self, sockets: list[socket.socket], standing_by: bool = False) -> Worker:
        worker = Worker(self.config, sockets, standing_by)
        worker.start()
        return worker

    def _replace(self, worker: Worker, index: int, sockets: list[socket.socket]) -> Worker:
        """The worker standing by, now serving `worker`'s socket; another one stands by in its place."""
        if not self._ended(worker):
            return worker
        if self.standby.exitcode is not None:
            self._ended(self.standby)
            return self._start([sockets[index]])
        replacement, self.standby = self.standby, self._start(sockets, standing_by=True)
        replacement.take(index)
        return replacement

    def _ended(self, worker: Worker) -> bool:
        """Reap a worker that ended; False (and everything stops) if it could not start."""
        worker.join()
        _forget(worker)
        if worker.exitcode == STARTUP_FAILURE:
            log.error("Worker process [%s] could not start: stopping", worker.pid)
            self.failed = True
            self.stop.set()
            return False
        log.warning("Worker process [%s] ended (exit code %s): another takes its place", worker.pid, worker.exitcode)
        return True


def listening_sockets(host: str, port: int, count: int, backlog: int) -> list[socket.socket]:
    """`count` TCP sockets listening on one port (the first one's, when `port` is 0)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets: list[socket.socket] = []
    for _ in range(count):
        # `IPPROTO_TCP` spelt out: asyncio turns Nagle's algorithm off only on sockets that say so, and a
        # small response held back until the client's delayed acknowledgement waits about 40 ms.
        listening = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listening.bind((host, sockets[0].getsockname()[1] if sockets else port))
        listening.listen(backlog)
        listening.set_inheritable(True)
        sockets.append(listening)
    log.info("Listening on %s with %d worker processes", local_url(sockets[0].getsockname()[1]), count)
    return sockets


# Classic BPF, as the kernel reads it: `struct sock_filter` and `struct sock_fprog`, and the instructions used.
_SO_ATTACH_REUSEPORT_CBPF = 51
_LOAD_RANDOM = (0x20, 0, 0, 0xFFFFF000 + 56)  # BPF_LD|BPF_W|BPF_ABS of SKF_AD_OFF + SKF_AD_RANDOM
_MODULO, _JUMP_IF_EQUAL, _RETURN = 0x94, 0x15, 0x06  # BPF_ALU|BPF_MOD|BPF_K, BPF_JMP|BPF_JEQ|BPF_K, BPF_RET|BPF_K


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


class Steering:
    """Which of the sockets on one port (`SO_REUSEPORT`) the kernel gives new connections to.

    Normally the kernel spreads them over every socket. While a worker is down, its socket still listens (the
    supervisor holds it for the replacement), and connections the kernel gives it would wait until the
    replacement starts; a small program attached to the port sends them to the others instead. Where the
    kernel cannot take the program (not Linux, or too old), nothing is steered.
    """

    def __init__(self, sockets: list[socket.socket]) -> None:
        self.sockets = sockets
        self.serving = [True] * len(sockets)
        self.works = True

    def steer(self, serving: list[bool]) -> None:
        """Send new connections only to the sockets marked `True` (to all of them when none is)."""
        if serving == self.serving or not self.works:
            return
        chosen = [index for index, serves in enumerate(serving) if serves] or list(range(len(serving)))
        try:
            self._attach(chosen)
        except OSError as error:
            log.warning("Cannot steer new connections away from a worker that is down: %s", error.strerror)
            self.works = False
        self.serving = serving

    def _attach(self, chosen: list[int]) -> None:
        """A program that picks one of `chosen` at random for each new connection."""
        instructions = [_LOAD_RANDOM, (_MODULO, 0, 0, len(chosen))]
        for position, index in enumerate(chosen):
            instructions += [(_JUMP_IF_EQUAL, 0, 1, position), (_RETURN, 0, 0, index)]
        instructions.append((_RETURN, 0, 0, chosen[0]))
        code = ctypes.create_string_buffer(b"".join(struct.pack("HBBI", *each) for each in instructions))
        program = _Program(len(instructions), ctypes.addressof(code))
        self.sockets[0].setsockopt(socket.SOL_SOCKET, _SO_ATTACH_REUSEPORT_CBPF, bytes(program))


def _forget(worker: Worker) -> None:
    """Drop a worker's gauges, which count only while it runs."""
    metrics_files.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]  # the client leaves it unannotated


def serve(app: str, workers: int) -> int:
    """Serve `app` (`module:attribute`) with `workers` processes on `settings.HOST`:`settings.PORT`; the exit status."""
    config = uvicorn.Config(
        app,
        host=settings.HOST,
        port=settings.PORT,
        workers=workers,
        log_config=logs.config(settings.LOG_FORMAT == "json", "DEBUG" if settings.DEBUG else "INFO"),
        access_log=False,  # the app logs each request itself, with its id, duration and operation
        http=PROTOCOLS[settings.HTTP],
        loop=settings.LOOPS[settings.HTTP],
        timeout_keep_alive=settings.KEEP_ALIVE,
        timeout_graceful_shutdown=settings.SHUTDOWN_TIMEOUT,
    )
    if workers > 1:
        return Workers(config, workers).run()
    Server(config).run()
    return 0
