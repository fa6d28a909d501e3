"""The agenda: loading an agenda file, and moving through its segments and topics."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import record_change
from app.i18n import N_
from app.models import ActorType, Countdown, Event, FocusGroup, GuidingQuestion, Segment, Topic
from app.models.agenda import Stage
from app.services import audit, events, timer, turns
from app.services.agenda_file import AgendaSpec, parse_speaking_time
from app.services.clock import utcnow
from app.services.errors import DomainError, InvalidInput, NotFound, StageError
from app.services.text import SPACE


class EventExists(DomainError):
    message = N_("An event with the address {slug} is already loaded.")


DEFAULT_SPEAKING_SECONDS = 180


def load(
    *,
    db: Session,
    spec: AgendaSpec,
    default_speaking_seconds: int = DEFAULT_SPEAKING_SECONDS,
    now: datetime | None = None,
) -> Event:
    """Create an event, its agenda and its lists from a validated agenda file.

    The file's speaking time wins; ``default_speaking_seconds`` is for files without one.
    """
    now = now or utcnow()
    if db.scalar(select(Event.id).where(Event.slug == spec.event.slug)) is not None:
        raise EventExists(slug=spec.event.slug)
    info = spec.event
    event = Event(
        slug=info.slug,
        title=info.title,
        theme=info.theme,
        place=info.place,
        starts_on=info.starts_on,
        ends_on=info.ends_on,
        language=info.language,
        organisers=list(info.organisers),
        objective=info.objective.strip(),
        speaking_seconds=info.speaking_time or default_speaking_seconds,
        join_code=events.new_join_code(),
        projector_token=secrets.token_urlsafe(24),
        created_at=now,
    )
    event.actor_types = [
        ActorType(key=item.key, name=item.name, position=i)
        for i, item in enumerate(spec.actor_types)
    ]
    event.focus_groups = [
        FocusGroup(key=item.key, name=item.name, position=i)
        for i, item in enumerate(spec.focus_groups)
    ]
    db.add(event)
    db.flush()
    for segment_spec in spec.segments:
        segment = Segment(
            event_id=event.id,
            number=segment_spec.number,
            title=segment_spec.title,
            framing=segment_spec.framing.strip(),
            speaking_seconds=segment_spec.speaking_time,
        )
        segment.topics = [
            Topic(
                event_id=event.id,
                position=position,
                title=topic_spec.title,
                questions=[
                    GuidingQuestion(position=q, text=text)
                    for q, text in enumerate(topic_spec.questions)
                ],
            )
            for position, topic_spec in enumerate(segment_spec.topics)
        ]
        event.segments.append(segment)
    allotted = event.speaking_seconds * 1000
    db.add(Countdown(event_id=event.id, allotted_ms=allotted, remaining_ms=allotted))
    db.commit()
    return event


def open_segment(
    *,
    db: Session,
    event: Event,
    segment_id: int,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Make this the segment the room is in; the segment that was open is closed."""
    now = now or utcnow()
    event = events.lock(db=db, event=event, expected_version=expected_version)
    segment = _segment(db, event, segment_id)
    if segment.stage is not Stage.OPEN:
        before = _position(db, event, segment)
        _close_open_segment(db, event, now)
        segment.stage = Stage.OPEN
        record_change(db, event)
        _log(db, event, "agenda.open_segment", segment, now, before)
    db.commit()


