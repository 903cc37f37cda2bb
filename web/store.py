"""Key-value stores for persisted queries and cached responses: in this process, or shared through Redis."""

from collections import OrderedDict
from typing import Protocol

import redis.asyncio


class Store(Protocol):
    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, seconds: int | None = None) -> None: ...

    async def close(self) -> None: ...


class MemoryStore:
    """A bounded store in this process, forgetting the least recently used entries first."""

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self.entries: OrderedDict[str, bytes] = OrderedDict()

    async def get(self, key: str) -> bytes | None:
        value = self.entries.get(key)
        if value is not None:
            self.entries.move_to_end(key)
        return value

    async def set(self, key: str, value: bytes, seconds: int | None = None) -> None:
        self.entries[key] = value
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)

    async def close(self) -> None:
        self.entries.clear()


class RedisStore:
    """A store shared by every instance of the app that names the same Redis."""

    def __init__(self, url: str, prefix: str = "bilateral:") -> None:
        self.client = redis.asyncio.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix

    async def get(self, key: str) -> bytes | None:
        try:
            value: bytes | None = await self.client.get(self.prefix + key)  # type: ignore[assignment]  # bytes without decode_responses
        except redis.RedisError:
            return None  # a cache that is down is a cache that misses
        return value

    async def set(self, key: str, value: bytes, seconds: int | None = None) -> None:
        try:
            await self.client.set(self.prefix + key, value, ex=seconds)
        except redis.RedisError:
            return

    async def close(self) -> None:
        await self.client.aclose()


def create_store(url: str | None, prefix: str = "bilateral:") -> Store:
    return RedisStore(url, prefix) if url else MemoryStore()
