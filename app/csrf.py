"""Anti-forgery: a state-changing request must carry this browser's token.

Each browser gets a random token in a cookie (SameSite=Lax, HttpOnly). Pages put it where
htmx sends it with every request (an ``X-CSRF-Token`` header) and into plain forms. Another
site's page can make a browser post, but cannot read the token to go with it; and a
browser that says the request comes from another site is refused outright.
"""

from __future__ import annotations

import hmac
import secrets
from http.cookies import SimpleCookie

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.i18n import N_
from app.services.errors import DomainError

COOKIE = "palabra_csrf"
HEADER = "x-csrf-token"
FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ForgedRequest(DomainError):
    status_code = 403
    message = N_("This page is out of date or was not opened here. Reload it and try again.")


class TokenCookie:
    """Pure ASGI middleware: every HTTP request knows its browser's token; new ones get one."""

    def __init__(self, app: ASGIApp, *, secure: bool = False) -> None:
        self.app = app
        self.secure = secure  # Secure as the settings say, or on a request over HTTPS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _cookie_token(scope)
        new = token is None
        if token is None:
            token = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_token"] = token

        async def send_with_cookie(message: Message) -> None:
            if new and message["type"] == "http.response.start":
                https = self.secure or scope.get("scheme") == "https"
                secure = "; Secure" if https else ""
                cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}"
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode())]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def token_of(request: Request) -> str:
    token: str = request.state.csrf_token
    return token


class NotAForm(DomainError):
    status_code = 415
    message = N_("That was not sent the way Palabra's pages send it. Reload and try again.")


async def require_token(request: Request) -> None:
    """Dependency for routers that change state: refuse a request without the token.

    Palabra's pages only ever post URL-encoded UTF-8 forms (or nothing), so anything else
    (JSON, plain text, multipart, another charset) is refused before it is read.
    """
    if request.method in SAFE_METHODS:
        return
    if not _is_our_kind_of_body(request):
        raise NotAForm()
    if request.headers.get("sec-fetch-site") == "cross-site":
        raise ForgedRequest()
    expected = request.cookies.get(COOKIE)
    given = request.headers.get(HEADER)
    if given is None:
        field = (await request.form()).get(FIELD)
        given = field if isinstance(field, str) else None
    if not expected or not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise ForgedRequest()


def _is_our_kind_of_body(request: Request) -> bool:
    content_type = request.headers.get("content-type")
    if content_type is None:
        # Only an empty body may come without a type (a chunked one has no length at all).
        chunked = "transfer-encoding" in request.headers
        return not chunked and request.headers.get("content-length", "0") == "0"
    media_type, _, parameters = content_type.partition(";")
    if media_type.strip().lower() != "application/x-www-form-urlencoded":
        return False
    charset = parameters.strip().lower().removeprefix("charset=").strip('"')
    return charset in ("", "utf-8")


def _cookie_token(scope: Scope) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            morsel = SimpleCookie(value.decode("latin-1")).get(COOKIE)
            if morsel is not None and 20 <= len(morsel.value) <= 100:
                return morsel.value
    return None
