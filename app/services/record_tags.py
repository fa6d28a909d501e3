"""What the record's keepers note about a turn: good practices, commitments, groups in focus.

A rapporteur or a facilitator tags a turn on the record page, live or afterwards (a turn on
the floor may be tagged as it goes). A turn may carry any number of tags; each is added and
taken off as one action, through ``changes.change`` like every change to a room, and audited
(``record.tag``, ``record.untag``) with who, what and when. Correcting a turn's summary is
``record.write_summary``: the participant's own text stays as written beside it.

Reading, for the outcome report and the exports: ``good_practices`` and ``commitments``, in
the agenda's order (segment, topic, then when the turn started). Times are aware UTC datetimes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from app.i18n import N_
from app.models import Event, FocusGroup, Segment, TagKind, Topic, Turn, TurnTag
from app.services import audit, changes
from app.services.errors import InvalidInput, NotFound
from app.services.text import clean_line, clean_text

COUNTRY_MAX = 100
TITLE_MAX = 200
DESCRIPTION_MAX = 2000
WHAT_MAX = 2000
BY_WHOM_MAX = 200
# A Global Refugee Forum pledge's reference as the pledge is listed (e.g. "GRF-01234"): free
# text on one line of letters, digits and ``-``, ``_``, ``/``, ``.``, ``#`` or spaces, at
# most 40 characters; the forum's own numbering has changed between editions, so no stricter.
PLEDGE_MAX = 40
PLEDGE = re.compile(r"[\w\-/.# ]*")


def add_good_practice(
    *,
    db: Session,
    event: Event,
    turn_id: int,
    country: str,
    title: str,
    description: str,
    now: datetime | None = None,
) -> TurnTag:
    """Note that the turn presented a good practice: its country (may be empty), a short
    title (required) and a description. Raises ``InvalidInput`` (a text too long, no title)
    and ``NotFound`` (not a turn of this event)."""
    fields = {
        "country": clean_line(country, limit=COUNTRY_MAX, field=N_("Country")),
        "title": clean_line(title, limit=TITLE_MAX, field=N_("Title"), required=True),
        "description": clean_text(description, limit=DESCRIPTION_MAX, field=N_("Description")),
    }
    return _add(db=db, event=event, turn_id=turn_id, kind=TagKind.GOOD_PRACTICE, now=now, **fields)


def add_commitment(
    *,
    db: Session,
    event: Event,
    turn_id: int,
    what: str,
    by_whom: str,
    pledge: str = "",
    now: datetime | None = None,
) -> TurnTag:
    """Note that the turn offered a commitment: what (required), by whom (required) and,
    where there is one, the reference of a Global Refugee Forum pledge (``PLEDGE``). Raises
    ``InvalidInput`` and ``NotFound`` (not a turn of this event)."""
    fields = {
        "what": clean_text(what, limit=WHAT_MAX, field=N_("Commitment"), required=True),
        "by_whom": clean_line(by_whom, limit=BY_WHOM_MAX, field=N_("By whom"), required=True),
        "pledge": _pledge(pledge),
    }
    return _add(db=db, event=event, turn_id=turn_id, kind=TagKind.COMMITMENT, now=now, **fields)


def add_focus_group(
    *, db: Session, event: Event, turn_id: int, focus_group_id: int, now: datetime | None = None
) -> TurnTag:
    """Note that the turn addressed one of the event's groups in focus; noting it again
    changes nothing and returns the tag it has. Raises ``NotFound`` (not a turn or a group
    in focus of this event)."""
    with changes.change(db=db, event=event, action="record.tag", now=now) as work:
        turn = _turn(db, work.event, turn_id)
        group = db.get(FocusGroup, focus_group_id)
        if group is None or group.event_id != work.event.id:
            raise NotFound(N_("That group in focus is not on this event's agenda."))
        tag = next((t for t in turn.tags if t.focus_group_id == group.id), None)
        if tag is None:
            tag = _tagged(db, work, turn, TagKind.FOCUS_GROUP, {"focus_group_id": group.id})
            work.changed_room(after=_audited(tag), subject=_subject(turn))
    return tag


class TagGone(NotFound):
    """A tag no longer on its turn: taken off already (from another tab, say)."""

    message = N_("That tag was already removed.")


def remove(
    *, db: Session, event: Event, turn_id: int, tag_id: int, now: datetime | None = None
) -> None:
    """Take a tag off a turn; audited with what it said. Raises ``NotFound`` (not a turn of
    this event) and ``TagGone`` (not a tag of that turn: taken off already, say)."""
    with changes.change(db=db, event=event, action="record.untag", now=now) as work:
        turn = _turn(db, work.event, turn_id)
        tag = next((t for t in turn.tags if t.id == tag_id), None)
        if tag is None:
            raise TagGone()
        before = _audited(tag)
        turn.tags.remove(tag)
        work.changed_room(before=before, after=None, subject=_subject(turn))


@dataclass(frozen=True)
class Tagged:
    """Where something noted was said (the turn, its place on the agenda, its speaker), and
    who noted it when."""

    tag_id: int
    turn_id: int
    segment_number: int
    segment_title: str
    topic_title: str
    speaker: str
    organisation: str
    started_at: datetime
    tagged_by: str
    tagged_at: datetime


@dataclass(frozen=True)
class GoodPractice(Tagged):
    """A good practice presented in a turn: its country ("": not given), title, description."""

    country: str
    title: str
    description: str


@dataclass(frozen=True)
class Commitment(Tagged):
    """A commitment offered in a turn: what, by whom, its GRF pledge reference ("": none)."""

    what: str
    by_whom: str
    pledge: str


def good_practices(
    *, db: Session, event_id: int, segment_id: int | None = None
) -> list[GoodPractice]:
    """The event's good practices (or one segment's), ordered by segment, topic, then the
    start of the turn, and in the order they were noted within a turn. Texts as typed; the
    agenda's titles in its original language."""
    return [
        GoodPractice(
            **_where(tag, turn),
            country=tag.country,
            title=tag.title,
            description=tag.description,
        )
        for tag, turn in _tags(db, event_id, segment_id, TagKind.GOOD_PRACTICE)
    ]


