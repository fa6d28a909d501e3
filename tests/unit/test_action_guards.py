"""Every facilitator action is refused only when what it depends on changed since it was drawn.

A console draws each action with what it depends on (the speaker, the first one waiting,
the open topic, a line's place, the join code). A phone asking for the floor in between
changes none of that; the same click twice, or a co-facilitator's click first, does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import AuditEntry, Event, TurnKind
from app.services import agenda, events, floor, screens, timer, turns
from app.services.changes import Stale
from app.services.errors import DomainError
from tests.factories import at, make_event, make_participant, make_request, open_first_topic


@dataclass(frozen=True)
class Console:
    """What a console drawn at one moment shows of what actions depend on."""

    speaker: int | None
    waiting: list[int]
    topic: int | None
    segment: int | None
    code: str
    projector_key: str
    other_topic: int
    other_segment: int

    @property
    def first(self) -> int | None:
        return self.waiting[0] if self.waiting else None


def drawn(db: Session, event: Event) -> Console:
    room = screens.room(db=db, event_id=event.id)
    return Console(
        speaker=room.speaker.id if room.speaker else None,
        waiting=[r.id for r in room.waiting],
        topic=room.topic.id if room.topic else None,
        segment=room.segment.id if room.segment else None,
        code=room.event.join_code,
        projector_key=room.event.projector_token,
        other_topic=event.segments[0].topics[1].id,
        other_segment=event.segments[1].id,
    )


Action = Callable[[Session, Event, Console], object]

# Each action as the console sends it, from what the console showed.
ACTIONS: dict[str, Action] = {
    "call next": lambda db, e, c: turns.call_next(
        db=db, event=e, seen_first=c.first, seen_speaker=c.speaker
    ),
    "call out of turn": lambda db, e, c: turns.call(
        db=db, event=e, request_id=c.waiting[1], seen_speaker=c.speaker
    ),
    "finish": lambda db, e, c: turns.finish(db=db, event=e, seen_speaker=c.speaker),
    "pause": lambda db, e, c: timer.pause(db=db, event=e, seen_speaker=c.speaker),
    "+30 s": lambda db, e, c: timer.add_time(db=db, event=e, seconds=30, seen_speaker=c.speaker),
    "reset": lambda db, e, c: timer.reset(db=db, event=e, seen_speaker=c.speaker),
    "move up": lambda db, e, c: floor.move(
        db=db, event=e, request_id=c.waiting[1], offset=-1, seen_place=2
    ),
    "skip": lambda db, e, c: floor.skip(db=db, event=e, request_id=c.waiting[0]),
    "remove": lambda db, e, c: floor.remove(db=db, event=e, request_id=c.waiting[0]),
    "close the list": lambda db, e, c: floor.set_list_open(
        db=db, event=e, is_open=False, seen_topic=c.topic
    ),
    "next topic": lambda db, e, c: agenda.next_topic(db=db, event=e, seen_topic=c.topic),
    "open a topic": lambda db, e, c: agenda.open_topic(
        db=db, event=e, topic_id=c.other_topic, seen_topic=c.topic
    ),
    "open a segment": lambda db, e, c: agenda.open_segment(
        db=db, event=e, segment_id=c.other_segment, seen_segment=c.segment
    ),
    "add from the room": lambda db, e, c: floor.add_from_room(
        db=db,
        event=e,
        name="Dora",
        organisation="Cáritas",
        actor_type_id=None,
        country="Brasil",
        kind=TurnKind.INTERVENTION,
    ),
    "new join code": lambda db, e, c: events.rotate_join_code(db=db, event=e, seen_code=c.code),
    "new projector link": lambda db, e, c: events.renew_projector_link(
        db=db, event=e, seen_link=c.projector_key
    ),
}

# Giving more time twice is two intentions, each applied: every other action, repeated from
# the same drawing of the console, does what it does once.
REPEATABLE = {"+30 s"}


def a_room_in_session(db: Session) -> Event:
    """The first topic open, Ana speaking with the clock running, Bruno and Carla waiting."""
    event = make_event(db)
    open_first_topic(db, event)
    for name in ("Ana", "Bruno", "Carla"):
        make_request(db, event, make_participant(db, event, name))
    turns.call_next(db=db, event=event, seen_first=drawn(db, event).first, seen_speaker=None)
    return event


def footprint(db: Session, event: Event) -> tuple[int, int]:
    """The room's version and how many audit entries it has."""
    version = db.scalar(select(Event.version).where(Event.id == event.id))
    entries = select(func.count()).select_from(AuditEntry).where(AuditEntry.event_id == event.id)
    assert version is not None
    return version, db.scalar(entries) or 0


