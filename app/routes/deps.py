"""Dependencies shared by the routes, as Annotated aliases that read like prose."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Form, Path, Request
from pydantic import Field
from sqlalchemy.orm import Session
from starlette.requests import HTTPConnection

from app import access, language
from app.config import Settings
from app.db import Database
from app.i18n import N_, plural_message
from app.models import Account, AccountSession, Event, Participant
from app.ratelimit import Limiter, Rule
from app.services import accounts, audit, events, participants, sessions
from app.services.agenda_file import SPEAKING_TIME
from app.services.errors import DomainError, InvalidInput, NotFound
from app.services.participants import COUNTRY_MAX, NAME_MAX, ORGANISATION_MAX
from app.services.text import SPACE, SPACE_CLASS, VISIBLE


class NotSignedIn(DomainError):
    """A facilitator's page or action without a current session."""

    status_code = 401
    message = N_("Please sign in as a facilitator.")


class NotJoined(DomainError):
    status_code = 401
    message = N_("Join the event with its code first.")


# Trivial dependencies are async so that FastAPI calls them in the event loop instead of
# handing each to a worker thread: under a burst of phones every thread hop counts.


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def database_of(connection: HTTPConnection) -> Database:
    database: Database = connection.app.state.database
    return database


async def get_database(request: Request) -> Database:
    return database_of(request)


