"""The agenda: loading an agenda file, and moving through its segments and topics."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import N_
from app.models import (
    ActorType,
    Break,
    Countdown,
    Event,
    FloorRequest,
    FocusGroup,
    GuidingQuestion,
    Segment,
    Topic,
)
from app.models.agenda import Stage
from app.services import audit, changes, events, floor, timer, turns
from app.services.agenda_file import AgendaSpec, TopicTranslation, parse_speaking_time
from app.services.clock import utcnow
from app.services.errors import DomainError, InvalidInput, NotFound, StageError
from app.services.text import SPACE


class EventExists(DomainError):
    message = N_("An event with the address {slug} is already loaded.")


@dataclass(frozen=True)
class Ending:
    """What a move of the agenda ends: the turn of whoever speaks, and the requests left
    waiting on the topic it closes (they stay there, on the closed topic)."""

    topic: Topic | None
    speaker: FloorRequest | None = None
    waiting: int = 0

    def __bool__(self) -> bool:
        return self.speaker is not None or self.waiting > 0

    def audited(self) -> dict[str, Any]:
        """For the audit entry's "after": whose turn ended, how many stayed waiting."""
        ended: dict[str, Any] = {}
        if self.speaker is not None:
            ended["ended_turn"] = audit.subject_of(self.speaker)
        if self.waiting:
            ended["left_waiting"] = self.waiting
        return ended


@dataclass(frozen=True)
class Agreed:
    """The facilitator was told what a move ends and agreed to it: ``speaker`` is the request
    whose turn they agreed to end (None: nobody was speaking)."""

    speaker: int | None


class AskFirst(Exception):
    """The move would end what its facilitator has not agreed to: ask them first.

    Not a refusal: nothing changed, and the same move with ``Agreed`` goes through.
    """

    def __init__(self, ending: Ending) -> None:
        super().__init__("ask first")
        self.ending = ending


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
    Each part keeps its original texts in its fields and the file's translations beside
    them, ``{language: {field: text}}`` (a guiding question's field is ``text``). The
    schedule's times, read in the event's time zone, are kept in UTC.
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
        languages=info.all_languages,
        working_translations=list(info.working_translations),
        segment_word=info.segment_word or "",
        topic_word=info.topic_word or "",
        translations=_texts(info.translations),
        organisers=list(info.organisers),
        objective=info.objective.strip(),
        speaking_seconds=info.speaking_time or default_speaking_seconds,
        time_zone=info.time_zone,
        join_code=events.new_join_code(),
        projector_token=secrets.token_urlsafe(24),
        created_at=now,
    )
    event.actor_types = [
        ActorType(key=item.key, name=item.name, position=i, translations=_texts(item.translations))
        for i, item in enumerate(spec.actor_types)
    ]
    event.focus_groups = [
        FocusGroup(key=item.key, name=item.name, position=i, translations=_texts(item.translations))
        for i, item in enumerate(spec.focus_groups)
    ]
    zone = ZoneInfo(info.time_zone)
    event.breaks = [
        Break(
            title=item.title,
            translations=_texts(item.translations),
            starts_at=_utc(item.day, item.starts, zone),
            ends_at=_utc(item.day, item.ends, zone),
        )
        for item in spec.breaks
    ]
    db.add(event)
    db.flush()
    for segment_spec in spec.segments:
        day = segment_spec.day
        segment = Segment(
            event_id=event.id,
            number=segment_spec.number,
            title=segment_spec.title,
            framing=segment_spec.framing.strip(),
            speaking_seconds=segment_spec.speaking_time,
            translations=_texts(segment_spec.translations),
            starts_at=_utc(day, segment_spec.starts, zone),
            ends_at=_utc(day, segment_spec.ends, zone),
            chair=segment_spec.chair or "",
        )
        segment.topics = [
            Topic(
                event_id=event.id,
                position=position,
                title=topic_spec.title,
                translations=_texts(topic_spec.translations, leave=("questions",)),
                questions=[
                    GuidingQuestion(
                        position=q, text=text, translations=_question(topic_spec.translations, q)
                    )
                    for q, text in enumerate(topic_spec.questions)
                ],
                starts_at=_utc(day, topic_spec.starts, zone),
                ends_at=_utc(day, topic_spec.ends, zone),
            )
            for position, topic_spec in enumerate(segment_spec.topics)
        ]
        event.segments.append(segment)
    allotted = event.speaking_seconds * 1000
    db.add(Countdown(event_id=event.id, allotted_ms=allotted, remaining_ms=allotted))
    db.commit()
    return event


