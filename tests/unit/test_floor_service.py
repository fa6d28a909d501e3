from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from app.models import TurnKind
from app.models.floor import TurnStatus
from app.services import agenda, floor, screens, timer, turns
from app.services.errors import (
    Forbidden,
    InvalidInput,
    ListClosed,
    NobodySpeaking,
    NobodyWaiting,
    NotFound,
    NoTopicOpen,
    NotWaiting,
    StageError,
)
from tests.factories import (
    at,
    make_event,
    make_participant,
    make_request,
    open_first_topic,
    place,
    seen,
)


def names(requests: list[floor.FloorRequest]) -> list[str]:
    return [r.participant.name for r in requests]


def test_requests_queue_in_arrival_order(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    for i, name in enumerate(["Ana", "Bruno", "Carla"]):
        make_request(db, event, make_participant(db, event, name), now=at(i))
    topic = agenda_topic(event)
    assert names(floor.waiting_list(db=db, topic_id=topic)) == ["Ana", "Bruno", "Carla"]


def test_second_tap_does_not_queue_twice(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    ana = make_participant(db, event)
    first = make_request(db, event, ana)
    again = make_request(db, event, ana, kind=TurnKind.REPLY)
    assert again.id == first.id
    assert len(floor.waiting_list(db=db, topic_id=agenda_topic(event))) == 1


def test_request_keeps_the_chosen_guiding_questions(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    questions = event.segments[0].topics[0].questions
    request = make_request(db, event, make_participant(db, event), question_ids=[questions[1].id])
    assert [q.text for q in request.questions] == ["¿Qué barreras?"]


def test_a_question_of_another_topic_is_refused_as_a_topic_that_moved_on(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    other = event.segments[0].topics[1].questions[0]
    with pytest.raises(StageError):
        make_request(db, event, make_participant(db, event), question_ids=[other.id])
    assert floor.waiting_list(db=db, topic_id=agenda_topic(event)) == []


def test_no_request_without_an_open_topic(db: Session) -> None:
    event = make_event(db)
    with pytest.raises(NoTopicOpen):
        make_request(db, event, make_participant(db, event))


def test_no_request_on_a_closed_list(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    floor.set_list_open(db=db, event=event, **seen(db, event, "topic"), is_open=False)
    with pytest.raises(ListClosed):
        make_request(db, event, make_participant(db, event))


def test_facilitator_adds_a_speaker_from_the_room_even_when_the_list_is_closed(
    db: Session,
) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    floor.set_list_open(db=db, event=event, **seen(db, event, "topic"), is_open=False)
    request = floor.add_from_room(
        db=db,
        event=event,
        name="Delegada de Perú",
        organisation="",
        actor_type_id=None,
        country="Perú",
        kind=TurnKind.INTERVENTION,
    )
    assert request.participant.from_the_room
    assert names(floor.waiting_list(db=db, topic_id=agenda_topic(event))) == ["Delegada de Perú"]


def test_a_point_of_order_goes_before_other_speakers_but_after_earlier_points(
    db: Session,
) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    make_request(db, event, make_participant(db, event, "Ana"), now=at(1))
    make_request(
        db, event, make_participant(db, event, "Bruno"), TurnKind.POINT_OF_ORDER, now=at(2)
    )
    make_request(
        db, event, make_participant(db, event, "Carla"), TurnKind.POINT_OF_ORDER, now=at(3)
    )
    assert names(floor.waiting_list(db=db, topic_id=agenda_topic(event))) == [
        "Bruno",
        "Carla",
        "Ana",
    ]


def test_call_next_gives_the_floor_and_starts_the_clock(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    make_request(db, event, make_participant(db, event, "Ana"))
    make_request(db, event, make_participant(db, event, "Bruno"))
    speaker = turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(10))
    assert speaker.participant.name == "Ana"
    assert speaker.status is TurnStatus.SPEAKING
    reading = timer.read(timer.get(db=db, event_id=event.id), now=at(70))
    assert reading.running and reading.remaining_ms == 120_000

    following = turns.call_next(
        db=db, event=event, **seen(db, event, "first", "speaker"), now=at(100)
    )
    assert following.participant.name == "Bruno"
    assert speaker.status is TurnStatus.DONE
    assert floor.current_speaker(db=db, event_id=event.id) == following


def test_the_segment_speaking_time_overrides_the_event_default(db: Session) -> None:
    event = make_event(db)
    agenda.open_topic(
        db=db, event=event, **seen(db, event, "topic"), topic_id=event.segments[1].topics[0].id
    )
    make_request(db, event, make_participant(db, event))
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(0))
    assert timer.get(db=db, event_id=event.id).allotted_ms == 120_000


def test_call_next_with_nobody_waiting_says_so(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    with pytest.raises(NobodyWaiting):
        turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"))


def test_calling_someone_out_of_turn(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    make_request(db, event, make_participant(db, event, "Ana"))
    bruno = make_request(db, event, make_participant(db, event, "Bruno"))
    turns.call(db=db, event=event, **seen(db, event, "speaker"), request_id=bruno.id)
    assert floor.current_speaker(db=db, event_id=event.id) == bruno
    assert names(floor.waiting_list(db=db, topic_id=agenda_topic(event))) == ["Ana"]


def test_finish_without_a_speaker_is_refused(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    with pytest.raises(NobodySpeaking):
        turns.finish(db=db, event=event, **seen(db, event, "speaker"))


def test_finish_stops_the_clock(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    make_request(db, event, make_participant(db, event))
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(0))
    turns.finish(db=db, event=event, **seen(db, event, "speaker"), now=at(50))
    reading = timer.read(timer.get(db=db, event_id=event.id), now=at(500))
    assert not reading.running and reading.remaining_ms == 130_000
    assert floor.current_speaker(db=db, event_id=event.id) is None


def test_moving_speakers_up_and_down(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    requests = [make_request(db, event, make_participant(db, event, n)) for n in "ABC"]
    floor.move(
        db=db, event=event, request_id=requests[2].id, **place(db, event, requests[2].id), offset=-1
    )
    assert names(floor.waiting_list(db=db, topic_id=agenda_topic(event))) == ["A", "C", "B"]
    floor.move(
        db=db, event=event, request_id=requests[0].id, **place(db, event, requests[0].id), offset=+1
    )
    assert names(floor.waiting_list(db=db, topic_id=agenda_topic(event))) == ["C", "A", "B"]
    floor.move(
        db=db, event=event, request_id=requests[2].id, **place(db, event, requests[2].id), offset=-1
    )
    assert names(floor.waiting_list(db=db, topic_id=agenda_topic(event))) == ["C", "A", "B"]


def test_skip_then_put_back_where_they_were(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    a, _b, _c = (make_request(db, event, make_participant(db, event, n)) for n in "ABC")
    floor.skip(db=db, event=event, request_id=a.id)
    assert names(floor.waiting_list(db=db, topic_id=agenda_topic(event))) == ["B", "C"]
    floor.put_back(db=db, event=event, request_id=a.id)
    assert names(floor.waiting_list(db=db, topic_id=agenda_topic(event))) == ["A", "B", "C"]


def test_removed_speaker_cannot_be_removed_again(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    request = make_request(db, event, make_participant(db, event))
    floor.remove(db=db, event=event, request_id=request.id)
    assert request.status is TurnStatus.REMOVED
    with pytest.raises(NotWaiting):
        floor.remove(db=db, event=event, request_id=request.id)


def test_participant_withdraws_only_their_own_request(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    ana, bruno = make_participant(db, event, "Ana"), make_participant(db, event, "Bruno")
    request = make_request(db, event, ana)
    with pytest.raises(Forbidden):
        floor.withdraw(db=db, event=event, participant=bruno, request_id=request.id)
    floor.withdraw(db=db, event=event, participant=ana, request_id=request.id)
    assert request.status is TurnStatus.WITHDRAWN


def test_after_withdrawing_a_participant_may_ask_again(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    ana = make_participant(db, event)
    first = make_request(db, event, ana)
    floor.withdraw(db=db, event=event, participant=ana, request_id=first.id)
    second = make_request(db, event, ana)
    assert second.id != first.id and second.status is TurnStatus.WAITING


def test_unknown_request_is_not_found(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    with pytest.raises(NotFound):
        floor.skip(db=db, event=event, request_id=9999)


def test_a_request_of_another_event_is_not_found(db: Session) -> None:
    event = make_event(db)
    other = make_event(db, slug="other-consultation")
    open_first_topic(db, event)
    request = make_request(db, event, make_participant(db, event))
    with pytest.raises(NotFound):
        floor.remove(db=db, event=other, request_id=request.id)


def test_summary_after_speaking_is_saved_and_editable(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    ana = make_participant(db, event)
    request = make_request(db, event, ana)
    with pytest.raises(StageError):
        floor.save_summary(db=db, event=event, participant=ana, request_id=request.id, summary="x")
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"))
    turns.finish(db=db, event=event, **seen(db, event, "speaker"))
    floor.save_summary(
        db=db, event=event, participant=ana, request_id=request.id, summary="  Propuse  un plan. "
    )
    assert request.summary == "Propuse un plan."
    floor.save_summary(
        db=db, event=event, participant=ana, request_id=request.id, summary="Línea 1\nLínea 2"
    )
    assert request.summary == "Línea 1\nLínea 2"


def test_summary_limits(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    ana, bruno = make_participant(db, event, "Ana"), make_participant(db, event, "Bruno")
    request = make_request(db, event, ana)
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"))
    turns.finish(db=db, event=event, **seen(db, event, "speaker"))
    with pytest.raises(InvalidInput):
        floor.save_summary(db=db, event=event, participant=ana, request_id=request.id, summary=" ")
    with pytest.raises(InvalidInput):
        floor.save_summary(
            db=db, event=event, participant=ana, request_id=request.id, summary="x" * 1001
        )
    with pytest.raises(Forbidden):
        floor.save_summary(
            db=db, event=event, participant=bruno, request_id=request.id, summary="mine"
        )
    floor.save_summary(
        db=db, event=event, participant=ana, request_id=request.id, summary="x" * 1000
    )
    assert len(request.summary) == 1000


def test_summary_is_locked_once_the_topic_closes(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    ana = make_participant(db, event)
    request = make_request(db, event, ana)
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"))
    agenda.close_topic(db=db, event=event, topic_id=request.topic_id)
    with pytest.raises(StageError):
        floor.save_summary(
            db=db, event=event, participant=ana, request_id=request.id, summary="tarde"
        )


def agenda_topic(event: floor.Event) -> int:
    return event.segments[0].topics[0].id


def test_a_skipped_speaker_who_asked_again_is_not_put_back_twice(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    ana = make_participant(db, event)
    first = make_request(db, event, ana)
    floor.skip(db=db, event=event, request_id=first.id)
    make_request(db, event, ana)
    with pytest.raises(StageError):
        floor.put_back(db=db, event=event, request_id=first.id)
    assert names(floor.waiting_list(db=db, topic_id=agenda_topic(event))) == ["Ana"]


def test_a_returned_speaker_is_shown_their_place_not_an_old_request(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    ana = make_participant(db, event)
    first = make_request(db, event, ana)
    floor.skip(db=db, event=event, request_id=first.id)
    second = make_request(db, event, ana)
    floor.withdraw(db=db, event=event, participant=ana, request_id=second.id)
    floor.put_back(db=db, event=event, request_id=first.id)
    room = screens.room(db=db, event_id=event.id)
    assert screens.my_turn(room=room, participant_id=ana.id).request == first
    now = screens.my_turn_now(db=db, event=event, participant_id=ana.id)
    assert now.request == first and now.place == 1


def test_both_ways_of_reading_a_turn_agree(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    people = [make_participant(db, event, n) for n in "ABCDE"]
    for i, person in enumerate(people):
        kind = TurnKind.POINT_OF_ORDER if i == 3 else TurnKind.INTERVENTION
        make_request(db, event, person, kind=kind, now=at(i))
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(10))
    room = screens.room(db=db, event_id=event.id, now=at(40))
    for person in people:
        assert screens.my_turn(room=room, participant_id=person.id) == screens.my_turn_now(
            db=db, event=event, participant_id=person.id, now=at(40)
        )
