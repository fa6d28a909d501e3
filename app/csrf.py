"""Anti-forgery: a state-changing request must come from a page of Palabra, with its token.

Each browser gets a random token in a cookie (SameSite=Lax, HttpOnly; ``__Host-`` over
HTTPS, so that no subdomain can plant one). A signed-in facilitator's token is bound to
the session instead: an HMAC of its secret, renewed at each sign-in, so a token planted
beside a real session cookie counts for nothing. Pages put the token where htmx sends it
with every request (an ``X-CSRF-Token`` header) and into plain forms. Another site's page
can make a browser post, but cannot read the token to go with it; and a post whose Origin
(or, without one, Referer) is not Palabra's own, or that the browser says comes from
another site, is refused outright.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request
from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import access
from app.config import Settings
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
    """Pure ASGI middleware: every HTTP request knows its token; new browsers get a cookie."""

    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = access.secure_cookies(self.settings, scope)
        cookies = _cookies(scope)
        browser = cookies.get(access.full_cookie_name(COOKIE, secure=secure))
        new = browser is None or not 20 <= len(browser) <= 100
        if new:
            browser = secrets.token_urlsafe(32)
        session = access.session_secret(
            self.settings.secret_key,
            cookies.get(access.full_cookie_name(access.SESSION_COOKIE, secure=secure)),
        )
        scope.setdefault("state", {})["csrf_token"] = (
            access.anti_forgery_token(self.settings.secret_key, session) if session else browser
        )

        async def send_with_cookie(message: Message) -> None:
            if new and message["type"] == "http.response.start":
                cookie = access.set_cookie_header(
                    self.settings, scope, COOKIE, str(browser), max_age=None
                )
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
    """Dependency for routers that change state: refuse a request without the token, or
    from a page that is not Palabra's own.

    Palabra's pages only ever post URL-encoded UTF-8 forms (or nothing), so anything else
    (JSON, plain text, multipart, another charset) is refused before it is read.
    """
    if request.method in SAFE_METHODS:
        return
    if not _is_our_kind_of_body(request):
        raise NotAForm()
    settings: Settings = request.app.state.settings
    if request.headers.get("sec-fetch-site") == "cross-site" or not access.own_origin(
        settings, request, _page_origin(request.headers)
    ):
        raise ForgedRequest()
    expected = token_of(request)
    given = request.headers.get(HEADER)
    if given is None:
        field = (await request.form()).get(FIELD)
        given = field if isinstance(field, str) else None
    if not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise ForgedRequest()


def _page_origin(headers: Headers) -> str | None:
    """The origin of the page that sent a request: its Origin, or that of its Referer."""
    origin = headers.get("origin")
    return origin if origin is not None else headers.get("referer")


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


def _cookies(scope: Scope) -> dict[str, str]:
    return cookie_parser(Headers(scope=scope).get("cookie", ""))