@pytest.mark.parametrize("action", ACTIONS)
def test_a_phone_asking_for_the_floor_never_makes_an_action_stale(db: Session, action: str) -> None:
    event = a_room_in_session(db)
    console = drawn(db, event)
    make_request(db, event, make_participant(db, event, "Elena"), now=at(30))
    before = footprint(db, event)
    ACTIONS[action](db, event, console)
    assert footprint(db, event)[0] > before[0]


@pytest.mark.parametrize("action", sorted(set(ACTIONS) - REPEATABLE))
def test_the_same_click_twice_changes_the_room_once(db: Session, action: str) -> None:
    event = a_room_in_session(db)
    console = drawn(db, event)
    ACTIONS[action](db, event, console)
    once = footprint(db, event)
    try:
        ACTIONS[action](db, event, console)
    except DomainError:
        db.rollback()
    assert footprint(db, event) == once


ON_THE_TURN = ["call next", "call out of turn", "finish", "pause", "+30 s", "reset"]
NOT_ON_THE_LIST = [
    "close the list",
    "next topic",
    "open a topic",
    "open a segment",
    "add from the room",
    "new join code",
    "new projector link",
]


@pytest.mark.parametrize("action", ON_THE_TURN)
def test_an_action_on_a_turn_that_ended_since_is_refused_and_writes_nothing(
    db: Session, action: str
) -> None:
    event = a_room_in_session(db)
    console = drawn(db, event)
    ACTIONS["call next"](db, event, drawn(db, event))  # a co-facilitator, first
    before = footprint(db, event)
    with pytest.raises(Stale):
        ACTIONS[action](db, event, console)
    db.rollback()
    assert footprint(db, event) == before


@pytest.mark.parametrize("action", NOT_ON_THE_LIST)
def test_an_action_that_does_not_depend_on_the_list_goes_through_after_a_call(
    db: Session, action: str
) -> None:
    event = a_room_in_session(db)
    console = drawn(db, event)
    ACTIONS["call next"](db, event, drawn(db, event))  # a co-facilitator, first
    before = footprint(db, event)
    ACTIONS[action](db, event, console)
    assert footprint(db, event)[0] > before[0]


def test_more_time_meant_for_one_speaker_never_lands_on_the_next(db: Session) -> None:
    event = a_room_in_session(db)
    console = drawn(db, event)
    ACTIONS["call next"](db, event, console)  # Bruno has the floor now, with a full clock
    with pytest.raises(Stale):
        ACTIONS["+30 s"](db, event, console)
    db.rollback()
    assert timer.get(db=db, event_id=event.id).remaining_ms == 180_000


def test_a_move_from_where_the_line_no_longer_is_is_refused(db: Session) -> None:
    event = a_room_in_session(db)
    make_request(db, event, make_participant(db, event, "Dora"))
    console = drawn(db, event)  # Bruno, Carla, Dora
    floor.move(db=db, event=event, request_id=console.waiting[2], offset=-1, seen_place=3)
    with pytest.raises(Stale):  # Dora is second now, not third
        floor.move(db=db, event=event, request_id=console.waiting[2], offset=-1, seen_place=3)
    db.rollback()
    names = [r.participant.name for r in floor.waiting_list(db=db, topic_id=console.topic or 0)]
    assert names == ["Bruno", "Dora", "Carla"]


def test_setting_a_speaking_time_to_what_it_is_spends_no_version(db: Session) -> None:
    event = a_room_in_session(db)
    before = footprint(db, event)
    agenda.set_speaking_time(db=db, event=event, speaking_time="3:00")
    assert footprint(db, event) == before


@pytest.mark.parametrize("action", ["call next", "call out of turn"])
def test_giving_the_floor_right_after_finished_goes_through(db: Session, action: str) -> None:
    """The console still showed Ana speaking; her turn ending meanwhile ends nothing twice."""
    event = a_room_in_session(db)
    console = drawn(db, event)
    ACTIONS["finish"](db, event, console)
    ACTIONS[action](db, event, console)
    assert floor.current_speaker(db=db, event_id=event.id) is not None