def _utc(day: date | None, at: time | None, zone: ZoneInfo) -> datetime | None:
    """The moment a planned ``day`` and time of day in ``zone`` is, in UTC (None: unplanned)."""
    if day is None or at is None:
        return None
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _texts(
    translations: Mapping[str, BaseModel], *, leave: tuple[str, ...] = ()
) -> dict[str, dict[str, str]]:
    """``{language: {field: text}}`` of the fields each translation gives, stripped."""
    texts = {
        language: {
            field: value.strip()
            for field, value in translation.model_dump(exclude_none=True).items()
            if field not in leave
        }
        for language, translation in translations.items()
    }
    return {language: fields for language, fields in texts.items() if fields}


def _question(
    translations: Mapping[str, TopicTranslation], position: int
) -> dict[str, dict[str, str]]:
    """The translations of a topic's guiding question at ``position``, as its ``text``."""
    return {
        language: {"text": translation.questions[position]}
        for language, translation in translations.items()
        if translation.questions is not None
    }


def open_segment(
    *,
    db: Session,
    event: Event,
    segment_id: int,
    seen_segment: int | None,
    ask_first: bool = False,
    agreed: Agreed | None = None,
    now: datetime | None = None,
) -> None:
    """Make this the segment the room is in; the segment that was open is closed.

    ``seen_segment`` is the open segment the console showed (None: none): a segment opened
    since by someone else is not closed by this click (``Stale``). Opening the open segment
    changes nothing. ``ask_first`` and ``agreed``: see ``ending``.
    """
    with changes.change(db=db, event=event, action="agenda.open_segment", now=now) as work:
        segment = _segment(db, work.event, segment_id)
        work.expect(seen_segment, _open_segment_id(work.event))
        if segment.stage is not Stage.OPEN:
            ending = _ask_first(work, ask_first, agreed)
            before = _position(db, work.event, segment)
            _close_open_segment(db, work.event, work.now)
            segment.stage = Stage.OPEN
            _moved(work, segment, before, ending)


def close_segment(
    *,
    db: Session,
    event: Event,
    segment_id: int,
    ask_first: bool = False,
    agreed: Agreed | None = None,
    now: datetime | None = None,
) -> None:
    """Close a segment and whichever of its topics is open. ``StageError`` if not open.

    ``ask_first`` and ``agreed``: see ``ending``.
    """
    with changes.change(db=db, event=event, action="agenda.close_segment", now=now) as work:
        segment = _segment(db, work.event, segment_id)
        if segment.stage is not Stage.OPEN:
            raise StageError(N_("That segment is not open."))
        ending = _ask_first(work, ask_first, agreed)
        before = _position(db, work.event, segment)
        _close_open_segment(db, work.event, work.now)
        _moved(work, segment, before, ending)


def open_topic(
    *,
    db: Session,
    event: Event,
    topic_id: int,
    seen_topic: int | None,
    ask_first: bool = False,
    agreed: Agreed | None = None,
    now: datetime | None = None,
) -> None:
    """Open a topic for requests; its segment opens with it, and the open topic closes.

    ``seen_topic`` is the open topic the console showed (None: none); a topic opened since
    by someone else is not closed by this click (``Stale``). ``ask_first`` and ``agreed``:
    see ``ending``.
    """
    with changes.change(db=db, event=event, action="agenda.open_topic", now=now) as work:
        topic = _topic(db, work.event, topic_id)
        _expect_open_topic(work, seen_topic)
        if topic.stage is not Stage.OPEN:
            ending = _ask_first(work, ask_first, agreed)
            before = _position(db, work.event, topic)
            _open(db, work.event, topic, work.now)
            _moved(work, topic, before, ending)


def close_topic(
    *,
    db: Session,
    event: Event,
    topic_id: int,
    ask_first: bool = False,
    agreed: Agreed | None = None,
    now: datetime | None = None,
) -> None:
    """Close a topic: the speaker, if any, finishes and the list stops taking requests.

    Raises ``StageError`` if the topic is not open (a second click closes nothing more).
    ``ask_first`` and ``agreed``: see ``ending``.
    """
    with changes.change(db=db, event=event, action="agenda.close_topic", now=now) as work:
        topic = _topic(db, work.event, topic_id)
        if topic.stage is not Stage.OPEN:
            raise StageError(N_("That topic is not open."))
        ending = _ask_first(work, ask_first, agreed)
        before = _position(db, work.event, topic)
        _close_topic(db, work.event, topic, work.now)
        _moved(work, topic, before, ending)


