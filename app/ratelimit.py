"""Rate limits: how often one device or one address may join or ask for the floor.

Sliding windows kept in this process's memory: enough for one process; with several
workers each keeps its own count.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

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

    def _forget_idle(self, now: float) -> None:
        longest = 3600
        for key in [k for k, h in self._hits.items() if not h or h[-1] <= now - longest]:
            del self._hits[key]
