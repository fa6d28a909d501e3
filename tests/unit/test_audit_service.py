from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from app.models import AuditEntry, Event, TurnKind
from app.models.audit import AuditEntryIsFinal
from app.services import agenda, audit, floor, timer, turns
from app.services.changes import Stale
from app.services.errors import NobodyWaiting, NotWaiting, StageError
from app.services.timer import TimerState
from tests.factories import (
    T0,
    at,
    make_event,
    make_participant,
    make_request,
    open_first_topic,
    place,
    seen,
)


def log(db: Session, event: Event) -> list[AuditEntry]:
    return audit.entries(db=db, event_id=event.id)


def recorded(db: Session, event: Event, change: Callable[[], object]) -> list[AuditEntry]:
    """The entries one change added to the event's log."""
    seen = {entry.id for entry in log(db, event)}
    change()
    return [entry for entry in log(db, event) if entry.id not in seen]


def only(entries: list[AuditEntry]) -> AuditEntry:
    assert len(entries) == 1, [e.action for e in entries]
    return entries[0]


def room_with_a_list(db: Session, *names: str) -> tuple[Event, list[int]]:
    event = make_event(db)
    open_first_topic(db, event)
    ids = [
        make_request(db, event, make_participant(db, event, name), now=at(i)).id
        for i, name in enumerate(names)
    ]
    return event, ids


# Moving through the list of speakers


def test_calling_the_next_speaker_records_who_had_the_floor_and_who_has_it(db: Session) -> None:
    event, (ana, bruno) = room_with_a_list(db, "Ana", "Bruno")
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(10))
    audit.act_as(db, "carla")
    entry = only(
        recorded(
            db,
            event,
            lambda: turns.call_next(
                db=db, event=event, **seen(db, event, "first", "speaker"), now=at(20)
            ),
        )
    )
    assert entry.action == "turns.call_next"
    assert entry.subject == f"Bruno (request {bruno})"
    assert entry.before == {"speaker": ana}
    assert entry.after == {"speaker": bruno, "name": "Bruno", "seconds": 180}
    assert entry.actor == "carla"
    assert entry.at == at(20)
    assert entry.version == event.version


def test_what_no_facilitator_did_is_recorded_as_the_system(db: Session) -> None:
    event, _ = room_with_a_list(db, "Ana")
    entry = only(
        recorded(
            db,
            event,
            lambda: turns.call_next(
                db=db, event=event, **seen(db, event, "first", "speaker"), now=at(10)
            ),
        )
    )
    assert entry.actor == "system"


def test_calling_out_of_turn_is_its_own_action(db: Session) -> None:
    event, (_, bruno) = room_with_a_list(db, "Ana", "Bruno")
    entry = only(
        recorded(
            db,
            event,
            lambda: turns.call(db=db, event=event, **seen(db, event, "speaker"), request_id=bruno),
        )
    )
    assert entry.action == "turns.call"
    assert (entry.before, entry.after) == (
        {"speaker": None},
        {"speaker": bruno, "name": "Bruno", "seconds": 180},
    )


def test_finishing_a_turn_records_the_speaker_leaving(db: Session) -> None:
    event, (ana,) = room_with_a_list(db, "Ana")
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(10))
    entry = only(
        recorded(
            db,
            event,
            lambda: turns.finish(db=db, event=event, **seen(db, event, "speaker"), now=at(60)),
        )
    )
    assert entry.action == "turns.finish"
    assert (entry.before, entry.after) == ({"speaker": ana}, {"speaker": None})


def test_skip_remove_and_put_back_record_the_status_change(db: Session) -> None:
    event, (ana, bruno) = room_with_a_list(db, "Ana", "Bruno")
    skipped = only(recorded(db, event, lambda: floor.skip(db=db, event=event, request_id=ana)))
    back = only(recorded(db, event, lambda: floor.put_back(db=db, event=event, request_id=ana)))
    removed = only(recorded(db, event, lambda: floor.remove(db=db, event=event, request_id=bruno)))
    assert [(e.action, e.before, e.after) for e in (skipped, back, removed)] == [
        ("floor.skip", {"status": "waiting"}, {"status": "skipped"}),
        ("floor.put_back", {"status": "skipped"}, {"status": "waiting", "place": 1}),
        ("floor.remove", {"status": "waiting"}, {"status": "removed"}),
    ]
    assert removed.subject == f"Bruno (request {bruno})"


