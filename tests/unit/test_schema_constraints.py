"""The schema itself, not only the services, forbids what must never happen."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import FloorRequest, Turn, TurnKind
from app.models.floor import TurnStatus
from app.services import floor
from app.services.floor import active_request
from tests.factories import at, make_event, make_participant, make_request, open_first_topic


def test_two_active_requests_of_one_participant_on_one_topic_are_refused(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    ana = make_participant(db, event)
    first = make_request(db, event, ana)
    db.add(
        FloorRequest(
            event_id=event.id,
            topic_id=first.topic_id,
            participant_id=ana.id,
            kind=TurnKind.REPLY,
            position=99,
            requested_at=at(5),
        )
    )
    with pytest.raises(IntegrityError):
        db.flush()


def test_two_speakers_at_once_are_refused(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    a = make_request(db, event, make_participant(db, event, "A"))
    b = make_request(db, event, make_participant(db, event, "B"))
    a.status = TurnStatus.SPEAKING
    db.flush()
    b.status = TurnStatus.SPEAKING
    with pytest.raises(IntegrityError):
        db.flush()


def test_a_request_the_schema_refuses_as_a_repeat_returns_the_one_it_kept(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    ana = make_participant(db, event)
    first = make_request(db, event, ana)
    looks = 0

    def first_look_misses(**where: Any) -> FloorRequest | None:
        # As when another transaction queued Ana after this one looked: only the index knows.
        nonlocal looks
        looks += 1
        return None if looks == 1 else active_request(**where)

    monkeypatch.setattr(floor, "active_request", first_look_misses)
    again = make_request(db, event, ana, kind=TurnKind.REPLY)
    assert (again.id, looks) == (first.id, 2)


def _turn_of(db: Session, request: FloorRequest, started: float) -> Turn:
    return Turn(
        event_id=request.event_id,
        segment_id=request.topic.segment_id,
        topic_id=request.topic_id,
        floor_request_id=request.id,
        participant_id=request.participant_id,
        kind=request.kind,
        requested_at=request.requested_at,
        started_at=at(started),
    )


def test_two_turns_on_the_floor_at_once_are_refused(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    a = make_request(db, event, make_participant(db, event, "A"))
    b = make_request(db, event, make_participant(db, event, "B"))
    db.add(_turn_of(db, a, 10))
    db.flush()
    db.add(_turn_of(db, b, 20))
    with pytest.raises(IntegrityError):
        db.flush()


def test_one_request_is_given_the_floor_once(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    a = make_request(db, event, make_participant(db, event, "A"))
    first = _turn_of(db, a, 10)
    first.ended_at = at(20)
    db.add(first)
    db.flush()
    db.add(_turn_of(db, a, 30))
    with pytest.raises(IntegrityError):
        db.flush()


def test_a_turn_cannot_end_before_it_started(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    turn = _turn_of(db, make_request(db, event, make_participant(db, event, "A")), 10)
    turn.ended_at = at(5)
    db.add(turn)
    with pytest.raises(IntegrityError):
        db.flush()
