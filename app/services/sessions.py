"""Facilitators' sessions, kept on the server so that they end when they are ended.

Signing in makes a session (a row); its secret goes to the browser in the session cookie
and only its SHA-256 is stored. Signing out deletes the row; "sign out everywhere",
disabling the account and a new password delete all of the account's rows. A session whose
time is up (``expires_at``, from PALABRA_SESSION_HOURS) counts for nothing, whatever its
cookie says. A one-time sign-in link (made on the server, for a facilitator whom the sign-in
limits keep out) is stored the same way, lasts LINK_MINUTES and ends at its first use.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.i18n import N_
from app.models import Account, AccountSession, SignInLink
from app.services.clock import utcnow
from app.services.errors import DomainError

LINK_MINUTES = 15
USER_AGENT_MAX = 200


class LinkNotValid(DomainError):
    status_code = 403
    message = N_(
        "This sign-in link is not valid: it was used already, or its time is up. "
        "Ask for a new one on the server."
    )


class AccountDisabled(DomainError):
    message = N_("The account {username} is disabled: enable it first.")


def start(
    *, db: Session, account: Account, hours: int, user_agent: str, now: datetime | None = None
) -> tuple[AccountSession, str]:
    """A new session of ``account`` lasting ``hours``; (the session, its secret for the cookie).

    Sessions whose time is up are deleted on the way (any account's). Commits.
    """
    now = now or utcnow()
    secret = secrets.token_urlsafe(32)
    db.execute(delete(AccountSession).where(AccountSession.expires_at <= now))
    session = AccountSession(
        account_id=account.id,
        token_hash=_hash(secret),
        created_at=now,
        expires_at=now + timedelta(hours=hours),
        # Printable only: PostgreSQL refuses a NUL, and a screen would show the rest.
        user_agent="".join(c for c in user_agent if c.isprintable())[:USER_AGENT_MAX],
    )
    db.add(session)
    db.commit()
    return session, secret


def current(*, db: Session, secret: str, now: datetime | None = None) -> AccountSession | None:
    """The session a cookie's secret names, while it lasts and its account is active."""
    session = db.scalar(select(AccountSession).where(AccountSession.token_hash == _hash(secret)))
    if session is None or session.expires_at <= (now or utcnow()) or not session.account.active:
        return None
    return session


def end(*, db: Session, secret: str) -> None:
    """Sign out: the session of this secret ends (nothing happens if it has ended). Commits."""
    db.execute(delete(AccountSession).where(AccountSession.token_hash == _hash(secret)))
    db.commit()


def end_all(*, db: Session, account_id: int) -> None:
    """Every session of the account ends, in every browser, and so does any one-time sign-in
    link not yet used: what an administrator does after a credential leaked (the caller
    commits)."""
    db.execute(delete(AccountSession).where(AccountSession.account_id == account_id))
    db.execute(delete(SignInLink).where(SignInLink.account_id == account_id))


def current_credentials(*, db: Session, now: datetime | None = None) -> frozenset[str]:
    """What the open console sockets of current sessions hold (see ``credential``)."""
    rows = db.scalars(
        select(AccountSession.id)
        .join(Account)
        .where(AccountSession.expires_at > (now or utcnow()), Account.active.is_(True))
    )
    return frozenset(str(session_id) for session_id in rows)


def credential(session: AccountSession) -> str:
    """What a facilitator's open socket holds: it stays open while the session is current."""
    return str(session.id)


def new_link(*, db: Session, account: Account, now: datetime | None = None) -> str:
    """A one-time sign-in secret for ``account``, lasting LINK_MINUTES; earlier ones end.

    Commits. Only its hash is stored: the secret is shown once, to whoever made it.
    Raises AccountDisabled.
    """
    if not account.active:
        raise AccountDisabled(username=account.username)
    now = now or utcnow()
    secret = secrets.token_urlsafe(32)
    db.execute(
        delete(SignInLink).where(
            (SignInLink.account_id == account.id) | (SignInLink.expires_at <= now)
        )
    )
    db.add(
        SignInLink(
            account_id=account.id,
            token_hash=_hash(secret),
            expires_at=now + timedelta(minutes=LINK_MINUTES),
        )
    )
    db.commit()
    return secret


def link_account(*, db: Session, secret: str, now: datetime | None = None) -> Account:
    """The active account a link is for, without using it up. Raises LinkNotValid."""
    link = db.scalar(select(SignInLink).where(SignInLink.token_hash == _hash(secret)))
    account = db.get(Account, link.account_id) if link is not None else None
    if link is None or link.expires_at <= (now or utcnow()) or not (account and account.active):
        raise LinkNotValid()
    return account


def use_link(*, db: Session, secret: str, now: datetime | None = None) -> Account:
    """Use a link up and return its account, once only even when used twice at once.

    Raises LinkNotValid. Commits; the caller then starts the session (``start``).
    """
    account = link_account(db=db, secret=secret, now=now)
    used = db.execute(delete(SignInLink).where(SignInLink.token_hash == _hash(secret)))
    if used.rowcount != 1:  # type: ignore[attr-defined]  # someone else used it meanwhile
        raise LinkNotValid()
    db.commit()
    return account


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
