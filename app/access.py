"""Who may see and do what: facilitators' sessions, the projector's link, participants;
which pages are Palabra's own; and the one rule by which every cookie is set.

A facilitator's session cookie carries, signed, the secret of a session kept on the server
(app/services/sessions.py), so signing out, disabling the account or resetting its password
ends it. The projector's token is stored with the event, so a facilitator can renew it;
participants' cookies name the join generation, so a facilitator can end them all.
"""

from __future__ import annotations

import hashlib
import hmac
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import HTTPConnection
from starlette.types import Scope

from app.config import Settings
from app.models import Event

PARTICIPANT = "participant"
SESSION = "facilitator-session"
SESSION_COOKIE = "palabra_session"
HOST_PREFIX = "__Host-"


def projector_key_matches(event: Event, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(event.projector_token.encode(), given.encode())


def participant_cookie(secret_key: str, event: Event, participant_id: int) -> str:
    """Signed: who the participant is, and the join generation they joined in."""
    return URLSafeSerializer(secret_key, salt=PARTICIPANT).dumps(
        [participant_id, event.join_generation]
    )


def participant_from(secret_key: str, event: Event, token: str | None) -> int | None:
    """The participant a cookie names, unless forged or from before sessions were ended."""
    if not token:
        return None
    try:
        value = URLSafeSerializer(secret_key, salt=PARTICIPANT).loads(token)
    except BadSignature:
        return None
    match value:
        case [int(participant_id), int(generation)] if generation == event.join_generation:
            return participant_id
    return None


def session_token(secret_key: str, secret: str) -> str:
    """The session cookie's value: the session's secret, signed."""
    return URLSafeSerializer(secret_key, salt=SESSION).dumps(secret)


def session_secret(secret_key: str, token: str | None) -> str | None:
    """The session secret a cookie carries, unless forged. Whether the session is still
    current is for the server to say (sessions.current)."""
    if not token:
        return None
    try:
        value = URLSafeSerializer(secret_key, salt=SESSION).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def anti_forgery_token(secret_key: str, session_secret: str) -> str:
    """A signed-in facilitator's anti-forgery token: an HMAC of the session's secret, so it
    changes at each sign-in and nobody who cannot read a page of the session can make it."""
    digest = hmac.new(secret_key.encode(), f"csrf:{session_secret}".encode(), hashlib.sha256)
    return digest.hexdigest()


def cookie_name(role: str, event: Event) -> str:
    return f"palabra_{role}_{event.id}"


def secure_cookies(settings: Settings, scope: Scope) -> bool:
    """The one rule for every cookie Palabra sets: Secure, and named ``__Host-…`` so that no
    subdomain can set it, in production, when served at an https:// address, or when this
    request came over HTTPS (the scheme a trusted proxy's X-Forwarded-Proto gave uvicorn)."""
    return settings.secure_cookies or scope.get("scheme") in ("https", "wss")


def full_cookie_name(name: str, *, secure: bool) -> str:
    return HOST_PREFIX + name if secure else name


def read_cookie(settings: Settings, connection: HTTPConnection, name: str) -> str | None:
    """The value of Palabra's cookie ``name`` (its prefix as the rule gives it), if sent."""
    secure = secure_cookies(settings, connection.scope)
    return connection.cookies.get(full_cookie_name(name, secure=secure))


def set_cookie_header(
    settings: Settings, scope: Scope, name: str, value: str, *, max_age: int | None
) -> str:
    """A Set-Cookie header by the rule: HttpOnly, SameSite=Lax, the whole site, Secure and
    ``__Host-`` over HTTPS. ``max_age`` in seconds; None for the browser's session; 0 deletes."""
    secure = secure_cookies(settings, scope)
    cookie: SimpleCookie = SimpleCookie()
    full_name = full_cookie_name(name, secure=secure)
    cookie[full_name] = value
    morsel = cookie[full_name]
    morsel["path"] = "/"
    morsel["httponly"] = True
    morsel["samesite"] = "lax"
    if max_age is not None:
        morsel["max-age"] = max_age
    if secure:
        morsel["secure"] = True
    return morsel.OutputString()


DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
PAGE_SCHEMES = {"ws": "http", "wss": "https"}


def normalised_origin(origin: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin such as ``https://Example.org``; None if malformed."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname or port is None:
        return None
    return parts.scheme.lower(), parts.hostname.lower(), port


def origin_allowed(
    origin: str | None, scheme: str, host: str | None, extra: frozenset[str]
) -> bool:
    """Whether a page at ``origin`` may act on, or open a socket of, the server answering
    at ``scheme`` (of the request or socket: ws is http, wss is https) and ``host``.

    Same origin (scheme, host and port), or one in ``extra`` (the public URL and
    PALABRA_ALLOWED_ORIGINS). A request without an Origin is no page of another site: the
    browsers send one on every websocket handshake and on every cross-origin post.
    """
    if origin is None:
        return True
    page = normalised_origin(origin)
    if page is None:
        return False
    scheme = PAGE_SCHEMES.get(scheme, scheme)
    if host and page == normalised_origin(f"{scheme}://{host}"):
        return True
    return page in {normalised_origin(o) for o in extra}


def own_origin(settings: Settings, connection: HTTPConnection, origin: str | None) -> bool:
    """Whether ``origin`` is Palabra's own for this request or socket (see origin_allowed)."""
    return origin_allowed(
        origin,
        connection.scope.get("scheme", "http"),
        connection.headers.get("host"),
        settings.extra_origins | {settings.base_url},
    )