def test_moving_a_speaker_records_the_order_before_and_after(db: Session) -> None:
    event, (ana, bruno, carla) = room_with_a_list(db, "Ana", "Bruno", "Carla")
    entry = only(
        recorded(
            db,
            event,
            lambda: floor.move(
                db=db, event=event, request_id=carla, **place(db, event, carla), offset=-1
            ),
        )
    )
    assert entry.action == "floor.move"
    assert entry.before == {"waiting": [ana, bruno, carla]}
    assert entry.after == {"waiting": [ana, carla, bruno]}


def test_adding_a_speaker_from_the_room_records_who_and_where_they_landed(db: Session) -> None:
    event, (ana,) = room_with_a_list(db, "Ana")

    def add() -> None:
        floor.add_from_room(
            db=db,
            event=event,
            name="Delegación de Panamá",
            organisation="Gobierno",
            actor_type_id=None,
            country="Panamá",
            kind=TurnKind.POINT_OF_ORDER,
        )

    entry = only(recorded(db, event, add))
    added = floor.waiting_list(db=db, topic_id=event.segments[0].topics[0].id)[0]
    assert entry.action == "floor.add_from_room"
    assert entry.subject == f"Delegación de Panamá (request {added.id})"
    assert entry.before == {"waiting": [ana]}
    assert entry.after == {
        "name": "Delegación de Panamá",
        "organisation": "Gobierno",
        "kind": "point_of_order",
        "waiting": [added.id, ana],
    }


def test_closing_and_reopening_the_list_is_recorded(db: Session) -> None:
    event, _ = room_with_a_list(db)
    close = only(
        recorded(
            db,
            event,
            lambda: floor.set_list_open(
                db=db, event=event, **seen(db, event, "topic"), is_open=False
            ),
        )
    )
    assert (close.action, close.before, close.after) == (
        "floor.close_list",
        {"list_open": True},
        {"list_open": False},
    )
    assert close.subject == f"Salud (topic {event.segments[0].topics[0].id})"


# Moving through the agenda


def test_opening_the_first_topic_records_where_the_agenda_was_and_is(db: Session) -> None:
    event = make_event(db)
    segment, topic = event.segments[0], event.segments[0].topics[0]
    entry = only(recorded(db, event, lambda: open_first_topic(db, event)))
    assert entry.action == "agenda.open_topic"
    assert entry.subject == f"Salud (topic {topic.id})"
    assert entry.before == {"stage": "pending", "segment": None, "topic": None}
    assert entry.after == {"stage": "open", "segment": segment.id, "topic": topic.id}


