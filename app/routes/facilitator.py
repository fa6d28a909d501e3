"""The facilitator's console: agenda, list of speakers and countdown."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from app.csrf import require_token
from app.i18n import translate
from app.live import frames
from app.models import Event, TurnKind
from app.routes.deps import (
    OPTIONAL_ID,
    ActingDb,
    AppSettings,
    CountryField,
    CurrentAccount,
    FacilitatedEvent,
    Id,
    Locale,
    NameField,
    OrganisationField,
    ReadDb,
    SeenVersion,
    SegmentSpeakingTimeField,
    SpeakingTimeField,
    database_of,
    locale_for,
    optional_id,
)
from app.routes.responses import answered, done, flash, html_router, page
from app.services import agenda, events, floor, screens, timer, turns
from app.services.clock import epoch_ms
from app.services.events import Stale

router = html_router(prefix="/f/{slug}", dependencies=[Depends(require_token)])

REQUEST_ACTIONS: dict[str, Callable[..., Any]] = {
    "call": turns.call,
    "skip": floor.skip,
    "remove": floor.remove,
    "put-back": floor.put_back,
    "up": partial(floor.move, offset=-1),
    "down": partial(floor.move, offset=+1),
}
# Actions on the event as a whole, each at its own address.
EVENT_ACTIONS: dict[str, Callable[..., Any]] = {
    "/topics/next": agenda.next_topic,
    "/floor/next": turns.call_next,
    "/floor/finish": turns.finish,
    "/floor/list/open": partial(floor.set_list_open, is_open=True),
    "/floor/list/close": partial(floor.set_list_open, is_open=False),
    "/timer/start": timer.start,
    "/timer/pause": timer.pause,
    "/timer/add": partial(timer.add_time, seconds=30),
    "/timer/reset": timer.reset,
}


def _event_action(change: Callable[..., Any]) -> Callable[..., Response]:
    def act(
        request: Request,
        event: FacilitatedEvent,
        db: ActingDb,
        locale: Locale,
        version: SeenVersion = None,
    ) -> Response:
        change(db=db, event=event, expected_version=version)
        return _console_changed(request, event, locale)

    return act


# Registered first: "/floor/list/open" must not be read as request "list", action "open".
for path, change in EVENT_ACTIONS.items():
    router.add_api_route(path, _event_action(change), methods=["POST"])


@router.get("")
def console(
    request: Request,
    event: FacilitatedEvent,
    account: CurrentAccount,
    db: ReadDb,
    settings: AppSettings,
    locale: Locale,
) -> Response:
    room = screens.room(db=db, event_id=event.id)
    projector_key = event.projector_token
    return page(
        request,
        "facilitator/page.html",
        locale=locale,
        room=room,
        base=frames.facilitator_base(room),
        socket_path=f"/ws/facilitator/{event.slug}",
        server_now_ms=epoch_ms(room.now),
        account=account,
        links={
            "projector": f"/projector/{event.slug}?key={projector_key}",
            "join": frames.join_url(settings.base_url, event.join_code),
        },
    )


@router.post("/segments/{segment_id}/speaking-time")
def segment_speaking_time(
    request: Request,
    segment_id: Id,
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    speaking_time: SegmentSpeakingTimeField = "",
    version: SeenVersion = None,
) -> Response:
    """Empty: the segment takes the event's speaking time again."""
    agenda.set_speaking_time(
        db=db,
        event=event,
        speaking_time=speaking_time,
        segment_id=segment_id,
        expected_version=version,
    )
    return _console_changed(request, event, locale)


@router.post("/segments/{segment_id}/{action}")
def segment_action(
    request: Request,
    segment_id: Id,
    action: Literal["open", "close"],
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    version: SeenVersion = None,
) -> Response:
    change = agenda.open_segment if action == "open" else agenda.close_segment
    change(db=db, event=event, segment_id=segment_id, expected_version=version)
    return _console_changed(request, event, locale)


@router.post("/topics/{topic_id}/{action}")
def topic_action(
    request: Request,
    topic_id: Id,
    action: Literal["open", "close"],
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    version: SeenVersion = None,
) -> Response:
    change = agenda.open_topic if action == "open" else agenda.close_topic
    change(db=db, event=event, topic_id=topic_id, expected_version=version)
    return _console_changed(request, event, locale)


@router.post("/speaking-time")
def speaking_time(
    request: Request,
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    speaking_time: SpeakingTimeField,
    version: SeenVersion = None,
) -> Response:
    agenda.set_speaking_time(
        db=db, event=event, speaking_time=speaking_time, expected_version=version
    )
    return _console_changed(request, event, locale)


@router.post("/join-code")
def new_join_code(
    request: Request,
    event: FacilitatedEvent,
    db: ActingDb,
    end_sessions: Annotated[Literal["", "true"], Form()] = "",
) -> Response:
    events.rotate_join_code(db=db, event=event, end_sessions=end_sessions == "true")
    return _links_changed(request, event)


@router.post("/projector-link")
def new_projector_link(request: Request, event: FacilitatedEvent, db: ActingDb) -> Response:
    events.renew_projector_link(db=db, event=event)
    return _links_changed(request, event)


@router.post("/floor/add")
def add_speaker(
    request: Request,
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    name: NameField,
    kind: Annotated[TurnKind, Form()],
    organisation: OrganisationField = "",
    country: CountryField = "",
    actor_type_id: Annotated[str, Form(max_length=20, pattern=OPTIONAL_ID)] = "",
) -> Response:
    floor.add_from_room(
        db=db,
        event=event,
        name=name,
        organisation=organisation,
        actor_type_id=optional_id(actor_type_id),
        country=country,
        kind=kind,
    )
    return _console_changed(request, event, locale)


@router.post("/floor/{request_id}/{action}")
def request_action(
    request: Request,
    request_id: Id,
    action: Literal["call", "skip", "remove", "put-back", "up", "down"],
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    version: SeenVersion = None,
) -> Response:
    REQUEST_ACTIONS[action](db=db, event=event, request_id=request_id, expected_version=version)
    return _console_changed(request, event, locale)


def _console_changed(request: Request, event: Event, locale: str) -> Response:
    with database_of(request).reading() as db:
        room = screens.room(db=db, event_id=event.id)
        frame = frames.facilitator(room, locale=locale)
    answered(request, event_id=event.id, version=room.version, regions=frame)
    regions = frames.joined(frame) + flash("", locale=locale)
    return done(request, regions=regions, then=f"/f/{event.slug}")


def _links_changed(request: Request, event: Event) -> Response:
    """The console's header shows the links: load the console again."""
    response = done(request, regions="", then=f"/f/{event.slug}")
    response.headers["HX-Refresh"] = "true"
    return response


async def answer_stale(request: Request, error: Exception) -> Response:
    """An action on a view of the room that is no longer current: the fresh console, and why."""
    return await run_in_threadpool(_fresh_console, request, error)


def _fresh_console(request: Request, error: Exception) -> Response:
    assert isinstance(error, Stale)
    locale = locale_for(request)
    with database_of(request).reading() as db:
        event = events.get_by_slug(db=db, slug=request.path_params["slug"])
        room = screens.room(db=db, event_id=event.id)
    message = translate(locale, error.message_id, error.params)
    frame = frames.facilitator(room, locale=locale)
    answered(request, event_id=event.id, version=room.version, regions=frame)
    regions = frames.joined(frame)
    return HTMLResponse(regions + flash(message, locale=locale, level="error"), status_code=409)
