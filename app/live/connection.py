"""One open websocket, with a mailbox that never grows.

Every frame Palabra sends holds the whole state of the regions it names, so only the latest
frame for each slot matters: a newer one replaces an unsent older one. A phone that stops
reading keeps at most one frame per slot and never holds up anyone else.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from starlette.websockets import WebSocket

ROOM = "room"
MINE = "mine"


@dataclass(eq=False)
class Connection:
    websocket: WebSocket
    event_id: int
    view: str
    locale: str
    participant_id: int | None = None
    _slots: dict[str, str] = field(default_factory=dict)
    _versions: dict[str, int] = field(default_factory=dict)
    _ready: asyncio.Event = field(default_factory=asyncio.Event)

    def offer(self, slot: str, version: int, text: str) -> None:
        """Queue ``text`` for ``slot`` unless a newer version was already offered."""
        if version < self._versions.get(slot, -1):
            return
        self._versions[slot] = version
        self._slots[slot] = text
        self._ready.set()

    async def pump(self) -> None:
        """Send whatever is in the mailbox until the socket closes."""
        while True:
            await self._ready.wait()
            self._ready.clear()
            pending, self._slots = self._slots, {}
            for text in pending.values():
                await self.websocket.send_text(text)
