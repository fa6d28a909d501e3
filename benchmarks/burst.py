"""Burst: P joined phones request the floor within one second, each tapping twice,
while S sockets (projectors) are open.

The taps are raw HTTP/1.1 requests, one connection per phone, spread evenly over the
second by the benchmark's process on core 1. Reported: the requests' p50/p99, statuses,
the entries afterwards (exactly P, positions dense, none doubled), the frames each socket
received during the burst (coalesced, not one per request), the server's CPU per floor
request and so the requests a second one worker sustains, and the burst's own rate.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from sqlalchemy import create_engine, text

from benchmarks.fanout import facilitator, join_phones, projector_targets, speaker_on_the_floor
from benchmarks.generator import Generator
from benchmarks.servers import Running

TAPS = 2


@dataclass
class BurstFigures:
    database: str
    phones: int
    sockets: int
    p50: float  # ms
    p99: float  # ms
    statuses: dict[int, int]
    entries: int
    dense: bool  # positions 1..n with none doubled, each phone once
    frames_per_socket: tuple[int, int]  # (median, max) during the burst
    cpu_ms_per_request: float
    sustained_per_second: float  # 1 / CPU per request: one worker on one core
    burst_seconds: float  # from the first tap sent to the last answer


async def tap(port: int, path: str, phone: dict[str, str], at: float) -> list[tuple[float, int]]:
    """Two taps on one connection, the first at ``at`` (time.monotonic()); per tap its
    seconds and status."""
    await asyncio.sleep(max(0.0, at - time.monotonic()))
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = urlencode({"kind": "intervention"}).encode()
    request = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHX-Request: true\r\n"
        f"Cookie: {phone['Cookie']}\r\nX-CSRF-Token: {phone['X-CSRF-Token']}\r\n"
        f"Origin: http://127.0.0.1:{port}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    results = []
    for _ in range(TAPS):
        started = time.monotonic()
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.lower().split(b"\r\n")
            if line.startswith(b"content-length:")
        )
        await reader.readexactly(length)
        results.append((time.monotonic() - started, status))
    writer.close()
    return results


def entries(database_url: str) -> tuple[int, bool]:
    """The floor requests waiting on the open topic, and whether their places are dense."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT participant_id, position FROM floor_requests WHERE status = 'waiting'")
        ).all()
    engine.dispose()
    positions = sorted(position for _, position in rows)
    people = {participant for participant, _ in rows}
    dense = positions == list(range(positions[0], positions[0] + len(rows))) if rows else False
    return len(rows), dense and len(people) == len(rows)


def measure(
    server: Running, database: str, database_url: str, phones: int, sockets: int
) -> BurstFigures:
    console = facilitator(server)
    speaker_on_the_floor(server, console)  # the speaker's request is no longer waiting
    joined = join_phones(server, phones)
    generator = Generator(projector_targets(server, sockets), processes=4, core=1)
    generator.wait_open()
    time.sleep(2)
    before = [frames for _, frames, _ in generator.report(final=False)]
    path = f"/e/{server.links['slug']}/floor"
    cpu = server.cpu_seconds()
    start = time.monotonic() + 0.2

    async def everyone() -> list[list[tuple[float, int]]]:
        spread = 1.0 / max(1, phones)
        return await asyncio.gather(
            *(tap(server.port, path, p, start + i * spread) for i, p in enumerate(joined))
        )

    taps = [result for phone in asyncio.run(everyone()) for result in phone]
    burst_seconds = time.monotonic() - start
    cpu = server.cpu_seconds() - cpu
    time.sleep(2)
    after = [frames for _, frames, _ in generator.report()]
    received = sorted(a - b for a, b in zip(after, before, strict=True))
    count, dense = entries(database_url)
    latencies = sorted(seconds * 1000 for seconds, _ in taps)
    per_request = cpu / len(taps)
    return BurstFigures(
        database,
        phones,
        sockets,
        round(latencies[len(latencies) // 2], 1),
        round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
        dict(Counter(status for _, status in taps)),
        count,
        dense,
        (received[len(received) // 2], received[-1]),
        round(per_request * 1000, 2),
        round(1 / per_request),
        round(burst_seconds, 2),
    )
