"""Small builders for tests: an agenda, an event, participants, requests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from app.models import Account, Event, FloorRequest, Participant, Role, TurnKind
from app.services import agenda, floor, participants, screens
from app.services.agenda_file import AgendaSpec

T0 = datetime(2024, 5, 16, 9, 0, tzinfo=UTC)

PASSWORD = "correct horse battery staple"
# Argon2 reads its parameters from the hash: a cheap one keeps each sign-in in the tests fast
# while it goes through the same verification as a real one.
_CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash(PASSWORD)


def at(seconds: float) -> datetime:
    """A moment ``seconds`` after the start of the test day."""
    return T0 + timedelta(seconds=seconds)


def agenda_data(**event: Any) -> dict[str, Any]:
    """A two-segment agenda: segment 1 has two topics, segment 2 has one."""
    return {
        "format": 1,
        "event": {
            "slug": "test-consultation",
            "title": "Test consultation",
            "place": "Brasilia",
            "starts_on": "2024-05-16",
            "ends_on": "2024-05-17",
            "language": "es",
            "speaking_time": "3:00",
            **event,
        },
        "actor_types": [
            {"key": "state", "name": "Estados"},
            {"key": "academia", "name": "Academia"},
        ],
        "segments": [
            {
                "number": 1,
                "title": "Comunidades de acogida",
                "topics": [
                    {
                        "title": "Salud",
                        "questions": ["¿Cómo asegurar el acceso?", "¿Qué barreras?"],
                    },
                    {"title": "Vivienda", "questions": ["¿Qué iniciativas?"]},
                ],
            },
            {
                "number": 2,
                "title": "Inclusión económica",
                "speaking_time": "2:00",
                "topics": [{"title": "Microcrédito", "questions": []}],
            },
        ],
    }


def scheduled_agenda_data(**event: Any) -> dict[str, Any]:
    """agenda_data() with a schedule on 16 May 2024, in UTC unless ``time_zone`` is given:
    segment 1 from 09:00 to 10:30 chaired by ACNUR, its topics 09:00-09:45 and 09:45-10:30,
    a coffee break 10:30-11:00, segment 2 from 11:00 to 12:00 (its topic unplanned)."""
    data = agenda_data(**event)
    first, second = data["segments"]
    first |= {"day": "2024-05-16", "starts": "09:00", "ends": "10:30", "chair": "ACNUR"}
    first["topics"][0] |= {"starts": "09:00", "ends": "09:45"}
    first["topics"][1] |= {"starts": "09:45", "ends": "10:30"}
    second |= {"day": "2024-05-16", "starts": "11:00", "ends": "12:00"}
    data["breaks"] = [
        {
            "title": "Pausa para el café",
            "day": "2024-05-16",
            "starts": "10:30",
            "ends": "11:00",
            "translations": {"pt": {"title": "Intervalo para o café"}},
        }
    ]
    data["event"]["languages"] = ["es", "pt"]
    return data


def make_scheduled_event(db: Session, **event: Any) -> Event:
    spec = AgendaSpec.model_validate(scheduled_agenda_data(**event))
    return agenda.load(db=db, spec=spec, now=T0)


def make_event(db: Session, **event: Any) -> Event:
    return agenda.load(db=db, spec=AgendaSpec.model_validate(agenda_data(**event)), now=T0)


def open_first_topic(db: Session, event: Event) -> None:
    agenda.open_topic(
        db=db,
        event=event,
        **seen(db, event, "topic"),
        topic_id=event.segments[0].topics[0].id,
        now=T0,
    )


def make_participant(db: Session, event: Event, name: str = "Ana", **fields: Any) -> Participant:
    return participants.join(
        db=db,
        event=event,
        name=name,
        organisation=fields.get("organisation", "Gobierno de Chile"),
        actor_type_id=fields.get("actor_type_id"),
        country=fields.get("country", "Chile"),
        now=T0,
    )


def make_request(
    db: Session,
    event: Event,
    participant: Participant,
    kind: TurnKind = TurnKind.INTERVENTION,
    question_ids: list[int] | None = None,
    now: datetime | None = None,
) -> FloorRequest:
    return floor.request_floor(
        db=db,
        event=event,
        participant=participant,
        kind=kind,
        question_ids=question_ids or [],
        now=now or at(1),
    )


def make_account(
    db: Session,
    username: str = "ana",
    name: str = "Ana Facilitadora",
    role: Role = Role.FACILITATOR,
) -> Account:
    """An active account (a facilitator's unless told) whose password is ``PASSWORD``."""
    account = Account(
        username=username,
        name=name,
        role=role,
        password_hash=_CHEAP_HASH,
        active=True,
        created_at=T0,
    )
    db.add(account)
    db.commit()
    return account


def seen(db: Session, event: Event, *parts: str) -> dict[str, int | None]:
    """What an up-to-date console shows of what an action depends on, as its arguments.

    ``parts`` among "speaker", "first", "topic" and "segment": ``seen(db, event, "first")``
    is ``{"seen_first": <the first waiting request's id, or None>}``.
    """
    return seen_in(screens.room(db=db, event_id=event.id), *parts)


def seen_in(room: screens.Room, *parts: str) -> dict[str, int | None]:
    """``seen`` from a room already read."""
    shown = {
        "speaker": room.speaker.id if room.speaker else None,
        "first": room.waiting[0].id if room.waiting else None,
        "topic": room.topic.id if room.topic else None,
        "segment": room.segment.id if room.segment else None,
    }
    return {f"seen_{part}": shown[part] for part in parts}


def place(db: Session, event: Event, request_id: int) -> dict[str, int]:
    """Where an up-to-date console shows a waiting request (1 for the first), as ``move`` takes it."""
    room = screens.room(db=db, event_id=event.id)
    return {"seen_place": [r.id for r in room.waiting].index(request_id) + 1}
