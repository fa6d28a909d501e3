"""Signing in: a facilitator's sessions, and one-time sign-in links made on the server.

Both are found by the SHA-256 of a random secret that only the browser (the session
cookie) or the link holds: what the database keeps signs nobody in.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.account import Account
from app.models.base import Base, UTCDateTime


class AccountSession(Base):
    """One sign-in of a facilitator, in one browser, until it ends or its time is up."""

    __tablename__ = "account_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # What the browser said it was, to tell one's sessions apart (cut to 200 characters).
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    account: Mapped[Account] = relationship(lazy="joined")


class SignInLink(Base):
    """A one-time sign-in link for an account, printed on the server; ends at its first use."""

    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
