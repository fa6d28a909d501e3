from __future__ import annotations

from fastapi.testclient import TestClient

from tests.console import as_console, form_fields
from tests.http.helpers import (
    HTMX,
    another_phone,
    facilitator,
    join,
    open_first_topic,
    request_ids,
    seeded_event,
)


def test_the_console_sends_whoever_is_not_signed_in_to_sign_in(client: TestClient) -> None:
    event = seeded_event(client)
    response = client.get(f"/f/{event.slug}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=%2Ff%2F{event.slug}"


def test_a_signed_in_facilitator_sees_the_console(client: TestClient) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    console = client.get(f"/f/{event.slug}")
    assert console.status_code == 200
    assert "Comunidades de acogida" in console.text
    assert "Salud" in console.text


def test_actions_are_refused_without_a_session(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    response = as_console(client, f"/f/{event.slug}/floor/next", headers=HTMX)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == f"/login?next=%2Ff%2F{event.slug}"
    assert "sign in" in response.text


def test_participants_cannot_act_as_facilitator(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    join(client, event)
    assert as_console(client, f"/f/{event.slug}/topics/next").status_code == 401


def test_next_topic_then_call_the_next_speaker(client: TestClient) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    opened = as_console(client, f"/f/{event.slug}/topics/next", headers=HTMX)
    assert opened.status_code == 200
    assert 'id="fac-floor"' in opened.text and "Salud" in opened.text

    phone = join(another_phone(client), event, name="María Pérez")
    phone.post(f"/e/{event.slug}/floor", data={"kind": "intervention"})
    called = as_console(client, f"/f/{event.slug}/floor/next", headers=HTMX)
    assert called.status_code == 200
    assert "María Pérez" in called.text
    assert 'data-running="true"' in called.text
    assert "You have the floor" in phone.get(f"/e/{event.slug}").text


def test_call_next_on_an_empty_list_gives_a_message_not_an_error(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    response = as_console(client, f"/f/{event.slug}/floor/next", headers=HTMX)
    assert response.status_code == 409
    assert "Nobody is waiting to speak." in response.text


def test_reorder_skip_and_remove_from_the_console(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    for name in ("Ana", "Bruno", "Carla"):
        phone = join(another_phone(client), event, name=name)
        phone.post(f"/e/{event.slug}/floor", data={"kind": "intervention"})
    ana, bruno, carla = request_ids(client.get(f"/f/{event.slug}").text)

    up = as_console(client, f"/f/{event.slug}/floor/{carla}/up", headers=HTMX)
    assert request_ids(up.text) == [ana, carla, bruno]
    skipped = client.post(f"/f/{event.slug}/floor/{ana}/skip", headers=HTMX)
    assert request_ids(skipped.text) == [carla, bruno]
    removed = client.post(f"/f/{event.slug}/floor/{bruno}/remove", headers=HTMX)
    assert request_ids(removed.text) == [carla]
    back = client.post(f"/f/{event.slug}/floor/{ana}/put-back", headers=HTMX)
    assert request_ids(back.text) == [ana, carla]  # where she was when skipped
    undone = client.post(f"/f/{event.slug}/floor/{bruno}/put-back", headers=HTMX)
    assert request_ids(undone.text) == [ana, carla, bruno]  # where he was when removed


def test_an_unknown_action_is_a_clear_404(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    response = client.post(f"/f/{event.slug}/floor/1/explode", headers=HTMX)
    assert response.status_code == 404
    assert "There is nothing at this address." in response.text


def test_timer_controls(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    join(another_phone(client), event).post(f"/e/{event.slug}/floor", data={"kind": "reply"})
    as_console(client, f"/f/{event.slug}/floor/next", headers=HTMX)
    pause = f"/f/{event.slug}/timer/pause"
    shown = form_fields(client.get(f"/f/{event.slug}").text, pause)
    paused = client.post(pause, data=shown, headers=HTMX)
    assert 'data-running="false"' in paused.text
    again = client.post(pause, data=shown, headers=HTMX)  # the same click, once more
    assert again.status_code == 409 and "not running" in again.text
    added = as_console(client, f"/f/{event.slug}/timer/add", headers=HTMX)
    assert 'data-running="false"' in added.text
    reset = as_console(client, f"/f/{event.slug}/timer/reset", headers=HTMX)
    assert 'data-remaining-ms="180000"' in reset.text
    started = as_console(client, f"/f/{event.slug}/timer/start", headers=HTMX)
    assert 'data-running="true"' in started.text


def test_add_a_speaker_from_the_room(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    response = client.post(
        f"/f/{event.slug}/floor/add",
        data={"name": "Delegación de Perú", "country": "Perú", "kind": "point_of_order"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Delegación de Perú" in response.text and "from the room" in response.text
    empty = client.post(
        f"/f/{event.slug}/floor/add", data={"name": " ", "kind": "reply"}, headers=HTMX
    )
    assert empty.status_code == 422 and "Name is required." in empty.text


def test_close_and_reopen_the_list(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    as_console(client, f"/f/{event.slug}/floor/list/close", headers=HTMX)
    phone = join(another_phone(client), event)
    refused = phone.post(f"/e/{event.slug}/floor", data={"kind": "reply"}, headers=HTMX)
    assert refused.status_code == 409 and "closed" in refused.text
    as_console(client, f"/f/{event.slug}/floor/list/open", headers=HTMX)
    accepted = phone.post(f"/e/{event.slug}/floor", data={"kind": "reply"}, headers=HTMX)
    assert accepted.status_code == 200


def test_names_are_escaped_in_the_console(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    phone = join(another_phone(client), event, name='<img src=x onerror="alert(1)">')
    phone.post(f"/e/{event.slug}/floor", data={"kind": "reply"})
    console = client.get(f"/f/{event.slug}").text
    assert "<img src=x" not in console
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in console


def test_set_the_speaking_time_from_the_console(client: TestClient) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    response = client.post(
        f"/f/{event.slug}/speaking-time", data={"speaking_time": "2:00"}, headers=HTMX
    )
    assert response.status_code == 200
    assert 'name="speaking_time" value="2:00"' in response.text
    wrong = client.post(
        f"/f/{event.slug}/speaking-time", data={"speaking_time": "forever"}, headers=HTMX
    )
    assert wrong.status_code == 422 and "minutes:seconds" in wrong.text


def test_a_segment_gets_its_own_speaking_time_and_gives_it_back(client: TestClient) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    address = f"/f/{event.slug}/segments/{event.segments[0].id}/speaking-time"
    own = client.post(address, data={"speaking_time": "1:30"}, headers=HTMX)
    assert own.status_code == 200
    assert 'name="speaking_time" value="1:30"' in own.text
    back = client.post(address, data={"speaking_time": ""}, headers=HTMX)
    assert back.status_code == 200
    assert 'name="speaking_time" value="1:30"' not in back.text


def test_a_wrong_method_is_told_every_method_the_address_takes(client: TestClient) -> None:
    response = client.put("/join")
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, POST"


def test_an_action_on_a_stale_view_gets_the_fresh_console_and_a_reason(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    as_console(client, f"/f/{event.slug}/topics/next", headers=HTMX)
    next_topic = f"/f/{event.slug}/topics/next"
    drawn = form_fields(client.get(f"/f/{event.slug}").text, next_topic)
    as_console(client, next_topic, headers=HTMX)  # a co-facilitator moves on first
    stale = client.post(next_topic, data=drawn, headers=HTMX)
    assert stale.status_code == 409
    assert "The room changed" in stale.text
    assert 'id="fac-floor"' in stale.text and "Vivienda" in stale.text
