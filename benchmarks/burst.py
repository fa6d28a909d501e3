"""A burst of floor requests: P phones tap "request the floor" at the same moment.

Starts Palabra on a free port (SQLite and one process, or the database, broadcast and
workers given, as in fanout.py), joins P phones, opens a topic, then
fires every phone's request at once and reports how long the burst took, the latency of
the requests, and their statuses. Only loopback traffic, bounded in count and time.

    .venv/bin/python benchmarks/burst.py --phones 300
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import Counter

import httpx

from benchmarks.fanout import (
    HTMX,
    Setup,
    add_setup_arguments,
    database,
    free_port,
    setup_from,
    signed_in,
    start_server,
    wait_until_up,
    with_token,
)


async def burst(setup: Setup, phones: int) -> dict[str, object]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as workdir, database(setup, workdir) as url:
        server, links = start_server(port, url, setup)
        try:
            await wait_until_up(base)
            return await measure(base, links, phones)
        finally:
            server.terminate()
            server.wait(timeout=10)


async def measure(base: str, links: dict[str, str], phones: int) -> dict[str, object]:
    slug = links["facilitator"].split("/")[2]
    async with httpx.AsyncClient(base_url=base, headers=HTMX) as facilitator:
        await signed_in(facilitator)
        await facilitator.post(f"/f/{slug}/topics/next")
    phones_seen: list[dict[str, str]] = []
    async with httpx.AsyncClient(base_url=base) as joiner:
        for i in range(phones):
            joiner.cookies.clear()
            await with_token(joiner)
            await joiner.post("/join", data={"code": links["code"], "name": f"Phone {i}"})
            cookie = "; ".join(f"{k}={v}" for k, v in joiner.cookies.items())
            phones_seen.append({"Cookie": cookie, "X-CSRF-Token": joiner.headers["X-CSRF-Token"]})

    # One client (making one is costly) with a connection per phone, as in a room.
    limits = httpx.Limits(max_connections=phones, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def tap(phone: dict[str, str]) -> tuple[float, int]:
            started = time.perf_counter()
            response = await client.post(
                f"/e/{slug}/floor", data={"kind": "intervention"}, headers={**HTMX, **phone}
            )
            return time.perf_counter() - started, response.status_code

        started = time.perf_counter()
        results = await asyncio.gather(*(tap(phone) for phone in phones_seen))
        total = time.perf_counter() - started
    latencies = sorted(latency for latency, _ in results)
    return {
        "phones": phones,
        "burst_s": round(total, 2),
        "median_ms": round(statistics.median(latencies) * 1000),
        "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000),
        "statuses": dict(Counter(status for _, status in results)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=300)
    add_setup_arguments(parser)
    args = parser.parse_args()
    setup = setup_from(args)
    print({"setup": setup.describe(), **asyncio.run(burst(setup, args.phones))})


if __name__ == "__main__":
    main()
