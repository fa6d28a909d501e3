"""Told they are next, a participant says on their phone that they are ready (issue 12)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.services import turns
from tests.http.helpers import (
    HTMX,
    another_phone,
    facilitator,
    join,
    open_first_topic,
    seeded_event,
)
from tests.http.test_phone_turns import act, ask, console, read, requests_of, withdraw
from tests.http.test_without_javascript import plain_form, without_javascript

NEXT = "You are next"
READY_BUTTON = "I\u2019m ready"
SEEN_READY = "The facilitator sees that you are ready."
NOT_WAITING = "Your request is no longer on the waiting list."


def ready(phone: TestClient, slug: str, request_id: int) -> str:
    response = phone.post(f"/e/{slug}/floor/{request_id}/ready", headers=HTMX)
    assert response.status_code == 200, response.text
    return response.text


def badge(page: str, request_id: int) -> bool:
    """Whether the console's waiting line of ``request_id`` shows it ready."""
    line = re.search(rf'<tr id="request-{request_id}">.*?</tr>', page, re.S)
    assert line is not None, f"request {request_id} is not on the console's list"
    return '<span class="tag tag-ready">ready</span>' in line[0]


def test_the_next_speaker_is_told_so_and_offered_to_say_they_are_ready(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    first, second = join(another_phone(client), event), join(another_phone(client), event, "Bo")
    ask(first, event)
    ask(second, event)
    page = first.get(f"/e/{event.slug}").text
    assert NEXT in read(page) and READY_BUTTON in page
    assert 'data-next-title="You are next — ' in page
    later = second.get(f"/e/{event.slug}").text
    assert READY_BUTTON not in later and "data-next-title" not in later


def test_ready_is_stored_once_and_shows_on_the_console_line(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    phone = join(another_phone(client), event)
    ask(phone, event)
    request = requests_of(client, "Ana")[-1]
    desk = facilitator(client, event)
    assert not badge(desk.get(f"/f/{event.slug}").text, request.id)

    answer = ready(phone, event.slug, request.id)
    assert SEEN_READY in read(answer) and READY_BUTTON not in answer
    stored = requests_of(client, "Ana")[-1].ready_at
    assert stored is not None
    ready(phone, event.slug, request.id)
    assert requests_of(client, "Ana")[-1].ready_at == stored, "a second tap moved the moment"
    assert badge(desk.get(f"/f/{event.slug}").text, request.id)


def test_ready_is_refused_once_the_request_no_longer_waits(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    phone = join(another_phone(client), event)
    ask(phone, event)
    withdraw(phone, event, "Ana")
    request = requests_of(client, "Ana")[-1]
    refused = phone.post(f"/e/{event.slug}/floor/{request.id}/ready", headers=HTMX)
    assert refused.status_code == 409
    assert NOT_WAITING in read(refused.text)
    assert requests_of(client, "Ana")[-1].ready_at is None


def test_ready_is_refused_on_a_called_speaker(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    phone = join(another_phone(client), event)
    ask(phone, event)
    act(client, turns.call_next, **console(client, "first", "speaker"))
    request = requests_of(client, "Ana")[-1]
    refused = phone.post(f"/e/{event.slug}/floor/{request.id}/ready", headers=HTMX)
    assert refused.status_code == 409 and NOT_WAITING in read(refused.text)


def test_only_the_requests_own_phone_says_it_is_ready(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    phone = join(another_phone(client), event)
    ask(phone, event)
    request = requests_of(client, "Ana")[-1]
    other = join(another_phone(client), event, "Bo")
    refused = other.post(f"/e/{event.slug}/floor/{request.id}/ready", headers=HTMX)
    assert refused.status_code == 403
    assert requests_of(client, "Ana")[-1].ready_at is None


def test_ready_works_as_a_plain_form(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    phone = without_javascript(join(another_phone(client), event))
    phone.post(
        f"/e/{event.slug}/floor",
        data={
            **plain_form(phone.get(f"/e/{event.slug}").text, f"/e/{event.slug}/floor"),
            "kind": "intervention",
        },
    )
    page = phone.get(f"/e/{event.slug}").text
    action = f"/e/{event.slug}/floor/{requests_of(client, 'Ana')[-1].id}/ready"
    answer = phone.post(action, data=plain_form(page, action), follow_redirects=False)
    assert answer.status_code == 303
    assert SEEN_READY in read(phone.get(f"/e/{event.slug}").text)
