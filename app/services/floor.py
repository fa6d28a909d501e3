"""The list of speakers on the open topic: requests, reordering, closing the list, summaries."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.i18n import N_
from app.models import Event, FloorMove, FloorRequest, GuidingQuestion, Participant, Topic, TurnKind
from app.models.agenda import OrderRule, Stage
from app.models.floor import ACTIVE_STATUSES, TurnStatus
from app.services import audit, changes, events, participants, record, speaking_order
from app.services.errors import (
    AlreadyOnTheList,
    Forbidden,
    ListClosed,
    NotFound,
    NoTopicOpen,
    NotWaiting,
    StageError,
)
from app.services.text import clean_text

SUMMARY_MAX = 1000
# Taken off the list by a facilitator, and so put back by one (``put_back``).
TAKEN_OFF = (TurnStatus.SKIPPED, TurnStatus.REMOVED)


def request_floor(
    *,
    db: Session,
    event: Event,
    participant: Participant,
    kind: TurnKind,
    question_ids: list[int],
    now: datetime | None = None,
) -> FloorRequest:
    """Put the participant on the open topic's list once; a repeat returns the same request.

    Raises ``Forbidden`` (another event's participant), ``NoTopicOpen``, ``ListClosed`` and
    ``StageError`` (questions of another topic).
    """
    with changes.change(db=db, event=event, now=now) as work:
        if participant.event_id != work.event.id:
            raise Forbidden()
        topic = require_open_topic(db, work.event)
        existing = active_request(db=db, topic_id=topic.id, participant_id=participant.id)
        if existing is not None:
            return existing
        if not topic.list_open:
            raise ListClosed()
        request = _new_request(work, topic, participant, kind, _questions(db, topic, question_ids))
        try:
            db.flush()
        except IntegrityError:
            # Another transaction queued this participant first: the schema keeps one.
            db.rollback()
            found = active_request(db=db, topic_id=topic.id, participant_id=participant.id)
            if found is None:
                raise
            return found
        work.changed_room()
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
    now: datetime | None = None,
) -> FloorRequest:
    """A facilitator puts someone without a phone on the list (even when it is closed).

    The same name and organisation waiting on the open topic already is refused
    (``AlreadyOnTheList``): a double click or a co-facilitator adding the same person at
    once puts them on the list once, as a phone's second tap does.
    """
    with changes.change(db=db, event=event, action="floor.add_from_room", now=now) as work:
        topic = require_open_topic(db, work.event)
        participant = participants.new_participant(
            db=db,
            event=work.event,
            name=name,
            organisation=organisation,
            actor_type_id=actor_type_id,
            country=country,
            from_the_room=True,
            now=work.now,
        )
        waiting = waiting_list(db=db, topic_id=topic.id)
        if any(_same_person(r.participant, participant) for r in waiting):
            raise AlreadyOnTheList(name=participant.name)
        request = _new_request(work, topic, participant, kind, [])
        db.flush()
        added = {"name": participant.name, "organisation": participant.organisation, "kind": kind}
        work.changed_room(
            before={"waiting": [r.id for r in waiting]},
            after={**added, "waiting": _waiting_ids(db, topic.id)},
            subject=audit.subject_of(request),
        )
    return request


def withdraw(
    *,
    db: Session,
    event: Event,
    participant: Participant,
    request_id: int,
    now: datetime | None = None,
) -> None:
    """The participant takes their own waiting request off the list.

    Raises ``Forbidden`` (not theirs) and ``NotWaiting``.
    """
    with changes.change(db=db, event=event, now=now) as work:
        request = find_request(db, work.event, request_id)
        if request.participant_id != participant.id:
            raise Forbidden(N_("That request is not yours."))
        if request.status is not TurnStatus.WAITING:
            raise NotWaiting(N_("Your request is no longer on the waiting list."))
        request.status = TurnStatus.WITHDRAWN
        request.finished_at = work.now
        work.changed_room()


def confirm_ready(
    *,
    db: Session,
    event: Event,
    participant: Participant,
    request_id: int,
    now: datetime | None = None,
) -> None:
    """The participant, told they are next, says they are ready: ``ready_at`` (UTC) is set.

    Idempotent: a second tap keeps the first moment and changes nothing. The console shows
    it on the waiting line (issue 12). Like ``withdraw``, a participant's own action, not
    audited. Raises ``Forbidden`` (not theirs) and ``NotWaiting``.
    """
    with changes.change(db=db, event=event, now=now) as work:
        request = find_request(db, work.event, request_id)
        if request.participant_id != participant.id:
            raise Forbidden(N_("That request is not yours."))
        if request.status is not TurnStatus.WAITING:
            raise NotWaiting(N_("Your request is no longer on the waiting list."))
        if request.ready_at is None:
            request.ready_at = work.now
            work.changed_room()


def skip(*, db: Session, event: Event, request_id: int, now: datetime | None = None) -> None:
    """Pass over a waiting speaker (not in the room); ``put_back`` undoes it.

    Raises ``NotWaiting`` if the request is not waiting (a second click does nothing twice).
    """
    _set_waiting_status(db, event, request_id, TurnStatus.SKIPPED, now)


def remove(*, db: Session, event: Event, request_id: int, now: datetime | None = None) -> None:
    """Take a waiting speaker off the list; ``put_back`` undoes it while the topic is open.

    Raises ``NotWaiting`` if they are not waiting."""
    _set_waiting_status(db, event, request_id, TurnStatus.REMOVED, now)


def put_back(*, db: Session, event: Event, request_id: int, now: datetime | None = None) -> None:
    """Undo a skip or a removal: the speaker goes back on the list at the place they left.

    Their place follows from the facts as before (their arrival, the rule, any move of
    theirs): nothing of it was lost while they were off the list. Recorded as
    ``floor.put_back`` (a skip) or ``floor.undo_remove``. Raises ``StageError`` unless the
    request is a skipped or removed one of the open topic whose participant has not asked
    again (and is not on the list).
    """
    with changes.change(db=db, event=event, action="floor.put_back", now=now) as work:
        request = find_request(db, work.event, request_id)
        topic = require_open_topic(db, work.event)
        if request.status not in TAKEN_OFF or request.topic_id != topic.id:
            raise StageError(
                N_("Only a skipped or removed speaker of the open topic can be put back.")
            )
        if active_request(db=db, topic_id=topic.id, participant_id=request.participant_id):
            raise StageError(N_("That speaker has asked again and is already on the list."))
        left = request.status
        if left is TurnStatus.REMOVED:
            work.action = "floor.undo_remove"
        request.status = TurnStatus.WAITING
        request.finished_at = None
        request.ready_at = None
        db.flush()
        work.changed_room(
            before={"status": left},
            after={"status": "waiting", "place": _waiting_ids(db, topic.id).index(request.id) + 1},
            subject=audit.subject_of(request),
        )


def taken_off(latest: Mapping[int, FloorRequest]) -> list[FloorRequest]:
    """The skipped and removed requests of the open topic that ``put_back`` takes, the most
    recently taken off first; ``latest`` is each participant's latest request on the topic,
    an active one first (``screens.Room.latest_requests``).

    A console offers "Put back" or "Undo" only for these, so it never offers what is refused
    (it leaves out one that would be taken: its speaker asked again, then withdrew).
    """
    off = [r for r in latest.values() if r.status in TAKEN_OFF]
    return sorted(off, key=lambda r: (r.finished_at or r.requested_at, r.id), reverse=True)


def move(
    *,
    db: Session,
    event: Event,
    request_id: int,
    offset: int,
    seen_place: int,
    now: datetime | None = None,
) -> None:
    """Move a waiting speaker up (offset -1) or down (+1) the list.

    Kept as a fact (``FloorMove``: the ones then ahead of them), which the order replays
    over the rules (app/services/speaking_order.py): a later point of order or arrival does
    not undo it. ``seen_place`` is where the console showed the line (1 for the first
    waiting): if the line has moved since (someone else moved it, a point of order went
    ahead), the move is refused (``Stale``) rather than applied from the wrong place.
    ``NotWaiting`` if the request is not waiting.
    """
    with changes.change(db=db, event=event, action="floor.move", now=now) as work:
        request = find_request(db, work.event, request_id)
        if request.status is not TurnStatus.WAITING:
            raise NotWaiting()
        order = waiting_list(db=db, topic_id=request.topic_id)
        index = order.index(request)
        work.expect(seen_place, index + 1)
        target = min(max(index + offset, 0), len(order) - 1)
        if target != index:
            before = {"waiting": [r.id for r in order]}
            order.insert(target, order.pop(index))
            ahead = [r.id for r in order[:target]]
            db.add(
                FloorMove(
                    topic_id=request.topic_id,
                    floor_request_id=request.id,
                    ahead=ahead,
                    moved_at=work.now,
                )
            )
            db.flush()
            work.changed_room(
                before=before,
                after={"waiting": [r.id for r in order]},
                subject=audit.subject_of(request),
            )


def set_list_open(
    *,
    db: Session,
    event: Event,
    is_open: bool,
    seen_topic: int | None,
    now: datetime | None = None,
) -> None:
    """Close the list of speakers to new requests, or open it again (recorded as
    ``floor.close_list`` or ``floor.open_list``).

    ``seen_topic`` is the open topic the console showed; the list of another topic is not
    touched (``Stale``). Raises ``NoTopicOpen``. Closing a closed list changes nothing.
    """
    action = "floor.open_list" if is_open else "floor.close_list"
    with changes.change(db=db, event=event, action=action, now=now) as work:
        topic = events.open_topic(db=db, event_id=work.event.id)
        work.expect(seen_topic, topic.id if topic else None)
        topic = require_open_topic(db, work.event)
        if topic.list_open != is_open:
            topic.list_open = is_open
            work.changed_room(
                before={"list_open": not is_open},
                after={"list_open": is_open},
                subject=audit.subject_of(topic),
            )


def set_order_rule(
    *,
    db: Session,
    event: Event,
    rule: OrderRule,
    seen_segment: int | None,
    whole_event: bool = False,
    now: datetime | None = None,
) -> None:
    """Choose how the open segment's lists of speakers are ordered (``speaking_order``);
    with ``whole_event``, the event's too, for every segment that has not chosen its own.

    Recorded as ``floor.order_rule``. ``seen_segment`` is the open segment the console
    showed (``Stale`` if another is open now); ``StageError`` with no segment open.
    """
    with changes.change(db=db, event=event, action="floor.order_rule", now=now) as work:
        segment = next((s for s in work.event.segments if s.stage is Stage.OPEN), None)
        work.expect(seen_segment, segment.id if segment else None)
        if segment is None:
            raise StageError(N_("Open a segment to choose the order of its lists."))
        before = {"rule": segment.order_rule or work.event.order_rule}
        if whole_event:
            before["event"] = work.event.order_rule
            work.event.order_rule = rule
        segment.order_rule = rule
        after = {"rule": rule, **({"event": rule} if whole_event else {})}
        work.changed_room(before=before, after=after, subject=audit.subject_of(segment))


def save_summary(
    *,
    db: Session,
    event: Event,
    participant: Participant,
    request_id: int,
    summary: str,
    now: datetime | None = None,
) -> FloorRequest:
    """The speaker logs what they said; they may edit it until the topic closes.

    Raises ``InvalidInput`` (empty or over ``SUMMARY_MAX`` characters), ``Forbidden`` and
    ``StageError``.
    """
    summary = clean_text(summary, limit=SUMMARY_MAX, field=N_("Summary"), required=True)
    with changes.change(db=db, event=event, now=now) as work:
        request = find_request(db, work.event, request_id)
        if request.participant_id != participant.id:
            raise Forbidden(N_("That request is not yours."))
        if request.status is not TurnStatus.DONE:
            raise StageError(N_("You can write a summary once you have spoken."))
        if request.topic.stage is not Stage.OPEN:
            raise StageError(N_("This topic is closed; its summaries can no longer be changed."))
        request.summary = summary
        request.summary_updated_at = work.now
        record.summary_saved(db=db, request=request)
        work.changed_room()
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
    """The topic's waiting requests in the order they are heard (``speaking_order``)."""
    topic = db.get(Topic, topic_id)
    assert topic is not None
    return speaking_order.read(db=db, topic=topic).requests


def _waiting_ids(db: Session, topic_id: int) -> list[int]:
    topic = db.get(Topic, topic_id)
    assert topic is not None
    return speaking_order.waiting_ids(db=db, topic=topic)


def _set_waiting_status(
    db: Session, event: Event, request_id: int, status: TurnStatus, now: datetime | None
) -> None:
    action = "floor.skip" if status is TurnStatus.SKIPPED else "floor.remove"
    with changes.change(db=db, event=event, action=action, now=now) as work:
        request = find_request(db, work.event, request_id)
        if request.status is not TurnStatus.WAITING:
            raise NotWaiting()
        request.status = status
        request.finished_at = work.now
        work.changed_room(
            before={"status": "waiting"},
            after={"status": status},
            subject=audit.subject_of(request),
        )


def current_speaker(*, db: Session, event_id: int) -> FloorRequest | None:
    """The request whose speaker has the floor, if anyone does."""
    return db.scalar(
        select(FloorRequest).where(
            FloorRequest.event_id == event_id, FloorRequest.status == TurnStatus.SPEAKING
        )
    )


def _new_request(
    work: changes.Change,
    topic: Topic,
    participant: Participant,
    kind: TurnKind,
    questions: list[GuidingQuestion],
) -> FloorRequest:
    """A request at the end of the topic's list, added to the session (not yet flushed)."""
    request = FloorRequest(
        event_id=work.event.id,
        topic_id=topic.id,
        participant_id=participant.id,
        kind=kind,
        position=_next_position(work.db, topic.id),
        requested_at=work.now,
        questions=questions,
    )
    work.db.add(request)
    return request


def _same_person(one: Participant, other: Participant) -> bool:
    # As typed (after cleaning): a double click sends the very same text twice.
    return (one.name, one.organisation) == (other.name, other.organisation)


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
