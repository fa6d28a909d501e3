"""The record and the participants list as they leave Palabra: JSON and CSV.

What leaves has schemas of its own (never the ORM's graph), documented in docs/record.md.
Texts are as written: the participants' words, the agenda's titles in its original language,
actor types by their stable ``key`` and their name. Times are ISO 8601 in UTC; durations in
milliseconds. CSV cells that a spreadsheet would run as a formula are made inert, as in the
audit log's export.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from pydantic import BaseModel

from app.models import Event, Participant, Turn
from app.services import record
from app.services.audit import inert

FORMAT = 1


class ActorTypeOut(BaseModel):
    key: str
    name: str


class SpeakerOut(BaseModel):
    id: int
    name: str
    organisation: str
    actor_type: ActorTypeOut | None
    country: str
    from_the_room: bool


class QuestionOut(BaseModel):
    id: int
    number: int  # 1 for a topic's first guiding question
    text: str


class PauseOut(BaseModel):
    paused_at: datetime
    resumed_at: datetime | None


class TurnOut(BaseModel):
    id: int
    segment_id: int
    segment_number: int
    segment_title: str
    topic_id: int
    topic_title: str
    questions: list[QuestionOut]
    speaker: SpeakerOut
    kind: str
    requested_at: datetime
    started_at: datetime
    ended_at: datetime | None
    spoken_ms: int
    pauses: list[PauseOut]
    summary: str
    summary_at: datetime | None
    record_summary: str
    record_summary_by: str
    record_summary_at: datetime | None


class RecordOut(BaseModel):
    format: int
    event: str
    title: str
    exported_at: datetime
    turns: list[TurnOut]


class AttendeeOut(SpeakerOut):
    joined_at: datetime
    turns: int


TURN_COLUMNS = (
    "turn",
    "segment",
    "segment_title",
    "topic",
    "topic_title",
    "questions",
    "question_texts",
    "name",
    "organisation",
    "actor_type",
    "actor_type_name",
    "country",
    "from_the_room",
    "kind",
    "requested_at",
    "started_at",
    "ended_at",
    "spoken_ms",
    "pauses",
    "summary",
    "record_summary",
    "record_summary_by",
)

PARTICIPANT_COLUMNS = (
    "name",
    "organisation",
    "actor_type",
    "actor_type_name",
    "country",
    "from_the_room",
    "joined_at",
    "turns",
)


def record_of(*, event: Event, turns: Sequence[Turn], now: datetime) -> RecordOut:
    """The record of ``event`` as its export schema; an ongoing turn's time runs to ``now``."""
    return RecordOut(
        format=FORMAT,
        event=event.slug,
        title=event.title,
        exported_at=now,
        turns=[_turn(turn, now) for turn in turns],
    )


def as_json(output: RecordOut) -> str:
    """The record as a JSON document (UTF-8 text, indented)."""
    return output.model_dump_json(indent=2)


def turns_csv(output: RecordOut) -> str:
    """The record as CSV, one turn a row (``TURN_COLUMNS``); safe to open in a spreadsheet.

    Several questions are one cell, their numbers or texts separated by " | ".
    """
    rows = (
        (
            turn.id,
            turn.segment_number,
            turn.segment_title,
            turn.topic_id,
            turn.topic_title,
            " | ".join(str(q.number) for q in turn.questions),
            " | ".join(q.text for q in turn.questions),
            turn.speaker.name,
            turn.speaker.organisation,
            turn.speaker.actor_type.key if turn.speaker.actor_type else "",
            turn.speaker.actor_type.name if turn.speaker.actor_type else "",
            turn.speaker.country,
            _yes_no(turn.speaker.from_the_room),
            turn.kind,
            _time(turn.requested_at),
            _time(turn.started_at),
            _time(turn.ended_at),
            turn.spoken_ms,
            len(turn.pauses),
            turn.summary,
            turn.record_summary,
            turn.record_summary_by,
        )
        for turn in output.turns
    )
    return _csv(TURN_COLUMNS, rows)


def attendees_of(attendees: Iterable[record.Attendee]) -> list[AttendeeOut]:
    """The participants list (``record.participants``) as its export schema."""
    return [
        AttendeeOut(
            **_speaker(a.participant).model_dump(),
            joined_at=a.participant.joined_at,
            turns=a.turns,
        )
        for a in attendees
    ]


def participants_csv(attendees: Iterable[AttendeeOut]) -> str:
    """The participants list as CSV, one person a row (``PARTICIPANT_COLUMNS``)."""
    rows = (
        (
            a.name,
            a.organisation,
            a.actor_type.key if a.actor_type else "",
            a.actor_type.name if a.actor_type else "",
            a.country,
            _yes_no(a.from_the_room),
            _time(a.joined_at),
            a.turns,
        )
        for a in attendees
    )
    return _csv(PARTICIPANT_COLUMNS, rows)


def _turn(turn: Turn, now: datetime) -> TurnOut:
    return TurnOut(
        id=turn.id,
        segment_id=turn.segment_id,
        segment_number=turn.segment.number,
        segment_title=turn.segment.title,
        topic_id=turn.topic_id,
        topic_title=turn.topic.title,
        questions=[
            QuestionOut(id=q.id, number=q.position + 1, text=q.text) for q in turn.questions
        ],
        speaker=_speaker(turn.participant),
        kind=turn.kind.value,
        requested_at=turn.requested_at,
        started_at=turn.started_at,
        ended_at=turn.ended_at,
        spoken_ms=turn.spoken_ms if turn.ended_at else record.spoken_ms(turn, now=now),
        pauses=[PauseOut(paused_at=p.paused_at, resumed_at=p.resumed_at) for p in turn.pauses],
        summary=turn.summary,
        summary_at=turn.summary_at,
        record_summary=turn.record_summary,
        record_summary_by=turn.record_summary_by,
        record_summary_at=turn.record_summary_at,
    )


def _speaker(participant: Participant) -> SpeakerOut:
    kind = participant.actor_type
    return SpeakerOut(
        id=participant.id,
        name=participant.name,
        organisation=participant.organisation,
        actor_type=ActorTypeOut(key=kind.key, name=kind.name) if kind else None,
        country=participant.country,
        from_the_room=participant.from_the_room,
    )


def _csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([inert(str(cell)) for cell in row])
    return out.getvalue()


def _time(moment: datetime | None) -> str:
    return moment.astimezone(UTC).isoformat() if moment else ""


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"
