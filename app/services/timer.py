"""The speaker's countdown: start, pause, resume, add time, reset.

Only timestamps are stored (principle 2); every screen derives the remaining time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.i18n import N_
from app.models import Countdown, Event
from app.services import changes, floor, record
from app.services.clock import epoch_ms
from app.services.errors import DomainError, InvalidInput

MAX_EXTRA_SECONDS = 600


class TimerState(DomainError):
    message = N_("The countdown cannot do that now.")


@dataclass(frozen=True)
class Reading:
    """The countdown as a screen shows it at one moment."""

    allotted_ms: int
    remaining_ms: int
    running: bool
    # Server epoch milliseconds at which the remaining time reaches zero, while running.
    deadline_ms: int | None

    @property
    def overtime(self) -> bool:
        return self.remaining_ms < 0


def read(countdown: Countdown, *, now: datetime) -> Reading:
    if countdown.started_at is None:
        return Reading(countdown.allotted_ms, countdown.remaining_ms, False, None)
    elapsed = epoch_ms(now) - epoch_ms(countdown.started_at)
    return Reading(
        countdown.allotted_ms,
        countdown.remaining_ms - elapsed,
        True,
        epoch_ms(countdown.started_at) + countdown.remaining_ms,
    )


def get(*, db: Session, event_id: int) -> Countdown:
    countdown = db.get(Countdown, event_id)
    assert countdown is not None, "every event has a countdown from the moment it is loaded"
    return countdown


def start(
    *, db: Session, event: Event, seen_speaker: int | None, now: datetime | None = None
) -> None:
    """Start the countdown from the full time, or resume it from what is left.

    ``seen_speaker`` is the request id of the speaker the console showed the clock of:
    a click meant for one speaker never acts on the next one's clock (``Stale``).
    Recorded as ``timer.start`` from the full time, ``timer.resume`` otherwise.
    Raises ``TimerState`` if the countdown already runs.
    """
    with _clock_change(db, event, "timer.start", seen_speaker, now) as (work, countdown):
        if countdown.started_at is not None:
            raise TimerState(N_("The countdown is already running."))
        if countdown.remaining_ms != countdown.allotted_ms:
            work.action = "timer.resume"
        countdown.started_at = work.now


def pause(
    *, db: Session, event: Event, seen_speaker: int | None, now: datetime | None = None
) -> None:
    """Stop the clock, keeping what is left. Raises ``TimerState`` if it is not running."""
    with _clock_change(db, event, "timer.pause", seen_speaker, now) as (work, countdown):
        if countdown.started_at is None:
            raise TimerState(N_("The countdown is not running."))
        _freeze(countdown, work.now)


def add_time(
    *,
    db: Session,
    event: Event,
    seconds: int,
    seen_speaker: int | None,
    now: datetime | None = None,
) -> None:
    """Give the speaker ``seconds`` more (1 to 600), running or not."""
    if not 1 <= seconds <= MAX_EXTRA_SECONDS:
        raise InvalidInput(N_("Extra time must be between 1 and 600 seconds."))
    with _clock_change(db, event, "timer.add_time", seen_speaker, now) as (_, countdown):
        countdown.remaining_ms += seconds * 1000


def reset(
    *, db: Session, event: Event, seen_speaker: int | None, now: datetime | None = None
) -> None:
    """Back to the full speaking time, stopped."""
    with _clock_change(db, event, "timer.reset", seen_speaker, now) as (_, countdown):
        countdown.started_at = None
        countdown.remaining_ms = countdown.allotted_ms


@contextmanager
def _clock_change(
    db: Session, event: Event, action: str, seen_speaker: int | None, now: datetime | None
) -> Iterator[tuple[changes.Change, Countdown]]:
    """One facilitator action on the clock: it depends only on whose clock it is."""
    with changes.change(db=db, event=event, action=action, now=now) as work:
        speaker = floor.current_speaker(db=db, event_id=work.event.id)
        work.expect(seen_speaker, speaker.id if speaker else None)
        countdown = get(db=db, event_id=work.event.id)
        before = _state(countdown, work.now)
        yield work, countdown
        record.clock_changed(db=db, countdown=countdown, now=work.now)
        work.changed_room(before=before, after=_state(countdown, work.now))


def give_turn(*, db: Session, event_id: int, seconds: int, now: datetime) -> None:
    """Set the countdown for a new speaker and start it (inside the caller's transaction)."""
    countdown = get(db=db, event_id=event_id)
    countdown.allotted_ms = countdown.remaining_ms = seconds * 1000
    countdown.started_at = now


def stop(*, db: Session, event_id: int, now: datetime) -> None:
    """Freeze the countdown if it runs (inside the caller's transaction)."""
    countdown = get(db=db, event_id=event_id)
    if countdown.started_at is not None:
        _freeze(countdown, now)


def _freeze(countdown: Countdown, now: datetime) -> None:
    countdown.remaining_ms = read(countdown, now=now).remaining_ms
    countdown.started_at = None


def _state(countdown: Countdown, now: datetime) -> dict[str, Any]:
    reading = read(countdown, now=now)
    return {"remaining_ms": reading.remaining_ms, "running": reading.running}
