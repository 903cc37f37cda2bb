"""How many rows each kind's table holds, and the most children one parent has in each nested list: the
most a scan, a sort or a count can read.

The cost of a query (pipeline/limits.py) reads these counts. They are counted once per data version,
in the snapshot that first sees it (every load that changes data renews the version), so a cost is
always the cost on data the server has seen; a few versions are kept for the requests still reading
older snapshots.
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from models.registry import ENTITIES

if TYPE_CHECKING:
    from resolvers.loading import Relationship

# Data versions whose counts are kept: a reload during a request leaves the old snapshot's counts at hand.
_KEEP = 4


@dataclass(frozen=True)
class Counts:
    rows: dict[str, int] = field(default_factory=dict)  # by table
    families: dict[Any, int] = field(default_factory=dict)  # by relationship: the most children of one parent


class TableSizes:
    """Rows per table, and children per parent, by data version; answers for the version a request reads, or
    the latest counted."""

    def __init__(self) -> None:
        self._by_token: OrderedDict[str, Counts] = OrderedDict()
        self._latest = Counts()
        self._families: list[Relationship] = []
        self._lock = threading.Lock()

    def watch(self, relationship: "Relationship") -> None:
        """Count the largest family of `relationship` too, from the next data version on (nested pages call it)."""
        with self._lock:
            self._families.append(relationship)
            self._by_token.clear()

    def known(self, token: str) -> bool:
        with self._lock:
            return token in self._by_token

    def count(self, connection: sa.Connection, token: str) -> None:
        """Count in `connection`'s snapshot, the one whose data version is `token`."""
        rows = {
            entity.table.name: int(
                connection.execute(sa.select(sa.func.count()).select_from(entity.table)).scalar_one()
            )
            for entity in ENTITIES
        }
        with self._lock:
            families = list(self._families)
        counts = Counts(rows, {relationship: _largest(connection, relationship) for relationship in families})
        with self._lock:
            self._by_token[token] = counts
            self._by_token.move_to_end(token)
            while len(self._by_token) > _KEEP:
                self._by_token.popitem(last=False)
            self._latest = counts

    def rows(self, table: str, token: str | None = None) -> int:
        """How many rows `table` holds in the data version `token`."""
        return self._counts(token).rows.get(table, 0)

    def family(self, relationship: "Relationship", token: str | None = None) -> int | None:
        """The most children one parent has through `relationship`; None if not counted."""
        return self._counts(token).families.get(relationship)

    def _counts(self, token: str | None) -> Counts:
        with self._lock:
            return self._by_token.get(token, self._latest) if token else self._latest


def _largest(connection: sa.Connection, relationship: "Relationship") -> int:
    """The most rows one parent key finds, summed over the key columns (a country in either column of a relation)."""
    total = 0
    for key in relationship.keys:
        families = sa.select(key, sa.func.count().label("children")).where(key.is_not(None)).group_by(key).subquery()
        total += int(connection.execute(sa.select(sa.func.coalesce(sa.func.max(families.c.children), 0))).scalar_one())
    return total


SIZES = TableSizes()
