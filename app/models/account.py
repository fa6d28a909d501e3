"""Accounts: who may run the events of this Palabra, and who may keep their record."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime
from app.models.floor import _str_enum


class Role(enum.StrEnum):
    """What an account may do: drive the floor, keep the record, or both.

    Every role reads, tags and corrects the record; only a facilitator drives the floor
    (console, agenda, list of speakers, countdown, links) and reads the audit log.
    """

    FACILITATOR = "facilitator"
    RAPPORTEUR = "rapporteur"
    BOTH = "both"

    @property
    def facilitates(self) -> bool:
        return self is not Role.RAPPORTEUR


class Account(Base):
    """A facilitator, a rapporteur or both, of any event; the audit log names it."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Lower case; what a facilitator types to sign in and what the audit log shows.
    username: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # Argon2id, in the library's own encoded form (parameters and salt included).
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    role: Mapped[Role] = mapped_column(_str_enum(Role), default=Role.FACILITATOR)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
