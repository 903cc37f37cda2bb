"""What the request pipeline keeps between requests: bounded, the least recently used forgotten first."""

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class Kept(Generic[Key, Value]):
    """The values put last, at most `size` of them, by key; safe to use from the event loop and worker threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Key, Value] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: Key) -> bool:
        with self._lock:
            return key in self._values

    def get(self, key: Key, default: Value | None = None) -> Value | None:
        """The value kept for `key`, now the most recently used; `default` when none is."""
        with self._lock:
            if key not in self._values:
                return default
            self._values.move_to_end(key)
            return self._values[key]

    def put(self, key: Key, value: Value) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def values(self) -> list[Value]:
        """Every value kept, the least recently used first."""
        with self._lock:
            return list(self._values.values())

    def forget(self, key: Key) -> None:
        with self._lock:
            self._values.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
