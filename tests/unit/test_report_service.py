"""The outcome report: what the room said, by guiding question, checked against what was done."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy.orm import Session

from app.models import Event, Turn, TurnKind
from app.routes.report import printable
from app.services import agenda, floor, record, record_tags, report, timer, turns
from app.services.agenda_file import AgendaSpec
from app.services.errors import NotFound
from tests.factories import (
    T0,
    agenda_data,
    at,
    make_participant,
    make_request,
    open_first_topic,
    seen,
)


def call_next(db: Session, event: Event, second: float) -> None:
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(second))


def type_id(event: Event, key: str) -> int:
    return next(kind.id for kind in event.actor_types if kind.key == key)


@pytest.fixture
def event(db: Session) -> Event:
    """Salud: Ana (a State, Brasil) on question 2, paused 30 s, with her summary; Bea
    (academia) on questions 1 and 2; Carla from the room on no question, with the record's
    summary. Vivienda: Bea again, a good practice on no question. Segment 2: nobody.

    The rapporteur noted Ana's good practice and commitment (with a GRF pledge) and the
    groups in focus she addressed, Bea's commitment on Vivienda, and Carla's group in focus."""
    groups = [{"key": "children", "name": "Niñez"}, {"key": "women", "name": "Mujeres"}]
    spec = AgendaSpec.model_validate({**agenda_data(), "focus_groups": groups})
    event = agenda.load(db=db, spec=spec, now=T0)
    open_first_topic(db, event)
    salud = event.segments[0].topics[0]
    q1, q2 = salud.questions
    ana = make_participant(
        db, event, "Ana", actor_type_id=type_id(event, "state"), country="Brasil"
    )
    bea = make_participant(
        db, event, "Bea", actor_type_id=type_id(event, "academia"), organisation="UnB"
    )
    ana_request = make_request(db, event, ana, question_ids=[q2.id], now=at(5))
    make_request(db, event, bea, kind=TurnKind.REPLY, question_ids=[q1.id, q2.id], now=at(6))
    floor.add_from_room(
        db=db,
        event=event,
        name="Carla",
        organisation="Municipio",
        actor_type_id=None,
        country="Perú",
        kind=TurnKind.INTERVENTION,
        now=at(7),
    )
    call_next(db, event, 10)
    timer.pause(db=db, event=event, **seen(db, event, "speaker"), now=at(40))
    timer.start(db=db, event=event, **seen(db, event, "speaker"), now=at(70))
    call_next(db, event, 100)  # Ana spoke 60 s; Bea now
    call_next(db, event, 145)  # Bea spoke 45 s; Carla now
    turns.finish(db=db, event=event, **seen(db, event, "speaker"), now=at(165))
    floor.save_summary(
        db=db,
        event=event,
        participant=ana,
        request_id=ana_request.id,
        summary="Propuse un plan de salud\nen dos fases.",
        now=at(170),
    )
    carla = next(t for t in record.turns(db=db, event_id=event.id) if t.participant.name == "Carla")
    record.write_summary(db=db, event=event, turn_id=carla.id, summary="Pidió intérpretes.")
    agenda.next_topic(db=db, event=event, **seen(db, event, "topic"), now=at(200))
    make_request(db, event, bea, kind=TurnKind.GOOD_PRACTICE, now=at(205))
    call_next(db, event, 210)
    turns.finish(db=db, event=event, **seen(db, event, "speaker"), now=at(300))
    given = {
        (t.participant.name, t.topic.title): t.id for t in record.turns(db=db, event_id=event.id)
    }
    children, women = (g.id for g in event.focus_groups)
    tag = {"db": db, "event": event}
    record_tags.add_good_practice(
        **tag,
        turn_id=given["Ana", "Salud"],
        country="Brasil",
        title="Salud en dos fases",
        description="Atención primaria primero.",
    )
    record_tags.add_commitment(
        **tag,
        turn_id=given["Ana", "Salud"],
        what="Abrir diez centros de salud.",
        by_whom="Gobierno de Chile",
        pledge="GRF-01234",
    )
    record_tags.add_focus_group(**tag, turn_id=given["Ana", "Salud"], focus_group_id=women)
    record_tags.add_focus_group(**tag, turn_id=given["Ana", "Salud"], focus_group_id=children)
    record_tags.add_focus_group(**tag, turn_id=given["Carla", "Salud"], focus_group_id=women)
    record_tags.add_commitment(
        **tag, turn_id=given["Bea", "Vivienda"], what="Publicar el estudio.", by_whom="UnB"
    )
    return event


def names(turns: list[Turn]) -> list[str]:
    return [turn.participant.name for turn in turns]


def test_the_event_report_puts_each_turn_under_the_questions_it_addressed(
    db: Session, event: Event
) -> None:
    made = report.build(db=db, event_id=event.id, now=at(400))
    assert made.scope is None
    assert [part.segment.number for part in made.segments] == [1, 2]
    salud, vivienda = made.segments[0].topics
    assert [names(q.turns) for q in salud.questions] == [["Bea"], ["Ana", "Bea"]]
    assert names(salud.unquestioned) == ["Carla"]
    assert salud.turns == 3
    assert [names(q.turns) for q in vivienda.questions] == [[]]
    assert names(vivienda.unquestioned) == ["Bea"]
    assert made.segments[1].topics[0].turns == 0
    first, second = made.segments
    assert [(p.title, made.turn(p.turn_id).participant.name) for p in first.good_practices] == [
        ("Salud en dos fases", "Ana")
    ]
    assert [
        (c.what, c.by_whom, c.pledge, made.turn(c.turn_id).topic.title) for c in first.commitments
    ] == [
        ("Abrir diez centros de salud.", "Gobierno de Chile", "GRF-01234", "Salud"),
        ("Publicar el estudio.", "UnB", "", "Vivienda"),
    ]
    assert (second.good_practices, second.commitments) == ([], [])
    assert (len(made.good_practices), len(made.commitments)) == (1, 2)
    spoken = {
        (t.participant.name, t.topic.title): made.spoken_ms(t)
        for t in record.turns(db=db, event_id=event.id)
    }
    assert spoken == {
        ("Ana", "Salud"): 60_000,
        ("Bea", "Salud"): 45_000,
        ("Carla", "Salud"): 20_000,
        ("Bea", "Vivienda"): 90_000,
    }


def test_the_figures_are_the_records_coverage_and_balance(db: Session, event: Event) -> None:
    made = report.build(db=db, event_id=event.id, now=at(400))
    state, academia = type_id(event, "state"), type_id(event, "academia")
    coverage = [(c.question.text, c.turns, c.by_actor_type) for c in made.segments[0].coverage]
    assert coverage == [
        ("¿Cómo asegurar el acceso?", 1, {academia: 1}),
        ("¿Qué barreras?", 2, {state: 1, academia: 1}),
        ("¿Qué iniciativas?", 0, {}),
    ]
    assert made.segments[1].coverage == []
    shares = [
        (s.actor_type.key if s.actor_type else None, s.turns, s.spoken_ms)
        for s in made.balance.shares
    ]
    assert shares == [("state", 1, 60_000), ("academia", 2, 135_000), (None, 1, 20_000)]
    assert (made.balance.states.turns, made.balance.others.turns) == (1, 3)
    assert (made.balance.turns, made.balance.spoken_ms, made.speakers) == (4, 215_000, 3)


def test_a_segments_report_holds_that_segment_only(db: Session, event: Event) -> None:
    second = report.build(db=db, event_id=event.id, now=at(400), segment_number=2)
    assert second.scope is not None and second.scope.number == 2
    assert [part.segment.number for part in second.segments] == [2]
    assert (second.balance.turns, second.speakers) == (0, 0)
    assert (second.good_practices, second.commitments) == ([], [])
    first = report.build(db=db, event_id=event.id, now=at(400), segment_number=1)
    assert first.balance.turns == 4
    assert [c.by_whom for c in first.commitments] == ["Gobierno de Chile", "UnB"]
    with pytest.raises(NotFound):
        report.build(db=db, event_id=event.id, now=at(400), segment_number=3)


def page_text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_page_says_what_was_done_in_the_readers_language(db: Session, event: Event) -> None:
    made = report.build(db=db, event_id=event.id, now=at(400))
    html = printable(made, locale="en")
    text = page_text(html)
    assert "4 turns · 3 speakers · 3:35 of speaking time" in text
    assert "Guiding question 2: ¿Qué barreras?" in text
    assert "Ana · Gobierno de Chile · Estados · Brasil Intervention · spoke for 1:00" in text
    assert "Bea · UnB · Academia · Chile Reply · spoke for 0:45" in text
    assert "Carla · Municipio · Perú · from the room Intervention · spoke for 0:20" in text
    assert "Good practice · spoke for 1:30" in text
    # The participant's words as written, line break kept; the facilitator's beside them.
    assert "Propuse un plan de salud\nen dos fases." in html
    assert "The record's summary, by system Pidió intérpretes." in text
    # Bea wrote none: her turn on Salud, under both its questions, and on Vivienda.
    assert text.count("No summary written.") == 3
    assert "On no particular question" in text
    assert "No turn given on this topic." in text  # segment 2
    assert "4 turns · 3 speakers · 3:35 of speaking time · 1 good practice · 2 commitments" in text
    # Segment 1's outcomes, each with the turn it came from, before its topics.
    assert (
        "Good practices Salud en dos fases · Brasil Atención primaria primero. "
        "Ana · Gobierno de Chile · Estados · Brasil Intervention · spoke for 1:00 "
        "Topic 1 · Salud · Question 2 · "
    ) in text
    assert (
        "Commitments Abrir diez centros de salud. By Gobierno de Chile · "
        "Global Refugee Forum pledge GRF-01234 Ana · "
    ) in text
    assert "Publicar el estudio. By UnB Bea · UnB · Academia · Chile Good practice" in text
    assert "Topic 2 · Vivienda · " in text
    # Segment 2 has none.
    assert "Good practices None recorded. Commitments None recorded." in text
    # Under each turn, the groups in focus it addressed, in the agenda's order (each name in
    # an element that says its language, which page_text leaves a space after).
    assert "Intervention · spoke for 1:00 Groups in focus: Niñez , Mujeres Propuse" in text
    assert "from the room Intervention · spoke for 0:20 Group in focus: Mujeres" in text
    spanish = page_text(printable(made, locale="es"))
    assert "Informe de resultados" in spanish and "Propuse un plan de salud" in spanish


def test_the_page_numbers_are_said_in_the_readers_words() -> None:
    assert report.page_numbers_css("Página {page} de {pages}") == (
        '@page { @bottom-right { content: "Página " counter(page) " de " counter(pages) !important; } }'
    )
    # A quote or backslash in a translation cannot end the CSS string.
    assert '"p\\22  ' in report.page_numbers_css('p" {page}')


def test_a_turn_under_way_counts_up_to_the_moment_the_report_is_made(
    db: Session, event: Event
) -> None:
    make_request(db, event, make_participant(db, event, "Dora"), now=at(310))
    call_next(db, event, 320)
    made = report.build(db=db, event_id=event.id, now=at(350))
    [dora] = [t for t in record.turns(db=db, event_id=event.id) if t.ended_at is None]
    assert made.spoken_ms(dora) == 30_000
    assert made.balance.spoken_ms == 215_000 + 30_000
