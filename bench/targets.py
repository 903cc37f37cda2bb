"""The targets the table makes visible: how far above its floor each query may sit, and how it must scale.

They are printed and marked, never asserted: a benchmark on a busy machine reports, it does not fail.
All are over HTTP, on each backend, at one connection unless they compare connections.
"""

from dataclasses import dataclass

from bench.plan import CACHED, FAST, FLOOR, ROWS, SLOW, Row, row
from bench.results import Measurements

SCALING = 0.9  # 8 connections must keep at least this share of the throughput of 1


@dataclass(frozen=True)
class Target:
    """A query run one way, against its floor (`within` times its time at most) or against itself at 1 connection."""

    row: Row
    within: float | None = None
    wording: str = ""

    @property
    def description(self) -> str:
        if self.within is None:
            return f"{self.row.label}: 8 connections at least {SCALING:.0%} of the throughput of 1"
        return f"{self.row.label}: {self.wording or f'within {self.within:g}x of its floor'}"

    def measure(self, measurements: Measurements, backend: str) -> tuple[str, bool] | None:
        """The measured value, in words, and whether it meets the target; None if it was not measured."""
        key = self.row.key
        one = measurements.rate(backend, key, 1)
        if self.within is None:
            eight = measurements.rate(backend, key, 8)
            if not one or eight is None:
                return None
            return f"{eight / one:.0%} of 1 connection", eight >= SCALING * one
        floor = measurements.rate(backend, (self.row.query, FLOOR.name), 1)
        if not one or floor is None:
            return None
        ratio = floor / one
        return f"{ratio:.2f}x", ratio <= self.within


TARGETS = (
    Target(row("large", FAST), 3),
    Target(row("large", SLOW), 10),
    Target(row("medium", FAST), 3),
    Target(row("small", CACHED), 4, "at least 1/4 of hello's throughput (within 4x)"),
    Target(row("small", FAST), 6, "at least 1/6 of hello's throughput (within 6x)"),
    *(Target(each) for each in ROWS if not each.setup.floor),
)
