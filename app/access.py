"""Who may see and do what: the facilitator's key, the projector's link, signed cookies.

The facilitator's key is derived from the secret key and the event (a new secret key
revokes it). The projector's token is stored with the event, so a facilitator can renew it;
participants' cookies name the join generation, so a facilitator can end them all.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from itsdangerous import BadSignature, URLSafeSerializer

from app.models import Event

FACILITATOR = "facilitator"
PARTICIPANT = "participant"


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


def event_key(secret_key: str, event: Event, role: str) -> str:
    message = f"{role}:{event.id}:{event.slug}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def key_matches(secret_key: str, event: Event, role: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(
        event_key(secret_key, event, role).encode(), given.encode()
    )


def cookie_name(role: str, event: Event) -> str:
    return f"palabra_{role}_{event.id}"


def sign(secret_key: str, role: str, value: int) -> str:
    return URLSafeSerializer(secret_key, salt=role).dumps(value)


def unsign(secret_key: str, role: str, token: str | None) -> int | None:
    if not token:
        return None
    try:
        value = URLSafeSerializer(secret_key, salt=role).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


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
