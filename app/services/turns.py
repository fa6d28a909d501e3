"""Turns: who has the floor. Calling the next speaker, out of turn, and ending a turn."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.models import Event, FloorRequest, Topic
from app.models.floor import TurnStatus
from app.services import audit, changes, floor, record, timer
from app.services.errors import NobodySpeaking, NobodyWaiting, NotWaiting


def call_next(
    *,
    db: Session,
    event: Event,
    seen_first: int | None,
    seen_speaker: int | None,
    now: datetime | None = None,
) -> FloorRequest:
    """The current speaker finishes and the first one waiting gets the floor and the clock.

    ``seen_first`` and ``seen_speaker`` are the request ids the console showed first on the
    list and speaking (None: nobody). Raises ``Stale`` if someone else is first now, or if
    someone other than ``seen_speaker`` has the floor (their turn would end): two
    facilitators pressing "next" together, or one pressing it twice, call one speaker. A
    turn that ended meanwhile ("Finished" just before) changes nothing for it.
    Raises ``NoTopicOpen`` and ``NobodyWaiting``.
    """
    with changes.change(db=db, event=event, action="turns.call_next", now=now) as work:
        topic = floor.require_open_topic(db, work.event)
        waiting = floor.waiting_list(db=db, topic_id=topic.id)
        _expect_turn_to_end(work, seen_speaker)
        work.expect(seen_first, waiting[0].id if waiting else None)
        if not waiting:
            raise NobodyWaiting()
        following = waiting[0]
        _give_floor(work, topic, following)
    return following


def call(
    *,
    db: Session,
    event: Event,
    request_id: int,
    seen_speaker: int | None,
    now: datetime | None = None,
) -> FloorRequest:
    """Give the floor to this waiting speaker now, out of turn; whoever speaks finishes.

    Raises ``Stale`` if someone other than ``seen_speaker`` has the floor, ``NotWaiting`` if
    the request is not waiting on the open topic.
    """
    with changes.change(db=db, event=event, action="turns.call", now=now) as work:
        topic = floor.require_open_topic(db, work.event)
        _expect_turn_to_end(work, seen_speaker)
        request = floor.find_request(db, work.event, request_id)
        if request.status is not TurnStatus.WAITING or request.topic_id != topic.id:
            raise NotWaiting()
        _give_floor(work, topic, request)
    return request


def finish(
    *, db: Session, event: Event, seen_speaker: int | None, now: datetime | None = None
) -> None:
    """The current speaker is done; the clock stops.

    Raises ``Stale`` if someone else has the floor than ``seen_speaker``, and
    ``NobodySpeaking``.
    """
    with changes.change(db=db, event=event, action="turns.finish", now=now) as work:
        _expect_speaker(work, seen_speaker)
        speaker = floor.current_speaker(db=db, event_id=work.event.id)
        if speaker is None:
            raise NobodySpeaking()
        end_current_turn(db=db, event=work.event, now=work.now)
        timer.stop(db=db, event_id=work.event.id, now=work.now)
        work.changed_room(
            before={"speaker": speaker.id},
            after={"speaker": None},
            subject=audit.subject_of(speaker),
        )


def end_current_turn(*, db: Session, event: Event, now: datetime) -> bool:
    """Mark the current speaker as done (inside the caller's transaction)."""
    speaker = floor.current_speaker(db=db, event_id=event.id)
    if speaker is None:
        return False
    speaker.status = TurnStatus.DONE
    speaker.finished_at = now
    record.turn_ended(db=db, event_id=event.id, now=now)
    db.flush()
    return True


def _expect_speaker(work: changes.Change, seen_speaker: int | None) -> None:
    speaker = floor.current_speaker(db=work.db, event_id=work.event.id)
    work.expect(seen_speaker, speaker.id if speaker else None)


def _expect_turn_to_end(work: changes.Change, seen_speaker: int | None) -> None:
    """Giving the floor ends the current turn: only the one the console showed, if any."""
    speaker = floor.current_speaker(db=work.db, event_id=work.event.id)
    if speaker is not None:
        work.expect(seen_speaker, speaker.id)


def _give_floor(work: changes.Change, topic: Topic, request: FloorRequest) -> None:
    db, event, now = work.db, work.event, work.now
    previous = floor.current_speaker(db=db, event_id=event.id)
    end_current_turn(db=db, event=event, now=now)
    request.status = TurnStatus.SPEAKING
    request.called_at = now
    db.flush()
    record.turn_started(db=db, event=event, request=request, now=now)
    seconds = topic.segment.speaking_seconds or event.speaking_seconds
    timer.give_turn(db=db, event_id=event.id, seconds=seconds, now=now)
    work.changed_room(
        before={"speaker": previous.id if previous else None},
        after={"speaker": request.id, "name": request.participant.name, "seconds": seconds},
        subject=audit.subject_of(request),
    )
