"""How a route answers: a page, the regions an htmx request swaps, or a redirect."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.csrf import token_of
from app.templating import render

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
    """A whole page; it carries the browser's anti-forgery token for the requests it makes."""
    html = render(name, locale=locale, csrf_token=token_of(request), **context)
    return HTMLResponse(html, status_code=status_code)


def done(request: Request, *, regions: str, then: str) -> Response:
    """After a change: htmx swaps the fresh regions; a plain form post goes back to the page."""
    if is_htmx(request):
        return HTMLResponse(regions)
    return RedirectResponse(then, status_code=303)


def flash(message: str, *, locale: str, level: str = "") -> str:
    return render("partials/_flash.html", locale=locale, oob=True, message=message, level=level)
