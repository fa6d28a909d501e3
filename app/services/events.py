"""Finding an event, locking it for a change, and its join code."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import record_change
from app.i18n import N_
from app.models import Event, Topic
from app.models.agenda import Stage
from app.services import audit
from app.services.clock import utcnow
from app.services.errors import DomainError, NotFound

# No 0/O, 1/I/L: a code is read off a projector and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """What a person typed, as the code is stored: upper case, no spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())[:32]


def get_by_slug(*, db: Session, slug: str) -> Event:
    # PostgreSQL refuses a NUL character in a query; no slug has one.
    event = None if "\x00" in slug else db.scalar(select(Event).where(Event.slug == slug))
    if event is None:
        raise NotFound(N_("There is no event at this address."))
    return event


def get_by_code(*, db: Session, code: str) -> Event:
    event = db.scalar(select(Event).where(Event.join_code == normalise_code(code)))
    if event is None:
        raise NotFound(N_("No event has that code. Check it on the screen and try again."))
    return event


def get(*, db: Session, event_id: int) -> Event:
    event = db.get(Event, event_id)
    if event is None:
        raise NotFound(N_("There is no event at this address."))
    return event


class Stale(DomainError):
    message = N_("The room changed while you were acting; check the fresh view and try again.")


def lock(*, db: Session, event: Event, expected_version: int | None = None) -> Event:
    """Take the event's row lock so that changes to one event are applied one at a time.

    Returns this session's copy of the event (``event`` may come from a read session). With
    ``expected_version``, refuses to act on a view of the room that is no longer current:
    two facilitators pressing "next" together advance the list once.
    On SQLite the write transaction already holds the database's write lock.
    """
    locked = db.get(Event, event.id, with_for_update=True, populate_existing=True)
    if locked is None:
        raise NotFound(N_("There is no event at this address."))
    if expected_version is not None and locked.version != expected_version:
        raise Stale()
    return locked


def list_all(*, db: Session) -> list[Event]:
    return list(db.scalars(select(Event).order_by(Event.starts_on, Event.id)))


def open_topic(*, db: Session, event_id: int) -> Topic | None:
    """The topic the room is on, if any."""
    return db.scalar(select(Topic).where(Topic.event_id == event_id, Topic.stage == Stage.OPEN))


def rotate_join_code(
    *,
    db: Session,
    event: Event,
    end_sessions: bool = False,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Event:
    """Give the event a new join code. Phones that joined stay in, unless ``end_sessions``."""
    event = lock(db=db, event=event, expected_version=expected_version)
    before = {"code": event.join_code, "join_generation": event.join_generation}
    event.join_code = new_join_code()
    if end_sessions:
        event.join_generation += 1
    record_change(db, event)
    audit.record(
        db=db,
        event=event,
        action="event.rotate_code",
        before=before,
        after={"code": event.join_code, "join_generation": event.join_generation},
        now=now or utcnow(),
    )
    db.commit()
    return event


def renew_projector_link(
    *,
    db: Session,
    event: Event,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Event:
    """A new projector link; every link given out before stops working, open ones close."""
    event = lock(db=db, event=event, expected_version=expected_version)
    old = event.projector_token
    event.projector_token = secrets.token_urlsafe(24)
    record_change(db, event)
    audit.record(
        db=db,
        event=event,
        action="event.renew_projector_link",
        # The start of each link is enough to tell them apart; the rest stays secret.
        before={"projector_link": f"{old[:4]}…"},
        after={"projector_link": f"{event.projector_token[:4]}…"},
        now=now or utcnow(),
    )
    db.commit()
    return event
