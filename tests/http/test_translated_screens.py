"""The screens in the reader's language: a Portuguese phone, console and projector show the
bundled agenda in Portuguese, marked as a working translation, with the Spanish original
at hand; what a participant chooses is kept by identity, never as translated text."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.db import Database
from app.i18n import translate
from app.models import AuditEntry, Event, FloorRequest
from app.routes import deps, errors, facilitator, ws
from app.services import agenda
from app.services.agenda_file import read_agenda
from tests.factories import T0
from tests.http.helpers import HTMX, another_phone, join, open_first_topic
from tests.http.helpers import facilitator as signed_in

BUNDLED = Path("app/agendas/cartagena40-brasilia-2024.toml")
WORKING_NOTE = translate("pt", "Agenda in a working translation, not yet reviewed.", {})


@pytest.fixture
def portuguese(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page and socket answers in Portuguese (until the language chooser decides)."""
    for module in (deps, errors, facilitator, ws):
        monkeypatch.setattr(module, "locale_for", lambda connection: "pt")


def bundled_event(client: TestClient) -> Event:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.writing() as db:
        event = agenda.load(db=db, spec=read_agenda(BUNDLED), now=T0)
        for topic in event.segments[0].topics:
            assert topic.questions  # loaded now, for the test to read later
        return event


def text_of(page: str) -> str:
    return html.unescape(page)


@pytest.mark.usefixtures("portuguese")
def test_a_portuguese_phone_console_and_projector_show_the_agenda_in_portuguese(
    client: TestClient,
) -> None:
    event = bundled_event(client)
    open_first_topic(client, event)
    topic = event.segments[0].topics[0]
    title_pt = topic.translations["pt"]["title"]
    questions_pt = [q.translations["pt"]["text"] for q in topic.questions]

    console = text_of(signed_in(client, event).get(f"/f/{event.slug}").text)
    assert title_pt in console and event.translations["pt"]["title"] in console
    assert console.count(WORKING_NOTE) == 1

    # The projector reads in the language the console set for it.
    chosen = {"language": "pt"}
    assert client.post(f"/f/{event.slug}/projector-languages", data=chosen).status_code == 200
    projector = another_phone(client).get(
        f"/projector/{event.slug}", params={"key": event.projector_token}
    )
    page = text_of(projector.text)
    assert title_pt in page and all(q in page for q in questions_pt)
    assert "Segmento 1" in page and topic.title not in page
    assert page.count(WORKING_NOTE) == 1

    phone = join(another_phone(client), event)
    mine = text_of(phone.get(f"/e/{event.slug}").text)
    assert title_pt in mine and all(q in mine for q in questions_pt)
    assert mine.count(WORKING_NOTE) == 1
    # The Spanish original is one tap away, marked as Spanish.
    details = mine[mine.index('<details class="original"') :]
    details = details[: details.index("</details>")]
    assert f'<span lang="es">{topic.title}</span>' in details
    assert all(f'<span lang="es">{q.text}</span>' in details for q in topic.questions)
    assert "Original em espanhol" in details or "Original in" in details


@pytest.mark.usefixtures("portuguese")
def test_a_question_chosen_in_portuguese_is_kept_by_its_identity(client: TestClient) -> None:
    event = bundled_event(client)
    open_first_topic(client, event)
    question = event.segments[0].topics[0].questions[1]
    phone = join(another_phone(client), event)
    response = phone.post(
        f"/e/{event.slug}/floor",
        data={"kind": "intervention", "question_ids": [str(question.id)]},
        headers=HTMX,
    )
    assert response.status_code == 200
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.reading() as db:
        request = db.scalars(select(FloorRequest)).one()
        assert [q.id for q in request.questions] == [question.id]
        record = [
            repr((entry.subject, entry.before, entry.after))
            for entry in db.scalars(select(AuditEntry).where(AuditEntry.event_id == event.id))
        ]
    translated = [
        text
        for part in [event, *event.segments, *event.segments[0].topics, question]
        for language in ("pt", "en", "fr")
        for text in part.translations[language].values()
    ]
    assert record and not [t for t in translated if any(t in r for r in record)]
