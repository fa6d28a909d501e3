"""The schema itself, not only the services, forbids what must never happen."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import FloorRequest, TurnKind
from app.models.floor import TurnStatus
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
