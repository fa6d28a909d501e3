"""The console asks before a move of the agenda ends a turn or leaves requests waiting, offers
an undo for a skip or a removal (and never an undo the room would refuse), and says what
a segment's speaking time was set to; with htmx and as plain forms."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from app.models import Event
from tests.console import as_console, form_fields, is_question
from tests.http.helpers import (
    HTMX,
    another_phone,
    facilitator,
    join,
    open_first_topic,
    request_ids,
    seeded_event,
)
from tests.http.test_without_javascript import plain_form, without_javascript

WAITING = ("Bruno", "Carla", "Dora", "Eva")


def ask(client: TestClient, event: Event, name: str) -> TestClient:
    phone = join(another_phone(client), event, name=name)
    assert phone.post(f"/e/{event.slug}/floor", data={"kind": "intervention"}).status_code == 200
    return phone


def ana_speaking_and_four_waiting(client: TestClient) -> Event:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    for name in ("Ana", *WAITING):
        ask(client, event, name)
    assert as_console(client, f"/f/{event.slug}/floor/next", headers=HTMX).status_code == 200
    return event


def moves(event: Event) -> list[str]:
    """The address of every move that closes the open topic (the first one)."""
    first, second = event.segments
    return [
        f"/f/{event.slug}/topics/next",
        f"/f/{event.slug}/topics/{first.topics[1].id}/open",
        f"/f/{event.slug}/topics/{first.topics[0].id}/close",
        f"/f/{event.slug}/segments/{second.id}/open",
        f"/f/{event.slug}/segments/{first.id}/close",
    ]


def open_topic_title(client: TestClient, event: Event) -> str:
    found = re.search(
        r'<h2 id="fac-floor-title" class="open-topic">(.*?)</h2>', console(client, event)
    )
    return found[1] if found else ""


def console(client: TestClient, event: Event) -> str:
    return client.get(f"/f/{event.slug}").text


@pytest.mark.parametrize("move", range(5))
def test_a_move_that_ends_a_turn_asks_first_saying_what_ends(client: TestClient, move: int) -> None:
    event = ana_speaking_and_four_waiting(client)
    url = moves(event)[move]
    asked = as_console(client, url, headers=HTMX, confirm=False)
    assert is_question(asked)
    assert "<dialog open" in asked.text
    assert "Ana&#39;s turn ends." in asked.text or "Ana's turn ends." in asked.text
    assert "4 waiting requests stay on the closed topic." in asked.text
    assert 'id="fac-floor"' not in asked.text  # nothing changed, nothing to redraw
    assert "Ana" in re.search(r'<p class="speaker">(.*?)</p>', console(client, event), re.S)[1]

    confirmed = client.post(url, data=form_fields(asked.text, url), headers=HTMX)
    assert confirmed.status_code == 200 and not is_question(confirmed)
    assert '<div id="fac-confirm" hx-swap-oob="true"></div>' in confirmed.text
    assert '<p class="speaker">' not in console(client, event)


def test_the_audit_log_says_whose_turn_ended_and_how_many_stayed_waiting(
    client: TestClient,
) -> None:
    event = ana_speaking_and_four_waiting(client)
    as_console(client, f"/f/{event.slug}/topics/next", headers=HTMX)
    log = client.get(f"/f/{event.slug}/audit").text
    assert "Moved to the next topic" in log
    assert re.search(r"Ended the turn of Ana \(request \d+\)", log)
    assert "4 requests stayed waiting on the closed topic" in log


def test_a_move_that_ends_nothing_does_not_ask(client: TestClient) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    moved = as_console(client, f"/f/{event.slug}/topics/next", headers=HTMX, confirm=False)
    assert not is_question(moved) and 'id="fac-floor"' in moved.text


def test_without_javascript_the_question_is_a_page_whose_form_moves_on(client: TestClient) -> None:
    event = ana_speaking_and_four_waiting(client)
    plain = without_javascript(client)
    url = f"/f/{event.slug}/topics/next"
    asked = plain.post(url, data=plain_form(console(plain, event), url), follow_redirects=False)
    assert asked.status_code == 200
    assert "<main" in asked.text and '<h1 id="fac-confirm-question">' in asked.text
    assert f'href="/f/{event.slug}"' in asked.text  # cancel: back to the console
    fields = plain_form(asked.text, url)
    assert "csrf_token" in fields and fields["confirmed"] == "true"
    done = plain.post(url, data=fields, follow_redirects=False)
    assert done.status_code == 303
    assert open_topic_title(plain, event) != ""
    assert '<p class="speaker">' not in console(plain, event)


def test_a_question_answered_after_another_speaker_was_called_asks_again(
    client: TestClient,
) -> None:
    event = ana_speaking_and_four_waiting(client)
    url = f"/f/{event.slug}/topics/next"
    asked = as_console(client, url, headers=HTMX, confirm=False)
    as_console(client, f"/f/{event.slug}/floor/next", headers=HTMX)  # Bruno now speaks
    again = client.post(url, data=form_fields(asked.text, url), headers=HTMX)
    assert is_question(again)
    assert "Bruno&#39;s turn ends." in again.text or "Bruno's turn ends." in again.text
    assert "3 waiting requests stay" in again.text


# Undo


def test_a_skip_and_a_removal_offer_an_undo_that_puts_each_back_at_its_place(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    for name in ("Ana", "Bruno", "Carla"):
        ask(client, event, name)
    ana, bruno, carla = request_ids(console(client, event))
    skipped = client.post(f"/f/{event.slug}/floor/{ana}/skip", headers=HTMX).text
    assert re.search(r'Skipped:</span> <span class="who">Ana</span>', skipped)
    removed = client.post(f"/f/{event.slug}/floor/{bruno}/remove", headers=HTMX).text
    assert re.search(r'Removed:</span> <span class="who">Bruno</span>', removed)
    assert 'aria-label="Undo removing Bruno"' in removed
    assert 'aria-label="Put back Ana"' in removed
    undo = form_fields(removed, f"/f/{event.slug}/floor/{bruno}/put-back")
    back = client.post(f"/f/{event.slug}/floor/{bruno}/put-back", data=undo, headers=HTMX)
    assert request_ids(back.text) == [bruno, carla]
    assert "Undo removing Bruno" not in back.text


def test_a_skipped_speaker_who_asks_again_is_no_longer_offered_to_put_back(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    phone = ask(client, event, "Ana")
    (ana,) = request_ids(console(client, event))
    client.post(f"/f/{event.slug}/floor/{ana}/skip", headers=HTMX)
    assert f"/floor/{ana}/put-back" in console(client, event)
    assert phone.post(f"/e/{event.slug}/floor", data={"kind": "intervention"}).status_code == 200
    shown = console(client, event)
    assert f"/floor/{ana}/put-back" not in shown and "Skipped:" not in shown
    assert client.post(f"/f/{event.slug}/floor/{ana}/put-back", headers=HTMX).status_code == 409


# The segment's speaking time


def test_a_segments_speaking_time_is_set_by_its_button_and_the_answer_says_so(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    segment = event.segments[0]
    url = f"/f/{event.slug}/segments/{segment.id}/speaking-time"
    form = re.search(rf'<form[^>]*action="{url}"[^>]*>(.*?)</form>', console(client, event), re.S)
    assert form is not None and "<button" in form[1]
    answer = client.post(url, data={"speaking_time": "4:00"}, headers=HTMX)
    assert f"Speaking time in segment {segment.number}: 4:00." in answer.text
    cleared = client.post(url, data={"speaking_time": ""}, headers=HTMX)
    assert f"Segment {segment.number} takes the event&#39;s speaking time, 3:00." in cleared.text
