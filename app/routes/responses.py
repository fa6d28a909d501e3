"""How a route answers: a page, the regions an htmx request swaps, or a redirect."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.csrf import token_of
from app.templating import render


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
