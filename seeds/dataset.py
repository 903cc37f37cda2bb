"""Rows to load, in table order, with references by natural key instead of ids."""

import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Ref:
    """The row of `table` whose natural key is `key`; its id is known only once that row is written."""

    table: str
    key: tuple[Any, ...]


def key_parts(ref: Ref) -> tuple[Any, ...]:
    """The parts of a row's natural key, the keys of the rows it names spelled out in place."""
    return tuple(part for value in ref.key for part in (key_parts(value) if isinstance(value, Ref) else (value,)))


@dataclass(frozen=True)
class Sorted:
    """The `position`-th of the ids `refs` name, in increasing order: a column of an unordered pair."""

    refs: tuple[Ref | None, ...]
    position: int


Row = dict[str, Any]


@dataclass
class Dataset:
    """Every row the fixtures describe, by table name."""

    rows: dict[str, list[Row]] = field(default_factory=dict)

    def add(self, table: str, row: Row) -> Row:
        self.rows.setdefault(table, []).append(row)
        return row

    def digest(self) -> str:
        """A fingerprint of every row: the same for the same data, whichever database holds it."""
        return hashlib.sha256(repr(sorted(self.rows.items())).encode()).hexdigest()[:32]
