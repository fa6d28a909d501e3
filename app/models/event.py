"""The event (a consultation) and the lists it defines: actor types and focus groups."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.agenda import ORDER_RULE, OrderRule
from app.models.base import Base, UTCDateTime

if TYPE_CHECKING:
    from app.models.agenda import Break, Segment


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    theme: Mapped[str] = mapped_column(String(300), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # The language the agenda was written in (its original); translations are beside it.
    language: Mapped[str] = mapped_column(String(10))
    # Every language the agenda is written in, the original's first.
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The languages whose translations are working ones (machine-assisted, not yet reviewed).
    working_translations: Mapped[list[str]] = mapped_column(JSON, default=list)
    # What the agenda calls a segment and a topic ("Sesión", "Mesa"); "" for the interface's.
    segment_word: Mapped[str] = mapped_column(String(60), default="")
    topic_word: Mapped[str] = mapped_column(String(60), default="")
    # What the projector shows: one language, or two side by side; empty for ``language``.
    projector_languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    organisers: Mapped[list[str]] = mapped_column(JSON, default=list)
    objective: Mapped[str] = mapped_column(Text, default="")
    speaking_seconds: Mapped[int]
    # Where the schedule's times are read and shown (a tz database name); they are kept in UTC.
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    # How its lists of speakers are ordered, unless a segment chooses otherwise.
    order_rule: Mapped[OrderRule] = mapped_column(ORDER_RULE, default=OrderRule.ARRIVAL)
    join_code: Mapped[str] = mapped_column(String(32), unique=True)
    # Raised when a facilitator rotates the code and ends everyone's session with it:
    # participants' cookies name the generation they joined in.
    join_generation: Mapped[int] = mapped_column(default=0)
    # The codes it had before, newest first: a phone that scans an old QR code is told the code
    # was replaced, and is not counted as guessing.
    retired_join_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The projector's link carries this; renewing it revokes every projector link given out.
    projector_token: Mapped[str] = mapped_column(String(64))
    # Bumped by every change; live screens are told "event E is now at version V".
    version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Since when the public summary (/e/<slug>/summary) is published; None while it is not.
    summary_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When ``python -m app event anonymise`` took the participants' personal data away.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # {language: {field: text}} for the event's translatable texts, as for every agenda part.
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)

    segments: Mapped[list[Segment]] = relationship(
        back_populates="event", order_by="Segment.number", cascade="all, delete-orphan"
    )
    breaks: Mapped[list[Break]] = relationship(
        order_by="Break.starts_at", cascade="all, delete-orphan"
    )
    actor_types: Mapped[list[ActorType]] = relationship(
        order_by="ActorType.position", cascade="all, delete-orphan"
    )
    focus_groups: Mapped[list[FocusGroup]] = relationship(
        order_by="FocusGroup.position", cascade="all, delete-orphan"
    )


class ActorType(Base):
    """A kind of participant the event names (State, civil society, academia...)."""

    __tablename__ = "actor_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)


class FocusGroup(Base):
    """A group the event asks every action to keep in view."""

    __tablename__ = "focus_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int]
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)
