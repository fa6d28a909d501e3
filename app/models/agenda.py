"""The agenda of an event: segments, their topics and each topic's guiding questions, and the
breaks of its schedule."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime

if TYPE_CHECKING:
    from app.models.event import Event


class Stage(enum.StrEnum):
    """Where a segment or a topic is in the day: not yet, now, or done."""

    PENDING = "pending"
    OPEN = "open"
    CLOSED = "closed"


STAGE = Enum(Stage, native_enum=False, length=10, values_callable=lambda e: [m.value for m in e])


class OrderRule(enum.StrEnum):
    """How the list of speakers is ordered after points of order (app/services/speaking_order.py)."""

    ARRIVAL = "arrival"
    FIRST_TIME = "first_time"  # those not yet heard in the segment before those who were
    ALTERNATION = "alternation"  # States and other actors in turn while both are waiting


ORDER_RULE = Enum(
    OrderRule, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]
)


class Segment(Base):
    __tablename__ = "segments"
    __table_args__ = (
        # At most one open segment per event, enforced by the schema.
        Index(
            "uq_segments_open_per_event",
            "event_id",
            unique=True,
            sqlite_where=text("stage = 'open'"),
            postgresql_where=text("stage = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(500))
    framing: Mapped[str] = mapped_column(Text, default="")
    # {language: {field: text}}: the agenda's translations of this part's texts.
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)
    speaking_seconds: Mapped[int | None]
    stage: Mapped[Stage] = mapped_column(STAGE, default=Stage.PENDING)
    # The planned time slot (UTC; both or neither) and who chairs or moderates the segment.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    chair: Mapped[str] = mapped_column(String(200), default="")
    # The order of its lists of speakers; None for the event's (chosen from the console).
    order_rule: Mapped[OrderRule | None] = mapped_column(ORDER_RULE)

    event: Mapped[Event] = relationship(back_populates="segments")
    topics: Mapped[list[Topic]] = relationship(
        back_populates="segment", order_by="Topic.position", cascade="all, delete-orphan"
    )


class Topic(Base):
    __tablename__ = "topics"
    __table_args__ = (
        Index(
            "uq_topics_open_per_event",
            "event_id",
            unique=True,
            sqlite_where=text("stage = 'open'"),
            postgresql_where=text("stage = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(Text)
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)
    stage: Mapped[Stage] = mapped_column(STAGE, default=Stage.PENDING)
    list_open: Mapped[bool] = mapped_column(default=True)
    # The planned time slot (UTC; both or neither), within its segment's.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    segment: Mapped[Segment] = relationship(back_populates="topics")
    questions: Mapped[list[GuidingQuestion]] = relationship(
        order_by="GuidingQuestion.position", cascade="all, delete-orphan"
    )


class GuidingQuestion(Base):
    __tablename__ = "guiding_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)


class Break(Base):
    """A pause in the schedule (coffee, lunch): a time slot, never opened, no list of speakers."""

    __tablename__ = "breaks"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