def commitments(*, db: Session, event_id: int, segment_id: int | None = None) -> list[Commitment]:
    """The event's commitments (or one segment's), in the order of ``good_practices``."""
    return [
        Commitment(**_where(tag, turn), what=tag.what, by_whom=tag.by_whom, pledge=tag.pledge)
        for tag, turn in _tags(db, event_id, segment_id, TagKind.COMMITMENT)
    ]


def _tags(
    db: Session, event_id: int, segment_id: int | None, kind: TagKind
) -> list[tuple[TurnTag, Turn]]:
    query = (
        select(TurnTag, Turn)
        .join(Turn, Turn.id == TurnTag.turn_id)
        .join(Segment, Segment.id == Turn.segment_id)
        .join(Topic, Topic.id == Turn.topic_id)
        .where(Turn.event_id == event_id, TurnTag.kind == kind)
        .options(contains_eager(Turn.segment), contains_eager(Turn.topic))
        .order_by(Segment.number, Topic.position, Turn.started_at, Turn.id, TurnTag.id)
    )
    if segment_id is not None:
        query = query.where(Turn.segment_id == segment_id)
    return [(tag, turn) for tag, turn in db.execute(query)]


def _where(tag: TurnTag, turn: Turn) -> dict[str, Any]:
    return {
        "tag_id": tag.id,
        "turn_id": turn.id,
        "segment_number": turn.segment.number,
        "segment_title": turn.segment.title,
        "topic_title": turn.topic.title,
        "speaker": turn.participant.name,
        "organisation": turn.participant.organisation,
        "started_at": turn.started_at,
        "tagged_by": tag.tagged_by,
        "tagged_at": tag.tagged_at,
    }


def _add(
    *, db: Session, event: Event, turn_id: int, kind: TagKind, now: datetime | None, **fields: str
) -> TurnTag:
    with changes.change(db=db, event=event, action="record.tag", now=now) as work:
        turn = _turn(db, work.event, turn_id)
        tag = _tagged(db, work, turn, kind, fields)
        work.changed_room(after=_audited(tag), subject=_subject(turn))
    return tag


def _tagged(
    db: Session, work: changes.Change, turn: Turn, kind: TagKind, fields: dict[str, Any]
) -> TurnTag:
    tag = TurnTag(
        kind=kind,
        tagged_by=db.info.get(audit.ACTOR, audit.SYSTEM),
        tagged_at=work.now,
        **(_EMPTY | fields),
    )
    turn.tags.append(tag)
    db.flush()
    return tag


# The fields a tag of another kind leaves empty.
_EMPTY = dict.fromkeys(("country", "title", "description", "what", "by_whom", "pledge"), "")


def _turn(db: Session, event: Event, turn_id: int) -> Turn:
    turn = db.get(Turn, turn_id)
    if turn is None or turn.event_id != event.id:
        raise NotFound(N_("That turn is not in this event's record."))
    return turn


def _pledge(pledge: str) -> str:
    reference = clean_line(pledge, limit=PLEDGE_MAX, field=N_("Pledge reference"))
    if not PLEDGE.fullmatch(reference):
        raise InvalidInput(
            N_(
                "A pledge reference is one line of at most {limit} letters, digits, spaces and "
                "- _ / . #, as the Global Refugee Forum lists it (for example GRF-01234)."
            ),
            limit=PLEDGE_MAX,
        )
    return reference


def _audited(tag: TurnTag) -> dict[str, Any]:
    """What the audit log keeps of a tag: its kind and what it says."""
    said: dict[str, Any]
    if tag.kind is TagKind.GOOD_PRACTICE:
        said = {"country": tag.country, "title": tag.title, "description": tag.description}
    elif tag.kind is TagKind.COMMITMENT:
        said = {"what": tag.what, "by_whom": tag.by_whom, "pledge": tag.pledge}
    else:
        assert tag.focus_group is not None  # the schema's check: a focus group tag names one
        said = {"focus_group": tag.focus_group.key}
    return {"tag": tag.id, "kind": tag.kind.value, **said}


def _subject(turn: Turn) -> str:
    return f"{turn.participant.name} (turn {turn.id})"
