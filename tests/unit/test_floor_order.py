"""The order of the list of speakers: points of order, the segment's rule, the facilitator's
moves (app/services/speaking_order.py), on the services as the console drives them."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from app.models import AuditEntry, Event, FloorRequest, Participant, TurnKind
from app.models.agenda import OrderRule
from app.services import floor, screens, speaking_order, turns
from app.services.changes import Stale
from app.services.speaking_order import Reason
from tests.factories import at, make_event, make_participant, make_request, open_first_topic, seen
from tests.factories import place as place_of

POINT = TurnKind.POINT_OF_ORDER


def names(db: Session, event: Event) -> list[str]:
    return [r.participant.name for r in screens.room(db=db, event_id=event.id).waiting]


def up(db: Session, event: Event, request: FloorRequest) -> None:
    floor.move(
        db=db, event=event, request_id=request.id, **place_of(db, event, request.id), offset=-1
    )


def ask(
    db: Session, event: Event, name: str, kind: TurnKind = TurnKind.INTERVENTION, **fields: object
) -> FloorRequest:
    return make_request(db, event, make_participant(db, event, name, **fields), kind)


def choose(db: Session, event: Event, rule: OrderRule, **options: bool) -> None:
    floor.set_order_rule(db=db, event=event, rule=rule, **seen(db, event, "segment"), **options)


def speak(db: Session, event: Event, participant: Participant) -> None:
    """``participant`` has a turn now (asks, is called, finishes)."""
    request = make_request(db, event, participant)
    turns.call(db=db, event=event, request_id=request.id, **seen(db, event, "speaker"))
    turns.finish(db=db, event=event, **seen(db, event, "speaker"))


def state_id(event: Event) -> int:
    return next(a.id for a in event.actor_types if a.key == "state")


def other_id(event: Event) -> int:
    return next(a.id for a in event.actor_types if a.key != "state")


def test_a_new_point_of_order_goes_after_those_waiting_even_after_a_move(db: Session) -> None:
    """Issue 12: Cora's point of order landed ahead of Beto's, asked before hers."""
    event = make_event(db)
    open_first_topic(db, event)
    ask(db, event, "Ana", POINT)
    ask(db, event, "Beto", POINT)
    xavi = ask(db, event, "Xavi")
    up(db, event, xavi)
    up(db, event, xavi)
    assert names(db, event) == ["Xavi", "Ana", "Beto"]
    ask(db, event, "Cora", POINT)
    assert names(db, event) == ["Xavi", "Ana", "Beto", "Cora"]


def test_a_move_survives_the_speaker_ahead_being_called(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    ask(db, event, "Ana")
    ask(db, event, "Beto")
    up(db, event, ask(db, event, "Xavi"))
    assert names(db, event) == ["Ana", "Xavi", "Beto"]
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"))
    assert names(db, event) == ["Xavi", "Beto"]


def test_a_skipped_speaker_put_back_returns_to_the_place_they_were_moved_to(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    ask(db, event, "Ana")
    ask(db, event, "Beto")
    xavi = ask(db, event, "Xavi")
    up(db, event, xavi)
    floor.skip(db=db, event=event, request_id=xavi.id)
    ask(db, event, "Cora", POINT)
    floor.put_back(db=db, event=event, request_id=xavi.id)
    assert names(db, event) == ["Cora", "Ana", "Xavi", "Beto"]


def test_first_time_speakers_go_before_those_heard_in_the_segment(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    ana = make_participant(db, event, "Ana")
    speak(db, event, ana)
    choose(db, event, OrderRule.FIRST_TIME)
    make_request(db, event, ana, now=at(10))
    ask(db, event, "Beto")
    ask(db, event, "Cora")
    room = screens.room(db=db, event_id=event.id)
    assert names(db, event) == ["Beto", "Cora", "Ana"]
    assert room.order is not None
    assert [room.order.reason_of(r) for r in room.waiting] == [
        Reason.FIRST_TIME,
        Reason.FIRST_TIME,
        Reason.ARRIVAL,
    ]
    assert room.order.history_of(room.waiting[2]).turns == 1


def test_alternation_gives_the_floor_to_a_state_and_another_actor_in_turn(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    choose(db, event, OrderRule.ALTERNATION)
    for name in ("Chile", "Perú", "Brasil"):
        ask(db, event, name, actor_type_id=state_id(event))
    ask(db, event, "ACNUR", actor_type_id=other_id(event))
    ask(db, event, "Cruz Roja", actor_type_id=other_id(event))
    assert names(db, event) == ["Chile", "ACNUR", "Perú", "Cruz Roja", "Brasil"]
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"))
    # A State spoke last: another actor goes first now.
    assert names(db, event) == ["ACNUR", "Perú", "Cruz Roja", "Brasil"]


def test_points_of_order_come_before_the_rule(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    choose(db, event, OrderRule.ALTERNATION)
    ask(db, event, "Chile", actor_type_id=state_id(event))
    ask(db, event, "ACNUR", POINT, actor_type_id=other_id(event))
    assert names(db, event) == ["ACNUR", "Chile"]


def test_the_rule_is_the_segments_and_recorded_in_the_audit_log(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    choose(db, event, OrderRule.FIRST_TIME)
    assert event.segments[0].order_rule is OrderRule.FIRST_TIME
    assert event.order_rule is OrderRule.ARRIVAL
    choose(db, event, OrderRule.ALTERNATION, whole_event=True)
    assert event.order_rule is OrderRule.ALTERNATION
    entries = db.query(AuditEntry).filter_by(action="floor.order_rule").all()
    assert [e.after for e in entries] == [
        {"rule": "first_time"},
        {"rule": "alternation", "event": "alternation"},
    ]


def test_a_rule_chosen_for_another_segment_than_the_open_one_is_refused(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    with pytest.raises(Stale):
        floor.set_order_rule(
            db=db, event=event, rule=OrderRule.FIRST_TIME, seen_segment=event.segments[1].id
        )


def test_every_screen_reads_the_same_place(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    ask(db, event, "Ana")
    beto = ask(db, event, "Beto")
    up(db, event, ask(db, event, "Xavi"))
    ask(db, event, "Cora", POINT)
    room = screens.room(db=db, event_id=event.id)
    mine = screens.my_turn_now(db=db, event=event, participant_id=beto.participant_id)
    assert mine.place == room.place_of(beto) == 4
    assert floor.waiting_list(db=db, topic_id=room.topic.id if room.topic else 0) == room.waiting


def test_the_order_as_a_pure_function() -> None:
    W = speaking_order.Waiting
    waiting = [
        W(1, arrival=1, participant_id=1),
        W(2, arrival=2, participant_id=2, point_of_order=True),
        W(3, arrival=3, participant_id=3, state=True),
        W(4, arrival=4, participant_id=4),
    ]
    lines = speaking_order.order(
        waiting=waiting,
        rule=OrderRule.ALTERNATION,
        last_was_state=False,
        moves=[speaking_order.Move(4, ahead=(9,))],
    )
    assert lines == [
        speaking_order.Line(4, Reason.MOVED),  # after 9, who is no longer waiting: first
        speaking_order.Line(2, Reason.POINT_OF_ORDER),
        speaking_order.Line(3, Reason.ALTERNATION_STATE),
        speaking_order.Line(1, Reason.ARRIVAL),
    ]