def next_topic(
    *,
    db: Session,
    event: Event,
    seen_topic: int | None,
    ask_first: bool = False,
    agreed: Agreed | None = None,
    now: datetime | None = None,
) -> Topic:
    """Close the open topic and open the one after it, into the next segment if need be.

    ``seen_topic`` is the topic the console showed open (None: none): pressed twice, or by
    two facilitators at once, the room moves on once (``Stale``). Raises ``StageError``
    after the last topic. ``ask_first`` and ``agreed``: see ``ending``.
    """
    with changes.change(db=db, event=event, action="agenda.next_topic", now=now) as work:
        event = work.event
        _expect_open_topic(work, seen_topic)
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
        ending = _ask_first(work, ask_first, agreed)
        before = _position(db, event, following)
        _open(db, event, following, work.now)
        _moved(work, following, before, ending)
    return following


def ending(*, db: Session, event: Event) -> Ending:
    """What closing the open topic would end now: a move of the agenda that closes it
    (another topic or segment opened, the topic or its segment closed, the next topic) ends
    the speaker's turn and leaves the requests waiting on the closed topic.

    Each of those moves takes ``ask_first``: when it would end something and the facilitator
    has not ``agreed``, it raises ``AskFirst`` with this ``Ending`` and changes nothing. With
    ``agreed``, it asks again only if someone else has the floor than the speaker agreed to
    (who was called meanwhile); more or fewer requests waiting do not ask again.
    """
    topic = events.open_topic(db=db, event_id=event.id)
    if topic is None:
        return Ending(topic=None)
    return Ending(
        topic=topic,
        speaker=floor.current_speaker(db=db, event_id=event.id),
        waiting=len(floor.waiting_list(db=db, topic_id=topic.id)),
    )


def _ask_first(work: changes.Change, ask_first: bool, agreed: Agreed | None) -> Ending:
    """What the move ends, once it may: see ``ending``."""
    ends = ending(db=work.db, event=work.event)
    if not ask_first or not ends:
        return ends
    if agreed is not None and (ends.speaker is None or ends.speaker.id == agreed.speaker):
        return ends
    raise AskFirst(ends)


def _expect_open_topic(work: changes.Change, seen_topic: int | None) -> None:
    topic = events.open_topic(db=work.db, event_id=work.event.id)
    work.expect(seen_topic, topic.id if topic else None)


def _open_segment_id(event: Event) -> int | None:
    return next((s.id for s in event.segments if s.stage is Stage.OPEN), None)


def _position(db: Session, event: Event, thing: Segment | Topic) -> dict[str, Any]:
    """Where the agenda is, for the audit log: the stage of ``thing`` and what is open."""
    topic = events.open_topic(db=db, event_id=event.id)
    return {
        "stage": thing.stage,
        "segment": _open_segment_id(event),
        "topic": topic.id if topic else None,
    }


def _moved(
    work: changes.Change, thing: Segment | Topic, before: dict[str, Any], ending: Ending
) -> None:
    """The agenda moved: record where it was and where it is, and what that ended."""
    after = {**_position(work.db, work.event, thing), **ending.audited()}
    work.changed_room(before=before, after=after, subject=audit.subject_of(thing))


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
    now: datetime | None = None,
) -> None:
    """Set the event's speaking time, or one segment's ("" gives the segment back the event's).

    The speaker who has the floor keeps their clock; the next one called gets the new time.
    A value, not a step: sent twice it sets the same time, so nothing makes it stale.
    Raises ``InvalidInput`` for a time outside 0:10 to 60:00.
    """
    seconds = _speaking_seconds(speaking_time, allow_empty=segment_id is not None)
    action = "agenda.speaking_time" if segment_id is None else "agenda.segment_speaking_time"
    with changes.change(db=db, event=event, action=action, now=now) as work:
        if segment_id is None:
            assert seconds is not None
            before: dict[str, int | None] = {"speaking_seconds": work.event.speaking_seconds}
            work.event.speaking_seconds = seconds
            subject = ""
        else:
            segment = _segment(db, work.event, segment_id)
            before = {"speaking_seconds": segment.speaking_seconds}
            segment.speaking_seconds = seconds
            subject = audit.subject_of(segment)
        work.changed_room(before=before, after={"speaking_seconds": seconds}, subject=subject)


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
