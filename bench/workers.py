"""`python -m bench.workers`: the throughput of `cli.py serve` with 1 and with 2 worker processes.

Each run serves the synthetic data set as `make serve` would (the access log on, to a file), with the
response cache off, and loads it with the small query and the large one ("the country page") over keep-alive
connections. The small query is loaded with wrk where it is installed; the large one, a second or more per
request, with the Python client, which counts each request by the share of it inside the window. The large
query is costly: each worker runs 2 at once (`BILATERAL_MAX_HEAVY`) and the others wait their turn, for up
to 30 s here (`BILATERAL_QUEUE_TIMEOUT`) rather than 2, so that the run measures answers, not refusals.
Each server is stopped by its PID.
"""

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

from bench import datasets, http_client, servers, wrk
from bench.plan import SERVED
from bench.queries import LARGE, SMALL
from bench.results import Load
from bench.servers import HOST

# The query, the connections that load it, and whether wrk may (it counts whole requests only).
QUERIES = {"small": (SMALL, 8, True), "large (country page)": (LARGE, 4, False)}


@contextmanager
def serving(url: str, workers: int, logs: Path) -> Iterator[int]:
    """`cli.py serve` with `workers` processes on a free port, until every worker has started; yields the port."""
    environment = {
        "BILATERAL_DATABASE_URL": url,
        "BILATERAL_WORKERS": str(workers),
        "BILATERAL_CACHE_MAX_AGE": "0",
        "BILATERAL_QUEUE_TIMEOUT": "30",
    }
    with servers.serving({"api": (SERVED, environment)}, logs) as started:
        yield started["api"].port


def measure(port: int, query: str, connections: int, client: str, options: argparse.Namespace) -> Load:
    body = orjson.dumps({"query": query})
    answer = asyncio.run(http_client.post(f"http://{HOST}:{port}", "/graphql", body))
    if b'"errors"' in answer or b'"data"' not in answer:
        raise RuntimeError(f"the query failed: {answer[:500]!r}")
    if client == "wrk":
        return wrk.load(
            f"http://{HOST}:{port}",
            "/graphql",
            body,
            connections,
            options.seconds,
            options.warmup,
            lambda: time.sleep(1),
        )
    return asyncio.run(
        http_client.load(HOST, port, "/graphql", body, connections, options.seconds, options.warmup, len(answer))
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=datasets.BACKENDS, default="sqlite")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per load")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each load")
    parser.add_argument("--client", choices=["wrk", "python"], default="wrk" if wrk.available() else "python")
    options = parser.parse_args(argv)
    url = datasets.prepare(options.backend)
    print(f"{options.backend}, {os.cpu_count()} cores, {options.seconds:g} s per load")
    print("| query | client | connections | workers | requests/s | p50 ms | p99 ms | errors |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for workers in options.workers:
            logs = Path(folder) / f"{workers} workers"
            logs.mkdir()
            with serving(url, workers, logs) as port:
                for name, (query, connections, whole) in QUERIES.items():
                    load = measure(port, query, connections, options.client if whole else "python", options)
                    rate, p50, p99 = f"{load.rate:,.1f}", f"{load.p50_ms:.1f}", f"{load.p99_ms:.1f}"
                    row = [name, load.client, str(connections), str(workers), rate, p50, p99, str(load.errors)]
                    print(f"| {' | '.join(row)} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
