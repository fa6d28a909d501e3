"""The load generator: raw websocket clients in processes pinned to the other core.

Each process opens its share of the sockets with a hand-written handshake and reads frames
with the least parsing that tells them apart: the header, the payload (inflated only when
the server compressed it, as per-message deflate does), and the first ``data-version="N"``
in it. For each socket it keeps, per version, the arrival of the last frame stamped with it
(the moment the socket holds that state whole) and how many frames came. Pings are answered;
nothing else is sent. The same generator serves Palabra and both references.
"""

from __future__ import annotations

import asyncio
import base64
import multiprocessing
import os
import struct
import time
import zlib
from dataclasses import dataclass, field
from multiprocessing.connection import Connection as Pipe

STAMP = b'data-version="'
DEFLATE_TAIL = b"\x00\x00\xff\xff"
OPCODE_TEXT, OPCODE_CLOSE, OPCODE_PING = 0x1, 0x8, 0x9
HANDSHAKE_SECONDS = 120.0


@dataclass(frozen=True)
class Target:
    """Where to open sockets and with which handshake headers (cookies, extensions)."""

    host: str
    port: int
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    deflate: bool = False  # ask for per-message deflate, as browsers do


@dataclass
class Arrivals:
    """What one socket received: per version, the last frame's arrival (time.monotonic())."""

    last: dict[int, float] = field(default_factory=dict)
    frames: int = 0
    closed: bool = False


class Client(asyncio.Protocol):
    def __init__(self, arrivals: Arrivals, deflate: bool, ready: asyncio.Future[None]) -> None:
        self.arrivals = arrivals
        self.inflater = zlib.decompressobj(-15) if deflate else None
        self.ready = ready
        self.buffer = b""
        self.open = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if not self.open:
            head, found, rest = self.buffer.partition(b"\r\n\r\n")
            if not found:
                return
            if not head.startswith(b"HTTP/1.1 101"):
                self._failed(ConnectionError(head.split(b"\r\n", 1)[0].decode()))
                return
            if self.inflater is not None and b"permessage-deflate" not in head.lower():
                self.inflater = None  # the server declined: frames come uncompressed
            self.open, self.buffer = True, rest
            if not self.ready.done():  # else the handshake was given up on, and is counted so
                self.ready.set_result(None)
        self._frames()

    def _frames(self) -> None:
        buffer, now = self.buffer, time.monotonic()
        while len(buffer) >= 2:
            first, second = buffer[0], buffer[1] & 0x7F
            start = 2
            if second == 126:
                if len(buffer) < 4:
                    break
                second, start = struct.unpack_from("!H", buffer, 2)[0], 4
            elif second == 127:
                if len(buffer) < 10:
                    break
                second, start = struct.unpack_from("!Q", buffer, 2)[0], 10
            if len(buffer) < start + second:
                break
            payload, buffer = buffer[start : start + second], buffer[start + second :]
            self._frame(first, payload, now)
        self.buffer = buffer

    def _frame(self, first: int, payload: bytes, now: float) -> None:
        opcode = first & 0x0F
        if opcode == OPCODE_PING:
            self._send(0xA, payload)
            return
        if opcode == OPCODE_CLOSE:
            self.arrivals.closed = True
            return
        if first & 0x40 and self.inflater is not None:
            payload = self.inflater.decompress(payload + DEFLATE_TAIL)
        self.arrivals.frames += 1
        at = payload.find(STAMP)
        if at >= 0:
            end = payload.index(b'"', at + len(STAMP))
            self.arrivals.last[int(payload[at + len(STAMP) : end])] = now

    def _send(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        assert self.transport is not None and len(payload) < 126
        self.transport.write(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

    def connection_lost(self, exc: Exception | None) -> None:
        self.arrivals.closed = True
        self._failed(exc or ConnectionError("closed during the handshake"))

    def _failed(self, error: Exception) -> None:
        if not self.ready.done():
            self.ready.set_exception(error)


async def open_socket(target: Target, arrivals: Arrivals) -> None:
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()
    transport, _ = await loop.create_connection(
        lambda: Client(arrivals, target.deflate, ready), target.host, target.port
    )
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        f"GET {target.path} HTTP/1.1",
        f"Host: {target.host}:{target.port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        f"Origin: http://{target.host}:{target.port}",
        *(f"{name}: {value}" for name, value in target.headers),
    ]
    if target.deflate:
        lines.append("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits")
    transport.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    await asyncio.wait_for(ready, HANDSHAKE_SECONDS)


async def serve(pipe: Pipe, targets: list[Target]) -> None:
    """Open every target's socket (a few at a time), say so, and report when asked."""
    arrivals = [Arrivals() for _ in targets]
    gate = asyncio.Semaphore(50)

    async def one(target: Target, into: Arrivals) -> None:
        async with gate:
            await open_socket(target, into)

    failures = await asyncio.gather(
        *(one(t, a) for t, a in zip(targets, arrivals, strict=True)), return_exceptions=True
    )
    errors = [repr(f) for f in failures if isinstance(f, BaseException)]
    pipe.send(("open", errors[:3], len(errors)))
    loop = asyncio.get_running_loop()
    while True:
        command = await loop.run_in_executor(None, pipe.recv)  # "report", or "stop"
        pipe.send(("arrivals", [(dict(a.last), a.frames, a.closed) for a in arrivals]))
        if command == "stop":
            return


def _process(pipe: Pipe, targets: list[Target], core: int | None) -> None:
    if core is not None:
        os.sched_setaffinity(0, {core})
    asyncio.run(serve(pipe, targets))


class Generator:
    """Sockets spread over ``processes`` processes on ``core``; arrivals gathered at the end."""

    def __init__(self, targets: list[Target], *, processes: int, core: int | None) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes: list[Pipe] = []
        self.workers = []
        for n in range(processes):
            mine, theirs = context.Pipe()
            worker = context.Process(
                target=_process, args=(theirs, targets[n::processes], core), daemon=True
            )
            worker.start()
            self.pipes.append(mine)
            self.workers.append(worker)
        self.processes = processes

    def wait_open(self) -> None:
        failed = 0
        shown: list[str] = []
        for pipe in self.pipes:
            _, errors, count = pipe.recv()
            failed += count
            shown += errors
        if failed:
            raise RuntimeError(f"{failed} sockets did not open: {shown[:3]}")

    def cpu_seconds(self) -> float:
        """The generator processes' CPU time so far (user + system), from /proc."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for worker in self.workers:
            with open(f"/proc/{worker.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / tick

    def report(self, *, final: bool = True) -> list[tuple[dict[int, float], int, bool]]:
        """Per socket, in target order: {version: last arrival}, frames, whether it closed.

        The final report also closes the sockets and ends the processes.
        """
        for pipe in self.pipes:
            pipe.send("stop" if final else "report")
        parts = [pipe.recv()[1] for pipe in self.pipes]
        merged: list[tuple[dict[int, float], int, bool]] = []
        for i in range(sum(len(p) for p in parts)):
            merged.append(parts[i % self.processes][i // self.processes])
        if final:
            for worker in self.workers:
                worker.join(timeout=10)
        return merged
