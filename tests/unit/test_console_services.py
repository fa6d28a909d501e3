"""What the console's actions do to the room: a move of the agenda asks before it ends a
turn or leaves requests waiting, a skip or a removal can be undone, and every audit entry
names its action unambiguously."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from app.models import AuditEntry, Event, TurnKind
from app.models.agenda import Stage
from app.services import agenda, audit, events, floor, screens, timer, turns
from app.services.agenda import Agreed, AskFirst
from app.services.errors import StageError
from tests.factories import at, make_event, make_participant, make_request, open_first_topic, seen


def newest_entry(db: Session, event: Event) -> AuditEntry:
    return audit.entries(db=db, event_id=event.id)[0]


def speaking_with_four_waiting(db: Session) -> tuple[Event, list[int]]:
    """Ana speaks on the first topic; Bruno, Carla, Dora and Eva wait."""
    event = make_event(db)
    open_first_topic(db, event)
    ids = [
        make_request(db, event, make_participant(db, event, name), now=at(i)).id
        for i, name in enumerate(["Ana", "Bruno", "Carla", "Dora", "Eva"])
    ]
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(10))
    return event, ids


def moves(db: Session, event: Event) -> dict[str, Callable[..., object]]:
    """Every move of the agenda that closes the open topic (the first one), made at at(30):
    after the turn began at at(10), as in a room (a turn of years overflows PostgreSQL's
    integer milliseconds)."""
    first_segment, second_segment = event.segments
    first_topic, second_topic = first_segment.topics
    return {
        "next topic": lambda **kw: agenda.next_topic(
            db=db, event=event, **seen(db, event, "topic"), now=at(30), **kw
        ),
        "open another topic": lambda **kw: agenda.open_topic(
            db=db,
            event=event,
            topic_id=second_topic.id,
            **seen(db, event, "topic"),
            now=at(30),
            **kw,
        ),
        "close the topic": lambda **kw: agenda.close_topic(
            db=db, event=event, topic_id=first_topic.id, now=at(30), **kw
        ),
        "open another segment": lambda **kw: agenda.open_segment(
            db=db,
            event=event,
            segment_id=second_segment.id,
            **seen(db, event, "segment"),
            now=at(30),
            **kw,
        ),
        "close the segment": lambda **kw: agenda.close_segment(
            db=db, event=event, segment_id=first_segment.id, now=at(30), **kw
        ),
    }


MOVES = ["next topic", "open another topic", "close the topic", "open another segment",
         "close the segment"]  # fmt: skip


@pytest.mark.parametrize("move", MOVES)
def test_a_move_that_ends_a_turn_asks_first_and_changes_nothing(db: Session, move: str) -> None:
    event, (ana, *_) = speaking_with_four_waiting(db)
    version = event.version
    with pytest.raises(AskFirst) as asked:
        moves(db, event)[move](ask_first=True)
    db.rollback()
    ending = asked.value.ending
    assert ending.speaker is not None and ending.speaker.participant.name == "Ana"
    assert ending.waiting == 4
    assert ending.topic is not None and ending.topic.id == event.segments[0].topics[0].id
    assert events.open_topic(db=db, event_id=event.id).id == ending.topic.id
    assert floor.current_speaker(db=db, event_id=event.id).id == ana
    db.refresh(event)
    assert event.version == version


@pytest.mark.parametrize("move", MOVES)
def test_once_agreed_the_move_records_what_it_ended(db: Session, move: str) -> None:
    event, (ana, *_) = speaking_with_four_waiting(db)
    moves(db, event)[move](ask_first=True, agreed=Agreed(speaker=ana))
    assert floor.current_speaker(db=db, event_id=event.id) is None
    entry = newest_entry(db, event)
    assert entry.after is not None
    assert entry.after["ended_turn"] == f"Ana (request {ana})"
    assert entry.after["left_waiting"] == 4


def test_a_move_that_ends_nothing_does_not_ask(db: Session) -> None:
    event = make_event(db)
    agenda.next_topic(db=db, event=event, **seen(db, event, "topic"), ask_first=True)
    agenda.next_topic(db=db, event=event, **seen(db, event, "topic"), ask_first=True)
    assert events.open_topic(db=db, event_id=event.id).title == "Vivienda"
    assert "ended_turn" not in (newest_entry(db, event).after or {})


def test_waiting_requests_alone_are_asked_about(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    make_request(db, event, make_participant(db, event))
    with pytest.raises(AskFirst) as asked:
        agenda.next_topic(db=db, event=event, **seen(db, event, "topic"), ask_first=True)
    assert (asked.value.ending.speaker, asked.value.ending.waiting) == (None, 1)


def test_agreed_to_end_one_turn_it_asks_again_when_another_speaker_has_the_floor(
    db: Session,
) -> None:
    event, (ana, bruno, *_) = speaking_with_four_waiting(db)
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(20))
    with pytest.raises(AskFirst) as asked:
        agenda.next_topic(
            db=db, event=event, **seen(db, event, "topic"), ask_first=True, agreed=Agreed(ana)
        )
    assert asked.value.ending.speaker is not None and asked.value.ending.speaker.id == bruno


def test_agreed_while_nobody_spoke_it_asks_again_once_someone_has_the_floor(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    make_request(db, event, make_participant(db, event))
    agreed = Agreed(speaker=None)
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"))
    with pytest.raises(AskFirst):
        agenda.next_topic(
            db=db, event=event, **seen(db, event, "topic"), ask_first=True, agreed=agreed
        )


def test_a_turn_that_ended_meanwhile_does_not_ask_again(db: Session) -> None:
    event, (ana, *_) = speaking_with_four_waiting(db)
    turns.finish(db=db, event=event, seen_speaker=ana, now=at(20))
    topic = agenda.next_topic(
        db=db,
        event=event,
        **seen(db, event, "topic"),
        ask_first=True,
        agreed=Agreed(ana),
        now=at(30),
    )
    assert topic.stage is Stage.OPEN
    assert "ended_turn" not in (newest_entry(db, event).after or {})


# Undoing a skip or a removal


def test_a_removal_is_undone_back_at_its_place_and_audited_as_such(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    a, b, c = (make_request(db, event, make_participant(db, event, n)).id for n in "ABC")
    floor.remove(db=db, event=event, request_id=b)
    floor.put_back(db=db, event=event, request_id=b)
    assert [r.id for r in floor.waiting_list(db=db, topic_id=agenda_topic(event))] == [a, b, c]
    entry = newest_entry(db, event)
    assert (entry.action, entry.before, entry.after) == (
        "floor.undo_remove",
        {"status": "removed"},
        {"status": "waiting", "place": 2},
    )


def test_a_speaker_put_back_stays_behind_the_points_of_order(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    ana = make_request(db, event, make_participant(db, event, "Ana")).id
    floor.skip(db=db, event=event, request_id=ana)
    make_request(db, event, make_participant(db, event, "Bruno"), kind=TurnKind.POINT_OF_ORDER)
    floor.put_back(db=db, event=event, request_id=ana)
    waiting = floor.waiting_list(db=db, topic_id=agenda_topic(event))
    assert [r.participant.name for r in waiting] == ["Bruno", "Ana"]


def test_only_what_put_back_takes_is_offered(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    ana, bruno, carla = (make_participant(db, event, n) for n in ("Ana", "Bruno", "Carla"))
    skipped = make_request(db, event, ana, now=at(0))
    removed = make_request(db, event, bruno, now=at(1))
    asked_again = make_request(db, event, carla, now=at(2))
    floor.skip(db=db, event=event, request_id=skipped.id, now=at(3))
    floor.remove(db=db, event=event, request_id=removed.id, now=at(4))
    floor.skip(db=db, event=event, request_id=asked_again.id, now=at(5))
    make_request(db, event, carla, now=at(6))

    room = screens.room(db=db, event_id=event.id)
    offered = floor.taken_off(room.latest_requests)
    assert [r.id for r in offered] == [removed.id, skipped.id]  # the latest first
    with pytest.raises(StageError):
        floor.put_back(db=db, event=event, request_id=asked_again.id)
    for request in offered:
        floor.put_back(db=db, event=event, request_id=request.id)


def agenda_topic(event: Event) -> int:
    return event.segments[0].topics[0].id


# The audit log's names


def test_every_audit_action_has_a_label_of_its_own() -> None:
    labels = list(audit.ACTIONS.values())
    assert len(set(labels)) == len(labels)
    # One name for two things reads "X or Y": each action says which it was.
    assert [label for label in labels if " or " in label] == []


def test_a_resume_is_audited_as_a_resume_and_a_start_as_a_start(db: Session) -> None:
    event, (ana, *_) = speaking_with_four_waiting(db)
    timer.reset(db=db, event=event, seen_speaker=ana, now=at(11))
    timer.start(db=db, event=event, seen_speaker=ana, now=at(12))
    assert newest_entry(db, event).action == "timer.start"
    timer.pause(db=db, event=event, seen_speaker=ana, now=at(20))
    timer.start(db=db, event=event, seen_speaker=ana, now=at(30))
    assert newest_entry(db, event).action == "timer.resume"


def test_closing_and_reopening_the_list_are_named_apart(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    floor.set_list_open(db=db, event=event, is_open=False, **seen(db, event, "topic"))
    assert newest_entry(db, event).action == "floor.close_list"
    floor.set_list_open(db=db, event=event, is_open=True, **seen(db, event, "topic"))
    assert newest_entry(db, event).action == "floor.open_list"


def test_the_event_and_a_segment_speaking_time_are_named_apart(db: Session) -> None:
    event = make_event(db)
    agenda.set_speaking_time(db=db, event=event, speaking_time="2:30")
    assert newest_entry(db, event).action == "agenda.speaking_time"
    segment = event.segments[0].id
    agenda.set_speaking_time(db=db, event=event, speaking_time="2:00", segment_id=segment)
    assert newest_entry(db, event).action == "agenda.segment_speaking_time"
