"""A server killed with SIGKILL in the middle of a burst comes back with the room it acknowledged.

Phones double-tap "request the floor" from many threads while the facilitator works the
countdown; the server is killed with requests in flight and started again on the same
database. Whatever got a 2xx before the kill is there, once; the speaker is the same; the
countdown is where the acknowledged actions and the wall clock put it.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from itertools import cycle

import httpx
from sqlalchemy import select

from app.db import Database
from app.models import Event, FloorRequest, Participant
from app.models.floor import ACTIVE_STATUSES
from tests.console import as_console, form_fields
from tests.live.processes import Servers, joined, seed, signed_in

PHONES = 40
CONCURRENT_TAPS = 16
KILL_AFTER_TAPS = PHONES  # of two taps per phone: halfway through the burst
BURST_TIMEOUT_S = 10.0
# Started by the facilitator in this order from a running countdown, over and over.
CLOCK_ACTIONS = ("/timer/pause", "/timer/add", "/timer/start", "/timer/add")
ADDED_MS = 30_000
TOLERANCE_MS = 1_000
SPEAKER = "Lucía Gómez"


@dataclass(frozen=True)
class Clock:
    """The countdown as a page draws it."""

    running: bool
    remaining_ms: int
    deadline_ms: int | None  # epoch milliseconds, while running

    @classmethod
    def in_page(cls, html: str) -> Clock:
        element = html.split("data-countdown", 1)[1].split(">", 1)[0]
        data = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', element))
        running = data["running"] == "true"
        deadline = int(data["deadline-ms"]) if running else None
        return cls(running, int(data["remaining-ms"]), deadline)

    def remaining_at(self, epoch_ms: int) -> int:
        return self.deadline_ms - epoch_ms if self.deadline_ms is not None else self.remaining_ms


@dataclass(frozen=True)
class Expected:
    """A countdown running or not, with between ``low_ms`` and ``high_ms`` left."""

    running: bool
    low_ms: int
    high_ms: int

    def matches(self, clock: Clock, at_ms: int) -> bool:
        remaining = clock.remaining_at(at_ms)
        within = self.low_ms - TOLERANCE_MS <= remaining <= self.high_ms + TOLERANCE_MS
        return clock.running == self.running and within


class ClockActions:
    """The facilitator's countdown actions: the last acknowledged state, and one unanswered."""

    def __init__(self, acknowledged: Clock) -> None:
        self.acknowledged = acknowledged
        self.count = 0
        self.unanswered: str | None = None
        self.sent_ms = 0

    def run(self, facilitator: httpx.Client, slug: str) -> None:
        """One action after another, each once the last is answered, until the server is gone."""
        console = facilitator.get(f"/f/{slug}").text
        speaker = form_fields(console, f"/f/{slug}/floor/finish")  # whose clock it is
        for action in cycle(CLOCK_ACTIONS):
            self.unanswered, self.sent_ms = action, epoch_ms()
            try:
                response = facilitator.post(f"/f/{slug}{action}", data=speaker)
            except httpx.TransportError:
                return
            assert response.status_code == 200, response.text
            self.acknowledged, self.unanswered = Clock.in_page(response.text), None
            self.count += 1

    def possible_after(self, killed_ms: int, at_ms: int) -> list[Expected]:
        """What the countdown may be after the restart, as time left at ``at_ms``.

        The acknowledged countdown, or the one after the unanswered action, had that action
        committed at some moment between its sending and the kill.
        """
        clock = self.acknowledged
        left = clock.remaining_at(at_ms)
        possible = [Expected(clock.running, left, left)]
        if self.unanswered == "/timer/add":
            possible.append(Expected(clock.running, left + ADDED_MS, left + ADDED_MS))
        elif self.unanswered == "/timer/pause":
            possible.append(
                Expected(False, clock.remaining_at(killed_ms), clock.remaining_at(self.sent_ms))
            )
        elif self.unanswered == "/timer/start":
            possible.append(Expected(True, self.sent_ms + left - at_ms, killed_ms + left - at_ms))
        return possible


