"""Rate limits: how often one device or one address may join, sign in or ask for the floor.

Sliding windows, kept in this process's memory for one process, or in Redis when several
workers serve (the broadcast's Redis): then the workers share one count.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import redis

log = logging.getLogger(__name__)

_RULE = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour)\s*$")
_SECONDS = {"second": 1, "minute": 60, "hour": 3600}


@dataclass(frozen=True)
class Rule:
    limit: int
    window_seconds: int

    @classmethod
    def parse(cls, text: str) -> Rule:
        """``"30/minute"`` → 30 hits in any 60 seconds."""
        match = _RULE.match(text)
        if match is None or int(match[1]) < 1:
            raise ValueError(f"a rate limit reads like '30/minute', not {text!r}")
        return cls(int(match[1]), _SECONDS[match[2]])


class Limiter(Protocol):
    def hit(self, key: str, rule: Rule) -> int | None: ...

    def close(self) -> None: ...


class RateLimiter:
    """Counts hits per key; a hit over the limit gets the seconds to wait instead."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, rule: Rule) -> int | None:
        """Record a hit; None if allowed, else the whole seconds until one would be."""
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - rule.window_seconds:
                hits.popleft()
            if len(hits) >= rule.limit:
                return max(1, math.ceil(hits[0] + rule.window_seconds - now))
            hits.append(now)
            if len(self._hits) > 10_000:
                self._forget_idle(now)
            return None

    def close(self) -> None:
        """Nothing to let go of."""

    def _forget_idle(self, now: float) -> None:
        longest = 3600
        for key in [k for k, h in self._hits.items() if not h or h[-1] <= now - longest]:
            del self._hits[key]


# One sliding window per key, as a sorted set of hit times: drop the old, count, add.
_SLIDING_WINDOW = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return tostring(tonumber(oldest[2]) + window - now)
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(window))
return false
"""


class RedisRateLimiter:
    """The same windows, shared by every worker through Redis.

    Redis unreachable: the hit is allowed and a warning logged. A limit that fails open
    slows nobody down when Redis is gone; one that failed closed would stop the room.
    """

    def __init__(self, url: str, *, prefix: str = "palabra:rate:") -> None:
        self._redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self._script = self._redis.register_script(_SLIDING_WINDOW)
        self._prefix = prefix

    def hit(self, key: str, rule: Rule) -> int | None:
        try:
            wait = self._script(
                keys=[self._prefix + key],
                args=[time.time(), rule.window_seconds, rule.limit, uuid.uuid4().hex],
            )
        except redis.RedisError as error:
            log.warning("rate limit not counted, Redis did not answer: %s", error)
            return None
        return None if wait is None else max(1, math.ceil(float(wait)))

    def close(self) -> None:
        self._redis.close()
