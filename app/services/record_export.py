"""The record, its good practices and commitments, and the participants list as they leave
Palabra: JSON and CSV.

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
from typing import Any

from pydantic import BaseModel

from app.models import Event, Participant, TagKind, Turn, TurnTag
from app.services import record, record_tags
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


class GoodPracticeOut(BaseModel):
    """A good practice noted on a turn."""

    country: str
    title: str
    description: str
    tagged_by: str
    tagged_at: datetime


class CommitmentOut(BaseModel):
    """A commitment noted on a turn; ``pledge`` is a GRF pledge's reference ("": none)."""

    what: str
    by_whom: str
    pledge: str
    tagged_by: str
    tagged_at: datetime


class FocusGroupOut(BaseModel):
    key: str
    name: str


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
    good_practices: list[GoodPracticeOut]
    commitments: list[CommitmentOut]
    focus_groups: list[FocusGroupOut]


class ExportOut(BaseModel):
    """What every export of an event starts with."""

    format: int
    event: str
    title: str
    exported_at: datetime


class RecordOut(ExportOut):
    turns: list[TurnOut]


class AttendeeOut(SpeakerOut):
    joined_at: datetime
    turns: int


class TaggedTurnOut(BaseModel):
    """Where a good practice or commitment was said: the turn, its place, its speaker."""

    turn_id: int
    segment_number: int
    segment_title: str
    topic_title: str
    speaker: str
    organisation: str
    started_at: datetime


class EventGoodPracticeOut(TaggedTurnOut, GoodPracticeOut):
    pass


class EventCommitmentOut(TaggedTurnOut, CommitmentOut):
    pass


class GoodPracticesOut(ExportOut):
    good_practices: list[EventGoodPracticeOut]


class CommitmentsOut(ExportOut):
    commitments: list[EventCommitmentOut]


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
    "good_practices",
    "commitments",
    "focus_groups",
)

# Where a good practice or a commitment was said, first in each row of their exports.
TAGGED_TURN_COLUMNS = (
    "turn",
    "segment",
    "segment_title",
    "topic_title",
    "speaker",
    "organisation",
    "started_at",
)
GOOD_PRACTICE_COLUMNS = (
    *TAGGED_TURN_COLUMNS,
    "country",
    "title",
    "description",
    "tagged_by",
    "tagged_at",
)
COMMITMENT_COLUMNS = (*TAGGED_TURN_COLUMNS, "what", "by_whom", "pledge", "tagged_by", "tagged_at")

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
        **_header(event, now),
        turns=[_turn(turn, now) for turn in turns],
    )


def as_json(output: BaseModel) -> str:
    """An export as a JSON document (UTF-8 text, indented)."""
    return output.model_dump_json(indent=2)


def turns_csv(output: RecordOut) -> str:
    """The record as CSV, one turn a row (``TURN_COLUMNS``); safe to open in a spreadsheet.

    Several questions are one cell, their numbers or texts separated by " | "; so are the
    turn's good practices (their titles), commitments (what) and groups in focus (keys).
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
            " | ".join(p.title for p in turn.good_practices),
            " | ".join(c.what for c in turn.commitments),
            " | ".join(g.key for g in turn.focus_groups),
        )
        for turn in output.turns
    )
    return _csv(TURN_COLUMNS, rows)


def good_practices_of(
    *, event: Event, practices: Iterable[record_tags.GoodPractice], now: datetime
) -> GoodPracticesOut:
    """The event's good practices (``record_tags.good_practices``) as their export schema."""
    return GoodPracticesOut(
        **_header(event, now),
        good_practices=[
            EventGoodPracticeOut.model_validate(p, from_attributes=True) for p in practices
        ],
    )


def commitments_of(
    *, event: Event, commitments: Iterable[record_tags.Commitment], now: datetime
) -> CommitmentsOut:
    """The event's commitments (``record_tags.commitments``) as their export schema."""
    return CommitmentsOut(
        **_header(event, now),
        commitments=[
            EventCommitmentOut.model_validate(c, from_attributes=True) for c in commitments
        ],
    )


def _header(event: Event, now: datetime) -> dict[str, Any]:
    return {"format": FORMAT, "event": event.slug, "title": event.title, "exported_at": now}


def good_practices_csv(output: GoodPracticesOut) -> str:
    """The good practices as CSV, one a row (``GOOD_PRACTICE_COLUMNS``)."""
    rows = (
        (*_where_cells(p), p.country, p.title, p.description, p.tagged_by, _time(p.tagged_at))
        for p in output.good_practices
    )
    return _csv(GOOD_PRACTICE_COLUMNS, rows)


def commitments_csv(output: CommitmentsOut) -> str:
    """The commitments as CSV, one a row (``COMMITMENT_COLUMNS``)."""
    rows = (
        (*_where_cells(c), c.what, c.by_whom, c.pledge, c.tagged_by, _time(c.tagged_at))
        for c in output.commitments
    )
    return _csv(COMMITMENT_COLUMNS, rows)


def _where_cells(tagged: TaggedTurnOut) -> tuple[object, ...]:
    return (
        tagged.turn_id,
        tagged.segment_number,
        tagged.segment_title,
        tagged.topic_title,
        tagged.speaker,
        tagged.organisation,
        _time(tagged.started_at),
    )


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
        good_practices=[
            GoodPracticeOut.model_validate(t, from_attributes=True)
            for t in _of_kind(turn, TagKind.GOOD_PRACTICE)
        ],
        commitments=[
            CommitmentOut.model_validate(t, from_attributes=True)
            for t in _of_kind(turn, TagKind.COMMITMENT)
        ],
        focus_groups=[
            FocusGroupOut.model_validate(t.focus_group, from_attributes=True)
            for t in _of_kind(turn, TagKind.FOCUS_GROUP)
        ],
    )


def _of_kind(turn: Turn, kind: TagKind) -> list[TurnTag]:
    return [tag for tag in turn.tags if tag.kind is kind]


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
