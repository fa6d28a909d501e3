"""The facilitator's console: agenda, list of speakers and countdown."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from app.config import Settings
from app.csrf import require_token, token_of
from app.i18n import LANGUAGES, N_, translate
from app.live import frames
from app.live.hub import Hub
from app.models import Event, TurnKind
from app.models.agenda import OrderRule
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
    SeenFirst,
    SeenPlace,
    SeenSegment,
    SeenSpeaker,
    SeenTopic,
    SegmentSpeakingTimeField,
    SpeakingTimeField,
    database_of,
    locale_for,
    optional_id,
)
from app.routes.responses import answered, done, flash, html_router, is_htmx, page
from app.services import agenda, events, floor, screens, timer, turns
from app.services.changes import Stale
from app.services.clock import epoch_ms
from app.templating import clock, render

router = html_router(prefix="/f/{slug}", dependencies=[Depends(require_token)])

# Every answer to a console's action clears the question a move asked, if one is open.
NO_QUESTION = '<div id="fac-confirm" hx-swap-oob="true"></div>'


# Each action names what it depends on as the console drew it (app/services/changes.py):
# it is refused only when that changed, never because something else in the room did.


def agreement(
    confirmed: Annotated[Literal["", "true"], Form()] = "",
    ending: Annotated[str, Form(max_length=20, pattern=OPTIONAL_ID)] = "",
) -> agenda.Agreed | None:
    """``confirmed``: sent by the confirmation of a move that ends something; ``ending``: the
    request whose turn it said would end (empty: nobody's)."""
    return agenda.Agreed(speaker=optional_id(ending)) if confirmed == "true" else None


Agreement = Annotated[agenda.Agreed | None, Depends(agreement)]

# What each move of the agenda asks before it ends a turn or leaves requests waiting.
QUESTIONS = {
    "next_topic": (N_("Move on to the next topic?"), N_("Yes, next topic")),
    "open_topic": (N_("Open this topic instead?"), N_("Yes, open it")),
    "close_topic": (N_("Close this topic?"), N_("Yes, close it")),
    "open_segment": (N_("Open this segment instead?"), N_("Yes, open it")),
    "close_segment": (N_("Close this segment?"), N_("Yes, close it")),
}


@router.post("/topics/next")
def next_topic(
    request: Request,
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    topic: SeenTopic,
    agreed: Agreement,
) -> Response:
    """A move that would end a turn or leave requests waiting answers what it would end and
    asks first (a dialog for htmx, a page for a plain form post); its confirmation posts
    again with ``confirmed``. The same for every move of the agenda below."""
    move = partial(agenda.next_topic, db=db, event=event, seen_topic=topic)
    return _moving(request, event, db, locale, "next_topic", move, agreed, {"topic": topic})


@router.post("/floor/next")
def call_next(
    request: Request,
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    first: SeenFirst,
    speaker: SeenSpeaker,
) -> Response:
    turns.call_next(db=db, event=event, seen_first=first, seen_speaker=speaker)
    return _console_changed(request, event, locale)


@router.post("/floor/finish")
def finish(
    request: Request, event: FacilitatedEvent, db: ActingDb, locale: Locale, speaker: SeenSpeaker
) -> Response:
    turns.finish(db=db, event=event, seen_speaker=speaker)
    return _console_changed(request, event, locale)


# Registered before the actions on one request: "/floor/list/open" is not request "list".
@router.post("/floor/list/{state}")
def list_open(
    request: Request,
    state: Literal["open", "close"],
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    topic: SeenTopic,
) -> Response:
    floor.set_list_open(db=db, event=event, is_open=state == "open", seen_topic=topic)
    return _console_changed(request, event, locale)


@router.post("/floor/order-rule")
def order_rule(
    request: Request,
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    segment: SeenSegment,
    rule: Annotated[OrderRule, Form()],
    whole_event: Annotated[Literal["", "true"], Form()] = "",
) -> Response:
    """The order of the open segment's lists (and the event's, with ``whole_event``)."""
    floor.set_order_rule(
        db=db, event=event, rule=rule, seen_segment=segment, whole_event=whole_event == "true"
    )
    return _console_changed(request, event, locale)


TIMER_ACTIONS: dict[str, Callable[..., None]] = {
    "start": timer.start,
    "pause": timer.pause,
    "add": partial(timer.add_time, seconds=30),
    "reset": timer.reset,
}


@router.post("/timer/{action}")
def timer_action(
    request: Request,
    action: Literal["start", "pause", "add", "reset"],
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    speaker: SeenSpeaker,
) -> Response:
    """The speaker's clock; ``add`` gives 30 seconds more."""
    TIMER_ACTIONS[action](db=db, event=event, seen_speaker=speaker)
    return _console_changed(request, event, locale)


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
    return page(
        request,
        "facilitator/page.html",
        locale=locale,
        socket_path=f"/ws/facilitator/{event.slug}",
        server_now_ms=epoch_ms(room.now),
        account=account,
        presence=_presence(request, event),
        **frames.facilitator_context(room, base_url=settings.base_url),
    )


@router.post("/segments/{segment_id}/speaking-time")
def segment_speaking_time(
    request: Request,
    segment_id: Id,
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    speaking_time: SegmentSpeakingTimeField = "",
) -> Response:
    """Empty: the segment takes the event's speaking time again. The answer says what is set."""
    agenda.set_speaking_time(db=db, event=event, speaking_time=speaking_time, segment_id=segment_id)

    def said(room: screens.Room) -> str:
        segment = next(s for s in room.event.segments if s.id == segment_id)
        if segment.speaking_seconds is None:
            return translate(
                locale,
                N_("Segment {number} takes the event's speaking time, {time}."),
                {"number": segment.number, "time": clock(room.event.speaking_seconds * 1000)},
            )
        return translate(
            locale,
            N_("Speaking time in segment {number}: {time}."),
            {"number": segment.number, "time": clock(segment.speaking_seconds * 1000)},
        )

    return _console_changed(request, event, locale, said=said)


@router.post("/segments/{segment_id}/open")
def open_segment(
    request: Request,
    segment_id: Id,
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    segment: SeenSegment,
    agreed: Agreement,
) -> Response:
    """``segment``: the segment the console showed open, which this one replaces."""
    move = partial(
        agenda.open_segment, db=db, event=event, segment_id=segment_id, seen_segment=segment
    )
    seen = {"segment": segment}
    return _moving(request, event, db, locale, "open_segment", move, agreed, seen)


@router.post("/segments/{segment_id}/close")
def close_segment(
    request: Request,
    segment_id: Id,
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    agreed: Agreement,
) -> Response:
    move = partial(agenda.close_segment, db=db, event=event, segment_id=segment_id)
    return _moving(request, event, db, locale, "close_segment", move, agreed, {})


@router.post("/topics/{topic_id}/open")
def open_topic(
    request: Request,
    topic_id: Id,
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    topic: SeenTopic,
    agreed: Agreement,
) -> Response:
    """``topic``: the topic the console showed open, which this one replaces."""
    move = partial(agenda.open_topic, db=db, event=event, topic_id=topic_id, seen_topic=topic)
    return _moving(request, event, db, locale, "open_topic", move, agreed, {"topic": topic})


@router.post("/topics/{topic_id}/close")
def close_topic(
    request: Request,
    topic_id: Id,
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    agreed: Agreement,
) -> Response:
    move = partial(agenda.close_topic, db=db, event=event, topic_id=topic_id)
    return _moving(request, event, db, locale, "close_topic", move, agreed, {})


@router.post("/speaking-time")
def speaking_time(
    request: Request,
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    speaking_time: SpeakingTimeField,
) -> Response:
    agenda.set_speaking_time(db=db, event=event, speaking_time=speaking_time)
    return _console_changed(request, event, locale)


@router.post("/join-code")
def new_join_code(
    request: Request,
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    end_sessions: Annotated[Literal["", "true"], Form()] = "",
    code: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """``code``: the join code the console showed, which this one replaces."""
    events.rotate_join_code(db=db, event=event, seen_code=code, end_sessions=end_sessions == "true")
    return _console_changed(request, event, locale)


@router.post("/projector-link")
def new_projector_link(
    request: Request,
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    key: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """``key``: the projector key of the link the console showed, which this one replaces."""
    events.renew_projector_link(db=db, event=event, seen_link=key)
    return _console_changed(request, event, locale)


@router.post("/projector-languages")
def projector_languages(
    request: Request,
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    language: Annotated[str, Form(pattern=f"^(?:{'|'.join(LANGUAGES)})$")],
    beside: Annotated[str, Form(pattern=f"^(?:|{'|'.join(LANGUAGES)})$")] = "",
) -> Response:
    """``language``: what every projector shows; ``beside``: a second one, or empty (the
    same one again is the one language)."""
    chosen = [language, beside] if beside and beside != language else [language]
    events.set_projector_languages(db=db, event=event, languages=chosen)
    return _console_changed(request, event, locale)


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


@router.post("/floor/{request_id}/call")
def call_speaker(
    request: Request,
    request_id: Id,
    event: FacilitatedEvent,
    db: ActingDb,
    locale: Locale,
    speaker: SeenSpeaker,
) -> Response:
    """Out of turn; ``speaker``: who the console showed speaking, whose turn this ends."""
    turns.call(db=db, event=event, request_id=request_id, seen_speaker=speaker)
    return _console_changed(request, event, locale)


def _move(offset: int) -> Callable[..., Response]:
    def move(
        request: Request,
        request_id: Id,
        event: FacilitatedEvent,
        db: ActingDb,
        locale: Locale,
        place: SeenPlace,
    ) -> Response:
        floor.move(db=db, event=event, request_id=request_id, offset=offset, seen_place=place)
        return _console_changed(request, event, locale)

    return move


def _on_waiting(change: Callable[..., None]) -> Callable[..., Response]:
    """Skip, remove, put back: each depends only on the request's own state."""

    def act(
        request: Request, request_id: Id, event: FacilitatedEvent, db: ActingDb, locale: Locale
    ) -> Response:
        change(db=db, event=event, request_id=request_id)
        return _console_changed(request, event, locale)

    return act


for name, offset in (("up", -1), ("down", +1)):
    router.add_api_route(f"/floor/{{request_id}}/{name}", _move(offset), methods=["POST"])
for name, change in (("skip", floor.skip), ("remove", floor.remove), ("put-back", floor.put_back)):
    router.add_api_route(f"/floor/{{request_id}}/{name}", _on_waiting(change), methods=["POST"])


def _moving(
    request: Request,
    event: Event,
    db: Session,
    locale: str,
    kind: str,
    move: Callable[..., object],
    agreed: agenda.Agreed | None,
    seen: dict[str, int | None],
) -> Response:
    """Make a move of the agenda, or ask first what it would end (``agenda.ending``)."""
    try:
        move(ask_first=True, agreed=agreed)
    except agenda.AskFirst as asked:
        question, proceed = QUESTIONS[kind]
        ending = asked.ending
        fields: dict[str, object] = {name: "" if v is None else v for name, v in seen.items()}
        fields |= {"confirmed": "true", "ending": ending.speaker.id if ending.speaker else ""}
        context: dict[str, Any] = {
            "event": event,
            "base": f"/f/{event.slug}",
            "action": request.url.path,
            "question": question,
            "proceed": proceed,
            "ending": ending,
            "fields": fields,
        }
        if is_htmx(request):
            html = render(
                "facilitator/_confirm.html",
                locale=locale,
                csrf_token=token_of(request),
                oob=True,
                **context,
            )
            db.rollback()
            return HTMLResponse(html + flash("", locale=locale))
        answer = page(request, "facilitator/confirm.html", locale=locale, **context)
        db.rollback()
        return answer
    return _console_changed(request, event, locale)


def _console_changed(
    request: Request,
    event: Event,
    locale: str,
    said: Callable[[screens.Room], str] | None = None,
) -> Response:
    """The fresh console regions; ``said`` tells, from the room now, what the action did."""
    with database_of(request).reading() as db:
        room = screens.room(db=db, event_id=event.id)
        message = said(room) if said is not None else ""
        frame = frames.facilitator(room, locale=locale, base_url=_base_url(request))
    answered(request, event_id=event.id, version=room.version, regions=frame)
    regions = frames.joined(frame) + flash(message, locale=locale) + NO_QUESTION
    return done(request, regions=regions, then=f"/f/{event.slug}")


def _presence(request: Request, event: Event) -> frames.Presence:
    hub: Hub = request.app.state.hub
    return hub.presence(event.id)


def _base_url(request: Request) -> str:
    settings: Settings = request.app.state.settings
    return settings.base_url


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
    frame = frames.facilitator(room, locale=locale, base_url=_base_url(request))
    answered(request, event_id=event.id, version=room.version, regions=frame)
    regions = frames.joined(frame) + NO_QUESTION
    return HTMLResponse(regions + flash(message, locale=locale, level="error"), status_code=409)
