"""Floor requests: a participant's place on a topic's list of speakers."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, Column, Enum, ForeignKey, Index, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.agenda import GuidingQuestion, Topic
from app.models.base import Base, UTCDateTime
from app.models.participant import Participant


class TurnKind(enum.StrEnum):
    INTERVENTION = "intervention"
    GOOD_PRACTICE = "good_practice"
    POINT_OF_ORDER = "point_of_order"
    REPLY = "reply"


class TurnStatus(enum.StrEnum):
    WAITING = "waiting"
    SPEAKING = "speaking"
    DONE = "done"
    WITHDRAWN = "withdrawn"
    SKIPPED = "skipped"
    REMOVED = "removed"


ACTIVE_STATUSES = (TurnStatus.WAITING, TurnStatus.SPEAKING)


def _str_enum(cls: type[enum.StrEnum]) -> Enum:
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


floor_request_questions = Table(
    "floor_request_questions",
    Base.metadata,
    Column(
        "floor_request_id",
        ForeignKey("floor_requests.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "question_id",
        ForeignKey("guiding_questions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class FloorRequest(Base):
    __tablename__ = "floor_requests"
    __table_args__ = (
        # One active request per participant and topic: a double tap or a retry cannot queue twice.
        Index(
            "uq_floor_requests_active_per_participant",
            "topic_id",
            "participant_id",
            unique=True,
            sqlite_where=text("status IN ('waiting', 'speaking')"),
            postgresql_where=text("status IN ('waiting', 'speaking')"),
        ),
        # One speaker at a time in the whole event.
        Index(
            "uq_floor_requests_one_speaker_per_event",
            "event_id",
            unique=True,
            sqlite_where=text("status = 'speaking'"),
            postgresql_where=text("status = 'speaking'"),
        ),
        Index("ix_floor_requests_topic_status", "topic_id", "status", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[TurnKind] = mapped_column(_str_enum(TurnKind))
    status: Mapped[TurnStatus] = mapped_column(_str_enum(TurnStatus), default=TurnStatus.WAITING)
    # Its arrival on the topic's list (1, 2, …), never rewritten: the order on the list is
    # derived from the facts (app/services/speaking_order.py).
    position: Mapped[int]
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    summary: Mapped[str] = mapped_column(Text, default="")
    summary_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The participant said on their phone that they are ready to speak (once told they are
    # next); cleared when the request is put back on the list.
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    participant: Mapped[Participant] = relationship(lazy="joined")
    topic: Mapped[Topic] = relationship()
    questions: Mapped[list[GuidingQuestion]] = relationship(
        secondary=floor_request_questions, order_by=GuidingQuestion.position
    )


class FloorMove(Base):
    """A facilitator moved a waiting request: kept as a fact, never rewritten.

    ``ahead`` lists the requests that were ahead of it just after the move, in order: it goes
    right after the last of them still waiting (at the front when none is). Replaying the
    moves in the order made over the order the rules give is the list the room sees.
    """

    __tablename__ = "floor_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    floor_request_id: Mapped[int] = mapped_column(
        ForeignKey("floor_requests.id", ondelete="CASCADE")
    )
    ahead: Mapped[list[int]] = mapped_column(JSON, default=list)
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime)
