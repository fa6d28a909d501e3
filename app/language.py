"""Which language a person reads: their choice, else their browser's, else the event's.

A choice is made with ``?lang=`` on any page (the chooser on every screen links there) and
remembered in a cookie for a year. The projector does not choose: the console sets its
languages for every open projector (``events.set_projector_languages``).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from babel.core import negotiate_locale
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import access
from app.config import Settings
from app.i18n import DEFAULT_LOCALE, LANGUAGES

PARAMETER = "lang"
COOKIE = "palabra_lang"
REMEMBERED_SECONDS = 365 * 24 * 3600


def chosen(connection: HTTPConnection, settings: Settings) -> str | None:
    """The language this person chose: on this request (``?lang=``), else remembered."""
    for choice in (
        connection.query_params.get(PARAMETER),
        access.read_cookie(settings, connection, COOKIE),
    ):
        if choice in LANGUAGES:
            return choice
    return None


def accepted(header: str | None) -> str | None:
    """The first of the interface's languages an Accept-Language header asks for, if any.

    Tags are taken in the header's order of preference (RFC 9110, 12.5.4: ``q`` from 0 to
    1, 1 when absent; ``q=0`` means "not this one"); ``pt-BR`` is served as ``pt``.
    """
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for order, item in enumerate(header.split(",")[:50]):
        tag, _, parameters = item.strip().partition(";")
        quality = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value)
            except ValueError:
                continue
        if tag and tag != "*" and 0 < quality <= 1:
            ranked.append((-quality, order, tag.strip()))
    preferred = [tag for _, _, tag in sorted(ranked)]
    return negotiate_locale(preferred, list(LANGUAGES), sep="-")


def reader_language(
    connection: HTTPConnection, settings: Settings, event_language: Callable[[], str | None]
) -> str:
    """The language to answer in: chosen, else accepted, else the event's, else the default.

    ``event_language`` is asked only when neither the person nor their browser says.
    """
    found = chosen(connection, settings) or accepted(connection.headers.get("accept-language"))
    if found is None:
        found = event_language()
    return found if found in LANGUAGES else DEFAULT_LOCALE


def choices(connection: HTTPConnection) -> list[tuple[str, str, str]]:
    """(code, name, address) of each language: this page again, in that language."""
    kept = [(k, v) for k, v in connection.query_params.multi_items() if k != PARAMETER]
    return [
        (code, name, f"{connection.url.path}?{urlencode([*kept, (PARAMETER, code)])}")
        for code, name in LANGUAGES.items()
    ]


class LanguageChoice:
    """Pure ASGI middleware: a page opened with ``?lang=xx`` remembers that choice."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        choice = HTTPConnection(scope).query_params.get(PARAMETER)
        if choice not in LANGUAGES:
            await self.app(scope, receive, send)
            return
        cookie = access.set_cookie_header(
            self.settings, scope, COOKIE, choice, max_age=REMEMBERED_SECONDS
        )

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode())]
            await send(message)

        await self.app(scope, receive, send_with_cookie)
