"""Accounts: create, sign in, disable, reset a password, change a role.

An account is a facilitator's, a rapporteur's or both (``Role``): every account reads and
tags the record; only a facilitator drives the floor (``may_facilitate``).

Passwords are hashed with Argon2id (argon2-cffi's recommended parameters) and never stored
or logged. Disabling an account or resetting its password ends all of its sessions.
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.i18n import N_
from app.models import Account, Role
from app.services import sessions
from app.services.clock import utcnow
from app.services.errors import DomainError, InvalidInput, NotFound
from app.services.text import clean_line

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,59}")
NAME_MAX = 120
PASSWORD_MIN = 12
# Argon2 hashes whatever it is given; a bound keeps a megabyte "password" from costing more.
PASSWORD_MAX = 1024

_hasher = PasswordHasher()
# Verified when the username is unknown, so that a wrong name takes as long as a wrong password.
_UNKNOWN = _hasher.hash("not a password of anyone")


class UsernameTaken(DomainError):
    message = N_("There is already an account named {username}.")


class NotAFacilitator(DomainError):
    """A rapporteur's account on the floor's controls: it keeps the record only."""

    status_code = 403
    message = N_(
        "Your account is a rapporteur's: it reads and tags the record, but only a facilitator "
        "runs the floor."
    )


def may_facilitate(account: Account) -> None:
    """Raise ``NotAFacilitator`` unless ``account`` may drive the floor."""
    if not account.role.facilitates:
        raise NotAFacilitator()


def create(
    *, db: Session, username: str, name: str, password: str, role: Role = Role.FACILITATOR
) -> Account:
    """A new active account with this role. Raises ``InvalidInput``, ``UsernameTaken``."""
    username = _valid_username(username)
    if _find(db, username) is not None:
        raise UsernameTaken(username=username)
    account = Account(
        username=username,
        name=clean_line(name, limit=NAME_MAX, field=N_("Name"), required=True),
        password_hash=_hasher.hash(_valid_password(password)),
        active=True,
        role=role,
        created_at=utcnow(),
    )
    db.add(account)
    try:
        db.commit()
    except IntegrityError:  # created by someone else in the meantime
        db.rollback()
        raise UsernameTaken(username=username) from None
    return account


def list_all(*, db: Session) -> list[Account]:
    return list(db.scalars(select(Account).order_by(Account.username)))


def get(*, db: Session, username: str) -> Account:
    account = _find(db, username.strip().lower())
    if account is None:
        raise NotFound(N_("There is no account named {username}."), username=username)
    return account


def set_active(*, db: Session, username: str, active: bool) -> Account:
    """Disable an account (its sessions end at once) or enable it again."""
    account = get(db=db, username=username)
    if account.active != active:
        account.active = active
        sessions.end_all(db=db, account_id=account.id)
        db.commit()
    return account


def set_role(*, db: Session, username: str, role: Role) -> Account:
    """Make the account a facilitator's, a rapporteur's or both; its sessions go on, and
    each request checks the role it has then."""
    account = get(db=db, username=username)
    account.role = role
    db.commit()
    return account


def reset_password(*, db: Session, username: str, password: str) -> Account:
    """A new password; every session of the account ends."""
    account = get(db=db, username=username)
    account.password_hash = _hasher.hash(_valid_password(password))
    sessions.end_all(db=db, account_id=account.id)
    db.commit()
    return account


def authenticate(*, db: Session, username: str, password: str) -> Account | None:
    """The active account with this name and password, or None (never saying which was wrong).

    Reads only: a hash made with older parameters keeps working (a reset renews it).
    """
    account = _find(db, username.strip().lower()) if len(username) <= 60 else None
    if len(password) > PASSWORD_MAX:
        return None
    try:
        _hasher.verify(account.password_hash if account else _UNKNOWN, password)
    except (VerificationError, InvalidHashError):
        return None
    if account is None or not account.active:
        return None
    return account


def _find(db: Session, username: str) -> Account | None:
    if "\x00" in username:  # PostgreSQL refuses one in a query; no username has one
        return None
    return db.scalar(select(Account).where(Account.username == username))


def _valid_username(username: str) -> str:
    username = username.strip().lower()
    if not USERNAME.fullmatch(username):
        raise InvalidInput(
            N_(
                "A username has 2 to 60 characters: lower-case letters, digits, '.', '_' or '-', "
                "starting with a letter or digit."
            )
        )
    return username


def _valid_password(password: str) -> str:
    if len(password) < PASSWORD_MIN:
        raise InvalidInput(N_("A password has at least {count} characters."), count=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        raise InvalidInput(N_("A password has at most {count} characters."), count=PASSWORD_MAX)
    return password
