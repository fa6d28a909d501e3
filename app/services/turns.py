"""Turns: who has the floor. Calling the next speaker, out of turn, and ending a turn."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import record_change
from app.models import Event, FloorRequest, Topic
from app.models.floor import TurnStatus
from app.services import audit, events, floor, timer
from app.services.clock import utcnow
from app.services.errors import NobodySpeaking, NobodyWaiting, NotWaiting


def call_next(
    *, db: Session, event: Event, expected_version: int | None = None, now: datetime | None = None
) -> FloorRequest:
    """The current speaker finishes and the first one waiting gets the floor and the clock."""
    now = now or utcnow()
    event = events.lock(db=db, event=event, expected_version=expected_version)
    topic = floor.require_open_topic(db, event)
    waiting = floor.waiting_list(db=db, topic_id=topic.id)
    if not waiting:
        raise NobodyWaiting()
    following = waiting[0]
    _give_floor(db, event, topic, following, now, action="turns.call_next")
    db.commit()
    return following


def call(
    *,
    db: Session,
    event: Event,
    request_id: int,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> FloorRequest:
    """Give the floor to this waiting speaker now, out of turn."""
    now = now or utcnow()
    event = events.lock(db=db, event=event, expected_version=expected_version)
    topic = floor.require_open_topic(db, event)
    request = floor.find_request(db, event, request_id)
    if request.status is not TurnStatus.WAITING or request.topic_id != topic.id:
        raise NotWaiting()
    _give_floor(db, event, topic, request, now, action="turns.call")
    db.commit()
    return request


def finish(
    *, db: Session, event: Event, expected_version: int | None = None, now: datetime | None = None
) -> None:
    """The current speaker is done; the clock stops."""
    now = now or utcnow()
    event = events.lock(db=db, event=event, expected_version=expected_version)
    speaker = current_speaker(db=db, event_id=event.id)
    if speaker is None or not end_current_turn(db=db, event=event, now=now):
        raise NobodySpeaking()
    timer.stop(db=db, event_id=event.id, now=now)
    record_change(db, event)
    audit.record(
        db=db,
        event=event,
        action="turns.finish",
        subject=audit.subject_of(speaker),
        before={"speaker": speaker.id},
        after={"speaker": None},
        now=now,
    )
    db.commit()


def end_current_turn(*, db: Session, event: Event, now: datetime) -> bool:
    """Mark the current speaker as done (inside the caller's transaction)."""
    speaker = current_speaker(db=db, event_id=event.id)
    if speaker is None:
        return False
    speaker.status = TurnStatus.DONE
    speaker.finished_at = now
    db.flush()
    return True


def current_speaker(*, db: Session, event_id: int) -> FloorRequest | None:
    return db.scalar(
        select(FloorRequest).where(
            FloorRequest.event_id == event_id, FloorRequest.status == TurnStatus.SPEAKING
        )
    )


def _give_floor(
    db: Session, event: Event, topic: Topic, request: FloorRequest, now: datetime, *, action: str
) -> None:
    previous = current_speaker(db=db, event_id=event.id)
    end_current_turn(db=db, event=event, now=now)
    request.status = TurnStatus.SPEAKING
    request.called_at = now
    db.flush()
    seconds = topic.segment.speaking_seconds or event.speaking_seconds
    timer.give_turn(db=db, event_id=event.id, seconds=seconds, now=now)
    record_change(db, event)
    before = {"speaker": previous.id if previous else None}
    after = {"speaker": request.id, "name": request.participant.name, "seconds": seconds}
    subject = audit.subject_of(request)
    audit.record(
        db=db, event=event, action=action, subject=subject, before=before, after=after, now=now
    )
