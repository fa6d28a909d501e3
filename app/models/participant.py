"""A person in the room: joined from a phone, or added by a facilitator."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, UTCDateTime
from app.models.event import ActorType


class Participant(Base):
    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    actor_type_id: Mapped[int | None] = mapped_column(
        ForeignKey("actor_types.id", ondelete="SET NULL")
    )
    country: Mapped[str] = mapped_column(String(100), default="")
    # True for a speaker the facilitator added from the room: nobody holds a phone for them.
    from_the_room: Mapped[bool] = mapped_column(default=False)
    # Whether the participant agreed that their name may appear in published material (the
    # public summary); their organisation and actor type may appear either way. No unless
    # they said yes: a speaker added from the room was never asked.
    publish_name: Mapped[bool] = mapped_column(default=False, server_default=false())
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)

    actor_type: Mapped[ActorType | None] = relationship(lazy="joined")
