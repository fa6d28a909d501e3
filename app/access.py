"""Who may see and do what: the facilitator's and the projector's keys, and signed cookies.

Keys are derived from the secret key and the event, so nothing secret is stored and a new
secret key revokes them all.
"""

from __future__ import annotations

import hashlib
import hmac

from itsdangerous import BadSignature, URLSafeSerializer

from app.models import Event

FACILITATOR = "facilitator"
PROJECTOR = "projector"
PARTICIPANT = "participant"


def event_key(secret_key: str, event: Event, role: str) -> str:
    message = f"{role}:{event.id}:{event.slug}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def key_matches(secret_key: str, event: Event, role: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(event_key(secret_key, event, role), given)


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
