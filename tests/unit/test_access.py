from __future__ import annotations

from typing import Literal

import pytest
from pydantic import ValidationError

from app.access import origin_allowed
from app.config import Settings


@pytest.mark.parametrize(
    ("origin", "host", "allowed"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000", True),
        ("https://Palabra.example.org", "palabra.example.org", True),
        ("https://palabra.example.org:443", "palabra.example.org", True),
        (None, "palabra.example.org", True),
        ("http://127.0.0.1:9000", "127.0.0.1:8000", False),
        ("https://evil.example", "palabra.example.org", False),
        ("https://palabra.example.org.evil.example", "palabra.example.org", False),
        ("null", "palabra.example.org", False),
        ("http://[::1", "palabra.example.org", False),
    ],
)
def test_only_pages_of_the_same_origin_open_sockets(
    origin: str | None, host: str, allowed: bool
) -> None:
    scheme = origin.split(":")[0] if origin and "://" in origin else "https"
    assert origin_allowed(origin, scheme, host, frozenset()) is allowed


def test_a_configured_origin_is_allowed_too() -> None:
    extra = Settings(
        env="test", secret_key="x" * 40, allowed_origins=" https://a.example/ ,"
    ).extra_origins
    assert origin_allowed("https://a.example", "https", "palabra.example.org", extra)
    assert not origin_allowed("http://a.example", "https", "palabra.example.org", extra)


@pytest.mark.parametrize(
    ("origin", "scheme", "allowed"),
    [
        ("http://127.0.0.1:8000", "ws", True),
        ("https://127.0.0.1:8000", "ws", False),
        ("http://127.0.0.1:8000", "wss", False),
        ("https://127.0.0.1:8000", "https", True),
        ("https://127.0.0.1:8000", "http", False),
    ],
)
def test_the_scheme_of_the_page_must_be_the_servers(
    origin: str, scheme: str, allowed: bool
) -> None:
    assert origin_allowed(origin, scheme, "127.0.0.1:8000", frozenset()) is allowed


@pytest.mark.parametrize("env", ["production", "test"])
@pytest.mark.parametrize("key", ["", "short", "changeme", "x" * 31])
def test_outside_development_a_missing_default_or_short_secret_key_is_refused(
    env: Literal["production", "test"], key: str
) -> None:
    with pytest.raises(ValidationError, match="PALABRA_SECRET_KEY"):
        Settings(env=env, secret_key=key)


def test_production_starts_with_a_long_random_secret_key() -> None:
    assert Settings(env="production", secret_key="k" * 12 + "-random-0123456789-xyz").env
