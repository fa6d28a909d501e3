"""The speaker's countdown: start, pause, resume, add time, reset.

Only timestamps are stored (principle 2); every screen derives the remaining time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.db import record_change
from app.i18n import N_
from app.models import Countdown, Event
from app.services import audit, events
from app.services.clock import epoch_ms, utcnow
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
    *, db: Session, event: Event, expected_version: int | None = None, now: datetime | None = None
) -> None:
    """Start or resume the countdown from what is left."""
    now = now or utcnow()
    event = events.lock(db=db, event=event, expected_version=expected_version)
    countdown = get(db=db, event_id=event.id)
    if countdown.started_at is not None:
        raise TimerState(N_("The countdown is already running."))
    before = _state(countdown, now)
    countdown.started_at = now
    record_change(db, event)
    _log(db, event, "timer.start", countdown, now, before)
    db.commit()


def pause(
    *, db: Session, event: Event, expected_version: int | None = None, now: datetime | None = None
) -> None:
    """Stop the clock, keeping what is left."""
    now = now or utcnow()
    event = events.lock(db=db, event=event, expected_version=expected_version)
    countdown = get(db=db, event_id=event.id)
    if countdown.started_at is None:
        raise TimerState(N_("The countdown is not running."))
    before = _state(countdown, now)
    _freeze(countdown, now)
    record_change(db, event)
    _log(db, event, "timer.pause", countdown, now, before)
    db.commit()


def add_time(
    *,
    db: Session,
    event: Event,
    seconds: int,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Give the speaker more time (running or not)."""
    if not 1 <= seconds <= MAX_EXTRA_SECONDS:
        raise InvalidInput(N_("Extra time must be between 1 and 600 seconds."))
    event = events.lock(db=db, event=event, expected_version=expected_version)
    now = now or utcnow()
    countdown = get(db=db, event_id=event.id)
    before = _state(countdown, now)
    countdown.remaining_ms += seconds * 1000
    record_change(db, event)
    _log(db, event, "timer.add_time", countdown, now, before)
    db.commit()


def reset(
    *, db: Session, event: Event, expected_version: int | None = None, now: datetime | None = None
) -> None:
    """Back to the full speaking time, stopped."""
    event = events.lock(db=db, event=event, expected_version=expected_version)
    now = now or utcnow()
    countdown = get(db=db, event_id=event.id)
    before = _state(countdown, now)
    countdown.started_at = None
    countdown.remaining_ms = countdown.allotted_ms
    record_change(db, event)
    _log(db, event, "timer.reset", countdown, now, before)
    db.commit()


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


def _log(
    db: Session,
    event: Event,
    action: str,
    countdown: Countdown,
    now: datetime,
    before: dict[str, Any],
) -> None:
    """Record the facilitator's change to the clock (after ``record_change``)."""
    after = _state(countdown, now)
    audit.record(db=db, event=event, action=action, before=before, after=after, now=now)
