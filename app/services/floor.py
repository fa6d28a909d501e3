"""The list of speakers on the open topic: requests, reordering, closing the list, summaries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import record_change
from app.i18n import N_
from app.models import Event, FloorRequest, GuidingQuestion, Participant, Topic, TurnKind
from app.models.agenda import Stage
from app.models.floor import ACTIVE_STATUSES, TurnStatus
from app.services import audit, events, participants
from app.services.clock import utcnow
from app.services.errors import (
    Forbidden,
    ListClosed,
    NotFound,
    NoTopicOpen,
    NotWaiting,
    StageError,
)
from app.services.text import clean_text

SUMMARY_MAX = 1000


def request_floor(
    *,
    db: Session,
    event: Event,
    participant: Participant,
    kind: TurnKind,
    question_ids: list[int],
    now: datetime | None = None,
) -> FloorRequest:
    """Put the participant on the open topic's list once; a repeat returns the same request."""
    event = events.lock(db=db, event=event)
    now = now or utcnow()  # after the lock: arrival order is the order of the list
    if participant.event_id != event.id:
        raise Forbidden()
    topic = require_open_topic(db, event)
    existing = active_request(db=db, topic_id=topic.id, participant_id=participant.id)
    if existing is not None:
        db.commit()  # nothing to write; end the transaction and free the write lock
        return existing
    if not topic.list_open:
        raise ListClosed()
    request = FloorRequest(
        event_id=event.id,
        topic_id=topic.id,
        participant_id=participant.id,
        kind=kind,
        position=_next_position(db, topic.id),
        requested_at=now,
        questions=_questions(db, topic, question_ids),
    )
    db.add(request)
    try:
        db.flush()
    except IntegrityError:
        # Another transaction queued this participant first: the schema keeps one.
        db.rollback()
        found = active_request(db=db, topic_id=topic.id, participant_id=participant.id)
        if found is None:
            raise
        return found
    if kind is TurnKind.POINT_OF_ORDER:
        _put_point_of_order_first(db, topic.id, request)
    record_change(db, event)
    db.commit()
    return request


