"""The HTTP server: uvicorn, in one process or several, with bounded connections and a graceful stop.

uvicorn closes a keep-alive connection left idle, but waits forever for a request's head that never
arrives (a client that connects and sends nothing, or half a header). `BoundedH11Protocol` closes such a
connection after `settings.CLIENT_TIMEOUT`; the body's pace is bounded where the app reads it.
"""

import asyncio
import gc
import logging
import os
import signal
import socket
import tempfile
import threading
import time
from types import FrameType
from typing import Any

import uvicorn
from prometheus_client import multiprocess as metrics_files
from uvicorn.config import STARTUP_FAILURE
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.supervisors import multiprocess

import settings
from web import logs

log = logging.getLogger("uvicorn.error")
# Set as soon as a stop signal arrives: `/ready` then answers 503.
STOPPING = threading.Event()

# Seconds an idle keep-alive connection stays open.
KEEP_ALIVE = 5


class BoundedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection whose request head does not arrive in time."""

    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._await_head()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if not self._between_requests():
            self._stop_waiting()
        elif self._head_timer is None:
            self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_waiting()
        super().connection_lost(exc)

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

    def run(self, sockets: list[socket.socket] | None = None) -> None:
        if threading.current_thread() is threading.main_thread():
            # uvicorn raises the stop signal again once it has stopped; having stopped, the process ends normally.
            for stop in (signal.SIGINT, signal.SIGTERM):
                signal.signal(stop, lambda *_: None)
        super().run(sockets)

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        settle()
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
    """One worker process of uvicorn's kind, running this module's `Server`."""

    @property
    def server(self) -> uvicorn.Server:
        if self._server is None:
            self._server = Server(config=self.config)
        return self._server


class Workers:
    """`count` worker processes answering on one port.

    Each worker listens on a socket of its own bound to the port (`SO_REUSEPORT`), so the kernel spreads
    new connections evenly instead of handing a burst of keep-alive connections to whichever worker wakes
    first. A worker that dies is replaced on its socket; one that fails to start stops them all. SIGTERM
    or SIGINT is passed on to every worker, each stops as `Server` does, and then this process exits. The
    workers count their metrics in a folder of their own, removed at the end.
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
            workers = [self._start(listening) for listening in sockets]
            say_where(sockets[0].getsockname()[1])
            while not self.stop.wait(0.5):
                for index, worker in enumerate(workers):
                    if worker.exitcode is not None:
                        workers[index] = self._replace(worker, sockets[index])
            for listening in sockets:
                listening.close()  # the port closes once every worker has closed its copy too
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.join()
                _forget(worker)
        return STARTUP_FAILURE if self.failed else 0

    def _start(self, listening: socket.socket) -> Worker:
        worker = Worker(self.config, [listening])
        worker.start()
        return worker

    def _replace(self, worker: Worker, listening: socket.socket) -> Worker:
        worker.join()
        _forget(worker)
        if worker.exitcode == STARTUP_FAILURE:
            log.error("Worker process [%s] could not start: stopping", worker.pid)
            self.failed = True
            self.stop.set()
            return worker
        log.warning("Worker process [%s] ended (exit code %s): starting another", worker.pid, worker.exitcode)
        return self._start(listening)


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
        http=BoundedH11Protocol,
        timeout_keep_alive=KEEP_ALIVE,
        timeout_graceful_shutdown=settings.SHUTDOWN_TIMEOUT,
    )
    if workers > 1:
        return Workers(config, workers).run()
    Server(config).run()
    return 0
