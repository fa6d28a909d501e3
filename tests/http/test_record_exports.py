"""The record and the participants list as the facilitator reads and exports them."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from fastapi.testclient import TestClient

from app.db import Database
from app.models import Event, TurnKind
from app.services import agenda, floor, record, timer, turns
from app.services.record_export import PARTICIPANT_COLUMNS, TURN_COLUMNS
from tests.factories import at, make_event, make_participant, make_request, seen
from tests.http.helpers import facilitator, join

RECORD_ADDRESSES = ("record", "record.csv", "record.json", "participants", "participants.csv")


@dataclass(frozen=True)
class Day:
    """What was done in the room, to check the record against."""

    event: Event
    health_questions: list[int]
    ana_request: int
    carla_request: int


def a_morning(client: TestClient) -> Day:
    """Ana (a State) speaks on question 2 with a pause, Carla (from the room, no type)
    replies, then the room moves on to the next topic, where Bea (academia) speaks."""
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.writing() as db:
        event = make_event(db)
        state, academia = (k.id for k in event.actor_types)
        health = event.segments[0].topics[0]
        questions = [q.id for q in health.questions]
        agenda.open_topic(db=db, event=event, topic_id=health.id, seen_topic=None, now=at(0))
        ana = make_participant(db, event, "Ana", actor_type_id=state, country="Brasil")
        bea = make_participant(db, event, "Bea", actor_type_id=academia, organisation="=1+1")
        ana_request = make_request(db, event, ana, question_ids=[questions[1]], now=at(5))
        turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(10))
        timer.pause(db=db, event=event, **seen(db, event, "speaker"), now=at(40))
        timer.start(db=db, event=event, **seen(db, event, "speaker"), now=at(70))
        carla = floor.add_from_room(
            db=db,
            event=event,
            name="Carla",
            organisation="Municipio",
            actor_type_id=None,
            country="Perú",
            kind=TurnKind.REPLY,
            now=at(75),
        )
        turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(100))
        turns.finish(db=db, event=event, **seen(db, event, "speaker"), now=at(120))
        floor.save_summary(
            db=db,
            event=event,
            participant=ana,
            request_id=ana_request.id,
            summary="Propuse un plan de salud.",
            now=at(130),
        )
        agenda.next_topic(db=db, event=event, **seen(db, event, "topic"), now=at(200))
        make_request(db, event, bea, kind=TurnKind.GOOD_PRACTICE, now=at(210))
        turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(220))
        turns.finish(db=db, event=event, **seen(db, event, "speaker"), now=at(280))
        assert bea.id and carla.id
        return Day(event, questions, ana_request.id, carla.id)


def words(html: str) -> str:
    """What a page says, without its tags."""
    return re.sub(r"<[^>]+>", "", html)


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_record_and_the_participants_need_a_signed_in_facilitator(
    client: TestClient,
) -> None:
    day = a_morning(client)
    for address in RECORD_ADDRESSES:
        response = client.get(f"/f/{day.event.slug}/{address}", follow_redirects=False)
        assert response.status_code == 303, address
        assert response.headers["location"].startswith("/login?next=")
    join(client, day.event, name="Zoe")
    for address in RECORD_ADDRESSES:
        answer = client.get(f"/f/{day.event.slug}/{address}")
        assert answer.url.path == "/login" and "Ana" not in answer.text, address


def test_the_json_export_holds_every_turn_as_it_was_given(client: TestClient) -> None:
    day = a_morning(client)
    facilitator(client, day.event)
    response = client.get(f"/f/{day.event.slug}/record.json")
    assert response.headers["content-type"].startswith("application/json")
    assert 'filename="test-consultation-record.json"' in response.headers["content-disposition"]
    data = response.json()
    assert (data["format"], data["event"]) == (1, "test-consultation")
    got = [
        (
            t["speaker"]["name"],
            t["speaker"]["actor_type"]["key"] if t["speaker"]["actor_type"] else None,
            t["speaker"]["from_the_room"],
            t["segment_number"],
            t["topic_title"],
            [q["number"] for q in t["questions"]],
            t["kind"],
            t["requested_at"],
            t["started_at"],
            t["ended_at"],
            t["spoken_ms"],
            len(t["pauses"]),
            t["summary"],
        )
        for t in data["turns"]
    ]
    iso = lambda second: at(second).isoformat().replace("+00:00", "Z")  # noqa: E731
    assert got == [
        ("Ana", "state", False, 1, "Salud", [2], "intervention", iso(5), iso(10), iso(100), 60_000, 1, "Propuse un plan de salud."),
        ("Carla", None, True, 1, "Salud", [], "reply", iso(75), iso(100), iso(120), 20_000, 0, ""),
        ("Bea", "academia", False, 1, "Vivienda", [], "good_practice", iso(210), iso(220), iso(280), 60_000, 0, ""),
    ]  # fmt: skip
    assert data["turns"][0]["pauses"] == [{"paused_at": iso(40), "resumed_at": iso(70)}]
    assert data["turns"][0]["questions"][0]["id"] == day.health_questions[1]


def test_the_csv_export_has_the_documented_columns_and_is_formula_safe(
    client: TestClient,
) -> None:
    day = a_morning(client)
    facilitator(client, day.event)
    response = client.get(f"/f/{day.event.slug}/record.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="test-consultation-record.csv"' in response.headers["content-disposition"]
    assert response.text.splitlines()[0] == ",".join(TURN_COLUMNS)
    rows = rows_of(response.text)
    assert [(r["name"], r["actor_type"], r["kind"], r["spoken_ms"]) for r in rows] == [
        ("Ana", "state", "intervention", "60000"),
        ("Carla", "", "reply", "20000"),
        ("Bea", "academia", "good_practice", "60000"),
    ]
    assert rows[0]["questions"] == "2" and rows[0]["question_texts"] == "¿Qué barreras?"
    assert rows[0]["started_at"] == at(10).isoformat() and rows[0]["pauses"] == "1"
    assert rows[1]["from_the_room"] == "yes" and rows[0]["from_the_room"] == "no"
    assert rows[0]["summary"] == "Propuse un plan de salud."
    # Typed by a person, read by a spreadsheet: shown as text, never run.
    assert rows[2]["organisation"] == "'=1+1"


def test_the_participants_list_shows_who_came_and_how_many_turns_each_was_given(
    client: TestClient,
) -> None:
    day = a_morning(client)
    facilitator(client, day.event)
    page = client.get(f"/f/{day.event.slug}/participants").text
    names = re.findall(r'<tr id="participant-\d+">\s*<td>([^<]*)</td>', page)
    assert names == ["Ana", "Bea", "Carla"]
    assert "from the room" in page
    assert (
        "5/16/24, 9:00:00\u202fAM" in page
    )  # when Ana joined, UTC (a narrow space, as Babel writes it)
    response = client.get(f"/f/{day.event.slug}/participants.csv")
    assert response.text.splitlines()[0] == ",".join(PARTICIPANT_COLUMNS)
    assert [
        (
            r["name"],
            r["organisation"],
            r["actor_type"],
            r["country"],
            r["from_the_room"],
            r["turns"],
        )
        for r in rows_of(response.text)
    ] == [
        ("Ana", "Gobierno de Chile", "state", "Brasil", "no", "1"),
        ("Bea", "'=1+1", "academia", "Chile", "no", "1"),
        ("Carla", "Municipio", "", "Perú", "yes", "1"),
    ]


def test_the_record_page_lists_past_topics_turns_in_order_with_summaries_and_times(
    client: TestClient,
) -> None:
    day = a_morning(client)
    facilitator(client, day.event)
    html = client.get(f"/f/{day.event.slug}/record").text
    page = words(html[html.index('class="panel record-segment"') :])
    health, housing = page.index("Topic 1 · Salud\n"), page.index("Topic 2 · Vivienda\n")
    ana, carla, bea = (page.index(f"{name} · ") for name in ("Ana", "Carla", "Bea"))
    assert health < ana < carla < housing < bea
    assert "Propuse un plan de salud." in page
    assert (
        "5/16/24, 9:00:10\u202fAM\u20135/16/24, 9:01:40\u202fAM" in page
    )  # Ana's start and end, UTC
    assert "spoke for 1:00" in page and "spoke for 0:20" in page
    assert "Microcrédito" not in page  # a segment not yet reached
    assert page.count("first time on the floor") == 3  # each spoke once


def test_the_record_page_shows_coverage_and_balance_of_what_was_said(client: TestClient) -> None:
    day = a_morning(client)
    facilitator(client, day.event)
    page = client.get(f"/f/{day.event.slug}/record").text
    first, second = (
        page[page.index(f'id="question-{q}"') :].split("</tr>")[0] for q in day.health_questions
    )
    assert 'class="unaddressed"' in first and "Nobody has addressed it yet" in first
    assert "<td>1</td>" in second and "Estados: 1" in words(second)
    event_balance = page[page.index('id="balance-title"') :]
    rows = re.findall(
        r"<tr><th scope=\"row\">(.*?)</th><td>(\d+)</td><td>([^<]*)</td>", event_balance
    )
    rows = [(words(kind), turns, time) for kind, turns, time in rows]
    assert rows == [
        ("Estados", "1", "1:00"),
        ("Academia", "1", "1:00"),
        ("No actor type given", "1", "0:20"),
        ("States", "1", "1:00"),
        ("All other actors", "2", "1:20"),
        ("Total", "3", "2:20"),
    ]
    # Beside the table, bars as long as each speaking time: 1:00, 1:00 and 0:20.
    chart = event_balance[event_balance.index("<svg") : event_balance.index("</svg>")]
    assert re.findall(r'<rect [^>]*width="([0-9.]+)"', chart) == ["520.0", "520.0", "173.3"]


def test_the_facilitator_writes_the_records_summary_of_a_turn_from_the_room(
    client: TestClient,
) -> None:
    day = a_morning(client)
    facilitator(client, day.event)
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.reading() as db:
        [turn] = [
            t
            for t in record.turns(db=db, event_id=day.event.id)
            if t.floor_request_id == day.carla_request
        ]
    response = client.post(
        f"/f/{day.event.slug}/record/turns/{turn.id}/summary",
        data={"summary": "Pidió apoyo municipal."},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/f/{day.event.slug}/record#turn-{turn.id}"
    assert "The record's summary, by ana" in client.get(f"/f/{day.event.slug}/record").text
    [carla] = [
        t
        for t in client.get(f"/f/{day.event.slug}/record.json").json()["turns"]
        if t["id"] == turn.id
    ]
    assert (carla["summary"], carla["record_summary"], carla["record_summary_by"]) == (
        "",
        "Pidió apoyo municipal.",
        "ana",
    )
    assert "Wrote the record's summary of a turn" in client.get(f"/f/{day.event.slug}/audit").text


def test_the_record_page_speaks_the_readers_language(client: TestClient) -> None:
    day = a_morning(client)
    facilitator(client, day.event)
    for language, heading in (
        ("es", "Registro de la palabra"),
        ("pt", "Registro da palavra"),
        ("fr", "Compte rendu des prises de parole"),
    ):
        page = client.get(f"/f/{day.event.slug}/record", headers={"Accept-Language": language})
        assert heading in page.text, language
    # Times as the reader's language writes them (UTC): Ana's turn, and when she joined.
    spanish = {"Accept-Language": "es"}
    page = words(client.get(f"/f/{day.event.slug}/record", headers=spanish).text)
    assert "16/5/24, 9:00:10\u201316/5/24, 9:01:40" in page
    french = {"Accept-Language": "fr"}
    page = words(client.get(f"/f/{day.event.slug}/participants", headers=french).text)
    assert "16/05/2024 09:00:00" in page
