"""The hub: which sockets are open, and what to send them when an event changes.

On a change the hub reads the room once, renders each open view once per language, and
offers the same text to every socket of that view (principle 4). Only a participant with a
request on the open topic gets a fragment of their own. A socket that connects gets the
same frames, so a reconnect is a snapshot (principle 6).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable

import anyio.to_thread
from sqlalchemy import select

from app.db import Database
from app.live import frames
from app.live.broadcast import Broadcast, Change
from app.live.connection import MINE, ROOM, Connection
from app.models import Event
from app.services import screens

log = logging.getLogger(__name__)

PROJECTOR = "projector"
FACILITATOR = "facilitator"
PARTICIPANT = "participant"

Frames = dict[tuple[str, str], str]
Personal = dict[tuple[int, str], str]
NOBODY = 0  # the personal key of everyone without a request on the open topic


class Hub:
    def __init__(self, *, database: Database, broadcast: Broadcast, base_url: str) -> None:
        self.database = database
        self.broadcast = broadcast
        self.base_url = base_url
        self._connections: dict[int, set[Connection]] = defaultdict(set)
        self._dirty: set[int] = set()
        self._refreshing: dict[int, asyncio.Task[None]] = {}
        self._cache: dict[tuple[int, str, str], tuple[int, str]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listener: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._listener = asyncio.create_task(self._listen())

    async def stop(self) -> None:
        await self.broadcast.close()
        tasks = [t for t in (self._listener, *self._refreshing.values()) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def publish_threadsafe(self, event_id: int, version: int) -> None:
        """Called after a commit, from whichever thread committed."""
        if self._loop is None or self._loop.is_closed():
            return
        change = Change(event_id, version)
        asyncio.run_coroutine_threadsafe(self.broadcast.publish(change), self._loop)

    async def connect(self, connection: Connection) -> None:
        """Register a socket and send it the full state of its view."""
        self._connections[connection.event_id].add(connection)
        rendered = await anyio.to_thread.run_sync(self._render, connection.event_id, [connection])
        self._deliver([connection], *rendered)

    def disconnect(self, connection: Connection) -> None:
        sockets = self._connections.get(connection.event_id)
        if sockets is not None:
            sockets.discard(connection)
            if not sockets:
                del self._connections[connection.event_id]

    def count(self, event_id: int | None = None) -> int:
        """Open sockets of one event, or of all events."""
        if event_id is not None:
            return len(self._connections.get(event_id, ()))
        return sum(len(sockets) for sockets in self._connections.values())

    async def _listen(self) -> None:
        async for change in self.broadcast.changes():
            self._changed(change)

    def _changed(self, change: Change) -> None:
        if change.event_id not in self._connections:
            return
        self._dirty.add(change.event_id)
        if change.event_id not in self._refreshing:
            task = asyncio.create_task(self._refresh(change.event_id))
            self._refreshing[change.event_id] = task

    async def _refresh(self, event_id: int) -> None:
        """Render and deliver until no change is pending; changes in between coalesce."""
        try:
            while event_id in self._dirty:
                self._dirty.discard(event_id)
                sockets = list(self._connections.get(event_id, ()))
                if not sockets:
                    continue
                rendered = await anyio.to_thread.run_sync(self._render, event_id, sockets)
                still_open = self._connections.get(event_id, set())
                self._deliver([c for c in sockets if c in still_open], *rendered)
        except Exception:
            log.exception("live refresh of event %s failed", event_id)
        finally:
            del self._refreshing[event_id]

    def _render(self, event_id: int, sockets: Iterable[Connection]) -> tuple[int, Frames, Personal]:
        """Read the room once; render each needed frame once (runs in a worker thread)."""
        sockets = list(sockets)
        room_frames: Frames = {}
        personal: Personal = {}
        with self.database.reading() as db:
            version = db.scalar(select(Event.version).where(Event.id == event_id))
            if version is None:
                return 0, room_frames, personal
            wanted = {(c.view, c.locale) for c in sockets}
            missing = [key for key in wanted if self._cached(event_id, key, version) is None]
            room = (
                screens.room(db=db, event_id=event_id)
                if missing or self._has_participants(sockets)
                else None
            )
            if room is not None:
                version = room.version
            for view, locale in wanted:
                cached = self._cached(event_id, (view, locale), version)
                if cached is None:
                    assert room is not None
                    cached = self._render_view(room, view, locale)
                    self._cache[(event_id, view, locale)] = (version, cached)
                room_frames[(view, locale)] = cached
            if room is not None:
                for c in sockets:
                    if c.view != PARTICIPANT:
                        continue
                    request = room.latest_requests.get(c.participant_id or NOBODY)
                    if request is not None:
                        key = (request.participant_id, c.locale)
                        if key not in personal:
                            mine = screens.my_turn(room=room, participant=request.participant)
                            personal[key] = frames.my_turn(room, mine, locale=c.locale)
                    elif (NOBODY, c.locale) not in personal:
                        personal[(NOBODY, c.locale)] = frames.my_turn(room, None, locale=c.locale)
        return version, room_frames, personal

    def _render_view(self, room: screens.Room, view: str, locale: str) -> str:
        if view == PROJECTOR:
            return frames.projector(room, locale=locale, base_url=self.base_url)
        if view == FACILITATOR:
            return frames.facilitator(room, locale=locale)
        return frames.participant_room(room, locale=locale)

    def _cached(self, event_id: int, key: tuple[str, str], version: int) -> str | None:
        hit = self._cache.get((event_id, *key))
        return hit[1] if hit is not None and hit[0] == version else None

    @staticmethod
    def _has_participants(sockets: list[Connection]) -> bool:
        return any(c.view == PARTICIPANT for c in sockets)

    def _deliver(
        self, sockets: list[Connection], version: int, room_frames: Frames, personal: Personal
    ) -> None:
        """Offer each socket its view's frame: one text per view and language, shared."""
        messages: dict[tuple[str, str], str] = {}
        for c in sockets:
            key = (c.view, c.locale)
            if key not in room_frames:
                continue
            if key not in messages:
                messages[key] = frames.clock(locale=c.locale) + room_frames[key]
            c.offer(ROOM, version, messages[key])
            if c.view == PARTICIPANT:
                mine = personal.get((c.participant_id or NOBODY, c.locale))
                c.offer(MINE, version, mine or personal[(NOBODY, c.locale)])