def read_session(database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    with database.reading() as session:
        yield session


def write_session(database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    with database.writing() as session:
        yield session


AppSettings = Annotated[Settings, Depends(get_settings)]
ReadDb = Annotated[Session, Depends(read_session)]
WriteDb = Annotated[Session, Depends(write_session)]


def locale_for(connection: HTTPConnection) -> str:
    """The reader's language (app/language.py): chosen, accepted, the event's, the default."""
    settings: Settings = connection.app.state.settings
    return language.reader_language(connection, settings, lambda: _event_language(connection))


def _event_language(connection: HTTPConnection) -> str | None:
    """The language of the event this page is about (its agenda's original), if there is one:
    named by its address (``/e/<slug>``…), by a join code (``/j/<code>``, ``?code=``), or the
    only event of this Palabra (its home and sign-in pages are that event's).

    An event's language never changes once loaded, so each is read once per process.
    """
    slug = connection.path_params.get("slug")
    code = connection.path_params.get("code") or connection.query_params.get("code")
    with database_of(connection).reading() as db:
        if not isinstance(slug, str):
            try:
                event = events.get_by_code(db=db, code=code) if code else events.only_one(db=db)
            except NotFound:
                return None
            if event is None:
                return None
            slug = event.slug
        known: dict[str, str] = connection.app.state.event_languages
        if slug not in known:
            try:
                known[slug] = events.get_by_slug(db=db, slug=slug).language
            except NotFound:
                return None
    return known[slug]


async def locale_of(request: Request) -> str:
    return locale_for(request)


Locale = Annotated[str, Depends(locale_of)]


def session_secret_of(connection: HTTPConnection) -> str | None:
    """The session secret this request's or socket's cookie carries, unless forged."""
    settings: Settings = connection.app.state.settings
    token = access.read_cookie(settings, connection, access.SESSION_COOKIE)
    return access.session_secret(settings.secret_key, token)


def signed_in_session(connection: HTTPConnection, database: Database) -> AccountSession | None:
    """The current session of the facilitator whose cookie this request or socket carries."""
    secret = session_secret_of(connection)
    if secret is None:
        return None
    with database.reading() as db:
        return sessions.current(db=db, secret=secret)


def current_session(
    request: Request, database: Annotated[Database, Depends(get_database)]
) -> AccountSession:
    session = signed_in_session(request, database)
    if session is None:
        raise NotSignedIn()
    return session


def current_account(session: Annotated[AccountSession, Depends(current_session)]) -> Account:
    return session.account


CurrentSession = Annotated[AccountSession, Depends(current_session)]
CurrentAccount = Annotated[Account, Depends(current_account)]


# Who acts on which event is read in short read sessions of their own: a dependency holds
# no connection while the request goes on, and the write lock is taken only inside the one
# service call of a route.


def facilitated_event(
    slug: str, account: CurrentAccount, database: Annotated[Database, Depends(get_database)]
) -> Event:
    """The event at this address, for an account that drives the floor (403 otherwise)."""
    accounts.may_facilitate(account)
    return recorded_event(slug, account, database)


def recorded_event(
    slug: str, _: CurrentAccount, database: Annotated[Database, Depends(get_database)]
) -> Event:
    """The event at this address, for any account: every role reads and tags the record."""
    with database.reading() as db:
        return events.get_by_slug(db=db, slug=slug)


def acting_session(
    account: CurrentAccount, database: Annotated[Database, Depends(get_database)]
) -> Iterator[Session]:
    """A write session whose audit entries name the facilitator acting."""
    with database.writing() as session:
        audit.act_as(session, account.username)
        yield session


ActingDb = Annotated[Session, Depends(acting_session)]
FacilitatedEvent = Annotated[Event, Depends(facilitated_event)]
RecordedEvent = Annotated[Event, Depends(recorded_event)]


def participant_of(event: Event, request: Request, db: Session, settings: Settings) -> Participant:
    token = access.read_cookie(settings, request, access.cookie_name(access.PARTICIPANT, event))
    participant_id = access.participant_from(settings.secret_key, event, token)
    if participant_id is None:
        raise NotJoined()
    return participants.get(db=db, event=event, participant_id=participant_id)


def joined_event(slug: str, database: Annotated[Database, Depends(get_database)]) -> Event:
    with database.reading() as db:
        return events.get_by_slug(db=db, slug=slug)


def current_participant(
    request: Request,
    event: Annotated[Event, Depends(joined_event)],
    database: Annotated[Database, Depends(get_database)],
    settings: AppSettings,
) -> Participant:
    with database.reading() as db:
        return participant_of(event, request, db, settings)


JoinedEvent = Annotated[Event, Depends(joined_event)]
CurrentParticipant = Annotated[Participant, Depends(current_participant)]


def optional_id(value: str) -> int | None:
    """A form's optional id field: empty means none."""
    value = value.strip(SPACE)
    if not value:
        return None
    if not re.fullmatch(r"[0-9]{1,9}", value):
        raise InvalidInput()
    return int(value)


# Ids: a number the database can hold (PostgreSQL's INTEGER), or a clear 422.
MAX_ID = 2**31 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
QuestionId = Annotated[int, Field(ge=1, le=MAX_ID)]


# Text that the services clean and check, so that what is wrong is said in the form itself,
# typed values kept. The schema documents what they accept; the route only bounds the read.
def _service_checked(read_max: int, **accepted: Any) -> Any:
    return Form(max_length=read_max, json_schema_extra=accepted)


NameField = Annotated[str, _service_checked(1000, maxLength=NAME_MAX, pattern=VISIBLE)]
OrganisationField = Annotated[str, _service_checked(1000, maxLength=ORGANISATION_MAX)]
CountryField = Annotated[str, _service_checked(1000, maxLength=COUNTRY_MAX)]
# A summary's limit is on the text as cleaned (a browser sends a line break as two characters).
SummaryField = Annotated[str, _service_checked(20_000, pattern=VISIBLE)]
SpeakingTimeField = Annotated[str, _service_checked(10, pattern=SPEAKING_TIME)]
# A segment's speaking time may be emptied: the segment then takes the event's.
SegmentSpeakingTimeField = Annotated[
    str, _service_checked(10, pattern=f"^{SPACE_CLASS}*$|{SPEAKING_TIME}")
]

# A form's optional id: up to nine digits (any such number fits MAX_ID), or nothing.
OPTIONAL_ID = f"^{SPACE_CLASS}*(?:[0-9]{{1,9}})?{SPACE_CLASS}*$"


# What a facilitator's action depends on, as the console drew it: the id of the speaker, of
# the first one waiting, of the open topic or segment (empty for "none"). Each console form
# carries its own, so a plain form sends them as htmx does; see app/services/changes.py.
# Empty or missing means "none": a request that names nothing is refused whenever there was
# something to name.
SeenIdField = Annotated[str, Form(max_length=20, pattern=OPTIONAL_ID)]


def seen_speaker(speaker: SeenIdField = "") -> int | None:
    return optional_id(speaker)


def seen_first(first: SeenIdField = "") -> int | None:
    return optional_id(first)


def seen_topic(topic: SeenIdField = "") -> int | None:
    return optional_id(topic)


def seen_segment(segment: SeenIdField = "") -> int | None:
    return optional_id(segment)


SeenSpeaker = Annotated[int | None, Depends(seen_speaker)]
SeenFirst = Annotated[int | None, Depends(seen_first)]
SeenTopic = Annotated[int | None, Depends(seen_topic)]
SeenSegment = Annotated[int | None, Depends(seen_segment)]
# Where the console showed a waiting line: 1 for the first.
SeenPlace = Annotated[int, Form(ge=1, le=MAX_ID)]


class TooManyTries(DomainError):
    """A rate limit was hit; ``retry_after`` seconds until the next try would count."""

    status_code = 429

    def __init__(self, seconds: int) -> None:
        wait = plural_message(
            "Too many tries. Please wait {count} second and try again.",
            "Too many tries. Please wait {count} seconds and try again.",
            seconds,
        )
        super().__init__(wait)
        self.retry_after = seconds


def _limit(request: Request, key: str, rule: str) -> None:
    limiter: Limiter = request.app.state.limiter
    wait = limiter.hit(key, Rule.parse(rule))
    if wait is not None:
        raise TooManyTries(wait)


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def event_to_join(request: Request, settings: Settings, db: Session, code: str) -> Event:
    """The event whose join code this is; a wrong code counts as a failed join of this address.

    Raises NotFound for a wrong code, and TooManyTries while the address is over its failed
    joins (``rate_failed_join_per_address``), for the right code too: answered apart, the
    right code would stand out to a guesser however slowly they were let through. A replaced
    code (``CodeReplaced``: an old QR code scanned in the hall) is told apart and not counted:
    it guesses nothing.
    """
    limiter: Limiter = request.app.state.limiter
    key = f"join:failed:{_address(request)}"
    wait = limiter.wait(key, Rule.parse(settings.rate_failed_join_per_address))
    if wait is not None:
        raise TooManyTries(wait)
    try:
        return events.get_by_code(db=db, code=code)
    except events.CodeReplaced:
        raise
    except NotFound:
        _limit(request, key, settings.rate_failed_join_per_address)
        raise


def limit_joins(request: Request, settings: Settings) -> None:
    """A join with the right code, counted apart from the failed ones (sized for a hall)."""
    _limit(request, f"join:{_address(request)}", settings.rate_join_per_address)


def limit_floor_requests(request: Request, settings: AppSettings, me: CurrentParticipant) -> None:
    _limit(request, f"floor:device:{me.id}", settings.rate_floor_per_device)
    _limit(request, f"floor:address:{_address(request)}", settings.rate_floor_per_address)


def limit_logins_by_address(request: Request, settings: AppSettings) -> None:
    _limit(request, f"login:address:{_address(request)}", settings.rate_login_per_address)


def limit_logins(request: Request, settings: Settings, username: str) -> None:
    """Per username from one address, and per username from everywhere, far higher.

    Guessing one facilitator's password is slow from one address and from many; somebody
    else's tries at a username do not lock its facilitator out unless they come from many
    addresses at once.
    """
    account = f"login:account:{username.strip().lower()}"
    _limit(request, f"{account}:{_address(request)}", settings.rate_login_per_account)
    _limit(request, account, settings.rate_login_per_account_everywhere)
