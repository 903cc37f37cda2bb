"""Key-value stores for persisted queries and cached responses: in this process, or shared through Redis."""

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

import redis.asyncio
from redis.exceptions import RedisError

# An answer larger than this share of the in-process store is not kept: one answer never empties the cache.
LARGEST_SHARE = 16
# What an entry of the in-process store costs besides its key's characters and its value's bytes: the key's
# and the value's object headers, the expiry, the tuple, the ordered dict's slot. Measured with tracemalloc
# on CPython 3.11: 50,000 entries of a 64-character key and an 8-byte value took 325 bytes each, 72 of them
# the key's and the value's own.
ENTRY_OVERHEAD = 256
# After Redis fails to answer, it is left alone this long: a hung Redis costs one timeout per interval.
REDIS_PAUSE = 5.0
# Opening a connection to Redis may take a little longer than a call on one.
CONNECT_TIMEOUT = 0.25


class Store(Protocol):
    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, seconds: float) -> None: ...

    async def close(self) -> None: ...


class MemoryStore:
    """A store in this process, bounded in bytes and in entries, forgetting the least recently used first.

    Its size counts each entry's key, value and overhead (`ENTRY_OVERHEAD`): tiny entries cannot add up
    to many times the bound.
    """

    def __init__(self, max_bytes: int, max_entries: int) -> None:
        self.max_bytes, self.max_entries = max_bytes, max_entries
        self.size = 0
        self.entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    async def get(self, key: str) -> bytes | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires <= time.monotonic():
            self._forget(key)
            return None
        self.entries.move_to_end(key)
        return value

    async def set(self, key: str, value: bytes, seconds: float) -> None:
        if len(value) > self.max_bytes // LARGEST_SHARE or seconds <= 0:
            return
        self._forget(key)
        # A copy of the value's own size: orjson's output holds a 4 KiB buffer however short it is.
        self.entries[key] = (time.monotonic() + seconds, bytes(memoryview(value)))
        self.size += _cost(key, value)
        while self.size > self.max_bytes or len(self.entries) > self.max_entries:
            self._forget(next(iter(self.entries)))

    def _forget(self, key: str) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.size -= _cost(key, entry[1])

    async def close(self) -> None:
        self.entries.clear()
        self.size = 0


def _cost(key: str, value: bytes) -> int:
    return len(key) + len(value) + ENTRY_OVERHEAD


class RedisStore:
    """A store shared by every instance of the app that names the same Redis.

    Redis is given a few tens of milliseconds to answer; when it does not, it is left alone for a
    while (a circuit breaker), and a store that cannot be reached is a store that misses.
    """

    def __init__(self, client: redis.asyncio.Redis, prefix: str) -> None:
        self.client = client
        self.prefix = prefix
        self.paused_until = 0.0

    async def get(self, key: str) -> bytes | None:
        if self._paused():
            return None
        try:
            value: bytes | None = await self.client.get(self.prefix + key)  # type: ignore[assignment]  # bytes without decode_responses
        except (RedisError, OSError):
            self._pause()
            return None
        return value

    async def set(self, key: str, value: bytes, seconds: float) -> None:
        if self._paused() or seconds <= 0:
            return
        try:
            await self.client.set(self.prefix + key, value, px=max(1, int(seconds * 1000)))
        except (RedisError, OSError):
            self._pause()

    def _paused(self) -> bool:
        return time.monotonic() < self.paused_until

    def _pause(self) -> None:
        self.paused_until = time.monotonic() + REDIS_PAUSE

    async def close(self) -> None:
        await self.client.aclose()  # both stores share the client: closing it again does nothing


@dataclass
class Stores:
    """Persisted queries and cached responses, apart, so a burst of answers cannot evict the queries."""

    queries: Store
    responses: Store

    async def close(self) -> None:
        await self.queries.close()
        await self.responses.close()


def create_stores(url: str | None, prefix: str, max_bytes: int, max_entries: int, timeout: float) -> Stores:
    """Redis-backed stores if `url` names a Redis, else in-process ones; a malformed URL is a `ValueError`.

    In this process, persisted queries get an eighth of the bytes and entries that answers get.
    """
    if url:
        client = redis.asyncio.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=CONNECT_TIMEOUT, retry_on_timeout=False
        )
        return Stores(RedisStore(client, prefix + "apq:"), RedisStore(client, prefix + "response:"))
    queries = MemoryStore(max(1, max_bytes // 8), max(1, max_entries // 8))
    return Stores(queries, MemoryStore(max_bytes, max_entries))
