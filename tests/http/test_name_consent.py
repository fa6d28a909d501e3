"""At joining a participant says whether their name may appear in published material (no
unless they tick it), and changes their mind later from their phone."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.db import Database
from app.models import Participant
from tests.http.helpers import HTMX, another_phone, join, seeded_event


def publishes_name(client: TestClient, name: str) -> bool:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.reading() as db:
        person = db.scalar(select(Participant).where(Participant.name == name))
        assert person is not None
        return person.publish_name


def consent_box(html: str) -> str:
    found = re.search(r'<input type="checkbox" name="publish_name"[^>]*>', html)
    assert found, "no consent checkbox"
    return found.group(0)


def test_the_join_form_asks_with_the_box_unticked(client: TestClient) -> None:
    event = seeded_event(client)
    form = client.get(f"/join?code={event.join_code}").text
    assert "checked" not in consent_box(form)
    assert "My name may appear in the consultation" in form
    assert "never your name" in form


def test_joining_without_ticking_keeps_the_name_out(client: TestClient) -> None:
    event = seeded_event(client)
    join(client, event, name="Rosa Quispe")
    assert publishes_name(client, "Rosa Quispe") is False


def test_joining_with_the_box_ticked_lets_the_name_appear(client: TestClient) -> None:
    event = seeded_event(client)
    join(client, event, name="Rosa Quispe", publish_name="yes")
    assert publishes_name(client, "Rosa Quispe") is True


def test_a_refused_join_keeps_the_tick(client: TestClient) -> None:
    event = seeded_event(client)
    data = {"code": event.join_code, "name": " ", "publish_name": "yes"}
    refused = client.post("/join", data=data)
    assert refused.status_code == 422
    assert "checked" in consent_box(refused.text)


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain form"])
def test_the_phone_changes_its_mind_and_back(client: TestClient, htmx: bool) -> None:
    event = seeded_event(client)
    phone = join(client, event, name="Rosa Quispe")
    page = phone.get(f"/e/{event.slug}").text
    assert "Your name in published material" in page
    assert "checked" not in consent_box(page)
    headers = HTMX if htmx else {}
    said_yes = phone.post(
        f"/e/{event.slug}/name-consent", data={"publish_name": "yes"}, headers=headers
    )
    assert said_yes.status_code == 200
    assert publishes_name(client, "Rosa Quispe") is True
    if htmx:
        assert 'hx-swap-oob="true"' in said_yes.text and "Your choice is saved." in said_yes.text
    assert "checked" in consent_box(said_yes.text)
    phone.post(f"/e/{event.slug}/name-consent", data={}, headers=headers)
    assert publishes_name(client, "Rosa Quispe") is False


def test_only_a_joined_phone_changes_its_own_choice(client: TestClient) -> None:
    event = seeded_event(client)
    join(client, event, name="Rosa Quispe")
    stranger = another_phone(client)
    refused = stranger.post(f"/e/{event.slug}/name-consent", data={"publish_name": "yes"})
    assert refused.status_code == 401
    assert publishes_name(client, "Rosa Quispe") is False
