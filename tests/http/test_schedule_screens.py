"""The schedule on the console and the projector, in English and Portuguese, with the clock
held still: planned against spoken time, a late meeting, a list that does not fit, the
breaks in the agenda, and what comes next."""

from __future__ import annotations

import html
import re
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from app.db import Database
from app.models import Event
from app.services import events, screens
from tests.factories import at, make_scheduled_event
from tests.http.helpers import (
    another_phone,
    facilitator,
    join,
    open_first_topic,
    projector_key,
    seeded_event,
)

# A quarter to ten in Brasilia, 12 minutes after the first topic's planned end (09:45 UTC-3
# is 12:45 UTC; the tests' day starts at 09:00 UTC).
DASH = "\N{EN DASH}"
BREAK = at(4 * 3600 + 40 * 60)
LATE = at(3 * 3600 + 57 * 60)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every screen is read at LATE."""
    monkeypatch.setattr(screens, "utcnow", lambda: LATE)


def scheduled(client: TestClient, projector: list[str]) -> Event:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.writing() as db:
        event = make_scheduled_event(db, time_zone="America/Sao_Paulo")
        events.set_projector_languages(db=db, event=event, languages=projector)
        assert all(segment.topics for segment in event.segments)  # loaded for the test
        return event


def text(page: str) -> str:
    """What the page says, without its tags, its white space folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", page)).split())


def console(client: TestClient, event: Event, language: str) -> str:
    page = facilitator(client, event).get(f"/f/{event.slug}", headers={"Accept-Language": language})
    assert page.status_code == 200
    return text(page.text)


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize(
    ("language", "says"),
    [
        (
            "en",
            [
                "Running 12 minutes late",
                "Segment 1 0 min spoken of 90 min planned",
                "Topic 1 0 min spoken of 45 min planned",
                "5 people waiting would not get the floor before the segment ends at 10:30 AM",
                "Next (planned for 9:45 AM): Topic 2 Vivienda",
                "Chair: ACNUR",
                f"Thu, May 16, 9:00 AM{DASH}10:30 AM",
                f"Pausa para el café Thu, May 16, 10:30 AM{DASH}11:00 AM",
                "The room resumes at 11:00 AM",
            ],
        ),
        (
            "pt",
            [
                "Estamos 12 minutos atrasados",
                "Segmento 1 0 min de fala de 90 min previstos",
                "5 pessoas na fila não teriam a palavra antes de o segmento terminar às 10:30",
                "A seguir (previsto para 09:45): Tema 2 Vivienda",
                "Preside: ACNUR",
                f"Intervalo para o café qui., 16 de mai., 10:30{DASH}11:00",
                "A sessão retoma às 11:00",
            ],
        ),
    ],
)
def test_the_console_shows_the_schedule_and_warns_when_late(
    client: TestClient, language: str, says: list[str]
) -> None:
    event = scheduled(client, [language])
    open_first_topic(client, event)
    for n in range(16):
        join(another_phone(client), event, name=f"Persona {n}").post(
            f"/e/{event.slug}/floor", data={"kind": "intervention"}
        )
    shown = console(client, event, language)
    # 33 minutes left of the segment: 11 turns of 3 minutes fit, 5 of the 16 do not.
    for said in says:
        assert said in shown, said


@pytest.mark.usefixtures("clock")
def test_a_break_in_the_agenda_cannot_be_opened(client: TestClient) -> None:
    event = scheduled(client, ["en"])
    page = facilitator(client, event).get(f"/f/{event.slug}", headers={"Accept-Language": "en"})
    [pause] = [part for part in page.text.split('<li class="break')[1:]]
    pause = pause.split("</li>")[0]
    assert "Pausa para el café" in pause
    assert "<form" not in pause and "<button" not in pause


def test_an_agenda_without_a_schedule_shows_no_time_panel_details(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    shown = console(client, event, "en")
    assert "This segment has no planned time." in shown
    assert "Next, at" not in shown and "minutes late" not in shown


@pytest.mark.parametrize(
    ("language", "moment", "says"),
    [
        ("en", LATE, ["Coming next Topic 2 (planned for 9:45 AM)"]),
        ("pt", LATE, ["A seguir Tema 2 (previsto para 09:45)"]),
        # 10:40 in Brasilia, nothing open: the room is on its coffee break.
        ("en", BREAK, ["Pausa para el café · The room resumes at 11:00 AM"]),
        ("pt", BREAK, ["Intervalo para o café · A sessão retoma às 11:00"]),
    ],
)
def test_the_calm_projector_says_what_comes_next_and_when(
    client: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    moment: datetime,
    says: list[str],
) -> None:
    monkeypatch.setattr(screens, "utcnow", lambda: moment)
    event = scheduled(client, [language])
    if moment == LATE:
        open_first_topic(client, event)
    shown = text(
        another_phone(client).get(f"/projector/{event.slug}?key={projector_key(event)}").text
    )
    for said in says:
        assert said in shown, said
