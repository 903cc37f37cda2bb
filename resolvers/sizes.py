"""How many rows each kind's table holds: the most a scan, a sort or a count of that table can read.

The cost of a query (schema/limits.py) reads these counts. They are counted once per data version,
in the snapshot that first sees it (every load that changes data renews the version), so a cost is
always the cost on data the server has seen; a few versions are kept for the requests still reading
older snapshots.
"""

import threading
from collections import OrderedDict

import sqlalchemy as sa

from models.kinds import KINDS

# Data versions whose counts are kept: a reload during a request leaves the old snapshot's counts at hand.
_KEEP = 4


class TableSizes:
    """Rows per table, by data version; `rows` answers for the version a request reads, or the latest."""

    def __init__(self) -> None:
        self._by_token: OrderedDict[str, dict[str, int]] = OrderedDict()
        self._latest: dict[str, int] = {}
        self._lock = threading.Lock()

    def known(self, token: str) -> bool:
        with self._lock:
            return token in self._by_token

    def count(self, connection: sa.Connection, token: str) -> None:
        """Count every kind's rows in `connection`'s snapshot, the one whose data version is `token`."""
        counts = {
            kind.table.name: int(connection.execute(sa.select(sa.func.count()).select_from(kind.table)).scalar_one())
            for kind in KINDS.values()
        }
        with self._lock:
            self._by_token[token] = counts
            self._by_token.move_to_end(token)
            while len(self._by_token) > _KEEP:
                self._by_token.popitem(last=False)
            self._latest = counts

    def rows(self, table: str, token: str | None = None) -> int:
        """How many rows `table` holds in the data version `token` (the latest counted if not known)."""
        with self._lock:
            counts = self._by_token.get(token, self._latest) if token else self._latest
            return counts.get(table, 0)


SIZES = TableSizes()
