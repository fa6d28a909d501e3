"""The speaker's countdown, stored as timestamps: the server never ticks it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime


class Countdown(Base):
    """One per event. Remaining time is ``remaining_ms - (now - started_at)`` while running.

    When paused or idle, ``started_at`` is empty and ``remaining_ms`` is what is left.
    Negative remaining time is overtime.
    """

    __tablename__ = "countdowns"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    allotted_ms: Mapped[int]
    remaining_ms: Mapped[int]
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
