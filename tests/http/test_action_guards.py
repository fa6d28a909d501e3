"""Through the console's forms: each action carries what it depends on, and only that.

A console that is a moment behind (its socket has not yet brought the last phone's request)
acts as its facilitator meant; a repeated or raced click changes the room once.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from starlette.routing import compile_path

from app.models import Event
from tests.console import as_console, form_fields
from tests.http.helpers import (
    HTMX,
    another_phone,
    facilitator,
    join,
    open_first_topic,
    seeded_event,
)

# The form fields that name what an action depends on (see app/routes/deps.py).
DEPENDENCIES = {"speaker", "first", "topic", "segment", "place", "code", "key"}


def a_room_in_session(client: TestClient) -> Event:
    """The first topic open, Ana speaking, Bruno and Carla waiting."""
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    for name in ("Ana", "Bruno", "Carla"):
        ask_for_the_floor(client, event, name)
    assert as_console(client, f"/f/{event.slug}/floor/next", headers=HTMX).status_code == 200
    return event


def ask_for_the_floor(client: TestClient, event: Event, name: str) -> None:
    phone = join(another_phone(client), event, name=name)
    assert phone.post(f"/e/{event.slug}/floor", data={"kind": "intervention"}).status_code == 200


def speaker_of(client: TestClient, event: Event) -> str:
    console = client.get(f"/f/{event.slug}").text
    found = re.search(r'<p class="speaker"><span class="who">([^<]*)</span>', console)
    assert found is not None, "nobody speaks on the console"
    return found[1]


def test_call_next_that_names_nobody_calls_nobody(client: TestClient) -> None:
    event = a_room_in_session(client)
    answers = {client.post(f"/f/{event.slug}/floor/next", headers=HTMX).status_code}
    answers |= {client.post(f"/f/{event.slug}/floor/next").status_code for _ in range(99)}
    assert answers == {409}
    assert speaker_of(client, event) == "Ana"


def test_call_next_pressed_twice_calls_one_speaker(client: TestClient) -> None:
    event = a_room_in_session(client)
    call_next = f"/f/{event.slug}/floor/next"
    drawn = form_fields(client.get(f"/f/{event.slug}").text, call_next)
    first = client.post(call_next, data=drawn, headers=HTMX)
    second = client.post(call_next, data=drawn, headers=HTMX)
    assert (first.status_code, second.status_code) == (200, 409)
    assert "The room changed" in second.text
    assert speaker_of(client, event) == "Bruno"


def test_more_time_from_a_console_a_moment_behind_goes_through_while_phones_ask(
    client: TestClient,
) -> None:
    event = a_room_in_session(client)
    add = f"/f/{event.slug}/timer/add"
    drawn = form_fields(client.get(f"/f/{event.slug}").text, add)
    for number in range(12):
        ask_for_the_floor(client, event, f"Phone {number}")
        assert client.post(add, data=drawn, headers=HTMX).status_code == 200
    console = client.get(f"/f/{event.slug}").text
    remaining = re.search(r'data-remaining-ms="(\d+)"', console)
    assert remaining is not None and int(remaining[1]) > 180_000 + 11 * 30_000


def form_fields_of_operations(client: TestClient) -> dict[str, set[str]]:
    """Each POST address of the schema (as a template) with the form fields it reads."""
    schema = client.app.openapi()  # type: ignore[attr-defined]
    components = schema["components"]["schemas"]
    fields = {}
    for path, operations in schema["paths"].items():
        body = operations.get("post", {}).get("requestBody", {})
        form = body.get("content", {}).get("application/x-www-form-urlencoded", {})
        reference = form.get("schema", {}).get("$ref", "")
        properties = components[reference.rsplit("/", 1)[-1]] if reference else {}
        fields[path] = set(properties.get("properties", {}))
    return fields


def test_every_console_form_carries_what_its_action_depends_on(client: TestClient) -> None:
    """Inside the form itself, so that a plain form post sends it as htmx does."""
    event = a_room_in_session(client)
    console = client.get(f"/f/{event.slug}").text
    forms = re.findall(r'<form\b[^>]*\baction="([^"]+)"[^>]*>(.*?)</form>', console, re.S)
    checked = set()
    for path, fields in form_fields_of_operations(client).items():
        wanted = fields & DEPENDENCIES
        for action, body in forms:
            if wanted and compile_path(path)[0].match(action):
                hidden = set(re.findall(r'<input type="hidden" name="([^"]+)"', body))
                assert wanted <= hidden, f"{action} lacks {wanted - hidden}"
                checked.add(path)
    # Every kind of action the console offers in this state was found and checked.
    assert {
        "/f/{slug}/floor/next",
        "/f/{slug}/floor/finish",
        "/f/{slug}/timer/{action}",
        "/f/{slug}/floor/list/{state}",
        "/f/{slug}/topics/next",
        "/f/{slug}/topics/{topic_id}/open",
        "/f/{slug}/segments/{segment_id}/open",
        "/f/{slug}/floor/{request_id}/call",
        "/f/{slug}/floor/{request_id}/down",
        "/f/{slug}/join-code",
        "/f/{slug}/projector-link",
    } <= checked


def test_a_plain_form_post_carries_its_dependencies_and_acts(client: TestClient) -> None:
    event = a_room_in_session(client)
    finish = f"/f/{event.slug}/floor/finish"
    drawn = form_fields(client.get(f"/f/{event.slug}").text, finish)
    response = client.post(finish, data=drawn, follow_redirects=False)
    assert response.status_code == 303
    assert "Nobody has the floor." in client.get(f"/f/{event.slug}").text
