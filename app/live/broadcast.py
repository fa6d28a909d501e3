"""Fan-out of "event E changed to version V" between the processes serving an event.

One small interface (principle 7). The memory backend serves one process and the tests.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Change:
    event_id: int
    version: int


class Broadcast(Protocol):
    async def publish(self, change: Change) -> None: ...

    def changes(self) -> AsyncIterator[Change]: ...

    async def close(self) -> None: ...


class MemoryBroadcast:
    """Every subscriber of this process gets every change, in order."""

    def __init__(self) -> None:
        self._subscribers: set[asyncio.Queue[Change | None]] = set()

    async def publish(self, change: Change) -> None:
        for queue in self._subscribers:
            queue.put_nowait(change)

    async def changes(self) -> AsyncIterator[Change]:
        queue: asyncio.Queue[Change | None] = asyncio.Queue()
        self._subscribers.add(queue)
        try:
            while (change := await queue.get()) is not None:
                yield change
        finally:
            self._subscribers.discard(queue)

    async def close(self) -> None:
        for queue in self._subscribers:
            queue.put_nowait(None)


def from_url(url: str) -> Broadcast:
    if url.startswith("memory://"):
        return MemoryBroadcast()
    raise ValueError(f"unsupported broadcast URL {url!r}: use memory://")
