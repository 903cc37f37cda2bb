"""What one measurement yields: a median in process, a load over HTTP, or a request's time split by phase."""

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.cpu import CpuUse


@dataclass(frozen=True)
class Timing:
    """A request timed in process: the median of `repeats` calls, its SQL statements and response size."""

    median_ms: float
    repeats: int
    statements: int
    size: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> "Timing":
        return cls(**values)


@dataclass(frozen=True)
class Load:
    """A request sent over `connections` keep-alive connections for `seconds`.

    `rate` is requests per second; `client_cpu` the load generator's CPU time over the wall time (1.0 is a
    whole core), to show it was not the bottleneck.
    """

    connections: int
    seconds: float
    rate: float
    requests: int
    errors: int
    p50_ms: float
    p99_ms: float
    client_cpu: float
    client: str


def percentile(sorted_values: list[float], percent: float) -> float:
    """The nearest-rank percentile of values already in order; NaN for none."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


# The phases a request's time in process is split into (`bench/phases.py`), in the order a request meets them;
# "rest" is what no phase took: the request's time less every phase's.
PHASES = (
    "body",
    "key",
    "version",
    "cache",
    "prepared",
    "plan",
    "turn",
    "database",
    "building",
    "encoding",
    "log",
    "rest",
)


@dataclass(frozen=True)
class Phases:
    """One query's time in process by phase: the median over requests of each phase's microseconds in a request
    (`spent_us`, by the names of `PHASES`), the median of whole requests timed with the phases' timers in place
    (`total_us`) and without them (`plain_us`), and how many requests were timed each way."""

    spent_us: dict[str, float]
    total_us: float
    plain_us: float
    requests: int
    plain_requests: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, values: dict[str, Any]) -> "Phases":
        return cls(**values)


@dataclass
class Rivals:
    """PostGraphile beside the API and the floor on PostgreSQL, in a phase of its own: loads and CPU per request
    by (query, server, connections); why a query was not timed (its rows differed); why none was (`skipped`)."""

    loads: dict[tuple[str, str, int], Load] = field(default_factory=dict)
    cpu: dict[tuple[str, str, int], CpuUse] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # the rows found equal, by query
    # The share of the API's answers made by another identical request's execution, by (query, server, connections).
    shared: dict[tuple[str, str, int], float] = field(default_factory=dict)
    differ: dict[str, str] = field(default_factory=dict)
    skipped: str = ""
    version: str = ""  # "PostGraphile 5.1.5 on Node v22.23.3"
    documents: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)  # PostGraphile's, by query

    def rate(self, query: str, server: str, connections: int) -> float | None:
        load = self.loads.get((query, server, connections))
        return load.rate if load else None


@dataclass
class Measurements:
    """Everything one run measured, by backend, query and setup (and connections, over HTTP)."""

    in_process: dict[tuple[str, str, str], Timing] = field(default_factory=dict)
    over_http: dict[tuple[str, str, str, int], Load] = field(default_factory=dict)
    rivals: Rivals | None = None  # PostgreSQL only
    phases: dict[tuple[str, str, str], Phases] = field(default_factory=dict)

    def rate(self, backend: str, key: tuple[str, str], connections: int) -> float | None:
        load = self.over_http.get((backend, *key, connections))
        return load.rate if load else None

    def median(self, backend: str, key: tuple[str, str]) -> float | None:
        timing = self.in_process.get((backend, *key))
        return timing.median_ms if timing else None