def close_segment(
    *,
    db: Session,
    event: Event,
    segment_id: int,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Close a segment and whichever of its topics is open."""
    now = now or utcnow()
    event = events.lock(db=db, event=event, expected_version=expected_version)
    segment = _segment(db, event, segment_id)
    if segment.stage is not Stage.OPEN:
        raise StageError(N_("That segment is not open."))
    before = _position(db, event, segment)
    _close_open_segment(db, event, now)
    record_change(db, event)
    _log(db, event, "agenda.close_segment", segment, now, before)
    db.commit()


def open_topic(
    *,
    db: Session,
    event: Event,
    topic_id: int,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Open a topic for requests; its segment opens with it, and the open topic closes."""
    now = now or utcnow()
    event = events.lock(db=db, event=event, expected_version=expected_version)
    topic = _topic(db, event, topic_id)
    if topic.stage is not Stage.OPEN:
        before = _position(db, event, topic)
        _open(db, event, topic, now)
        record_change(db, event)
        _log(db, event, "agenda.open_topic", topic, now, before)
    db.commit()


def close_topic(
    *,
    db: Session,
    event: Event,
    topic_id: int,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> None:
    """Close a topic: the speaker, if any, finishes and the list stops taking requests."""
    now = now or utcnow()
    event = events.lock(db=db, event=event, expected_version=expected_version)
    topic = _topic(db, event, topic_id)
    if topic.stage is not Stage.OPEN:
        raise StageError(N_("That topic is not open."))
    before = _position(db, event, topic)
    _close_topic(db, event, topic, now)
    record_change(db, event)
    _log(db, event, "agenda.close_topic", topic, now, before)
    db.commit()


def next_topic(
    *, db: Session, event: Event, expected_version: int | None = None, now: datetime | None = None
) -> Topic:
    """Close the open topic and open the one after it, into the next segment if need be."""
    now = now or utcnow()
    event = events.lock(db=db, event=event, expected_version=expected_version)
    ordered = _topics_in_order(db, event)
    current = next((i for i, t in enumerate(ordered) if t.stage is Stage.OPEN), None)
    if current is None:
        open_segment = next((s for s in event.segments if s.stage is Stage.OPEN), None)
        candidates = open_segment.topics if open_segment else ordered
        following = next((t for t in candidates if t.stage is Stage.PENDING), None)
        following = following or (candidates[0] if candidates else None)
    else:
        following = ordered[current + 1] if current + 1 < len(ordered) else None
    if following is None:
        raise StageError(N_("That was the last topic of the agenda."))
    before = _position(db, event, following)
    _open(db, event, following, now)
    record_change(db, event)
    _log(db, event, "agenda.next_topic", following, now, before)
    db.commit()
    return following


def _position(db: Session, event: Event, thing: Segment | Topic) -> dict[str, Any]:
    """Where the agenda is, for the audit log: the stage of ``thing`` and what is open."""
    segment = next((s for s in event.segments if s.stage is Stage.OPEN), None)
    topic = events.open_topic(db=db, event_id=event.id)
    return {
        "stage": thing.stage,
        "segment": segment.id if segment else None,
        "topic": topic.id if topic else None,
    }


def _log(
    db: Session,
    event: Event,
    action: str,
    thing: Segment | Topic,
    now: datetime,
    before: dict[str, Any],
) -> None:
    """Record the facilitator's move through the agenda (after ``record_change``)."""
    after = _position(db, event, thing)
    subject = audit.subject_of(thing)
    audit.record(
        db=db, event=event, action=action, subject=subject, before=before, after=after, now=now
    )


def _open(db: Session, event: Event, topic: Topic, now: datetime) -> None:
    open_now = events.open_topic(db=db, event_id=event.id)
    if open_now is not None:
        _close_topic(db, event, open_now, now)
    if topic.segment.stage is not Stage.OPEN:
        _close_open_segment(db, event, now)
        topic.segment.stage = Stage.OPEN
    db.flush()
    topic.stage = Stage.OPEN


def _close_open_segment(db: Session, event: Event, now: datetime) -> None:
    for segment in event.segments:
        if segment.stage is Stage.OPEN:
            for topic in segment.topics:
                if topic.stage is Stage.OPEN:
                    _close_topic(db, event, topic, now)
            segment.stage = Stage.CLOSED
    db.flush()


def _close_topic(db: Session, event: Event, topic: Topic, now: datetime) -> None:
    turns.end_current_turn(db=db, event=event, now=now)
    timer.stop(db=db, event_id=event.id, now=now)
    topic.stage = Stage.CLOSED
    db.flush()


def _segment(db: Session, event: Event, segment_id: int) -> Segment:
    segment = db.get(Segment, segment_id)
    if segment is None or segment.event_id != event.id:
        raise NotFound(N_("That segment is not on this agenda."))
    return segment


def _topic(db: Session, event: Event, topic_id: int) -> Topic:
    topic = db.get(Topic, topic_id)
    if topic is None or topic.event_id != event.id:
        raise NotFound(N_("That topic is not on this agenda."))
    return topic


def _topics_in_order(db: Session, event: Event) -> list[Topic]:
    return [topic for segment in event.segments for topic in segment.topics]


def set_speaking_time(
    *,
    db: Session,
    event: Event,
    speaking_time: str,
    segment_id: int | None = None,
    expected_version: int | None = None,
) -> None:
    """Set the event's speaking time, or one segment's ("" gives the segment back the event's).

    The speaker who has the floor keeps their clock; the next one called gets the new time.
    """
    event = events.lock(db=db, event=event, expected_version=expected_version)
    seconds = _speaking_seconds(speaking_time, allow_empty=segment_id is not None)
    subject = ""
    before: dict[str, Any] = {"speaking_seconds": event.speaking_seconds}
    if segment_id is None:
        assert seconds is not None
        event.speaking_seconds = seconds
    else:
        segment = _segment(db, event, segment_id)
        subject = audit.subject_of(segment)
        before = {"speaking_seconds": segment.speaking_seconds}
        segment.speaking_seconds = seconds
    record_change(db, event)
    audit.record(
        db=db,
        event=event,
        action="agenda.speaking_time",
        subject=subject,
        before=before,
        after={"speaking_seconds": seconds},
    )
    db.commit()


def _speaking_seconds(value: str, *, allow_empty: bool) -> int | None:
    value = value.strip(SPACE)
    if allow_empty and not value:
        return None
    try:
        return parse_speaking_time(int(value) if re.fullmatch("[0-9]+", value) else value)
    except ValueError:
        raise InvalidInput(
            N_("Give a speaking time as minutes:seconds, from 0:10 to 60:00.")
        ) from None