def test_next_topic_records_the_topic_it_left_behind(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    first, second = event.segments[0].topics
    entry = only(
        recorded(
            db, event, lambda: agenda.next_topic(db=db, event=event, **seen(db, event, "topic"))
        )
    )
    assert entry.action == "agenda.next_topic"
    assert entry.before == {"stage": "pending", "segment": event.segments[0].id, "topic": first.id}
    assert entry.after == {"stage": "open", "segment": event.segments[0].id, "topic": second.id}


def test_closing_a_topic_and_a_segment_is_recorded(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    segment, topic = event.segments[0], event.segments[0].topics[0]
    closed_topic = only(
        recorded(db, event, lambda: agenda.close_topic(db=db, event=event, topic_id=topic.id))
    )
    closed_segment = only(
        recorded(db, event, lambda: agenda.close_segment(db=db, event=event, segment_id=segment.id))
    )
    assert (closed_topic.before, closed_topic.after) == (
        {"stage": "open", "segment": segment.id, "topic": topic.id},
        {"stage": "closed", "segment": segment.id, "topic": None},
    )
    assert closed_segment.action == "agenda.close_segment"
    assert (closed_segment.before, closed_segment.after) == (
        {"stage": "open", "segment": segment.id, "topic": None},
        {"stage": "closed", "segment": None, "topic": None},
    )


def test_opening_a_segment_records_the_one_it_closed(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    first, second = event.segments
    entry = only(
        recorded(
            db,
            event,
            lambda: agenda.open_segment(
                db=db, event=event, **seen(db, event, "segment"), segment_id=second.id
            ),
        )
    )
    assert entry.action == "agenda.open_segment"
    assert entry.subject == f"Inclusión económica (segment {second.id})"
    assert entry.before == {"stage": "pending", "segment": first.id, "topic": first.topics[0].id}
    assert entry.after == {"stage": "open", "segment": second.id, "topic": None}


def test_speaking_time_changes_record_the_old_and_new_seconds(db: Session) -> None:
    event = make_event(db)
    second = event.segments[1]
    whole = only(
        recorded(
            db, event, lambda: agenda.set_speaking_time(db=db, event=event, speaking_time="2:30")
        )
    )
    one = only(
        recorded(
            db,
            event,
            lambda: agenda.set_speaking_time(
                db=db, event=event, speaking_time="", segment_id=second.id
            ),
        )
    )
    assert (whole.action, whole.subject, whole.before, whole.after) == (
        "agenda.speaking_time",
        "",
        {"speaking_seconds": 180},
        {"speaking_seconds": 150},
    )
    assert one.subject == f"Inclusión económica (segment {second.id})"
    assert (one.before, one.after) == ({"speaking_seconds": 120}, {"speaking_seconds": None})


# The countdown


def test_every_change_to_the_clock_records_the_time_left_before_and_after(db: Session) -> None:
    event, _ = room_with_a_list(db, "Ana")
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(0))
    changes = [
        lambda: timer.pause(db=db, event=event, **seen(db, event, "speaker"), now=at(30)),
        lambda: timer.start(db=db, event=event, **seen(db, event, "speaker"), now=at(50)),
        lambda: timer.add_time(
            db=db, event=event, **seen(db, event, "speaker"), seconds=30, now=at(60)
        ),
        lambda: timer.reset(db=db, event=event, **seen(db, event, "speaker"), now=at(70)),
    ]
    entries = [only(recorded(db, event, change)) for change in changes]
    assert [(e.action, e.before, e.after) for e in entries] == [
        (
            "timer.pause",
            {"remaining_ms": 150_000, "running": True},
            {"remaining_ms": 150_000, "running": False},
        ),
        (
            "timer.resume",
            {"remaining_ms": 150_000, "running": False},
            {"remaining_ms": 150_000, "running": True},
        ),
        (
            "timer.add_time",
            {"remaining_ms": 140_000, "running": True},
            {"remaining_ms": 170_000, "running": True},
        ),
        (
            "timer.reset",
            {"remaining_ms": 160_000, "running": True},
            {"remaining_ms": 180_000, "running": False},
        ),
    ]


# What leaves no trace


def test_changes_that_change_nothing_are_not_recorded(db: Session) -> None:
    event, (ana, _) = room_with_a_list(db, "Ana", "Bruno")
    segment, topic = event.segments[0], event.segments[0].topics[0]
    no_ops = [
        lambda: agenda.open_segment(
            db=db, event=event, **seen(db, event, "segment"), segment_id=segment.id
        ),
        lambda: agenda.open_topic(
            db=db, event=event, **seen(db, event, "topic"), topic_id=topic.id
        ),
        lambda: floor.set_list_open(db=db, event=event, **seen(db, event, "topic"), is_open=True),
        lambda: floor.move(db=db, event=event, request_id=ana, **place(db, event, ana), offset=-1),
        lambda: timer.reset(db=db, event=event, **seen(db, event, "speaker")),
        lambda: agenda.set_speaking_time(db=db, event=event, speaking_time="3:00"),
    ]
    for no_op in no_ops:
        assert recorded(db, event, no_op) == []


Refusal = Callable[[Session, Event, int], object]


@pytest.mark.parametrize(
    ("refused", "error"),
    [
        (
            lambda db, event, _: turns.call_next(
                db=db, event=event, **seen(db, event, "first", "speaker")
            ),
            NobodyWaiting,
        ),
        (lambda db, event, skipped: floor.skip(db=db, event=event, request_id=skipped), NotWaiting),
        (
            lambda db, event, _: timer.pause(db=db, event=event, **seen(db, event, "speaker")),
            TimerState,
        ),
        (
            lambda db, event, _: agenda.close_segment(
                db=db, event=event, segment_id=event.segments[1].id
            ),
            StageError,
        ),
        (
            lambda db, event, _: turns.finish(db=db, event=event, seen_speaker=0),
            Stale,
        ),
    ],
)
def test_a_refused_action_leaves_no_entry(
    db: Session, refused: Refusal, error: type[Exception]
) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    skipped = make_request(db, event, make_participant(db, event))
    floor.skip(db=db, event=event, request_id=skipped.id)
    count = len(log(db, event))
    with pytest.raises(error):
        refused(db, event, skipped.id)
    db.rollback()
    assert len(log(db, event)) == count


def test_what_participants_do_is_not_the_facilitators_log(db: Session) -> None:
    event, (ana,) = room_with_a_list(db, "Ana")
    ana_request = floor.waiting_list(db=db, topic_id=event.segments[0].topics[0].id)[0]
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"))
    turns.finish(db=db, event=event, **seen(db, event, "speaker"))
    count = len(log(db, event))
    bruno = make_participant(db, event, "Bruno")
    request = make_request(db, event, bruno)
    floor.withdraw(db=db, event=event, participant=bruno, request_id=request.id)
    floor.save_summary(
        db=db, event=event, participant=ana_request.participant, request_id=ana, summary="Dije."
    )
    assert len(log(db, event)) == count


def test_loading_an_agenda_is_not_a_facilitator_action(db: Session) -> None:
    assert log(db, make_event(db)) == []


def test_each_event_reads_only_its_own_log_newest_first(db: Session) -> None:
    event = make_event(db)
    other = make_event(db, slug="other-consultation")
    open_first_topic(db, event)
    open_first_topic(db, other)
    agenda.next_topic(db=db, event=event, **seen(db, event, "topic"))
    assert [e.action for e in log(db, event)] == ["agenda.next_topic", "agenda.open_topic"]
    assert [e.action for e in log(db, other)] == ["agenda.open_topic"]


def test_an_entry_cannot_be_changed_or_deleted(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    entry = log(db, event)[0]
    entry.subject = "something else"
    with pytest.raises(AuditEntryIsFinal):
        db.flush()
    db.rollback()
    db.delete(log(db, event)[0])
    with pytest.raises(AuditEntryIsFinal):
        db.flush()


# The CSV export


def entry(**fields: object) -> AuditEntry:
    values: dict[str, object] = {
        "event_id": 1,
        "at": T0,
        "actor": "facilitator",
        "action": "turns.call_next",
        "subject": "Ana (request 1)",
        "before": {"speaker": None},
        "after": {"speaker": 1, "name": "Ana"},
        "version": 7,
    }
    return AuditEntry(**(values | fields))


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_has_a_header_and_one_row_an_entry() -> None:
    header, row = rows(audit.as_csv([entry(after={"speaker": 1, "name": "María"})]))
    assert header == ["at", "actor", "action", "subject", "before", "after", "version"]
    assert row == [
        "2024-05-16T09:00:00+00:00",
        "facilitator",
        "turns.call_next",
        "Ana (request 1)",
        '{"speaker":null}',
        '{"speaker":1,"name":"María"}',
        "7",
    ]


def test_no_state_is_an_empty_cell() -> None:
    _, row = rows(audit.as_csv([entry(before=None, after=None)]))
    assert row[4:6] == ["", ""]


@pytest.mark.parametrize("typed", ['=HYPERLINK("x")', "+1", "-1+2", "@SUM(A1)", "\tx"])
def test_a_cell_a_spreadsheet_would_run_is_kept_as_text(typed: str) -> None:
    _, row = rows(audit.as_csv([entry(subject=f"{typed} (request 1)", actor=typed)]))
    assert row[1] == "'" + typed
    assert row[3] == f"'{typed} (request 1)"


def test_an_empty_log_is_just_the_header() -> None:
    assert audit.as_csv([]) == "at,actor,action,subject,before,after,version\r\n"
