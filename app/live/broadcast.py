"""Fan-out of "event E changed to version V" between the processes serving an event.

One small interface (principle 7). The memory backend serves one process and the tests;
the Redis backend lets several workers serve one event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Literal, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.exceptions import ConnectionError, RedisError

from app import metrics

log = logging.getLogger(__name__)

DEFAULT_CHANNEL = "palabra:changes"
TIMEOUT_SECONDS = 2.0  # for Redis to connect, to answer a command, to confirm a subscription
HEARTBEAT_SECONDS = 5.0  # a subscription quiet this long is pinged, and lost if still quiet
RECONNECT_SECONDS = (0.5, 5.0)  # the first and the longest wait between tries
STILL_DOWN_WARNING_SECONDS = 60.0

BroadcastState = Literal["memory", "connecting", "connected", "disconnected"]


@dataclass(frozen=True)
class Change:
    event_id: int
    version: int
    committed_at: float = 0.0  # time.time() of the commit: the fan-out's delay counts from it


@dataclass(frozen=True)
class Resync:
    """Changes may have been missed: every open screen is to be drawn again."""


RESYNC = Resync()


class Broadcast(Protocol):
    @property
    def state(self) -> BroadcastState: ...

    async def publish(self, change: Change) -> None: ...

    def changes(self) -> AsyncIterator[Change | Resync]: ...

    async def close(self) -> None: ...


class MemoryBroadcast:
    """Every subscriber of this process gets every change, in order."""

    state: BroadcastState = "memory"

    def __init__(self) -> None:
        self._subscribers: set[asyncio.Queue[Change | None]] = set()

    async def publish(self, change: Change) -> None:
        for queue in self._subscribers:
            queue.put_nowait(change)

    async def changes(self) -> AsyncIterator[Change | Resync]:
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


class RedisBroadcast:
    """Changes travel on one Redis pub/sub channel, so every worker hears every change.

    A worker hears its own changes through Redis too: there is one path. Each iterator of
    ``changes()`` holds a subscription; when it drops it is made again (0.5 s after, then
    waiting twice as long each time, up to 5 s), and every (re)subscription yields RESYNC,
    since what was published meanwhile is lost. ``state`` is that of the latest try.
    """

    def __init__(self, url: str, *, channel: str = DEFAULT_CHANNEL) -> None:
        self.channel = channel
        self.state: BroadcastState = "connecting"
        # A publish retries on a fresh connection: a pooled one may have died with a Redis
        # that is back by now. The subscriber never retries by itself, so that every drop
        # surfaces here and is followed by RESYNC.
        self._publisher = _client(url, Retry(ExponentialBackoff(cap=1.0, base=0.1), 2))
        self._subscriber = _client(url, Retry(NoBackoff(), 0))
        self._closed = asyncio.Event()
        self._down_since: float | None = None
        self._warned_at = 0.0
        self._delay = RECONNECT_SECONDS[0]

    async def publish(self, change: Change) -> None:
        """Send the change; if Redis cannot take it, log it and go on.

        The commit stands either way, and the resync that follows a reconnection draws the
        screens again.
        """
        message = json.dumps(
            {"event_id": change.event_id, "version": change.version, "at": change.committed_at}
        )
        try:
            await self._publisher.publish(self.channel, message)
        except (RedisError, OSError) as error:
            log.warning(
                "could not publish event %s version %s to Redis (%s); "
                "its screens are drawn again once Redis is back",
                change.event_id,
                change.version,
                error,
            )

    async def changes(self) -> AsyncIterator[Change | Resync]:
        while not self._closed.is_set():
            try:
                async with self._subscriber.pubsub() as pubsub:
                    await self._subscribe(pubsub)
                    yield RESYNC
                    while not self._closed.is_set():
                        if (change := await self._next(pubsub)) is not None:
                            yield change
            except (RedisError, OSError) as error:
                if self._closed.is_set():
                    return
                self._lost(error)
                await self._wait_before_retrying()

    async def close(self) -> None:
        self._closed.set()
        await self._publisher.aclose()
        await self._subscriber.aclose()

    async def _subscribe(self, pubsub: PubSub) -> None:
        """Subscribe, and count as connected once Redis confirms it."""
        await pubsub.subscribe(self.channel)
        # From the confirmation on, every publish reaches us: only then is a resync complete.
        confirmation = await pubsub.get_message(timeout=TIMEOUT_SECONDS)
        if confirmation is None or confirmation["type"] != "subscribe":
            raise ConnectionError("Redis did not confirm the subscription")
        if self._down_since is not None:
            metrics.broadcast_reconnects.inc()
            log.info(
                "connected to Redis again after %.1f s; drawing every open screen again",
                time.monotonic() - self._down_since,
            )
        else:
            log.info("listening for changes on Redis channel %s", self.channel)
        self.state = "connected"
        self._down_since = None
        self._delay = RECONNECT_SECONDS[0]

    async def _next(self, pubsub: PubSub) -> Change | None:
        """The next change on the channel, or None for anything else that arrived."""
        message = await pubsub.get_message(timeout=HEARTBEAT_SECONDS)
        if message is None:
            # A dead server or a cut network may send no error at all: a ping must come back.
            await pubsub.ping()
            message = await pubsub.get_message(timeout=HEARTBEAT_SECONDS)
            if message is None:
                raise ConnectionError(f"Redis did not answer a ping in {HEARTBEAT_SECONDS:g} s")
        if message["type"] != "message":
            return None
        try:
            data = json.loads(message["data"])
            return Change(int(data["event_id"]), int(data["version"]), float(data.get("at", 0.0)))
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a malformed message on %s: %.100r", self.channel, message["data"])
            return None

    def _lost(self, error: Exception) -> None:
        now = time.monotonic()
        if self._down_since is None:
            what = "lost the connection to" if self.state == "connected" else "cannot reach"
            log.warning("%s Redis (%s); trying again", what, error)
            self._down_since = self._warned_at = now
        elif now - self._warned_at >= STILL_DOWN_WARNING_SECONDS:
            log.warning(
                "still no connection to Redis after %.0f s (%s); trying again",
                now - self._down_since,
                error,
            )
            self._warned_at = now
        self.state = "disconnected"

    async def _wait_before_retrying(self) -> None:
        """Wait before the next try, twice as long as before the last one; close() ends it."""
        delay, self._delay = self._delay, min(self._delay * 2, RECONNECT_SECONDS[1])
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closed.wait(), delay)


def _client(url: str, retry: Retry) -> Redis:
    return Redis.from_url(
        url, retry=retry, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )


def redis_target(url: str) -> tuple[str, str] | None:
    """(Redis connection URL, channel) of a redis:// or rediss:// URL; None for another."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        return None
    query = parse_qsl(parts.query, keep_blank_values=True)
    channel = dict(query).get("channel") or DEFAULT_CHANNEL
    rest = urlencode([(key, value) for key, value in query if key != "channel"])
    return urlunsplit(parts._replace(query=rest)), channel


def from_url(url: str) -> Broadcast:
    """The backend a URL names: memory://, or redis:// or rediss:// with ``?channel=NAME``."""
    parts = urlsplit(url)
    if parts.scheme == "memory":
        return MemoryBroadcast()
    if (target := redis_target(url)) is not None:
        connection_url, channel = target
        return RedisBroadcast(connection_url, channel=channel)
    # The URL itself may hold a password: name only its scheme.
    scheme = f"{parts.scheme}://" if parts.scheme else "(none)"
    raise ValueError(
        f"unsupported broadcast URL scheme {scheme}: use memory:// (one process) "
        "or redis:// (rediss:// with TLS) for several workers"
    )
