"""``python -m app event anonymise SLUG``: the participants' personal data goes, the record's
substance stays, every phone is signed out, and a second run changes nothing."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select

from app.__main__ import main
from app.config import Settings, get_settings
from app.db import Database
from app.models import AuditEntry, Event, Participant, Turn
from app.services import agenda, record
from tests.factories import at
from tests.http.helpers import another_phone, facilitator, join, seeded_event
from tests.http.test_public_summary import from_the_room_speaks, speaks

# Distinctive names: none of them is part of any other text of the test event.
NAMES = ["Beatriz Nascimento", "Ximena Quispe", "Olu Adebayo"]
FROM_THE_ROOM = "Carla Desde la Sala"


@pytest.fixture
def command(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``main`` reads the settings from the environment: the same database as ``client``."""
    for name, value in (
        ("PALABRA_DATABASE_URL", settings.database_url),
        ("PALABRA_SECRET_KEY", settings.secret_key),
        ("PALABRA_ENV", "test"),
    ):
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def anonymise(monkeypatch: pytest.MonkeyPatch, *args: str, answer: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(answer))
    return main(["event", "anonymise", *args])


def a_day(client: TestClient) -> tuple[Event, dict[str, TestClient]]:
    """Three phones join (the first agreeing to be named), ask for the floor, speak and write
    their summaries; a speaker from the room follows, and a facilitator writes the record's
    summary of that turn, so names are in the audit log too."""
    event = seeded_event(client)
    phones = {
        name: join(
            another_phone(client),
            event,
            name=name,
            organisation=f"Organización {n}",
            publish_name="yes" if n == 0 else "",
        )
        for n, name in enumerate(NAMES)
    }
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.writing() as db:
        topic = event.segments[0].topics[0]
        agenda.open_topic(db=db, event=event, topic_id=topic.id, seen_topic=None, now=at(0))
        people = db.scalars(select(Participant).order_by(Participant.id))
        for n, person in enumerate(people):
            speaks(db, event, person, summary=f"Lo que dijo la persona {n + 1}.")
        from_the_room_speaks(db, event, FROM_THE_ROOM, country="Perú")
        last = record.turns(db=db, event_id=event.id)[-1]
        record.write_summary(db=db, event=event, turn_id=last.id, summary="Pidió la réplica.")
    return event, phones


def everything_stored(database: Database) -> str:
    """Every value of every row of every table, as one text."""
    schema = MetaData()
    schema.reflect(database.engine)
    with database.engine.connect() as connection:
        rows = [
            [str(value) for value in row]
            for table in schema.sorted_tables
            for row in connection.execute(select(table))
        ]
    return json.dumps(rows, ensure_ascii=False)


def substance(database: Database) -> list[tuple[Any, ...]]:
    """What the record keeps of each turn, and of each speaker but their name."""
    with database.reading() as db:
        return [
            (
                turn.kind,
                turn.started_at,
                turn.ended_at,
                turn.spoken_ms,
                turn.summary,
                turn.record_summary,
                [q.id for q in turn.questions],
                turn.participant.organisation,
                turn.participant.actor_type_id,
                turn.participant.country,
            )
            for turn in db.scalars(select(Turn).order_by(Turn.id))
        ]


@pytest.mark.usefixtures("command")
def test_anonymising_removes_the_names_and_keeps_the_record(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    event, phones = a_day(client)
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    kept = substance(database)
    assert all(name in everything_stored(database) for name in [*NAMES, FROM_THE_ROOM])

    assert anonymise(monkeypatch, event.slug, "--yes") == 0
    assert "4 of 4 participants renamed" in capsys.readouterr().out

    stored = everything_stored(database)
    assert [name for name in [*NAMES, FROM_THE_ROOM] if name in stored] == []
    assert substance(database) == kept
    with database.reading() as db:
        people = db.scalars(select(Participant).order_by(Participant.joined_at, Participant.id))
        # In the agenda's language (Spanish), in the order they came.
        assert [(p.name, p.publish_name) for p in people] == [
            (f"Participante {n}", False) for n in range(1, 5)
        ]
        logged = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert logged is not None and logged.action == "event.anonymise"
        assert logged.before == {"named_participants": 4, "join_generation": 0}

    console = facilitator(client, event)
    base = f"/f/{event.slug}"
    for address in ("record", "record.csv", "record.json", "participants", "participants.csv"):
        answer = console.get(f"{base}/{address}")
        assert answer.status_code == 200, address
        assert not any(name in answer.text for name in [*NAMES, FROM_THE_ROOM]), address
    assert "Participante 4" in console.get(f"{base}/record").text
    for address in ("audit", "audit.csv"):
        assert not any(name in console.get(f"{base}/{address}").text for name in NAMES)

    for phone in phones.values():
        assert phone.get(f"/e/{event.slug}", follow_redirects=False).status_code == 303
        refused = phone.post(f"/e/{event.slug}/floor", data={"kind": "intervention"})
        assert refused.status_code == 401


@pytest.mark.usefixtures("command")
def test_a_second_run_changes_nothing(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    event, _ = a_day(client)
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    assert anonymise(monkeypatch, event.slug, "--yes") == 0
    before = everything_stored(database)
    capsys.readouterr()
    assert anonymise(monkeypatch, event.slug, "--yes") == 0
    assert "nothing to remove" in capsys.readouterr().out
    assert everything_stored(database) == before
    # Someone who joins afterwards is anonymised by the next run, and only they are renamed.
    join(another_phone(client), event, name="Nadia Late")
    assert anonymise(monkeypatch, event.slug, "--yes") == 0
    assert "1 of 5 participants renamed" in capsys.readouterr().out
    assert "Nadia Late" not in everything_stored(database)


@pytest.mark.usefixtures("command")
def test_it_asks_first_and_changes_nothing_unless_told_yes(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    event, _ = a_day(client)
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    for answer in ("", "no\n", "y\n"):
        assert anonymise(monkeypatch, event.slug, answer=answer) == 1
        assert "nothing was changed" in capsys.readouterr().err
        assert NAMES[0] in everything_stored(database)
    assert anonymise(monkeypatch, event.slug, answer="yes\n") == 0
    assert "Every participant's name becomes" in capsys.readouterr().out
    assert NAMES[0] not in everything_stored(database)


@pytest.mark.usefixtures("command")
def test_an_unknown_event_is_named_in_the_refusal(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seeded_event(client)
    assert anonymise(monkeypatch, "no-such-event", "--yes") == 2
    said = capsys.readouterr().err
    assert "no event is called 'no-such-event'" in said
    assert "test-consultation" in said
