"""The one place where errors become answers: a clear message and a 4xx, never a 500."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import compile_path

from app.i18n import N_, translate
from app.routes.deps import NotSignedIn, TooManyTries, locale_for
from app.routes.responses import flash, is_htmx, page
from app.services.agenda_file import AgendaFileError
from app.services.errors import DomainError

log = logging.getLogger(__name__)


def install(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, error: NotSignedIn) -> Response:
        """To the sign-in page, and back to this screen after it."""
        # Back to the page asked for (the sign-in keeps only a path of this site); after an
        # action, to the console it came from.
        slug = request.path_params.get("slug")
        back = request.url.path if request.method == "GET" else f"/f/{slug}" if slug else "/f"
        target = f"/login?{urlencode({'next': back})}"
        if is_htmx(request):
            response = _answer(request, error.status_code, error.message_id, error.params)
            response.headers["HX-Redirect"] = target
            return response
        if request.method == "GET":
            return RedirectResponse(target, status_code=303)
        return _answer(request, error.status_code, error.message_id, error.params)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, error: DomainError) -> Response:
        response = _answer(request, error.status_code, error.message_id, error.params)
        if isinstance(error, TooManyTries):
            response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        log.info("invalid request to %s: %s", request.url.path, error.errors())
        return _answer(request, 422, N_("Some of what was sent is missing or not valid."), {})

    @app.exception_handler(AgendaFileError)
    async def invalid_agenda(request: Request, error: AgendaFileError) -> Response:
        locale = locale_for(request)
        problems = "; ".join(translate(locale, problem) for problem in error.problems)
        return _answer(request, 422, problems, {})

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        if error.status_code == 404:
            return _answer(request, 404, N_("There is nothing at this address."), {})
        if error.status_code == 405:
            response = _answer(request, 405, N_("That cannot be done at this address."), {})
            response.headers["Allow"] = ", ".join(_allowed_methods(request))
            return response
        # Starlette's own reason ("Bad Request") is English: said in the reader's words instead.
        message = N_("That request cannot be answered.")
        response = _answer(request, error.status_code, message, {})
        response.headers.update(error.headers or {})
        return response


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route takes at this address (Starlette names only the first route's)."""
    methods: set[str] = set()
    for template, operations in request.app.openapi()["paths"].items():
        if compile_path(template)[0].match(request.url.path):
            methods |= {method.upper() for method in operations}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def _answer(request: Request, status: int, message_id: str, params: dict[str, object]) -> Response:
    locale = locale_for(request)
    message = translate(locale, message_id, params)
    if is_htmx(request):
        return HTMLResponse(flash(message, locale=locale, level="error"), status_code=status)
    referer = request.headers.get("referer", "")
    back = referer if referer.startswith(("http://", "https://")) else None
    return page(
        request, "error.html", locale=locale, status_code=status, message=message, back=back
    )
