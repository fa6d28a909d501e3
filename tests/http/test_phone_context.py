"""The phone's topic view shows what the room keeps in view: the open segment's framing and
the event's groups in focus, in the reader's language, folded away below the topic."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from app.db import Database
from app.models import Event
from app.services import agenda
from app.services.agenda_file import AgendaSpec
from tests.factories import T0, agenda_data, seen
from tests.http.helpers import join

FRAMING = {
    "es": "Las comunidades de acogida sostienen la respuesta.",
    "en": "Host communities carry the response.",
}
GROUP = {"es": "Mujeres y niñas", "en": "Women and girls"}


def event_with_context(client: TestClient) -> Event:
    data = agenda_data()
    data["segments"][0]["framing"] = FRAMING["es"]
    data["segments"][0]["translations"] = {"en": {"framing": FRAMING["en"]}}
    data["focus_groups"] = [
        {"key": "women", "name": GROUP["es"], "translations": {"en": {"name": GROUP["en"]}}}
    ]
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.writing() as db:
        event = agenda.load(db=db, spec=AgendaSpec.model_validate(data), now=T0)
        agenda.open_topic(
            db=db, event=event, **seen(db, event, "topic"), topic_id=event.segments[0].topics[0].id
        )
        return event


def context_of(html: str) -> str:
    found = re.search(r'<details class="context" id="p-context">(.*?)</details>', html, re.S)
    assert found, "no segment context on the phone"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_phone_shows_the_segments_framing_and_the_groups_in_focus(
    client: TestClient, language: str
) -> None:
    event = event_with_context(client)
    phone = join(client, event)
    page = phone.get(f"/e/{event.slug}", params={"lang": language}).text
    shown = context_of(page)
    assert FRAMING[language] in shown and GROUP[language] in shown
    # Folded below the topic, before the phone's own turn: never above its main action.
    assert page.index('id="p-context"') < page.index('id="p-my-turn"')
    assert '<details class="context" id="p-context" open' not in page
