"""The record of the floor: every turn given, as facts of its own.

A floor request says where someone is on a list now, and its status is overwritten as the
room moves (a put-back erases a skip); the countdown is reset for each speaker. A ``Turn`` is
written once the floor is given and keeps what happened: who spoke, on which topic and
questions, when the turn started and ended, and when the clock stood still (``TurnPause``),
so the real speaking time survives everything the list and the clock do afterwards.
``TurnTag`` is what the record's keepers (rapporteurs, facilitators) note about a turn.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.agenda import GuidingQuestion, Segment, Topic
from app.models.base import Base, UTCDateTime
from app.models.event import FocusGroup
from app.models.floor import TurnKind, _str_enum
from app.models.participant import Participant

turn_questions = Table(
    "turn_questions",
    Base.metadata,
    Column("turn_id", ForeignKey("turns.id", ondelete="CASCADE"), primary_key=True),
    Column("question_id", ForeignKey("guiding_questions.id", ondelete="CASCADE"), primary_key=True),
)


class Turn(Base):
    """One turn given: from the moment the floor was given until it was taken back."""

    __tablename__ = "turns"
    __table_args__ = (
        # One turn on the floor at a time in the whole event, as one speaker.
        Index(
            "uq_turns_one_open_per_event",
            "event_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
        Index("ix_turns_event_started", "event_id", "started_at"),
        CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
        CheckConstraint("spoken_ms >= 0", name="spoken_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    # A request is given the floor once: it is never waiting again after it spoke.
    floor_request_id: Mapped[int] = mapped_column(
        ForeignKey("floor_requests.id", ondelete="CASCADE"), unique=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[TurnKind] = mapped_column(_str_enum(TurnKind))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Milliseconds the clock ran during the turn (pauses excluded); set when the turn ends.
    # Milliseconds: a turn left open over days (a forgotten "Finished") passes 2**31.
    spoken_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    # What the participant wrote, kept as written (they may edit it while the topic is open).
    summary: Mapped[str] = mapped_column(Text, default="")
    summary_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What a facilitator wrote for the record: for a turn from the room, or with no summary.
    record_summary: Mapped[str] = mapped_column(Text, default="")
    record_summary_by: Mapped[str] = mapped_column(String(200), default="")
    record_summary_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    participant: Mapped[Participant] = relationship(lazy="joined")
    segment: Mapped[Segment] = relationship()
    topic: Mapped[Topic] = relationship()
    questions: Mapped[list[GuidingQuestion]] = relationship(
        secondary=turn_questions, order_by=GuidingQuestion.position
    )
    pauses: Mapped[list[TurnPause]] = relationship(
        order_by="TurnPause.paused_at", cascade="all, delete-orphan", lazy="selectin"
    )
    tags: Mapped[list[TurnTag]] = relationship(
        order_by="TurnTag.id", cascade="all, delete-orphan", lazy="selectin"
    )


class TurnPause(Base):
    """A time the speaker's clock stood still during a turn; open while it still does."""

    __tablename__ = "turn_pauses"
    __table_args__ = (
        CheckConstraint(
            "resumed_at IS NULL OR resumed_at >= paused_at", name="resumes_after_pause"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), index=True)
    paused_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TagKind(enum.StrEnum):
    """What a rapporteur noted about a turn."""

    GOOD_PRACTICE = "good_practice"
    COMMITMENT = "commitment"
    FOCUS_GROUP = "focus_group"


class TurnTag(Base):
    """One thing the record notes about a turn: a good practice it presented (country,
    title, description), a commitment it offered (what, by whom, a Global Refugee Forum
    pledge's reference) or a group in focus of the agenda it addressed. A turn has any number;
    the fields of the other kinds stay empty."""

    __tablename__ = "turn_tags"
    __table_args__ = (
        # A group in focus is noted once on a turn (NULLs, the other kinds, never clash).
        UniqueConstraint("turn_id", "focus_group_id"),
        CheckConstraint(
            "(kind = 'focus_group') = (focus_group_id IS NOT NULL)", name="focus_group_named"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), index=True)
    kind: Mapped[TagKind] = mapped_column(_str_enum(TagKind))
    # A good practice's.
    country: Mapped[str] = mapped_column(String(100), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # A commitment's.
    what: Mapped[str] = mapped_column(Text, default="")
    by_whom: Mapped[str] = mapped_column(String(200), default="")
    pledge: Mapped[str] = mapped_column(String(40), default="")
    # A group in focus's.
    focus_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("focus_groups.id", ondelete="CASCADE")
    )
    # The username of who noted it, and when.
    tagged_by: Mapped[str] = mapped_column(String(200))
    tagged_at: Mapped[datetime] = mapped_column(UTCDateTime)

    focus_group: Mapped[FocusGroup | None] = relationship(lazy="joined")
