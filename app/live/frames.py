"""Frames: the live regions of one view, rendered by the same partials that draw the page.

A frame maps each region's id to its text. A region goes over the websocket only when it
changed, with the others of the same batch in one message; htmx swaps each by its id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from app.i18n import LANGUAGES
from app.services import events, floor
from app.services.clock import epoch_ms, utcnow
from app.services.screens import MyTurn, Room
from app.templating import render

Frame = dict[str, str]

PROJECTOR_REGIONS = {
    "projector-event": "projector/_event.html",
    "projector-stage": "projector/_stage.html",
    "projector-speaker": "projector/_speaker.html",
    "projector-next": "projector/_next.html",
    "projector-join": "projector/_join.html",
}
FACILITATOR_REGIONS = {
    "fac-links": "facilitator/_links.html",
    "fac-schedule": "facilitator/_schedule.html",
    "fac-agenda": "facilitator/_agenda.html",
    "fac-floor": "facilitator/_floor.html",
}
# Drawn by the hub from its counts, not from the room: see ``presence``.
PRESENCE = "fac-presence"
PARTICIPANT_REGIONS = {"p-topic": "participant/_topic.html"}
MY_TURN = "p-my-turn"


def join_url(base_url: str, code: str) -> str:
    return f"{base_url}/j/{code}"


def projector_context(room: Room, *, base_url: str) -> dict[str, Any]:
    """What the projector's regions are drawn from, ``locale`` the main language among it.

    With a second language, the stage (topic and guiding questions) is drawn in it too, as
    ``beside``: (language, its text), shown side by side with the main one.
    """
    url = join_url(base_url, room.event.join_code)
    main, *others = events.projector_languages(room.event)
    context: dict[str, Any] = {
        "room": room,
        "locale": main,
        "join_url": url,
        "join_url_display": url.split("://", 1)[-1],
    }
    if others:
        beside = render("projector/_stage_text.html", **{**context, "locale": others[0]})
        context["beside"] = (others[0], Markup(beside))
    return context


def facilitator_base(room: Room) -> str:
    return f"/f/{room.event.slug}"


def participant_base(slug: str) -> str:
    """Where a participant's phone posts its actions."""
    return f"/e/{slug}"


def projector(room: Room, *, base_url: str) -> Frame:
    """The projector's regions, in the languages the console set for every projector."""
    context = projector_context(room, base_url=base_url)
    return _regions(PROJECTOR_REGIONS, **context)


@dataclass(frozen=True)
class Presence:
    """The phones and projectors with a live socket open on this worker (the hub's count)."""

    phones: int = 0
    projectors: int = 0


def facilitator_context(room: Room, *, base_url: str) -> dict[str, Any]:
    """What the console's regions are drawn from: the room, where its actions post, its
    links (the projector's with its key, the phones' join link) and projector languages,
    and the requests it may put back."""
    return {
        "room": room,
        "taken_off": floor.taken_off(room.latest_requests),
        "base": facilitator_base(room),
        "links": {
            "projector": f"/projector/{room.event.slug}?key={room.event.projector_token}",
            "join": join_url(base_url, room.event.join_code),
        },
        "all_languages": LANGUAGES,
        "projector_languages": events.projector_languages(room.event),
    }


def facilitator(room: Room, *, locale: str, base_url: str) -> Frame:
    """The console's regions drawn from the room: all but the screens connected."""
    return _regions(FACILITATOR_REGIONS, locale, **facilitator_context(room, base_url=base_url))


def presence(counts: Presence, *, version: int, locale: str) -> str:
    """The console's count of connected screens, stamped ``version`` (the newest the
    console's socket knows of, so that the page takes it): no read of the room."""
    return render(
        "facilitator/_presence.html", locale=locale, oob=True, presence=counts, version=version
    )


def participant_room(room: Room, *, locale: str) -> Frame:
    return _regions(PARTICIPANT_REGIONS, locale, room=room)


def my_turn(mine: MyTurn, *, slug: str, locale: str) -> str:
    """The participant's own region."""
    return render(
        "participant/_my_turn.html", locale=locale, oob=True, mine=mine, base=participant_base(slug)
    )


def joined(frame: Frame) -> str:
    """All of a frame's regions as one answer to an htmx request."""
    return "".join(frame.values())


# partials/_clock.html as a batch carries it, filled in by a format string: it is made for
# every socket and batch, where Jinja would cost more than the send (benchmarks/RESULTS.md).
CLOCK = (
    '<div id="server-clock" hidden data-server-now="{}" data-version="{}" hx-swap-oob="true"></div>'
)


def clock(version: int) -> str:
    """The server's time as a batch leaves, and the version of the state the batch completes.

    The one piece made per send: a few bytes, while the frames behind it are shared.
    """
    return CLOCK.format(epoch_ms(utcnow()), version)


def _regions(regions: dict[str, str], locale: str, **context: object) -> Frame:
    return {
        region: render(template, locale=locale, oob=True, **context)
        for region, template in regions.items()
    }
