"""The participant's phone: join with the code, request the floor, say they are ready,
withdraw, log a summary."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from app import access
from app.config import Settings
from app.csrf import require_token, token_of
from app.i18n import N_, translate
from app.live import frames
from app.models import Event, Participant, TurnKind
from app.routes.deps import (
    OPTIONAL_ID,
    AppSettings,
    CountryField,
    CurrentParticipant,
    Id,
    JoinedEvent,
    Locale,
    NameField,
    NotJoined,
    OrganisationField,
    QuestionId,
    ReadDb,
    SummaryField,
    WriteDb,
    database_of,
    event_to_join,
    limit_floor_requests,
    limit_joins,
    optional_id,
    participant_of,
)
from app.routes.responses import answered, done, flash, html_router, page
from app.services import events, floor, participants, screens
from app.services.clock import epoch_ms
from app.services.errors import DomainError, NotFound
from app.templating import render

router = html_router(dependencies=[Depends(require_token)])

# The consent box: "yes" ticked (a name may appear in published material), absent unticked.
PublishNameBox = Annotated[str, Form(max_length=3, pattern="^(yes)?$")]


@router.get("/")
def home(request: Request, locale: Locale) -> Response:
    return page(request, "home/index.html", locale=locale)


@router.get("/j/{code}")
def join_link(
    request: Request, code: str, db: ReadDb, settings: AppSettings, locale: Locale
) -> Response:
    return join_form(request=request, db=db, settings=settings, locale=locale, code=code)


@router.get("/join")
def join_form(
    request: Request,
    db: ReadDb,
    settings: AppSettings,
    locale: Locale,
    code: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """The join form; a phone that joined the event already goes on to its page, and one that
    joined another event finds its name, organisation and country filled in."""
    event = event_to_join(request, settings, db, code) if code else None
    form: dict[str, str] = {}
    if event is not None:
        if _joined(event, request, db, settings):
            return RedirectResponse(f"/e/{event.slug}", status_code=303)
        form = _as_joined_elsewhere(request, db, settings)
    return page(
        request,
        "participant/join.html",
        locale=locale,
        event=event,
        code=code,
        form=form,
        error=None,
    )


def _joined(event: Event, request: Request, db: Session, settings: Settings) -> bool:
    """Whether this phone joined ``event`` already (its cookie names a participant there)."""
    try:
        participant_of(event, request, db, settings)
    except (NotJoined, NotFound):
        return False
    return True


def _as_joined_elsewhere(request: Request, db: ReadDb, settings: AppSettings) -> dict[str, str]:
    """What this phone gave when it last joined another event (by its cookie there), if any."""
    secure = access.secure_cookies(settings, request.scope)
    prefix = access.full_cookie_name(f"palabra_{access.PARTICIPANT}_", secure=secure)
    known = []
    for name, token in request.cookies.items():
        event_id = name.removeprefix(prefix)
        if name.startswith(prefix) and event_id.isdecimal() and len(event_id) < 12:
            other = db.get(Event, int(event_id))
            participant_id = (
                access.participant_from(settings.secret_key, other, token) if other else None
            )
            if other is not None and participant_id is not None:
                known.append(participants.find(db=db, event=other, participant_id=participant_id))
    latest = max((p for p in known if p is not None), key=lambda p: p.joined_at, default=None)
    if latest is None:
        return {}
    return {"name": latest.name, "organisation": latest.organisation, "country": latest.country}


@router.post("/join")
def join(
    request: Request,
    db: WriteDb,
    settings: AppSettings,
    locale: Locale,
    code: Annotated[str, Form(min_length=1, max_length=64)],
    name: NameField,
    organisation: OrganisationField = "",
    country: CountryField = "",
    actor_type_id: Annotated[str, Form(max_length=20, pattern=OPTIONAL_ID)] = "",
    publish_name: PublishNameBox = "",
) -> Response:
    event = event_to_join(request, settings, db, code)
    if _joined(event, request, db, settings):  # a double tap, the back button: one participant
        return RedirectResponse(f"/e/{event.slug}", status_code=303)
    limit_joins(request, settings)
    form = {
        "name": name,
        "organisation": organisation,
        "country": country,
        "actor_type_id": actor_type_id,
        "publish_name": publish_name,
    }
    try:
        participant = participants.join(
            db=db,
            event=event,
            name=name,
            organisation=organisation,
            actor_type_id=optional_id(actor_type_id),
            country=country,
            publish_name=publish_name == "yes",
        )
    except DomainError as error:
        return page(
            request,
            "participant/join.html",
            locale=locale,
            status_code=error.status_code,
            event=event,
            code=code,
            form=form,
            error=translate(locale, error.message_id, error.params),
        )
    response = RedirectResponse(f"/e/{event.slug}", status_code=303)
    response.headers.append(
        "set-cookie",
        access.set_cookie_header(
            settings,
            request.scope,
            access.cookie_name(access.PARTICIPANT, event),
            access.participant_cookie(settings.secret_key, event, participant.id),
            max_age=60 * 60 * 24 * 30,
        ),
    )
    return response


@router.get("/e/{slug}")
def participant_page(
    slug: str, request: Request, db: ReadDb, settings: AppSettings, locale: Locale
) -> Response:
    event = events.get_by_slug(db=db, slug=slug)
    try:
        me = participant_of(event, request, db, settings)
    except NotJoined:
        return RedirectResponse("/join", status_code=303)
    room = screens.room(db=db, event_id=event.id)
    return page(
        request,
        "participant/page.html",
        locale=locale,
        room=room,
        mine=screens.my_turn(room=room, participant_id=me.id),
        me=me,
        base=frames.participant_base(event.slug),
        socket_path=f"/ws/participant/{event.slug}",
        server_now_ms=epoch_ms(room.now),
    )


@router.post("/e/{slug}/floor", dependencies=[Depends(limit_floor_requests)])
def request_floor(
    request: Request,
    event: JoinedEvent,
    me: CurrentParticipant,
    db: WriteDb,
    locale: Locale,
    kind: Annotated[TurnKind, Form()],
    question_ids: Annotated[list[QuestionId], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
) -> Response:
    floor.request_floor(db=db, event=event, participant=me, kind=kind, question_ids=question_ids)
    return _my_turn_changed(request, event, me, locale)


@router.post("/e/{slug}/floor/{request_id}/withdraw")
def withdraw(
    request: Request,
    request_id: Id,
    event: JoinedEvent,
    me: CurrentParticipant,
    db: WriteDb,
    locale: Locale,
) -> Response:
    floor.withdraw(db=db, event=event, participant=me, request_id=request_id)
    return _my_turn_changed(request, event, me, locale)


@router.post("/e/{slug}/floor/{request_id}/ready")
def confirm_ready(
    request: Request,
    request_id: Id,
    event: JoinedEvent,
    me: CurrentParticipant,
    db: WriteDb,
    locale: Locale,
) -> Response:
    floor.confirm_ready(db=db, event=event, participant=me, request_id=request_id)
    return _my_turn_changed(request, event, me, locale)


@router.post("/e/{slug}/floor/{request_id}/summary")
def save_summary(
    request: Request,
    request_id: Id,
    event: JoinedEvent,
    me: CurrentParticipant,
    db: WriteDb,
    locale: Locale,
    summary: SummaryField,
) -> Response:
    floor.save_summary(db=db, event=event, participant=me, request_id=request_id, summary=summary)
    return _my_turn_changed(request, event, me, locale)


@router.post("/e/{slug}/name-consent")
def change_name_consent(
    request: Request,
    event: JoinedEvent,
    me: CurrentParticipant,
    db: WriteDb,
    locale: Locale,
    publish_name: PublishNameBox = "",
) -> Response:
    """The participant says again whether their name may appear in published material."""
    me = participants.set_publish_name(
        db=db, event=event, participant_id=me.id, publish_name=publish_name == "yes"
    )
    region = render(
        "participant/_name_consent.html",
        locale=locale,
        csrf_token=token_of(request),
        oob=True,
        slug=event.slug,
        me=me,
    )
    saved = translate(locale, N_("Your choice is saved."))
    return done(request, regions=region + flash(saved, locale=locale), then=f"/e/{event.slug}")


def _my_turn_changed(request: Request, event: Event, me: Participant, locale: str) -> Response:
    with database_of(request).reading() as db:
        mine = screens.my_turn_now(db=db, event=event, participant_id=me.id)
        region = frames.my_turn(mine, slug=event.slug, locale=locale)
    answered(request, event_id=event.id, version=mine.version, regions={frames.MY_TURN: region})
    return done(request, regions=region + flash("", locale=locale), then=f"/e/{event.slug}")
