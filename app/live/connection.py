"""One open websocket, with a mailbox that never grows.

Every region Palabra sends holds its whole state, so only the latest text for each slot
(a region of the page) matters: a newer one replaces an unsent older one, and one that
differs from what the screen already shows only in its version stamp is not sent at all (a
phone keeps what is being typed into it). A phone that stops reading keeps at most one
frame per slot and holds up nobody.

What a screen shows also comes from the answers to its own requests, which swap regions of
the same page. Each page has a screen id, sent with its socket and with its requests, so
that its socket is told what an answer showed (``answered``): a region the answer changed
is not taken for unchanged, and one the answer already shows is not sent again.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.websockets import WebSocket

from app.metrics import Fanout

# A page asks every second whether its socket still reaches the server (static/js/palabra.js);
# the answer is sent at once, ahead of any region, and is no change: nothing is read for it.
HEARTBEAT = "ping"
HEARTBEAT_ANSWER = "pong"
VERSION_STAMP = re.compile(r' data-version="[0-9]+"')
SCREEN_ID = re.compile(r"[0-9a-f]{32}")


def new_screen_id() -> str:
    """The id of one page as loaded, shared by its socket and its requests."""
    return secrets.token_hex(16)


def screen_id(value: str | None) -> str | None:
    """A screen id as a page sent it back; anything else is no screen at all."""
    return value if value is not None and SCREEN_ID.fullmatch(value) else None


@dataclass(frozen=True)
class Fragment:
    """A region's text, and what it shows: the text without its version stamp."""

    text: str
    content: str

    @classmethod
    def of(cls, text: str) -> Fragment:
        """Made once per rendered region, then offered to every socket that shows it."""
        return cls(text, VERSION_STAMP.sub("", text, count=1))


UNKNOWN = None  # what a screen shows in a slot when that depends on what reached it first


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
    # The page's screen id: its requests' answers are told to this socket (see answered).
    screen: str | None = None
    # The latest state of each slot (offered, or answered) and its version.
    _due: dict[str, tuple[int, Fragment]] = field(default_factory=dict)
    # The slots whose due state is to be sent, in order (a dict as an ordered set).
    _pending: dict[str, None] = field(default_factory=dict)
    # What the screen is known to show in each slot, and since which version.
    _shown: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    # The version of the latest batch taken for sending: the screen's own is never newer.
    _sent: int = -1
    # The page asked whether the socket is alive: answered by the pump (one answer for any
    # number of questions asked meanwhile, so a page that asks too often holds up nobody).
    _asked: bool = False
    _ready: asyncio.Event = field(default_factory=asyncio.Event)
    # Changes' deliveries waiting for this socket's next batch, oldest first (metrics).
    _fanouts: list[Fanout] = field(default_factory=list)

    @property
    def backlog(self) -> int:
        """Regions waiting to be sent: never more than the view has."""
        return len(self._pending)

    @property
    def newest(self) -> int:
        """The newest version this socket was offered, answered or sent (-1: none yet).

        A region drawn apart from the room (the console's count of screens) is stamped with
        it: the page takes a region no older than what it shows and than its latest batch.
        """
        return max((version for version, _ in self._due.values()), default=self._sent)

    def offer(self, slot: str, version: int, fragment: Fragment) -> None:
        """Queue ``fragment`` for ``slot`` unless it is older than, or shows the same as,
        what is due."""
        due = self._due.get(slot)
        if due is not None and version < due[0]:
            return
        self._due[slot] = (version, fragment)
        self._settle(slot)

    def answered(self, slot: str, version: int, fragment: Fragment) -> None:
        """The page got ``fragment`` for ``slot`` at ``version`` in an answer to a request.

        The page swaps in a region unless it is older than the one it shows or than the
        socket's latest batch (static/js/palabra.js). An answer newer than both is what the
        page shows (unless a batch sent after it overtakes it on the way to the page: a
        narrow race left open): sent again only if what is due differs from it. One that
        comes after a newer batch is taken or not depending on which reached the page
        first: unless both show the same, what is due is sent again, at a version the page
        takes.
        """
        due = self._due.get(slot)
        if due is None or self._sent < 0:
            return  # not a region of this socket, or its snapshot is not on its way yet
        shown_version, shown = self._shown.get(slot, (-1, UNKNOWN))
        if version < shown_version:
            return  # what the page was sent or answered later wins over it
        if version > due[0]:
            self._due[slot] = (version, fragment)
        if fragment.content == shown or (version > shown_version and version >= self._sent):
            self._shown[slot] = (version, fragment.content)
        else:
            # Sent again whatever it is. The hub offers every slot of a socket at each
            # version it draws, so what is due is at least as new as any batch: the page
            # takes it.
            self._shown[slot] = (version, UNKNOWN)
        self._settle(slot)

    def _settle(self, slot: str) -> None:
        """Send what is due for ``slot`` unless the screen shows it already."""
        if self._due[slot][1].content == self._shown.get(slot, (-1, UNKNOWN))[1]:
            self._pending.pop(slot, None)
            return
        self._pending[slot] = None
        self._ready.set()

    def track(self, fanout: Fanout) -> None:
        """``fanout`` is delivered here once the next batch is sent."""
        fanout.reached()
        self._fanouts.append(fanout)

    def release(self) -> None:
        """The socket closed: no delivery waits for it any more."""
        for fanout in self._fanouts:
            fanout.sent()
        self._fanouts = []

    def heartbeat(self) -> None:
        """The page asked whether its socket is alive: the pump answers ``HEARTBEAT_ANSWER``."""
        self._asked = True
        self._ready.set()

    async def pump(self, clock: Callable[[int], str]) -> None:
        """Send whatever is in the mailbox until the socket closes.

        Each batch is one message (htmx swaps each region in it by its id), opened by the
        server's time as it leaves, not as it was rendered (a screen corrects its clock from
        it, and a late frame must not move its countdown), and by the version of the state the batch completes: a screen then knows that its
        regions not in the batch are current at that version too. A heartbeat is answered
        before the regions due, by itself.
        """
        while True:
            await self._ready.wait()
            self._ready.clear()
            if self._asked:
                self._asked = False
                await self.websocket.send_text(HEARTBEAT_ANSWER)
            batch = [(slot, *self._due[slot]) for slot in self._pending]
            self._pending = {}
            if not batch:
                continue
            delivering = len(self._fanouts)
            # Counted as shown once taken, before any await: an offer of the same content
            # while this batch is on its way must not be dropped for an older one.
            version = max(due_version for _, due_version, _ in batch)
            self._sent = max(self._sent, version)
            self._shown.update((slot, (v, fragment.content)) for slot, v, fragment in batch)
            text = clock(version) + "".join(fragment.text for _, _, fragment in batch)
            await self.websocket.send_text(text)
            delivered, self._fanouts = self._fanouts[:delivering], self._fanouts[delivering:]
            for fanout in delivered:
                fanout.sent()
