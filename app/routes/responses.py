"""How a route answers: a page, the regions an htmx request swaps, or a redirect."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app import language
from app.csrf import token_of
from app.live.connection import new_screen_id, screen_id
from app.live.hub import Hub
from app.templating import render

# The header in which a live page's requests carry its screen id (see base.html).
SCREEN_HEADER = "X-Palabra-Screen"

# What a screen's address may answer besides its page, as the OpenAPI schema tells it. Every
# answer is HTML: a page, the regions htmx swaps, or an error page or flash saying why.
ANSWERS: dict[int | str, dict[str, Any]] = {
    303: {"description": "Done: on to the page to show next (a plain form, or sign in first)"},
    401: {"description": "Not signed in, or not joined to the event"},
    403: {"description": "No valid anti-forgery token, or a link that is not valid"},
    404: {"description": "No such event, request, topic or segment"},
    409: {"description": "Not possible in the room's present state; the fresh state is sent"},
    413: {"description": "The body is too large"},
    415: {"description": "Only a form (application/x-www-form-urlencoded, UTF-8) is read"},
    422: {"description": "Something sent is missing or not valid"},
    429: {"description": "Too many tries; Retry-After says how long to wait"},
    503: {"description": "The room is very busy; try again in a moment"},
}


def html_router(*, prefix: str = "", dependencies: list[Any] | None = None) -> APIRouter:
    """A router of screens and actions that answer in HTML, documented as such."""
    return APIRouter(
        prefix=prefix,
        dependencies=dependencies or [],
        default_response_class=HTMLResponse,
        responses=ANSWERS,
    )


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def page(
    request: Request, name: str, *, locale: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A whole page; it carries the browser's anti-forgery token for the requests it makes.

    A live page (one with a ``socket_path``) gets a screen id of its own, which its socket
    and its requests carry: see ``answered``.
    """
    socket_path = context.get("socket_path")
    if socket_path:
        context["screen"] = screen = new_screen_id()
        joiner = "&" if "?" in socket_path else "?"
        # The page's language too: a socket that reconnects later speaks the page's language,
        # whatever another tab of the browser has chosen since.
        query = urlencode({"screen": screen, language.PARAMETER: locale})
        context["socket_path"] = f"{socket_path}{joiner}{query}"
    context.setdefault("languages", language.choices(request))
    html = render(name, locale=locale, csrf_token=token_of(request), **context)
    return HTMLResponse(html, status_code=status_code)


def answered(request: Request, *, event_id: int, version: int, regions: Mapping[str, str]) -> None:
    """The page that asked swaps these live regions of the room at ``version``: its socket
    is told, so that it sends what the page lacks and not what the page already shows."""
    screen = screen_id(request.headers.get(SCREEN_HEADER))
    if screen is None or not is_htmx(request):
        return
    hub: Hub = request.app.state.hub
    hub.answered(event_id, screen, version, regions)


def done(request: Request, *, regions: str, then: str) -> Response:
    """After a change: htmx swaps the fresh regions; a plain form post goes back to the page."""
    if is_htmx(request):
        return HTMLResponse(regions)
    return RedirectResponse(then, status_code=303)


def flash(message: str, *, locale: str, level: str = "") -> str:
    return render("partials/_flash.html", locale=locale, oob=True, message=message, level=level)
