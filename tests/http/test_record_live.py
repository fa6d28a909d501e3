"""The record's live panels: asked for again while the record page is open, they tell what the
room did since it was drawn, and a notice of the turns given since."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from app.models import Event, Role
from app.services import turns
from tests.factories import make_participant, make_request, seen
from tests.http.test_record_exports import words
from tests.http.test_record_tags_routes import a_turn, as_role, database_of


def poll_address(page: str) -> str:
    """Where the live region of ``page`` (the record, or its panels) asks for them again."""
    found = re.search(r'id="record-live" hx-get="([^"]+)"', page)
    assert found, "no live region"
    return html.unescape(found.group(1))


def not_yet_heard(page: str) -> str:
    start = page.index('id="not-yet-heard-title"')
    return words(page[start : page.index("</section>", start)])


def bea_asks(client: TestClient, event: Event) -> None:
    with database_of(client).writing() as db:
        make_request(db, event, make_participant(db, event, "Bea"))


def bea_speaks(client: TestClient, event: Event) -> None:
    with database_of(client).writing() as db:
        turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"))
        turns.finish(db=db, event=event, **seen(db, event, "speaker"))


def test_the_panels_tell_a_turn_given_after_the_page_was_drawn_and_nothing_while_unchanged(
    client: TestClient,
) -> None:
    event, _ = a_turn(client)
    as_role(client, "rui", Role.RAPPORTEUR)
    page = client.get(f"/f/{event.slug}/record").text
    address = poll_address(page)
    assert address.startswith(f"/f/{event.slug}/record/panels?seen=1&")
    assert 'hx-trigger="every 10s' in page
    # Drawn just now: the panels would show what they show.
    assert client.get(address).status_code == 204

    bea_asks(client, event)
    answer = client.get(address)
    assert answer.status_code == 200
    assert "Bea" in not_yet_heard(answer.text)
    # No new turn: the notice, unchanged, is not sent again (its status is told once).
    assert "record-new-turns" not in answer.text
    address = poll_address(answer.text)
    assert client.get(address).status_code == 204

    bea_speaks(client, event)
    answer = client.get(address)
    assert answer.status_code == 200
    assert "Bea" not in not_yet_heard(answer.text)
    notice = re.search(
        r'<p id="record-new-turns"[^>]*hx-swap-oob="innerHTML"[^>]*>(.*?)</p>', answer.text
    )
    assert notice, answer.text
    topic = event.segments[0].topics[0]
    assert f'href="/f/{event.slug}/record?turns=2#topic-{topic.id}"' in notice.group(1)
    assert words(notice.group(1)) == "1 new turn — show it"
    # Balance of the whole event: two turns now.
    start = answer.text.index('id="balance-title"')
    assert re.search(r"<td>2</td>", answer.text[start:])


def test_the_panels_of_a_page_drawn_now_are_the_pages_own(client: TestClient) -> None:
    event, _ = a_turn(client)
    bea_asks(client, event)
    as_role(client, "bea", Role.BOTH)
    page = client.get(f"/f/{event.slug}/record").text
    panels = client.get(f"/f/{event.slug}/record/panels").text
    region = panels[panels.index('<div id="record-live"') : panels.rindex("</div>")]
    assert region in page
    assert "Bea" in not_yet_heard(page)


def test_the_panels_need_a_signed_in_account_as_the_record_does(client: TestClient) -> None:
    event, _ = a_turn(client)
    address = f"/f/{event.slug}/record/panels?seen=0"
    response = client.get(address, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next=%2Ff%2F{event.slug}%2Frecord%2Fpanels"
    # As htmx asks: refused, and the page goes to the sign-in.
    polled = client.get(address, headers={"HX-Request": "true"}, follow_redirects=False)
    assert polled.status_code == 401 and "Ana" not in polled.text
    assert polled.headers["HX-Redirect"].startswith("/login?next=")


def test_a_seen_count_that_is_not_a_count_is_refused_with_why(client: TestClient) -> None:
    event, _ = a_turn(client)
    as_role(client, "rui", Role.RAPPORTEUR)
    response = client.get(f"/f/{event.slug}/record/panels?seen=-1")
    assert response.status_code == 422
    assert "not valid" in response.text
