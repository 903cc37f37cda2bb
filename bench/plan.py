"""What is measured: the ways the API runs (and the floor), and the rows of the table, each with its baseline.

The API reads its settings once from the environment, so each way it runs is a process of its own, in
process and over HTTP alike. The response cache is off except where a row says otherwise: a front end's
varied queries miss it, so ratios to the floor are measured without it.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Setup:
    """A way to run a server: the app it serves and the environment it gets."""

    name: str
    label: str
    target: str
    environment: tuple[tuple[str, str], ...]

    @property
    def floor(self) -> bool:
        return self.name == "floor"

    def env(self, database_url: str) -> dict[str, str]:
        return {**dict(self.environment), "BILATERAL_DATABASE_URL": database_url}


# The API is served as `make serve` serves it (`cli.py serve`: its HTTP protocol, its request log, one worker);
# the floor by plain uvicorn, on the same HTTP parser and event loop (`BILATERAL_HTTP`).
SERVED = "cli.py serve"
# Whatever the shell says: the cache in the process, not in a Redis, and no debug logging.
API = (("BILATERAL_REDIS_URL", ""), ("BILATERAL_DEBUG", "false"))
FAST = Setup("fast", "fast path on", SERVED, (*API, ("BILATERAL_COMPILED", "1"), ("BILATERAL_CACHE_MAX_AGE", "0")))
SLOW = Setup("slow", "fast path off", SERVED, (*API, ("BILATERAL_COMPILED", "0"), ("BILATERAL_CACHE_MAX_AGE", "0")))
CACHED = Setup(
    "cached", "response cache on", SERVED, (*API, ("BILATERAL_COMPILED", "1"), ("BILATERAL_CACHE_MAX_AGE", "60"))
)
FLOOR = Setup("floor", "floor", "bench.floor:app", ())
SETUPS = {setup.name: setup for setup in (FAST, SLOW, CACHED, FLOOR)}


@dataclass(frozen=True)
class Row:
    """A query run one way; its ratio divides its time by the time of the `query` row run on the floor."""

    query: str
    setup: Setup
    label: str

    @property
    def key(self) -> tuple[str, str]:
        return self.query, self.setup.name

    @property
    def baseline(self) -> tuple[str, str] | None:
        if self.setup.floor or self.query == "filtered":
            return None
        return self.query, FLOOR.name


ROWS = (
    Row("small", FAST, "small, cache off"),
    Row("small", CACHED, "small, cache on"),
    Row("small", FLOOR, "hello (floor)"),
    Row("medium", FAST, "medium, fast path on"),
    Row("medium", SLOW, "medium, fast path off"),
    Row("medium", FLOOR, "medium (floor)"),
    Row("large", FAST, "large, fast path on"),
    Row("large", SLOW, "large, fast path off"),
    Row("large", FLOOR, "large (floor)"),
    Row("filtered", FAST, "filtered, fast path on"),
    Row("filtered", SLOW, "filtered, fast path off"),
)
CONNECTIONS = (1, 8)


def rows_of(setup: Setup, queries: tuple[str, ...]) -> list[Row]:
    return [row for row in ROWS if row.setup == setup and row.query in queries]


def row(query: str, setup: Setup) -> Row:
    """The row of `query` run by `setup`."""
    return next(each for each in ROWS if each.query == query and each.setup == setup)
