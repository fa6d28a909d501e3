"""Joining and asking for the floor are limited per address and per phone, with a clear 429."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.db import Database
from app.main import create_app
from app.models import Event
from app.ratelimit import RateLimiter, Rule
from app.services import events
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

RATE_SETTINGS = [name for name in Settings.model_fields if name.startswith("rate_")]
HALL = 300  # phones in the room, all behind the venue's one public address


@pytest.fixture
def strict_client(settings: Settings) -> Iterator[TestClient]:
    strict = settings.model_copy(
        update={
            "rate_join_per_address": "3/minute",
            "rate_failed_join_per_address": "3/minute",
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


@pytest.fixture
def hall_client(settings: Settings) -> Iterator[TestClient]:
    """The limits as shipped; every test client comes from one address, as a hall behind NAT."""
    shipped = settings.model_copy(
        update={name: Settings.model_fields[name].default for name in RATE_SETTINGS}
    )
    with TestClient(create_app(shipped)) as client:
        yield with_token(client)


def shipped(name: str) -> Rule:
    return Rule.parse(Settings.model_fields[name].default)


def wrong_code(right: str) -> str:
    return "Z" * len(right) if right[0] != "Z" else "Y" * len(right)


def test_a_hall_behind_one_address_joins_in_the_first_minute_with_a_few_mistypes(
    hall_client: TestClient,
) -> None:
    """300 phones in the first minute, one in fifteen mistyping the code twice first."""
    event = seeded_event(hall_client)
    for number in range(HALL):
        phone = another_phone(hall_client)
        phone.portal = hall_client.portal  # the app's own event loop: far quicker
        if number % 15 == 0:
            for _ in range(2):
                typo = {"code": wrong_code(event.join_code), "name": f"P{number}"}
                assert phone.post("/join", data=typo).status_code == 404
        join(phone, event, name=f"Phone {number}")


def test_every_phone_of_a_hall_behind_one_address_may_ask_three_times_a_minute() -> None:
    """Ask, withdraw and ask again, then ask on the next topic; a script still meets a limit."""
    counts, rule = RateLimiter(), shipped("rate_floor_per_address")
    assert all(counts.hit("floor:address:hall", rule) is None for _ in range(3 * HALL))
    beyond = [counts.hit("floor:address:hall", rule) for _ in range(rule.limit - 3 * HALL + 1)]
    assert beyond[-1] is not None


def test_wrong_codes_from_one_address_are_slowed_down_and_then_the_right_one_too(
    hall_client: TestClient,
) -> None:
    """Past the failed-join limit even the right code waits: else the answer would tell."""
    event = seeded_event(hall_client)
    guesser = another_phone(hall_client)
    guesses = [
        guesser.post("/join", data={"code": f"{n:08d}", "name": "G"}).status_code
        for n in range(shipped("rate_failed_join_per_address").limit)
    ]
    assert guesses == [404] * len(guesses)
    refused = guesser.post("/join", data={"code": "00000000", "name": "G"})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    right = guesser.post("/join", data={"code": event.join_code, "name": "G"})
    assert right.status_code == 429
    assert hall_client.get(f"/j/{event.join_code}").status_code == 429
    elsewhere = with_token(TestClient(hall_client.app, client=("192.0.2.7", 50000)))
    join(elsewhere, event, name="Somebody at another address")


@pytest.mark.parametrize("address", ["/j/{code}", "/join?code={code}"])
def test_a_join_link_with_a_wrong_code_counts_as_a_failed_join(
    strict_client: TestClient, address: str
) -> None:
    event = seeded_event(strict_client)
    for _ in range(3):
        assert strict_client.get(address.format(code="ZZZZZZZZ")).status_code == 404
    assert strict_client.get(address.format(code="ZZZZZZZZ")).status_code == 429
    right = another_phone(strict_client).post("/join", data={"code": event.join_code, "name": "A"})
    assert right.status_code == 429


@pytest.mark.parametrize("address", ["/j/{code}", "/join?code={code}"])
def test_an_old_qr_code_scanned_in_the_hall_is_told_it_was_replaced_and_locks_nobody_out(
    hall_client: TestClient, address: str
) -> None:
    event = seeded_event(hall_client)
    old = event.join_code
    database: Database = hall_client.app.state.database  # type: ignore[attr-defined]
    with database.writing() as db:
        fresh = db.get(Event, event.id)
        assert fresh is not None
        current = events.rotate_join_code(db=db, event=fresh, seen_code=old).join_code
    scans = [
        hall_client.get(address.format(code=old))
        for _ in range(shipped("rate_failed_join_per_address").limit + 5)
    ]
    assert {scan.status_code for scan in scans} == {404}
    assert "replaced" in scans[-1].text
    join(another_phone(hall_client), event, code=current)  # the new code joins from here too


def test_a_right_code_does_not_count_as_a_failed_join(strict_client: TestClient) -> None:
    event = seeded_event(strict_client)
    for _ in range(5):
        assert strict_client.get(f"/j/{event.join_code}").status_code == 200
    join(another_phone(strict_client), event, name="A")


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


def test_waiting_is_told_without_counting_a_hit() -> None:
    now = [1000.0]
    limiter = RateLimiter(clock=lambda: now[0])
    rule = Rule.parse("1/minute")
    assert limiter.wait("k", rule) is None
    assert limiter.wait("k", rule) is None
    assert limiter.hit("k", rule) is None
    now[0] += 20
    assert limiter.wait("k", rule) == 40
    assert limiter.wait("other", rule) is None


@pytest.mark.parametrize("text", ["", "0/minute", "ten/minute", "5/fortnight"])
def test_a_malformed_rate_is_refused_at_start(text: str) -> None:
    with pytest.raises(ValueError, match="30/minute"):
        Rule.parse(text)
