"""The event's public summary: what the room said, for anyone, once a facilitator publishes it.

It shows only what participants agreed to show (issue 11): a speaker's name only if they
said yes when joining or later on their phone (``Participant.publish_name``); otherwise the
summary says "a participant from" their organisation, with their actor type, which may
appear either way. Nothing else about a person leaves: no country, no times of joining.
What is shown is built here as plain values, never the participant's row, so that a page
cannot show more than this module lets out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.i18n import N_
from app.models import ActorType, Event, GuidingQuestion, Segment, Topic, Turn, TurnKind
from app.models.agenda import Stage
from app.services import changes, events, record
from app.services.errors import NotFound


class NotPublished(NotFound):
    """The event exists and its summary is not published (or was withdrawn)."""

    message = N_("The summary of this consultation has not been published.")


@dataclass(frozen=True)
class Speaker:
    """Who spoke, as published: ``name`` is None unless they agreed to show it."""

    name: str | None
    organisation: str
    actor_type: ActorType | None


@dataclass(frozen=True)
class PublicTurn:
    """One turn as published: its speaker, kind, guiding questions and summaries."""

    speaker: Speaker
    kind: TurnKind
    questions: list[GuidingQuestion]
    # The speaker's own summary, as written, and the one written for the record.
    summary: str
    record_summary: str


@dataclass(frozen=True)
class PublicTopic:
    topic: Topic
    turns: list[PublicTurn]


@dataclass(frozen=True)
class PublicSegment:
    segment: Segment
    topics: list[PublicTopic]


@dataclass(frozen=True)
class PublicSummary:
    """The event and, for every segment opened so far, its topics with their turns."""

    event: Event
    published_at: datetime
    segments: list[PublicSegment]


def published(*, db: Session, slug: str) -> PublicSummary:
    """The public summary of the event at ``slug``, in the order the turns were given.

    Raises ``NotFound`` for no such event and ``NotPublished`` while it is not published.
    """
    event = events.get_by_slug(db=db, slug=slug)
    if event.summary_published_at is None:
        raise NotPublished()
    by_topic: dict[int, list[PublicTurn]] = {}
    for turn in record.turns(db=db, event_id=event.id):
        by_topic.setdefault(turn.topic_id, []).append(_public(turn))
    return PublicSummary(
        event=event,
        published_at=event.summary_published_at,
        segments=[
            PublicSegment(
                segment,
                [
                    PublicTopic(topic, by_topic.get(topic.id, []))
                    for topic in segment.topics
                    if topic.stage is not Stage.PENDING or topic.id in by_topic
                ],
            )
            for segment in event.segments
            if segment.stage is not Stage.PENDING
        ],
    )


def _public(turn: Turn) -> PublicTurn:
    who = turn.participant
    return PublicTurn(
        speaker=Speaker(
            name=who.name if who.publish_name else None,
            organisation=who.organisation,
            actor_type=who.actor_type,
        ),
        kind=turn.kind,
        questions=list(turn.questions),
        summary=turn.summary,
        record_summary=turn.record_summary,
    )


def publish(*, db: Session, event: Event, now: datetime | None = None) -> Event:
    """Publish the event's summary at /e/<slug>/summary; audited as ``summary.publish``.

    Publishing what is published already changes nothing (and records nothing).
    """
    return _set_published(db=db, event=event, publish=True, now=now)


def withdraw(*, db: Session, event: Event, now: datetime | None = None) -> Event:
    """Take the public summary down (its address answers 404); audited as ``summary.withdraw``."""
    return _set_published(db=db, event=event, publish=False, now=now)


def _set_published(*, db: Session, event: Event, publish: bool, now: datetime | None) -> Event:
    action = "summary.publish" if publish else "summary.withdraw"
    with changes.change(db=db, event=event, action=action, now=now) as work:
        was = work.event.summary_published_at is not None
        if publish and not was:
            work.event.summary_published_at = work.now
        elif not publish:
            work.event.summary_published_at = None
        work.changed_room(before={"published": was}, after={"published": publish})
    return work.event
