"""Joining and asking for the floor are limited per address and per phone, with a clear 429."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.ratelimit import RateLimiter, Rule
from tests.factories import PASSWORD
from tests.http.helpers import (
    HTMX,
    another_phone,
    ensure_account,
    join,
    open_first_topic,
    seeded_event,
)
from tests.tokens import with_token


@pytest.fixture
def strict_client(settings: Settings) -> Iterator[TestClient]:
    strict = settings.model_copy(
        update={
            "rate_join_per_address": "3/minute",
            "rate_floor_per_device": "2/minute",
            "rate_login_per_account": "3/minute",
            "rate_login_per_address": "5/minute",
        }
    )
    with TestClient(create_app(strict)) as client:
        yield with_token(client)


def test_joining_too_often_from_one_address_is_refused_clearly(strict_client: TestClient) -> None:
    event = seeded_event(strict_client)
    for name in ("A", "B", "C"):
        join(another_phone(strict_client), event, name=name)
    refused = another_phone(strict_client).post(
        "/join", data={"code": event.join_code, "name": "D"}
    )
    assert refused.status_code == 429
    assert "Too many tries" in refused.text
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_one_phone_tapping_too_often_is_slowed_down_without_the_others(
    strict_client: TestClient,
) -> None:
    event = seeded_event(strict_client)
    open_first_topic(strict_client, event)
    eager = join(another_phone(strict_client), event, name="Eager")
    calm = join(another_phone(strict_client), event, name="Calm")
    taps = [
        eager.post(f"/e/{event.slug}/floor", data={"kind": "reply"}, headers=HTMX).status_code
        for _ in range(3)
    ]
    assert taps == [200, 200, 429]
    assert (
        calm.post(f"/e/{event.slug}/floor", data={"kind": "reply"}, headers=HTMX).status_code == 200
    )


def test_guessing_a_facilitators_password_is_slowed_down(strict_client: TestClient) -> None:
    ensure_account(strict_client)
    for _ in range(3):
        wrong = strict_client.post("/login", data={"username": "ana", "password": "guess-guess"})
        assert wrong.status_code == 401
    refused = strict_client.post("/login", data={"username": "ANA", "password": PASSWORD})
    assert refused.status_code == 429
    assert "Too many tries" in refused.text
    assert "palabra_session" not in refused.headers.get("set-cookie", "")


def test_somebody_guessing_from_one_address_does_not_lock_the_facilitator_out(
    strict_client: TestClient,
) -> None:
    ensure_account(strict_client)
    for _ in range(4):
        strict_client.post("/login", data={"username": "ana", "password": "guess-guess"})
    facilitator = with_token(TestClient(strict_client.app, client=("192.0.2.7", 50000)))
    signed_in = facilitator.post(
        "/login", data={"username": "ana", "password": PASSWORD}, follow_redirects=False
    )
    assert signed_in.status_code == 303


def test_trying_many_usernames_from_one_address_is_slowed_down(
    strict_client: TestClient,
) -> None:
    for name in ("ana", "bruno", "carla", "diego", "elena"):
        assert (
            strict_client.post("/login", data={"username": name, "password": "x"}).status_code
            == 401
        )
    refused = strict_client.post("/login", data={"username": "fabio", "password": "x"})
    assert refused.status_code == 429


def test_a_window_slides_and_a_wait_is_given_in_whole_seconds() -> None:
    now = [1000.0]
    limiter = RateLimiter(clock=lambda: now[0])
    rule = Rule.parse("2/minute")
    assert limiter.hit("k", rule) is None
    now[0] += 30.5
    assert limiter.hit("k", rule) is None
    assert limiter.hit("k", rule) == 30
    now[0] += 30
    assert limiter.hit("k", rule) is None
    assert limiter.hit("other", rule) is None


@pytest.mark.parametrize("text", ["", "0/minute", "ten/minute", "5/fortnight"])
def test_a_malformed_rate_is_refused_at_start(text: str) -> None:
    with pytest.raises(ValueError, match="30/minute"):
        Rule.parse(text)