class Burst:
    """Phones tapping "request the floor": whose tap was acknowledged, and whose was not."""

    def __init__(self, slug: str) -> None:
        self.slug = slug
        self.acknowledged: list[str] = []
        self.unanswered: list[str] = []

    def tap(self, name: str, phone: httpx.Client) -> None:
        try:
            response = phone.post(f"/e/{self.slug}/floor", data={"kind": "intervention"})
        except httpx.TransportError:
            self.unanswered.append(name)
            return
        assert response.status_code == 200, response.text
        self.acknowledged.append(name)


def epoch_ms() -> int:
    return int(time.time() * 1000)


def wait_until(condition: Callable[[], bool], threads: list[Future[None]]) -> None:
    """Until ``condition`` holds; a thread of the burst that failed fails the test at once."""
    deadline = time.monotonic() + BURST_TIMEOUT_S
    while not condition():
        for thread in threads:
            if thread.done():
                thread.result()
        assert time.monotonic() < deadline, "the burst did not get that far in time"
        time.sleep(0.002)


def speaker_in(html: str) -> str:
    match = re.search(r'class="speaker">\s*<span class="who">([^<]+)<', html)
    assert match is not None, "nobody has the floor"
    return match.group(1)


def active_requests(database_url: str, event: Event) -> Counter[str]:
    """How many active requests each participant has, by name."""
    database = Database(database_url)
    try:
        with database.reading() as db:
            names = db.scalars(
                select(Participant.name)
                .join(FloorRequest, FloorRequest.participant_id == Participant.id)
                .where(FloorRequest.event_id == event.id)
                .where(FloorRequest.status.in_(ACTIVE_STATUSES))
            )
            return Counter(names)
    finally:
        database.dispose()


def test_a_killed_server_comes_back_with_every_acknowledged_request_speaker_and_clock(
    servers: Servers, database_url: str
) -> None:
    event = seed(database_url)
    [server] = servers.start()
    facilitator = signed_in(server.http)
    assert as_console(facilitator, f"/f/{event.slug}/topics/next").status_code == 200
    speaker = joined(server.http, event, SPEAKER)
    assert speaker.post(f"/e/{event.slug}/floor", data={"kind": "reply"}).status_code == 200
    called = as_console(facilitator, f"/f/{event.slug}/floor/next")
    assert speaker_in(called.text) == SPEAKER
    clock = ClockActions(acknowledged=Clock.in_page(called.text))
    burst = Burst(event.slug)
    names = [f"Phone {number:02}" for number in range(PHONES)]

    with ThreadPoolExecutor(1 + CONCURRENT_TAPS) as pool:
        phones = dict(zip(names, pool.map(partial(joined, server.http, event), names), strict=True))
        threads = [pool.submit(clock.run, facilitator, event.slug)]
        # A double tap from every phone: its two requests race each other.
        threads += [pool.submit(burst.tap, name, phones[name]) for name in names for _ in range(2)]
        wait_until(lambda: len(burst.acknowledged) >= KILL_AFTER_TAPS and clock.count > 0, threads)
        server.kill()
        killed_ms = epoch_ms()
        for thread in threads:
            thread.result(timeout=BURST_TIMEOUT_S)
    assert burst.unanswered, "the kill came after the burst: nothing was in flight"

    [restarted] = servers.start()
    projector = httpx.get(
        f"{restarted.http}/projector/{event.slug}", params={"key": event.projector_token}
    )
    assert speaker_in(projector.text) == SPEAKER
    drawn_ms = int(re.findall(r'data-server-now="(\d+)"', projector.text)[0])
    countdown = Clock.in_page(projector.text)
    possible = clock.possible_after(killed_ms, at_ms=drawn_ms)
    assert any(expected.matches(countdown, drawn_ms) for expected in possible), (
        f"{countdown.remaining_at(drawn_ms)} ms left, expected one of {possible}"
    )
    queued = active_requests(database_url, event)
    assert all(queued[name] == 1 for name in [SPEAKER, *burst.acknowledged]), queued
    assert max(queued.values()) == 1, queued  # nobody twice

    # Every phone taps again on the restarted server: a retry never queues twice.
    for phone in phones.values():
        phone.base_url = httpx.URL(restarted.http)
        assert (
            phone.post(f"/e/{event.slug}/floor", data={"kind": "intervention"}).status_code == 200
        )
    assert active_requests(database_url, event) == Counter([SPEAKER, *names])
