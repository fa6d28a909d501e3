"""What the projector says in each state of the room, in each language it may be set to:
the segment's title once, no invitation to a closed list, the countdown's state in words,
and while nobody speaks, what frames the discussion (framing, groups in focus, objective)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.db import Database
from app.i18n import LANGUAGES, translate, translations
from app.models import Event, TurnKind
from app.services import agenda, events, floor, timer, turns
from app.services.agenda_file import AgendaSpec
from tests.factories import T0, agenda_data, at, seen
from tests.http.helpers import projector_key

FRAMING = "Se alienta la presentación de buenas prácticas."
OBJECTIVE = "Identificar soluciones compartidas."
ORGANISERS = ["Secretaría Técnica", "ACNUR"]
FOCUS_GROUPS = {"women": "Mujeres", "children": "Niños, niñas y adolescentes"}
SEGMENT_TITLE = "Comunidades de acogida"


def framed_event(client: TestClient, languages: list[str]) -> Event:
    """The test agenda with everything an agenda file may say to frame the discussion."""
    data = agenda_data(objective=OBJECTIVE, organisers=ORGANISERS)
    data["segments"][0]["framing"] = FRAMING
    data["focus_groups"] = [{"key": key, "name": name} for key, name in FOCUS_GROUPS.items()]
    with database(client).writing() as db:
        event = agenda.load(db=db, spec=AgendaSpec.model_validate(data), now=T0)
        events.set_projector_languages(db=db, event=event, languages=languages, now=T0)
        return event


def database(client: TestClient) -> Database:
    found: Database = client.app.state.database  # type: ignore[attr-defined]
    return found


def act(client: TestClient, event: Event, action: Callable[[Session, Event], object]) -> None:
    with database(client).writing() as db:
        fresh = db.get(Event, event.id)
        assert fresh is not None
        action(db, fresh)


def open_segment(db: Session, event: Event) -> None:
    segment_id = event.segments[0].id
    agenda.open_segment(db=db, event=event, segment_id=segment_id, **seen(db, event, "segment"))


def open_topic_with_a_list(db: Session, event: Event) -> None:
    topic_id = event.segments[0].topics[0].id
    agenda.open_topic(db=db, event=event, topic_id=topic_id, **seen(db, event, "topic"))
    for name in ("Ana", "Bruno"):
        floor.add_from_room(
            db=db,
            event=event,
            name=name,
            organisation="ACNUR",
            actor_type_id=None,
            country="Chile",
            kind=TurnKind.INTERVENTION,
        )


def call_next(db: Session, event: Event) -> None:
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"))


def pause(db: Session, event: Event) -> None:
    timer.pause(db=db, event=event, **seen(db, event, "speaker"))


def close_the_list(db: Session, event: Event) -> None:
    floor.set_list_open(db=db, event=event, is_open=False, **seen(db, event, "topic"))


def region(client: TestClient, event: Event, region_id: str) -> str:
    """A region of the projector page as text, its markup taken out."""
    page = client.get(f"/projector/{event.slug}", params={"key": projector_key(event)})
    assert page.status_code == 200
    match = re.search(rf'<(\w+) id="{region_id}".*?</\1>', page.text, re.DOTALL)
    assert match is not None, f"no #{region_id}"
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split()))


def say(language: str, message: str) -> str:
    return translate(language, message, {})


STATES: list[tuple[str, list[Callable[[Session, Event], object]]]] = [
    ("no segment open", []),
    ("a segment open with no topic", [open_segment]),
    ("a topic open", [open_topic_with_a_list]),
    ("speaking", [open_topic_with_a_list, call_next]),
    ("list closed", [open_topic_with_a_list, close_the_list]),
    ("list closed, speaking", [open_topic_with_a_list, call_next, close_the_list]),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("state", "steps"), STATES, ids=[state for state, _ in STATES])
def test_the_projector_invites_to_ask_for_the_floor_only_while_the_list_is_open(
    client: TestClient, language: str, state: str, steps: list[Callable[[Session, Event], object]]
) -> None:
    event = framed_event(client, [language])
    for step in steps:
        act(client, event, step)
    join, queue = region(client, event, "projector-join"), region(client, event, "projector-next")
    list_open = state in {"a topic open", "speaking"}
    assert (say(language, "Ask for the floor from your phone") in join) is list_open
    assert (say(language, "List of speakers closed") in queue) is state.startswith("list closed")
    assert event.join_code in join


@pytest.mark.parametrize("languages", [["es"], ["es", "pt"]], ids="+".join)
@pytest.mark.parametrize(("state", "steps"), STATES, ids=[state for state, _ in STATES])
def test_the_segments_title_shows_once_in_each_language(
    client: TestClient,
    languages: list[str],
    state: str,
    steps: list[Callable[[Session, Event], object]],
) -> None:
    event = framed_event(client, languages)
    for step in steps:
        act(client, event, step)
    stage = region(client, event, "projector-stage")
    shown = 0 if state == "no segment open" else len(languages)
    if len(languages) > 1 and state != "a segment open with no topic":
        shown = 0  # two languages side by side name the segment by its number beside a topic
    assert stage.count(SEGMENT_TITLE) == shown, stage


@pytest.mark.parametrize("language", LANGUAGES)
def test_while_nobody_speaks_the_projector_shows_what_frames_the_discussion(
    client: TestClient, language: str
) -> None:
    event = framed_event(client, [language])
    stage = region(client, event, "projector-stage")
    assert OBJECTIVE in stage and all(organiser in stage for organiser in ORGANISERS)
    assert say(language, "Organised by") in stage
    act(client, event, open_segment)
    assert FRAMING in region(client, event, "projector-stage")
    act(client, event, open_topic_with_a_list)
    assert FRAMING in region(client, event, "projector-stage")
    speaker = region(client, event, "projector-speaker")
    assert say(language, "Groups in focus") in speaker
    assert all(name in speaker for name in FOCUS_GROUPS.values())
    act(client, event, call_next)
    assert FRAMING not in region(client, event, "projector-stage")
    assert say(language, "Groups in focus") not in region(client, event, "projector-speaker")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_countdown_says_paused_in_words(client: TestClient, language: str) -> None:
    event = framed_event(client, [language])
    act(client, event, open_topic_with_a_list)
    act(client, event, call_next)
    assert say(language, "Paused") not in region(client, event, "projector-speaker")
    act(client, event, pause)
    assert say(language, "Paused") in region(client, event, "projector-speaker")


def test_a_long_topic_shows_the_questions_that_fit_and_counts_the_rest(
    client: TestClient,
) -> None:
    data = agenda_data()
    questions = [f"¿Pregunta número {n}? " + "texto " * 60 for n in range(1, 9)]
    data["segments"][0]["topics"][0]["questions"] = questions
    with database(client).writing() as db:
        event = agenda.load(db=db, spec=AgendaSpec.model_validate(data), now=at(0))
    act(client, event, open_topic_with_a_list)
    stage = region(client, event, "projector-stage")
    shown = [n for n in range(1, 9) if f"¿Pregunta número {n}?" in stage]
    assert shown == list(range(1, len(shown) + 1)) and 0 < len(shown) < 8
    left = 8 - len(shown)
    rest = translations("es").ngettext(
        "{count} more guiding question on your phone",
        "{count} more guiding questions on your phone",
        left,
    )
    assert rest.format(count=left) in stage
