"""A bounded load test: 50 concurrent clients for 20 seconds on a mix of the example queries.

Run with `make load`. It starts the app with uvicorn on a free loopback port, over a SQLite database of
its own seeded from the fixtures, and stops it by its PID at the end. Two rounds: with the response cache
(the default) and without it (`BILATERAL_CACHE_MAX_AGE=0`). It prints throughput, p50, p99 and errors.
"""

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx2

import settings
from bench.servers import serving

CLIENTS = int(os.environ.get("LOAD_CLIENTS", "50"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "20"))
EXAMPLES = [path.read_text() for path in sorted((settings.ROOT / "schema" / "examples").glob("*.graphql"))]


async def client(base: str, deadline: float, latencies: list[float], errors: list[str], offset: int) -> None:
    async with httpx2.AsyncClient(base_url=base, timeout=30) as http:
        turn = offset
        while time.monotonic() < deadline:
            document = EXAMPLES[turn % len(EXAMPLES)]
            turn += 1
            started = time.perf_counter()
            try:
                response = await http.post("/graphql", json={"query": document})
                body = response.json()
                if response.status_code != 200 or "errors" in body:
                    errors.append(f"{response.status_code}: {str(body)[:200]}")
            except (httpx2.HTTPError, ValueError) as error:
                errors.append(repr(error))
            latencies.append((time.perf_counter() - started) * 1000)


async def round_of_load(base: str) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    started = time.monotonic()
    deadline = started + SECONDS
    await asyncio.gather(*(client(base, deadline, latencies, errors, n) for n in range(CLIENTS)))
    return latencies, errors, time.monotonic() - started


def main() -> int:
    print(f"{CLIENTS} clients for {SECONDS:.0f} s on {len(EXAMPLES)} example queries, one uvicorn worker, SQLite")
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        for name, max_age in (("response cache on", "60"), ("response cache off", "0")):
            environment = {
                "BILATERAL_DATABASE_URL": f"sqlite:///{Path(folder) / f'load-{max_age}.db'}",
                "BILATERAL_CACHE_MAX_AGE": max_age,
            }
            with serving({name: ("app:app", environment)}, Path(folder)) as servers:
                latencies, errors, elapsed = asyncio.run(round_of_load(servers[name].base))
            quantiles = statistics.quantiles(latencies, n=100)
            print(
                f"{name:<19} {len(latencies) / elapsed:8.1f} requests/s   p50 {quantiles[49]:7.1f} ms   "
                f"p99 {quantiles[98]:7.1f} ms   {len(latencies)} requests   {len(errors)} errors"
            )
            for error in errors[:5]:
                print(f"    {error}")
            failed = failed or bool(errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
