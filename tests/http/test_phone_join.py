"""A phone that scans a join link again: its own event's page, or the form filled in."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.db import Database
from app.models import Event, Participant
from app.services import events
from tests.factories import make_event
from tests.http.helpers import another_phone, join, seeded_event

ADDRESSES = ["/j/{code}", "/join?code={code}", "/j/{lower}"]


def other_event(client: TestClient) -> Event:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.writing() as db:
        return make_event(db, slug="second-consultation", title="Second consultation")


def field(html: str, name: str) -> str:
    found = re.search(rf'<input name="{name}" value="([^"]*)"', html)
    assert found, name
    return found.group(1)


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_joined_phone_scanning_its_event_again_goes_to_its_page(
    client: TestClient, address: str
) -> None:
    event = seeded_event(client)
    phone = join(client, event, name="María Pérez")
    url = address.format(code=event.join_code, lower=event.join_code.lower())
    response = phone.get(url, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/e/{event.slug}"
    assert "María Pérez" in phone.get(url).text


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_phone_joined_elsewhere_gets_the_form_filled_in(client: TestClient, address: str) -> None:
    first = seeded_event(client)
    second = other_event(client)
    phone = join(client, first, name="María Pérez", organisation="ACNUR Chile")
    url = address.format(code=second.join_code, lower=second.join_code.lower())
    page = phone.get(url)
    assert page.status_code == 200
    assert "Second consultation" in page.text
    assert field(page.text, "name") == "María Pérez"
    assert field(page.text, "organisation") == "ACNUR Chile"
    assert field(page.text, "code") == url.rsplit("/", 1)[-1].split("=")[-1]


def test_a_new_phone_gets_an_empty_form(client: TestClient) -> None:
    event = seeded_event(client)
    join(client, event)
    page = another_phone(client).get(f"/j/{event.join_code}")
    assert page.status_code == 200
    assert field(page.text, "name") == ""


def test_a_phone_whose_session_was_ended_is_asked_to_join_again(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    phone = join(client, event, name="María Pérez")
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.writing() as db:
        fresh = db.get(Event, event.id)
        assert fresh is not None
        events.rotate_join_code(db=db, event=fresh, seen_code=fresh.join_code, end_sessions=True)
        code = fresh.join_code
    page = phone.get(f"/j/{code}", follow_redirects=False)
    assert page.status_code == 200
    assert field(page.text, "code") == code


def test_a_joined_phone_sending_the_join_form_again_stays_one_participant(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    phone = join(client, event, name="María Pérez")
    again = phone.post(
        "/join", data={"code": event.join_code, "name": "María P."}, follow_redirects=False
    )
    assert again.status_code == 303
    assert again.headers["location"] == f"/e/{event.slug}"
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.reading() as db:
        joined = db.scalars(select(Participant).where(Participant.event_id == event.id)).all()
    assert [p.name for p in joined] == ["María Pérez"]
    assert "María Pérez" in phone.get(f"/e/{event.slug}").text
