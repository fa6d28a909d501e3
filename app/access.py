"""Who may see and do what: facilitators' sessions, the projector's link, participants.

A facilitator's session cookie names the account and its session generation, so disabling
the account or resetting its password ends it. The projector's token is stored with the
event, so a facilitator can renew it; participants' cookies name the join generation, so a
facilitator can end them all.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from app.models import Account, Event

PARTICIPANT = "participant"
SESSION = "facilitator-session"


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


def session_cookie_name(*, secure: bool) -> str:
    """Over HTTPS the ``__Host-`` prefix makes browsers refuse the cookie from a subdomain."""
    return "__Host-palabra_session" if secure else "palabra_session"


def session_token(secret_key: str, account: Account) -> str:
    """Signed and dated: which account, and the session generation it signed in under."""
    return URLSafeTimedSerializer(secret_key, salt=SESSION).dumps(
        [account.id, account.session_generation]
    )


def session_from(secret_key: str, token: str | None, *, max_age: int) -> tuple[int, int] | None:
    """(account id, session generation) of a session cookie, unless forged or too old."""
    if not token:
        return None
    try:
        value = URLSafeTimedSerializer(secret_key, salt=SESSION).loads(token, max_age=max_age)
    except BadSignature:
        return None
    match value:
        case [int(account_id), int(generation)]:
            return account_id, generation
    return None


def cookie_name(role: str, event: Event) -> str:
    return f"palabra_{role}_{event.id}"


DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


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


def origin_allowed(origin: str | None, host: str | None, extra: frozenset[str]) -> bool:
    """Whether a page at ``origin`` may open a socket on the server answering as ``host``.

    Same origin (host and port of the page are the server's), or one configured in
    ``extra``. Browsers always send Origin on a websocket handshake; a client that sends
    none is no browser page, so it cannot be a page of another site riding on our cookies.
    """
    if origin is None:
        return True
    page = normalised_origin(origin)
    if page is None:
        return False
    scheme, hostname, port = page
    server = normalised_origin(f"{scheme}://{host}") if host else None
    if server is not None and server[1:] == (hostname, port):
        return True
    return page in {normalised_origin(o) for o in extra}
