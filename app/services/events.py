"""Finding an event, its join code and its projector link."""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import LANGUAGES, N_
from app.models import Event, Topic
from app.models.agenda import Stage
from app.services import changes
from app.services.errors import InvalidInput, NotFound

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


# How many of an event's earlier join codes are recognised as replaced.
RETIRED_CODES_KEPT = 10


class CodeReplaced(NotFound):
    """A join code the event had before it was given a new one (an old QR code, say)."""

    message = N_("That code was replaced by a new one. Read the new code on the screen.")


def get_by_code(*, db: Session, code: str) -> Event:
    """The event whose join code this is (typed any way: see ``normalise_code``).

    Raises ``CodeReplaced`` for one of an event's earlier codes, ``NotFound`` otherwise.
    """
    wanted = normalise_code(code)
    event = db.scalar(select(Event).where(Event.join_code == wanted))
    if event is not None:
        return event
    # An instance runs a handful of events: their earlier codes are read, not indexed.
    if any(wanted in retired for retired in db.scalars(select(Event.retired_join_codes))):
        raise CodeReplaced()
    raise NotFound(N_("No event has that code. Check it on the screen and try again."))


def only_one(*, db: Session) -> Event | None:
    """The event of this Palabra if it runs one (as a consultation's own server does)."""
    found = list(db.scalars(select(Event).limit(2)))
    return found[0] if len(found) == 1 else None


def get(*, db: Session, event_id: int) -> Event:
    event = db.get(Event, event_id)
    if event is None:
        raise NotFound(N_("There is no event at this address."))
    return event


def list_all(*, db: Session) -> list[Event]:
    return list(db.scalars(select(Event).order_by(Event.starts_on, Event.id)))


def open_topic(*, db: Session, event_id: int) -> Topic | None:
    """The topic the room is on, if any."""
    return db.scalar(select(Topic).where(Topic.event_id == event_id, Topic.stage == Stage.OPEN))


def rotate_join_code(
    *,
    db: Session,
    event: Event,
    seen_code: str,
    end_sessions: bool = False,
    now: datetime | None = None,
) -> Event:
    """Give the event a new join code. Phones that joined stay in, unless ``end_sessions``.

    ``seen_code`` is the code the console showed: a second click on the same page (or a
    co-facilitator's) does not replace the new code again. Raises ``Stale`` otherwise.
    """
    with changes.change(db=db, event=event, action="event.rotate_code", now=now) as work:
        event = work.event
        work.expect(normalise_code(seen_code), event.join_code)
        before = {"code": event.join_code, "join_generation": event.join_generation}
        retired = [event.join_code, *event.retired_join_codes]
        event.retired_join_codes = retired[:RETIRED_CODES_KEPT]
        event.join_code = new_join_code()
        if end_sessions:
            event.join_generation += 1
        after = {"code": event.join_code, "join_generation": event.join_generation}
        work.changed_room(before=before, after=after)
    return event


def renew_projector_link(
    *, db: Session, event: Event, seen_link: str, now: datetime | None = None
) -> Event:
    """A new projector link; every link given out before stops working, open ones close.

    ``seen_link`` is the projector key the console showed; raises ``Stale`` if it was
    renewed since.
    """
    with changes.change(db=db, event=event, action="event.renew_projector_link", now=now) as work:
        event = work.event
        work.expect(hmac.compare_digest(seen_link.encode(), event.projector_token.encode()), True)
        old = event.projector_token
        event.projector_token = secrets.token_urlsafe(24)
        # The start of each link is enough to tell them apart; the rest stays secret.
        work.changed_room(
            before={"projector_link": f"{old[:4]}…"},
            after={"projector_link": f"{event.projector_token[:4]}…"},
        )
    return event


def projector_languages(event: Event) -> list[str]:
    """What projectors show: one language, or two side by side; the agenda's by default."""
    return list(event.projector_languages) or [event.language]


def set_projector_languages(
    *, db: Session, event: Event, languages: list[str], now: datetime | None = None
) -> None:
    """Every open projector of the event shows ``languages`` (one or two codes of
    ``app.i18n.LANGUAGES``, the first the main one) from its next change on.

    A setting, not a step: nothing makes it stale. Raises ``InvalidInput`` otherwise.
    """
    if not 1 <= len(languages) <= 2 or len(set(languages)) != len(languages):
        raise InvalidInput(N_("Choose one language for the projector, or two different ones."))
    if any(language not in LANGUAGES for language in languages):
        raise InvalidInput(N_("Choose languages Palabra offers."))
    with changes.change(db=db, event=event, action="event.projector_languages", now=now) as work:
        before = {"languages": projector_languages(work.event)}
        work.event.projector_languages = languages
        work.changed_room(before=before, after={"languages": languages})
