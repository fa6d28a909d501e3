"""One open websocket, with a mailbox that never grows.

Every region Palabra sends holds its whole state, so only the latest text for each slot
(a region of the page) matters: a newer one replaces an unsent older one, and one that
differs from what the screen already shows only in its version stamp is not sent at all (a
phone keeps what is being typed into it). A phone that stops reading keeps at most one
frame per slot and holds up nobody.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.websockets import WebSocket

VERSION_STAMP = re.compile(r' data-version="[0-9]+"')


@dataclass(frozen=True)
class Fragment:
    """A region's text, and what it shows: the text without its version stamp."""

    text: str
    content: str

    @classmethod
    def of(cls, text: str) -> Fragment:
        """Made once per rendered region, then offered to every socket that shows it."""
        return cls(text, VERSION_STAMP.sub("", text, count=1))


@dataclass(eq=False)
class Connection:
    websocket: WebSocket
    event_id: int
    view: str
    locale: str
    participant_id: int | None = None
    # What let it in: the projector's token, the join generation, or the facilitator's
    # session; once that is no longer current, the next change closes this socket.
    credential: str = ""
    _slots: dict[str, Fragment] = field(default_factory=dict)
    _versions: dict[str, int] = field(default_factory=dict)
    _shown: dict[str, str] = field(default_factory=dict)
    _ready: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def backlog(self) -> int:
        """Regions waiting to be sent: never more than the view has."""
        return len(self._slots)

    def offer(self, slot: str, version: int, fragment: Fragment) -> None:
        """Queue ``fragment`` for ``slot`` unless it is older than, or shows the same as,
        what is due."""
        if version < self._versions.get(slot, -1):
            return
        self._versions[slot] = version
        if fragment.content == self._shown.get(slot):
            self._slots.pop(slot, None)
            return
        self._slots[slot] = fragment
        self._ready.set()

    async def pump(self, clock: Callable[[int], str]) -> None:
        """Send whatever is in the mailbox until the socket closes.

        Each batch is preceded by the server's time as it leaves, not as it was rendered (a
        screen corrects its clock from it, and a late frame must not move its countdown),
        and by the version of the state the batch completes: a screen then knows that its
        regions not in the batch are current at that version too.
        """
        while True:
            await self._ready.wait()
            self._ready.clear()
            pending, self._slots = self._slots, {}
            if not pending:
                continue
            # Counted as shown once taken, before any await: an offer of the same content
            # while this batch is on its way must not be dropped for an older one.
            self._shown.update((slot, fragment.content) for slot, fragment in pending.items())
            await self.websocket.send_text(clock(max(self._versions[slot] for slot in pending)))
            for fragment in pending.values():
                await self.websocket.send_text(fragment.text)
