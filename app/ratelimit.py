"""Rate limits: how often one device or one address may join, sign in or ask for the floor.

Moving windows: a hit is allowed while fewer than the limit were allowed in the last window.
One process counts in its own memory; several workers count in the broadcast's Redis through
the `limits` library (its moving window, one Lua script a hit), so that they share one count.

The `limits` library's memory storage is not used for one process: it never forgets a key,
and a thread of its own walks every key it ever saw every 10 ms while hits come in (measured:
a sixth of a core at 1,000 keys, four fifths at 20,000, at 50 hits a second). The counter
here forgets idle keys and costs a few µs a hit, with nothing running between hits.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Protocol

import limits
import redis
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    limit: int
    window_seconds: int

    @classmethod
    @lru_cache(maxsize=64)  # read at every hit: one Rule (and one `limits` item) per setting
    def parse(cls, text: str) -> Rule:
        """``"30/minute"`` → 30 hits in any 60 seconds (`limits`' notation: "30 per 5 minutes").

        Raises ValueError for anything else, several rules or a limit below one.
        """
        try:
            items = limits.parse_many(text)
        except ValueError:
            items = []
        if len(items) != 1 or items[0].amount < 1:
            raise ValueError(f"a rate limit reads like '30/minute', not {text!r}")
        return cls(items[0].amount, items[0].get_expiry())

    @cached_property
    def item(self) -> limits.RateLimitItem:
        return limits.RateLimitItemPerSecond(self.limit, self.window_seconds)


class Limiter(Protocol):
    def hit(self, key: str, rule: Rule) -> int | None: ...

    def wait(self, key: str, rule: Rule) -> int | None: ...

    def close(self) -> None: ...


class RateLimiter:
    """Counts hits per key in this process; a hit over the limit gets the seconds to wait."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, rule: Rule) -> int | None:
        """Record a hit; None if allowed, else the whole seconds until one would be."""
        now = self._clock()
        with self._lock:
            wait = self._wait(key, rule, now)
            if wait is None:
                self._hits[key].append(now)
                if len(self._hits) > 10_000:
                    self._forget_idle(now)
            return wait

    def wait(self, key: str, rule: Rule) -> int | None:
        """None if a hit would be allowed now, else the whole seconds until it would; no hit."""
        with self._lock:
            return self._wait(key, rule, self._clock())

    def close(self) -> None:
        """Nothing to let go of."""

    def _wait(self, key: str, rule: Rule, now: float) -> int | None:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - rule.window_seconds:
            hits.popleft()
        if len(hits) < rule.limit:
            return None
        return _whole_seconds(hits[0] + rule.window_seconds - now)

    def _forget_idle(self, now: float) -> None:
        longest = 3600
        for key in [k for k, h in self._hits.items() if not h or h[-1] <= now - longest]:
            del self._hits[key]


class RedisRateLimiter:
    """The same windows, shared by every worker through Redis.

    Redis unreachable: the hit is allowed and a warning logged. A limit that fails open
    slows nobody down when Redis is gone; one that failed closed would stop the room.
    """

    def __init__(self, url: str, *, prefix: str = "palabra:rate") -> None:
        self._pool = redis.ConnectionPool.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        storage = RedisStorage(url, connection_pool=self._pool, key_prefix=prefix)
        self._windows = MovingWindowRateLimiter(storage)

    def hit(self, key: str, rule: Rule) -> int | None:
        try:
            if self._windows.hit(rule.item, key):
                return None
            # Refused: the window may have moved on since, but this hit still waits.
            return self._wait(key, rule) or 1
        except redis.RedisError as error:
            log.warning("rate limit not counted, Redis did not answer: %s", error)
            return None

    def wait(self, key: str, rule: Rule) -> int | None:
        try:
            return self._wait(key, rule)
        except redis.RedisError as error:
            log.warning("rate limit not read, Redis did not answer: %s", error)
            return None

    def close(self) -> None:
        self._pool.disconnect()

    def _wait(self, key: str, rule: Rule) -> int | None:
        reset, remaining = self._windows.get_window_stats(rule.item, key)
        return None if remaining > 0 else _whole_seconds(reset - time.time())


def _whole_seconds(seconds: float) -> int:
    """What Retry-After says: whole seconds, at least one."""
    return max(1, math.ceil(seconds))
