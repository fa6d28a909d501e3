"""The record: every turn given, kept as facts the room's later moves do not overwrite."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from app.models import Event, FloorRequest, Participant, Turn, TurnKind
from app.services import agenda, audit, floor, record, timer, turns
from app.services.changes import Stale
from app.services.errors import NotFound, StageError
from tests.factories import at, make_event, make_participant, make_request, open_first_topic, seen


def call_next(db: Session, event: Event, second: float) -> None:
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(second))


def pause(db: Session, event: Event, second: float) -> None:
    timer.pause(db=db, event=event, **seen(db, event, "speaker"), now=at(second))


def resume(db: Session, event: Event, second: float) -> None:
    timer.start(db=db, event=event, **seen(db, event, "speaker"), now=at(second))


def finish(db: Session, event: Event, second: float) -> None:
    turns.finish(db=db, event=event, **seen(db, event, "speaker"), now=at(second))


def state_type(event: Event) -> int:
    return next(kind.id for kind in event.actor_types if kind.key == "state")


def academia_type(event: Event) -> int:
    return next(kind.id for kind in event.actor_types if kind.key == "academia")


def the_turn(db: Session, request: FloorRequest) -> Turn:
    [turn] = [
        t
        for t in record.turns(db=db, event_id=request.event_id)
        if t.floor_request_id == request.id
    ]
    return turn


@pytest.fixture
def event(db: Session) -> Event:
    event = make_event(db)
    open_first_topic(db, event)
    return event


def test_a_turn_given_keeps_who_where_which_questions_what_kind_and_when(
    db: Session, event: Event
) -> None:
    topic = event.segments[0].topics[0]
    ana = make_participant(db, event, "Ana", actor_type_id=state_type(event))
    request = make_request(
        db,
        event,
        ana,
        kind=TurnKind.GOOD_PRACTICE,
        question_ids=[topic.questions[1].id],
        now=at(5),
    )
    call_next(db, event, 20)
    turn = the_turn(db, request)
    assert (turn.participant_id, turn.topic_id, turn.segment_id) == (
        ana.id,
        topic.id,
        event.segments[0].id,
    )
    assert turn.kind is TurnKind.GOOD_PRACTICE
    assert [q.id for q in turn.questions] == [topic.questions[1].id]
    assert (turn.requested_at, turn.started_at, turn.ended_at) == (at(5), at(20), None)
    assert record.open_turn(db=db, event_id=event.id) == turn
    finish(db, event, 95)
    assert (turn.ended_at, turn.spoken_ms) == (at(95), 75_000)
    assert record.open_turn(db=db, event_id=event.id) is None


def test_spoken_time_leaves_out_every_pause(db: Session, event: Event) -> None:
    request = make_request(db, event, make_participant(db, event))
    call_next(db, event, 0)
    pause(db, event, 40)
    resume(db, event, 100)
    pause(db, event, 110)
    resume(db, event, 200)
    finish(db, event, 230)
    turn = the_turn(db, request)
    assert [(p.paused_at, p.resumed_at) for p in turn.pauses] == [
        (at(40), at(100)),
        (at(110), at(200)),
    ]
    assert turn.spoken_ms == (40 + 10 + 30) * 1000


def test_a_reset_stops_the_clock_and_extra_time_does_not(db: Session, event: Event) -> None:
    request = make_request(db, event, make_participant(db, event))
    call_next(db, event, 0)
    timer.add_time(db=db, event=event, seconds=60, **seen(db, event, "speaker"), now=at(10))
    timer.reset(db=db, event=event, **seen(db, event, "speaker"), now=at(30))
    timer.reset(db=db, event=event, **seen(db, event, "speaker"), now=at(35))
    resume(db, event, 50)
    finish(db, event, 80)
    turn = the_turn(db, request)
    assert [(p.paused_at, p.resumed_at) for p in turn.pauses] == [(at(30), at(50))]
    assert turn.spoken_ms == 60_000


def test_a_turn_ended_while_paused_counts_until_the_pause(db: Session, event: Event) -> None:
    first = make_request(db, event, make_participant(db, event, "Ana"))
    second = make_request(db, event, make_participant(db, event, "Bruno"))
    call_next(db, event, 0)
    pause(db, event, 25)
    call_next(db, event, 90)
    turn = the_turn(db, first)
    assert (turn.ended_at, turn.spoken_ms) == (at(90), 25_000)
    # The countdown starts afresh for Bruno; Ana's time stays as it was.
    finish(db, event, 150)
    assert the_turn(db, first).spoken_ms == 25_000
    assert the_turn(db, second).spoken_ms == 60_000


def test_moving_to_the_next_topic_ends_the_turn_in_the_record(db: Session, event: Event) -> None:
    request = make_request(db, event, make_participant(db, event))
    call_next(db, event, 0)
    agenda.next_topic(db=db, event=event, **seen(db, event, "topic"), now=at(70))
    turn = the_turn(db, request)
    assert (turn.ended_at, turn.spoken_ms) == (at(70), 70_000)
    assert record.open_turn(db=db, event_id=event.id) is None


def test_a_skip_put_back_keeps_one_turn_and_skipped_requests_are_not_turns(
    db: Session, event: Event
) -> None:
    ana = make_request(db, event, make_participant(db, event, "Ana"))
    bruno = make_request(db, event, make_participant(db, event, "Bruno"))
    # Put back where he was: second, behind Ana.
    floor.skip(db=db, event=event, request_id=bruno.id, now=at(2))
    floor.put_back(db=db, event=event, request_id=bruno.id, now=at(3))
    call_next(db, event, 10)
    floor.skip(db=db, event=event, request_id=bruno.id, now=at(12))
    finish(db, event, 40)
    given = record.turns(db=db, event_id=event.id)
    assert [t.floor_request_id for t in given] == [ana.id]
    floor.put_back(db=db, event=event, request_id=bruno.id, now=at(50))
    call_next(db, event, 60)
    finish(db, event, 61)
    assert [t.floor_request_id for t in record.turns(db=db, event_id=event.id)] == [
        ana.id,
        bruno.id,
    ]


def test_a_refused_call_leaves_no_turn(db: Session, event: Event) -> None:
    make_request(db, event, make_participant(db, event))
    with pytest.raises(Stale):
        turns.call_next(db=db, event=event, seen_first=None, seen_speaker=None, now=at(1))
    assert record.turns(db=db, event_id=event.id) == []


def test_an_out_of_turn_call_and_a_turn_from_the_room_are_in_the_record(
    db: Session, event: Event
) -> None:
    make_request(db, event, make_participant(db, event, "Ana"))
    from_room = floor.add_from_room(
        db=db,
        event=event,
        name="Carla",
        organisation="Municipio",
        actor_type_id=None,
        country="Perú",
        kind=TurnKind.REPLY,
        now=at(4),
    )
    turns.call(db=db, event=event, request_id=from_room.id, **seen(db, event, "speaker"), now=at(6))
    finish(db, event, 36)
    turn = the_turn(db, from_room)
    assert turn.participant.from_the_room and turn.participant.name == "Carla"
    assert (turn.kind, turn.requested_at, turn.spoken_ms) == (TurnKind.REPLY, at(4), 30_000)


def test_the_participants_summary_is_kept_and_the_facilitator_writes_the_records_own(
    db: Session, event: Event
) -> None:
    ana = make_participant(db, event, "Ana")
    request = make_request(db, event, ana)
    call_next(db, event, 0)
    with pytest.raises(StageError):
        record.write_summary(db=db, event=event, turn_id=the_turn(db, request).id, summary="x")
    finish(db, event, 30)
    floor.save_summary(
        db=db, event=event, participant=ana, request_id=request.id, summary="Mi plan", now=at(40)
    )
    floor.save_summary(
        db=db, event=event, participant=ana, request_id=request.id, summary="Mi plan B", now=at(50)
    )
    audit.act_as(db, "rapporteur")
    turn = record.write_summary(
        db=db, event=event, turn_id=the_turn(db, request).id, summary=" Plan B. ", now=at(60)
    )
    assert (turn.summary, turn.summary_at) == ("Mi plan B", at(50))
    assert (turn.record_summary, turn.record_summary_by, turn.record_summary_at) == (
        "Plan B.",
        "rapporteur",
        at(60),
    )
    [entry] = [e for e in audit.entries(db=db, event_id=event.id) if e.action == "record.summary"]
    assert (entry.actor, entry.before, entry.after) == (
        "rapporteur",
        {"record_summary": ""},
        {"record_summary": "Plan B."},
    )


def test_a_turn_of_another_event_cannot_be_summarised(db: Session, event: Event) -> None:
    request = make_request(db, event, make_participant(db, event))
    call_next(db, event, 0)
    finish(db, event, 1)
    other = make_event(db, slug="other-consultation")
    with pytest.raises(NotFound):
        record.write_summary(db=db, event=other, turn_id=the_turn(db, request).id, summary="x")


def test_the_participants_list_counts_the_turns_each_was_given(db: Session, event: Event) -> None:
    ana = make_participant(db, event, "Ana", actor_type_id=state_type(event))
    bruno = make_participant(db, event, "Bruno")
    make_request(db, event, ana)
    call_next(db, event, 0)
    agenda.next_topic(db=db, event=event, **seen(db, event, "topic"), now=at(10))
    make_request(db, event, ana, now=at(11))
    call_next(db, event, 12)
    finish(db, event, 13)
    listed = record.participants(db=db, event_id=event.id)
    assert [(a.participant.name, a.turns) for a in listed] == [("Ana", 2), ("Bruno", 0)]
    assert listed[0].participant.actor_type is not None
    assert listed[0].participant.actor_type.key == "state"
    assert bruno.id == listed[1].participant.id


def test_coverage_counts_turns_per_question_and_actor_type(db: Session, event: Event) -> None:
    segment = event.segments[0]
    first_q, second_q = segment.topics[0].questions
    [housing_q] = segment.topics[1].questions
    state, academia = state_type(event), academia_type(event)
    speakers = [
        (make_participant(db, event, "Ana", actor_type_id=state), [first_q.id]),
        (make_participant(db, event, "Bea", actor_type_id=academia), [first_q.id]),
        (make_participant(db, event, "Cai", actor_type_id=state), [first_q.id, second_q.id]),
        (make_participant(db, event, "Dan"), []),
    ]
    for second, (person, questions) in enumerate(speakers):
        make_request(db, event, person, question_ids=questions, now=at(second))
    for second in range(len(speakers)):
        call_next(db, event, 10 + second)
    finished = record.turns(db=db, event_id=event.id, segment_id=segment.id)
    figures = {c.question.id: c for c in record.coverage(segment=segment, turns=finished)}
    assert list(figures) == [first_q.id, second_q.id, housing_q.id]
    assert (figures[first_q.id].turns, figures[first_q.id].by_actor_type) == (
        3,
        {state: 2, academia: 1},
    )
    assert (figures[second_q.id].turns, figures[second_q.id].by_actor_type) == (1, {state: 1})
    assert not figures[housing_q.id].addressed and figures[housing_q.id].by_actor_type == {}


def test_balance_gives_turns_and_time_by_actor_type_and_states_against_the_rest(
    db: Session, event: Event
) -> None:
    state, academia = state_type(event), academia_type(event)
    people: list[tuple[Participant, float]] = [
        (make_participant(db, event, "Ana", actor_type_id=state), 30),
        (make_participant(db, event, "Bea", actor_type_id=academia), 45),
        (make_participant(db, event, "Cai", actor_type_id=state), 20),
        (make_participant(db, event, "Dan"), 10),
    ]
    for second, (person, _) in enumerate(people):
        make_request(db, event, person, now=at(second))
    clock = 100.0
    for _, speaking in people:
        call_next(db, event, clock)
        clock += speaking
    # Dan is still speaking: his time runs to the moment of reading.
    figures = record.balance(
        actor_types=event.actor_types, turns=record.turns(db=db, event_id=event.id), now=at(clock)
    )
    assert [
        (s.actor_type.key if s.actor_type else None, s.turns, s.spoken_ms) for s in figures.shares
    ] == [
        ("state", 2, 50_000),
        ("academia", 1, 45_000),
        (None, 1, 10_000),
    ]
    assert (figures.states.turns, figures.states.spoken_ms) == (2, 50_000)
    assert (figures.others.turns, figures.others.spoken_ms) == (2, 55_000)
    assert (figures.turns, figures.spoken_ms) == (4, 105_000)


def test_balance_lists_every_actor_type_even_when_nobody_spoke(db: Session, event: Event) -> None:
    figures = record.balance(actor_types=event.actor_types, turns=[], now=at(0))
    assert [(s.actor_type, s.turns, s.spoken_ms) for s in figures.shares] == [
        (kind, 0, 0) for kind in event.actor_types
    ]
    assert (figures.states.turns, figures.others.turns, figures.spoken_ms) == (0, 0, 0)


def test_the_overview_marks_first_time_speakers_and_who_waits_to_be_heard(
    db: Session, event: Event
) -> None:
    ana, bea, cai = (make_participant(db, event, name) for name in ("Ana", "Bea", "Cai"))
    first = make_request(db, event, ana, now=at(1))
    call_next(db, event, 2)
    agenda.next_topic(db=db, event=event, **seen(db, event, "topic"), now=at(10))
    again = make_request(db, event, ana, now=at(11))
    bea_request = make_request(db, event, bea, now=at(12))
    cai_request = make_request(db, event, cai, now=at(13))
    call_next(db, event, 20)
    view = record.overview(db=db, event_id=event.id, now=at(30))
    assert view.first_turns == {the_turn(db, first).id}
    assert [r.id for r in view.not_yet_heard] == [bea_request.id, cai_request.id]
    call_next(db, event, 40)
    view = record.overview(db=db, event_id=event.id, now=at(50))
    assert view.first_turns == {the_turn(db, first).id, the_turn(db, bea_request).id}
    assert the_turn(db, again).id not in view.first_turns
    assert [r.id for r in view.not_yet_heard] == [cai_request.id]


def test_the_overview_reads_the_open_segment_and_a_turn_under_way(
    db: Session, event: Event
) -> None:
    ana = make_participant(db, event, "Ana", actor_type_id=state_type(event))
    request = make_request(db, event, ana, now=at(1))
    call_next(db, event, 10)
    pause(db, event, 20)
    view = record.overview(db=db, event_id=event.id, now=at(100))
    assert view.open_segment is not None and view.open_segment.id == event.segments[0].id
    assert view.spoken_ms(the_turn(db, request)) == 10_000
    assert view.segment_balance is not None
    assert (view.segment_balance.states.turns, view.segment_balance.states.spoken_ms) == (1, 10_000)
    [health, housing] = [topic for segment, topics in view.segments[:1] for topic in topics]
    assert [t.floor_request_id for t in health.turns] == [request.id] and housing.turns == []
