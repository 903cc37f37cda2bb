"""Admission: how many costly operations may execute at once, and a short queue for the rest."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from resolvers.errors import ClientError, ErrorCode
from web.metrics import EXECUTING, WAITING


class ServerBusy(ClientError):
    """Too much is running or waiting: the client may try again shortly (the response says when)."""

    code = ErrorCode.SERVER_BUSY

    def __init__(self) -> None:
        super().__init__("the server is busy with other costly queries; try again in a moment")


class Admission:
    """At most `limit` costly operations execute at once; up to `queue` more wait, each at most `wait` seconds.

    Past that, an operation is refused at once with `ServerBusy`: a burst degrades to quick refusals
    instead of minutes of waiting. Cheap operations (a cost of `light` or less) never wait.
    """

    def __init__(self, limit: int, queue: int, wait: float, light: int) -> None:
        self.queue, self.wait, self.light = queue, wait, light
        self.waiting = 0
        self._slots = asyncio.Semaphore(limit)

    @asynccontextmanager
    async def turn(self, cost: int, before_waiting: Callable[[], Awaitable[None]]) -> AsyncIterator[None]:
        """Run the block when it is this operation's turn; `before_waiting` runs first if it must wait."""
        if cost <= self.light:
            yield
            return
        if self._slots.locked():
            if self.waiting >= self.queue:
                raise ServerBusy
            await before_waiting()
            self.waiting += 1
            WAITING.inc()
            try:
                await asyncio.wait_for(self._slots.acquire(), self.wait)
            except TimeoutError:
                raise ServerBusy from None
            finally:
                self.waiting -= 1
                WAITING.dec()
        else:
            await self._slots.acquire()
        EXECUTING.inc()
        try:
            yield
        finally:
            EXECUTING.dec()
            self._slots.release()
