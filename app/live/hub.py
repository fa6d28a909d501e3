"""The hub: which sockets are open, and what to send them when an event changes.

On a change the hub reads the room once, renders each open view once per language, and
offers the same text to every socket of that view (principle 4). Only a participant with a
request on the open topic gets a fragment of their own. A socket that connects is sent the
same frames, so a reconnect is a snapshot (principle 6); sockets that connect together,
as after a restart, are served by one read of the room. The console's count of connected
screens is kept by counters and drawn from them alone: a phone or projector that comes or
goes makes no read of the room, and the consoles are told at most once per PRESENCE_SECONDS. When the broadcast may have lost
changes (its connection to Redis dropped), every open screen is drawn again the same way.
A page's own requests are answered with regions too: the hub tells that page's socket what
they showed (``answered``), so that it sends what the page lacks and nothing it has.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import anyio.to_thread

from app import metrics
from app.db import Database
from app.live import frames
from app.live.broadcast import Broadcast, Change, Resync
from app.live.connection import Connection, Fragment
from app.services import screens, sessions

log = logging.getLogger(__name__)

PROJECTOR = "projector"
FACILITATOR = "facilitator"
PARTICIPANT = "participant"

NOBODY = 0  # the personal key of everyone without a request on the open topic
RETRY_SECONDS = (1, 2, 5, 10, 30)
PUBLISH_DRAIN_SECONDS = 5.0
# The consoles' count of connected screens is redrawn at most this often per event.
PRESENCE_SECONDS = 0.25


@dataclass
class Rendered:
    """One read of the room, drawn for the sockets that needed it."""

    version: int
    # Per view, the credentials a socket may still hold to stay open (Connection.credential).
    credentials: dict[str, frozenset[str]] = field(default_factory=dict)
    views: dict[tuple[str, str], dict[str, Fragment]] = field(default_factory=dict)
    personal: dict[tuple[int, str], Fragment] = field(default_factory=dict)


class Hub:
    def __init__(self, *, database: Database, broadcast: Broadcast, base_url: str) -> None:
        self.database = database
        self.broadcast = broadcast
        self.base_url = base_url
        self._connections: dict[int, set[Connection]] = defaultdict(set)
        self._screens: dict[str, set[Connection]] = defaultdict(set)
        self._changed: set[int] = set()
        # The earliest commit (time.time()) among the changes pending per event.
        self._committed_at: dict[int, float] = {}
        # Open sockets per event and view, kept by connect and disconnect.
        self._counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        # Events whose consoles are to be told that a phone or projector came or went.
        self._presence_changed: set[int] = set()
        self._telling_presence: dict[int, asyncio.Task[None]] = {}
        self._newcomers: dict[int, set[Connection]] = defaultdict(set)
        self._refreshing: dict[int, asyncio.Task[None]] = {}
        self._closing: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listener: asyncio.Task[None] | None = None
        self._publishing: set[concurrent.futures.Future[None]] = set()

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._listener = asyncio.create_task(self._listen())

    async def stop(self) -> None:
        """Send what was committed before the stop, then close the broadcast and the tasks.

        A worker that stops right after a commit (a rolling restart) still tells the other
        workers. A publish still pending after PUBLISH_DRAIN_SECONDS (Redis is down) is given
        up: the other workers draw their screens again when their own connection comes back.
        """
        pending = [asyncio.wrap_future(f) for f in list(self._publishing)]
        if pending:
            await asyncio.wait(pending, timeout=PUBLISH_DRAIN_SECONDS)
        await self.broadcast.close()
        tasks = [
            t
            for t in (self._listener, *self._refreshing.values(), *self._telling_presence.values())
            if t is not None
        ]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def publish_threadsafe(self, event_id: int, version: int) -> None:
        """Called after a commit, from whichever thread committed."""
        if self._loop is None or self._loop.is_closed():
            return
        change = Change(event_id, version, time.time())
        sending = asyncio.run_coroutine_threadsafe(self.broadcast.publish(change), self._loop)
        self._publishing.add(sending)
        sending.add_done_callback(self._publishing.discard)

    def connect(self, connection: Connection) -> None:
        """Register a socket; its snapshot follows as soon as the room is read."""
        self._connections[connection.event_id].add(connection)
        self._counts[connection.event_id][connection.view] += 1
        metrics.sockets.labels(connection.view).inc()
        if connection.screen is not None:
            self._screens[connection.screen].add(connection)
        self._newcomers[connection.event_id].add(connection)
        self._presence_moved(connection)
        self._schedule(connection.event_id)

    def disconnect(self, connection: Connection) -> None:
        sockets = self._connections.get(connection.event_id)
        if sockets is not None and connection in sockets:
            sockets.remove(connection)
            self._counts[connection.event_id][connection.view] -= 1
            metrics.sockets.labels(connection.view).dec()
            connection.release()
            if not sockets:
                del self._connections[connection.event_id]
                del self._counts[connection.event_id]
            self._presence_moved(connection)
        self._newcomers.get(connection.event_id, set()).discard(connection)
        if connection.screen is not None:
            same_page = self._screens.get(connection.screen, set())
            same_page.discard(connection)
            if not same_page:
                self._screens.pop(connection.screen, None)

    def presence(self, event_id: int) -> frames.Presence:
        """How many phones and projectors of the event have a socket open on this worker.

        With several workers each hub knows only its own sockets: the console says so.
        Read from the counters (routes ask from their threads: a count read is one step).
        """
        counts = self._counts.get(event_id, {})
        return frames.Presence(
            phones=counts.get(PARTICIPANT, 0), projectors=counts.get(PROJECTOR, 0)
        )

    def _presence_moved(self, connection: Connection) -> None:
        """A phone or projector came or went: the event's open consoles are told."""
        event_id = connection.event_id
        if connection.view == FACILITATOR or not self._counts.get(event_id, {}).get(FACILITATOR):
            return
        self._presence_changed.add(event_id)
        if event_id not in self._telling_presence:
            self._telling_presence[event_id] = asyncio.create_task(self._tell_presence(event_id))

    async def _tell_presence(self, event_id: int) -> None:
        """Offer the consoles the count at once, then at most once per PRESENCE_SECONDS
        while screens keep coming and going (a connect storm is a few frames, not one each)."""
        try:
            while event_id in self._presence_changed:
                self._presence_changed.discard(event_id)
                consoles = [c for c in self._connections.get(event_id, ()) if c.view == FACILITATOR]
                self._offer_presence(event_id, consoles)
                await asyncio.sleep(PRESENCE_SECONDS)
        finally:
            del self._telling_presence[event_id]

    def _offer_presence(self, event_id: int, consoles: list[Connection]) -> None:
        """Offer each console the count as it is now, at the newest version it knows of.

        A console whose snapshot is not drawn yet is left out: its snapshot brings it.
        """
        counts = self.presence(event_id)
        drawn: dict[tuple[str, int], Fragment] = {}
        for c in consoles:
            version = c.newest
            if version < 0:
                continue
            key = (c.locale, version)
            if key not in drawn:
                text = frames.presence(counts, version=version, locale=c.locale)
                drawn[key] = Fragment.of(text)
            c.offer(frames.PRESENCE, version, drawn[key])

    def answered(
        self, event_id: int, screen: str, version: int, regions: Mapping[str, str]
    ) -> None:
        """A page was answered with ``regions`` of the room at ``version`` (from whichever
        thread answered): its socket, if open here, must know that the page shows them."""
        if self._loop is None or self._loop.is_closed():
            return
        fragments = {slot: Fragment.of(text) for slot, text in regions.items()}
        try:
            self._loop.call_soon_threadsafe(self._answered, event_id, screen, version, fragments)
        except RuntimeError:  # the loop closed meanwhile: no socket is left to tell
            return

    def _answered(
        self, event_id: int, screen: str, version: int, fragments: dict[str, Fragment]
    ) -> None:
        for connection in self._screens.get(screen, ()):
            if connection.event_id == event_id:
                for slot, fragment in fragments.items():
                    connection.answered(slot, version, fragment)

    def count(self, event_id: int | None = None) -> int:
        """Open sockets of one event, or of all events."""
        if event_id is not None:
            return len(self._connections.get(event_id, ()))
        return sum(len(sockets) for sockets in self._connections.values())

    async def _listen(self) -> None:
        async for change in self.broadcast.changes():
            if isinstance(change, Resync):
                changed = list(self._connections)
            elif change.event_id in self._connections:
                changed = [change.event_id]
                earliest = self._committed_at.get(change.event_id, change.committed_at)
                self._committed_at[change.event_id] = min(earliest, change.committed_at)
            else:
                continue
            for event_id in changed:
                self._changed.add(event_id)
                self._schedule(event_id)

    def _schedule(self, event_id: int) -> None:
        if event_id not in self._refreshing:
            self._refreshing[event_id] = asyncio.create_task(self._refresh(event_id))

    async def _refresh(self, event_id: int) -> None:
        """Render and deliver until nothing is pending; what arrives meanwhile coalesces."""
        failures = 0
        try:
            while event_id in self._changed or self._newcomers.get(event_id):
                changed = event_id in self._changed
                self._changed.discard(event_id)
                committed_at = self._committed_at.pop(event_id, None) if changed else None
                newcomers = self._newcomers.pop(event_id, set())
                sockets = self._connections.get(event_id, set())
                targets = list(sockets if changed else newcomers)
                if not targets:
                    continue
                try:
                    rendered = await anyio.to_thread.run_sync(self._render, event_id, targets)
                except Exception:
                    # Keep what was pending; screens stay as they are until the next try.
                    log.exception("rendering event %s failed; trying again", event_id)
                    if changed:
                        self._changed.add(event_id)
                    still_open = self._connections.get(event_id, set())
                    self._newcomers[event_id] |= newcomers & still_open
                    await asyncio.sleep(RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)])
                    failures += 1
                    continue
                failures = 0
                still_open = self._connections.get(event_id, set())
                fanout = metrics.Fanout(committed_at) if committed_at else None
                self._deliver([c for c in targets if c in still_open], rendered, fanout)
        finally:
            del self._refreshing[event_id]

    def _render(self, event_id: int, sockets: list[Connection]) -> Rendered:
        """Read the room once and draw each frame these sockets need once (worker thread)."""
        with self.database.reading() as db:
            room = screens.room(db=db, event_id=event_id)
            signed_in = (
                sessions.current_credentials(db=db)
                if any(c.view == FACILITATOR for c in sockets)
                else frozenset()
            )
        credentials = {
            PROJECTOR: frozenset({room.event.projector_token}),
            PARTICIPANT: frozenset({str(room.event.join_generation)}),
            FACILITATOR: signed_in,
        }
        rendered = Rendered(room.version, credentials)
        renders = 0
        for c in sockets:
            view_key = (c.view, c.locale)
            if view_key not in rendered.views:
                frame = self._render_view(room, c.view, c.locale)
                rendered.views[view_key] = {r: Fragment.of(text) for r, text in frame.items()}
                renders += len(frame)
            if c.view == PARTICIPANT:
                mine = c.participant_id if c.participant_id in room.latest_requests else None
                key = (mine or NOBODY, c.locale)
                if key not in rendered.personal:
                    turn = screens.my_turn(room=room, participant_id=mine)
                    text = frames.my_turn(turn, slug=room.event.slug, locale=c.locale)
                    rendered.personal[key] = Fragment.of(text)
                    renders += 1
        metrics.renders_per_change.observe(renders)
        return rendered

    def _render_view(self, room: screens.Room, view: str, locale: str) -> frames.Frame:
        if view == PROJECTOR:
            return frames.projector(room, base_url=self.base_url)
        if view == FACILITATOR:
            return frames.facilitator(room, locale=locale, base_url=self.base_url)
        return frames.participant_room(room, locale=locale)

    def _deliver(
        self, sockets: list[Connection], rendered: Rendered, fanout: metrics.Fanout | None
    ) -> None:
        """Offer each socket the shared text of its view, and a phone its own turn.

        ``fanout`` (for a change, not a snapshot) waits for every socket given something to
        send: its delay is observed when the last one has sent it. The consoles' count of
        screens comes with their regions, drawn as the count is now.
        """
        consoles = []
        for c in sockets:
            if c.credential not in rendered.credentials[c.view]:
                # Its link was renewed, or sessions were ended: it may not see any more.
                self.disconnect(c)
                closing = asyncio.create_task(c.websocket.close(code=1008))
                self._closing.add(closing)
                closing.add_done_callback(self._closing.discard)
                continue
            for region, fragment in rendered.views[(c.view, c.locale)].items():
                c.offer(region, rendered.version, fragment)
            if c.view == PARTICIPANT:
                personal = rendered.personal.get((c.participant_id or NOBODY, c.locale))
                mine = personal or rendered.personal[(NOBODY, c.locale)]
                c.offer(frames.MY_TURN, rendered.version, mine)
            if c.view == FACILITATOR:
                consoles.append(c)
            if fanout is not None and c.backlog:
                c.track(fanout)
        if consoles:
            self._offer_presence(consoles[0].event_id, consoles)
