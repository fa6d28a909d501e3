"""The wait a phone is told: from the speakers ahead and the speaking time, and "you are next"
when that is the truth (first waiting, and nobody speaking or the speaker about to finish)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from app.models import Event
from app.services import screens, timer, turns
from tests.factories import at, make_event, make_participant, make_request, open_first_topic, seen

TURN = 180  # the test agenda's speaking time, in seconds

Setup = Callable[[Session, Event], datetime]


def nobody_speaking(db: Session, event: Event) -> datetime:
    return at(60)


def call_first(db: Session, event: Event) -> None:
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(10))


def left(seconds: int) -> Setup:
    """A speaker called at 10 s whose clock runs, read when ``seconds`` are left."""

    def setup(db: Session, event: Event) -> datetime:
        call_first(db, event)
        return at(10 + TURN - seconds)

    return setup


def paused_with(seconds: int) -> Setup:
    def setup(db: Session, event: Event) -> datetime:
        call_first(db, event)
        timer.pause(db=db, event=event, **seen(db, event, "speaker"), now=at(10 + TURN - seconds))
        return at(1000)

    return setup


def finished(db: Session, event: Event) -> datetime:
    call_first(db, event)
    turns.finish(db=db, event=event, **seen(db, event, "speaker"), now=at(100))
    return at(120)


# The speaker's state; what the first one waiting waits; whether they are told "you are next".
STATES: list[tuple[str, Setup, int, bool]] = [
    ("nobody has spoken", nobody_speaking, 0, True),
    ("the speaker finished", finished, 0, True),
    ("150 s left", left(150), 150, False),
    ("31 s left", left(31), 31, False),
    ("30 s left", left(30), 30, True),
    ("5 s left", left(5), 5, True),
    ("over time", left(-25), 0, True),
    ("paused, 90 s left", paused_with(90), 90, False),
    ("paused, 10 s left", paused_with(10), 10, True),
]


@pytest.mark.parametrize(
    ("setup", "first_waits", "first_is_next"),
    [state[1:] for state in STATES],
    ids=[state[0] for state in STATES],
)
def test_every_place_in_every_speaker_state(
    db: Session, setup: Setup, first_waits: int, first_is_next: bool
) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    names = ["Ana", "Bruno", "Carla", "Dora", "Eva"]
    people = [make_participant(db, event, name) for name in names]
    for i, person in enumerate(people):
        make_request(db, event, person, now=at(i))
    now = setup(db, event)
    room = screens.room(db=db, event_id=event.id, now=now)
    waiting = [r.participant_id for r in room.waiting]
    assert len(waiting) >= 4
    for place, participant_id in enumerate(waiting, start=1):
        shared = screens.my_turn(room=room, participant_id=participant_id)
        alone = screens.my_turn_now(db=db, event=event, participant_id=participant_id, now=now)
        for mine in (shared, alone):
            assert mine.place == place
            assert mine.wait_seconds == first_waits + (place - 1) * TURN
            assert mine.next_up is (place == 1 and first_is_next)


def test_both_reads_of_a_phone_agree_on_everything_it_shows(db: Session) -> None:
    """The room's read (pushed to every phone) and one phone's own read (its answer)."""
    event = make_event(db)
    open_first_topic(db, event)
    people = [make_participant(db, event, name) for name in ("Ana", "Bruno", "Carla")]
    for person in people:
        make_request(db, event, person)
    call_first(db, event)
    turns.finish(db=db, event=event, **seen(db, event, "speaker"), now=at(50))
    make_request(db, event, people[0], now=at(60))
    call_first(db, event)
    room = screens.room(db=db, event_id=event.id, now=at(70))
    for person in [*people, make_participant(db, event, "Dora")]:
        shared = screens.my_turn(room=room, participant_id=person.id)
        alone = screens.my_turn_now(db=db, event=event, participant_id=person.id, now=at(70))
        for field in ("place", "wait_seconds", "next_up", "countdown", "left_waiting"):
            assert getattr(shared, field) == getattr(alone, field), (person.name, field)
        assert (shared.request and shared.request.id) == (alone.request and alone.request.id)
        assert [r.id for r in shared.spoken] == [r.id for r in alone.spoken]
