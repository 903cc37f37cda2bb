"""Bursts: identical operations running at once execute once (single flight), and cheap operations are known.

Two hundred clients sending one costly query at the same moment would otherwise run it two hundred times
and queue for connections and turns behind each other; with `Flights` the first runs it and the others wait
for its answer, holding no connection meanwhile. `LightOperations` remembers which operations cost little,
so that the next time they come they may use the connections kept for light requests.
"""

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Result = TypeVar("Result")


class Flights(Generic[Result]):
    """Operations in flight by key: the first caller of a key runs it, the others get its result.

    A result is shared only if `shareable` says so; a flight that raised, was cancelled, or ended in a way
    that belongs to its own request alone (a lost connection) shares nothing, and its followers run the
    operation again, one of them as the new leader. A follower that is cancelled never cancels the flight.
    """

    def __init__(self) -> None:
        self._running: dict[str, asyncio.Future[tuple[bool, Result | None]]] = {}

    def __len__(self) -> int:
        return len(self._running)

    async def run(
        self,
        key: str,
        work: Callable[[], Awaitable[Result]],
        shareable: Callable[[Result], bool],
        before_waiting: Callable[[], Awaitable[None]],
    ) -> tuple[Result, bool]:
        """`work()`'s result, or an identical flight's; and whether it came from another request's flight."""
        while (flight := self._running.get(key)) is not None:
            await before_waiting()
            answered, result = await asyncio.shield(flight)
            if answered and result is not None and shareable(result):
                return result, True
        flight = asyncio.get_running_loop().create_future()
        self._running[key] = flight
        answered, result = False, None
        try:
            result = await work()
            answered = True
            return result, False
        finally:
            del self._running[key]
            flight.set_result((answered, result))


class LightOperations:
    """The last `size` operations (by key) whose cost was at most `light`."""

    def __init__(self, size: int, light: int) -> None:
        self.size, self.light = size, light
        self._known: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, key: str) -> bool:
        return key in self._known

    def note(self, key: str, cost: object) -> None:
        """The cost an operation was found to have (`None` when it did not run)."""
        if not isinstance(cost, int) or cost > self.light:
            self._known.pop(key, None)
            return
        self._known[key] = None
        self._known.move_to_end(key)
        if len(self._known) > self.size:
            self._known.popitem(last=False)