def add_from_room(
    *,
    db: Session,
    event: Event,
    name: str,
    organisation: str,
    actor_type_id: int | None,
    country: str,
    kind: TurnKind,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> FloorRequest:
    """A facilitator puts someone without a phone on the list (even when it is closed)."""
    event = events.lock(db=db, event=event, expected_version=expected_version)
    now = now or utcnow()  # after the lock: arrival order is the order of the list
    topic = require_open_topic(db, event)
    participant = participants.new_participant(
        db=db,
        event=event,
        name=name,
        organisation=organisation,
        actor_type_id=actor_type_id,
        country=country,
        from_the_room=True,
        now=now,
    )
    waiting = _waiting_ids(db, topic.id)
    request = FloorRequest(
        event_id=event.id,
        topic_id=topic.id,
        participant_id=participant.id,
        kind=kind,
        position=_next_position(db, topic.id),
        requested_at=now,
    )
    db.add(request)
    db.flush()
    if kind is TurnKind.POINT_OF_ORDER:
        _put_point_of_order_first(db, topic.id, request)
    record_change(db, event)
    added = {"name": participant.name, "organisation": participant.organisation, "kind": kind}
    after = {**added, "waiting": _waiting_ids(db, topic.id)}
    _log(db, event, "floor.add_from_room", request, now, {"waiting": waiting}, after)
    db.commit()
    return request


def withdraw(
    *,
    db: Session,
    event: Event,
    participant: Participant,
    request_id: int,
    now: datetime | None = None,
) -> None:
    """The participant takes their own waiting request off the list."""
    now = now or utcnow()
    event = events.lock(db=db, event=event)
    request = find_request(db, event, request_id)
    if request.participant_id != participant.id:
        raise Forbidden(N_("That request is not yours."))
    if request.status is not TurnStatus.WAITING:
        raise NotWaiting(N_("Your request is no longer on the waiting list."))
    request.status = TurnStatus.WITHDRAWN
    request.finished_at = now
    record_change(db, event)
    db.commit()


def skip(
    *,
    db: Session,
    event: Event,
    request_id: int,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Pass over a waiting speaker (not in the room); they can be put back later."""
    _set_waiting_status(
        db, event, request_id, TurnStatus.SKIPPED, now or utcnow(), expected_version
    )


def remove(
    *,
    db: Session,
    event: Event,
    request_id: int,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Take a waiting speaker off the list."""
    _set_waiting_status(
        db, event, request_id, TurnStatus.REMOVED, now or utcnow(), expected_version
    )


def put_back(
    *,
    db: Session,
    event: Event,
    request_id: int,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """A skipped speaker goes back on the list, at the end."""
    event = events.lock(db=db, event=event, expected_version=expected_version)
    request = find_request(db, event, request_id)
    topic = require_open_topic(db, event)
    if request.status is not TurnStatus.SKIPPED or request.topic_id != topic.id:
        raise StageError(N_("Only a skipped speaker of the open topic can be put back."))
    if active_request(db=db, topic_id=topic.id, participant_id=request.participant_id):
        raise StageError(N_("That speaker has asked again and is already on the list."))
    request.status = TurnStatus.WAITING
    request.finished_at = None
    request.position = _next_position(db, topic.id)
    db.flush()
    record_change(db, event)
    _log(db, event, "floor.put_back", request, now, {"status": "skipped"}, {"status": "waiting"})
    db.commit()


def move(
    *,
    db: Session,
    event: Event,
    request_id: int,
    offset: int,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Move a waiting speaker up (offset -1) or down (+1) the list."""
    event = events.lock(db=db, event=event, expected_version=expected_version)
    request = find_request(db, event, request_id)
    if request.status is not TurnStatus.WAITING:
        raise NotWaiting()
    order = list(db.scalars(_waiting(request.topic_id).order_by(FloorRequest.position)))
    index = order.index(request)
    target = min(max(index + offset, 0), len(order) - 1)
    if target != index:
        before = {"waiting": [r.id for r in order]}
        order.insert(target, order.pop(index))
        _renumber(order)
        record_change(db, event)
        _log(db, event, "floor.move", request, now, before, {"waiting": [r.id for r in order]})
    db.commit()


def set_list_open(
    *,
    db: Session,
    event: Event,
    is_open: bool,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Close the list of speakers to new requests, or open it again."""
    event = events.lock(db=db, event=event, expected_version=expected_version)
    topic = require_open_topic(db, event)
    if topic.list_open != is_open:
        topic.list_open = is_open
        record_change(db, event)
        was = {"list_open": not is_open}
        _log(db, event, "floor.list_open", topic, now, was, {"list_open": is_open})
    db.commit()


def save_summary(
    *,
    db: Session,
    event: Event,
    participant: Participant,
    request_id: int,
    summary: str,
    now: datetime | None = None,
) -> FloorRequest:
    """The speaker logs what they said; they may edit it until the topic closes."""
    now = now or utcnow()
    summary = clean_text(summary, limit=SUMMARY_MAX, field=N_("Summary"), required=True)
    event = events.lock(db=db, event=event)
    request = find_request(db, event, request_id)
    if request.participant_id != participant.id:
        raise Forbidden(N_("That request is not yours."))
    if request.status is not TurnStatus.DONE:
        raise StageError(N_("You can write a summary once you have spoken."))
    if request.topic.stage is not Stage.OPEN:
        raise StageError(N_("This topic is closed; its summaries can no longer be changed."))
    request.summary = summary
    request.summary_updated_at = now
    record_change(db, event)
    db.commit()
    return request


def active_request(*, db: Session, topic_id: int, participant_id: int) -> FloorRequest | None:
    return db.scalar(
        select(FloorRequest).where(
            FloorRequest.topic_id == topic_id,
            FloorRequest.participant_id == participant_id,
            FloorRequest.status.in_(ACTIVE_STATUSES),
        )
    )


def waiting_list(*, db: Session, topic_id: int) -> list[FloorRequest]:
    return list(db.scalars(_waiting(topic_id).order_by(FloorRequest.position, FloorRequest.id)))


def _log(
    db: Session,
    event: Event,
    action: str,
    subject: FloorRequest | Topic,
    now: datetime | None,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    """Record the facilitator's change to the audit log (after ``record_change``)."""
    label = audit.subject_of(subject)
    audit.record(
        db=db, event=event, action=action, subject=label, before=before, after=after, now=now
    )


def _waiting_ids(db: Session, topic_id: int) -> list[int]:
    ids = _waiting(topic_id).with_only_columns(FloorRequest.id)
    return list(db.scalars(ids.order_by(FloorRequest.position, FloorRequest.id)))


def _waiting(topic_id: int) -> Select[FloorRequest]:
    return select(FloorRequest).where(
        FloorRequest.topic_id == topic_id, FloorRequest.status == TurnStatus.WAITING
    )


def _set_waiting_status(
    db: Session,
    event: Event,
    request_id: int,
    status: TurnStatus,
    now: datetime,
    expected_version: int | None,
) -> None:
    event = events.lock(db=db, event=event, expected_version=expected_version)
    request = find_request(db, event, request_id)
    if request.status is not TurnStatus.WAITING:
        raise NotWaiting()
    request.status = status
    request.finished_at = now
    record_change(db, event)
    action = "floor.skip" if status is TurnStatus.SKIPPED else "floor.remove"
    _log(db, event, action, request, now, {"status": "waiting"}, {"status": status})
    db.commit()


def require_open_topic(db: Session, event: Event) -> Topic:
    topic = events.open_topic(db=db, event_id=event.id)
    if topic is None:
        raise NoTopicOpen()
    return topic


def find_request(db: Session, event: Event, request_id: int) -> FloorRequest:
    request = db.get(FloorRequest, request_id)
    if request is None or request.event_id != event.id:
        raise NotFound(N_("That request is not on this event's lists."))
    return request


def _questions(db: Session, topic: Topic, question_ids: list[int]) -> list[GuidingQuestion]:
    wanted = set(question_ids)
    chosen = [q for q in topic.questions if q.id in wanted]
    if len(chosen) != len(wanted):
        # The topic moved on while the phone's form was open, most likely.
        raise StageError(N_("Choose guiding questions of the open topic."))
    return chosen


def _next_position(db: Session, topic_id: int) -> int:
    highest = db.scalar(
        select(func.max(FloorRequest.position)).where(FloorRequest.topic_id == topic_id)
    )
    return (highest or 0) + 1


def _put_point_of_order_first(db: Session, topic_id: int, request: FloorRequest) -> None:
    """A point of order is heard before other speakers, after earlier points of order."""
    order = waiting_list(db=db, topic_id=topic_id)
    order.remove(request)
    ahead = sum(1 for r in order if r.kind is TurnKind.POINT_OF_ORDER)
    order.insert(ahead, request)
    _renumber(order)


def _renumber(order: list[FloorRequest]) -> None:
    base = min(r.position for r in order)
    for offset, request in enumerate(order):
        request.position = base + offset
