from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from app.models.agenda import Stage
from app.services import agenda, events, floor, timer, turns
from app.services.agenda import EventExists
from app.services.agenda_file import AgendaSpec
from app.services.errors import InvalidInput, NotFound, StageError
from tests.factories import (
    agenda_data,
    at,
    make_event,
    make_participant,
    make_request,
    open_first_topic,
    seen,
)


def stages(event: agenda.Event) -> list[tuple[str, list[str]]]:
    return [(s.stage.value, [t.stage.value for t in s.topics]) for s in event.segments]


def test_a_loaded_event_starts_with_nothing_open(db: Session) -> None:
    event = make_event(db)
    assert stages(event) == [("pending", ["pending", "pending"]), ("pending", ["pending"])]
    assert len(event.join_code) == 8


def test_the_same_agenda_cannot_be_loaded_twice(db: Session) -> None:
    make_event(db)
    with pytest.raises(EventExists):
        make_event(db)


def test_opening_a_topic_opens_its_segment(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    assert stages(event) == [("open", ["open", "pending"]), ("pending", ["pending"])]


def test_opening_another_topic_closes_the_open_one(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    agenda.open_topic(
        db=db, event=event, **seen(db, event, "topic"), topic_id=event.segments[1].topics[0].id
    )
    assert stages(event) == [("closed", ["closed", "pending"]), ("open", ["open"])]


def test_next_topic_walks_the_agenda_across_segments(db: Session) -> None:
    event = make_event(db)
    titles = [
        agenda.next_topic(db=db, event=event, **seen(db, event, "topic")).title for _ in range(3)
    ]
    assert titles == ["Salud", "Vivienda", "Microcrédito"]
    with pytest.raises(StageError):
        agenda.next_topic(db=db, event=event, **seen(db, event, "topic"))
    assert events.open_topic(db=db, event_id=event.id).title == "Microcrédito"


def test_next_topic_after_opening_a_segment_starts_with_its_first_topic(db: Session) -> None:
    event = make_event(db)
    agenda.open_segment(
        db=db, event=event, **seen(db, event, "segment"), segment_id=event.segments[1].id
    )
    assert agenda.next_topic(db=db, event=event, **seen(db, event, "topic")).title == "Microcrédito"


def test_closing_a_topic_ends_the_turn_and_stops_the_clock(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    request = make_request(db, event, make_participant(db, event))
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(0))
    agenda.close_topic(db=db, event=event, topic_id=request.topic_id, now=at(20))
    assert floor.current_speaker(db=db, event_id=event.id) is None
    assert not timer.read(timer.get(db=db, event_id=event.id), now=at(99)).running


def test_closing_a_segment_closes_its_open_topic(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    agenda.close_segment(db=db, event=event, segment_id=event.segments[0].id)
    assert stages(event)[0] == ("closed", ["closed", "pending"])
    assert events.open_topic(db=db, event_id=event.id) is None


def test_closing_what_is_not_open_is_refused(db: Session) -> None:
    event = make_event(db)
    with pytest.raises(StageError):
        agenda.close_topic(db=db, event=event, topic_id=event.segments[0].topics[0].id)
    with pytest.raises(StageError):
        agenda.close_segment(db=db, event=event, segment_id=event.segments[0].id)


def test_a_topic_of_another_event_is_not_found(db: Session) -> None:
    event = make_event(db)
    other = make_event(db, slug="other")
    with pytest.raises(NotFound):
        agenda.open_topic(
            db=db, event=other, **seen(db, other, "topic"), topic_id=event.segments[0].topics[0].id
        )


def test_a_closed_topic_can_be_reopened_with_its_list(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    make_request(db, event, make_participant(db, event))
    topic_id = event.segments[0].topics[0].id
    agenda.close_topic(db=db, event=event, topic_id=topic_id)
    agenda.open_topic(db=db, event=event, **seen(db, event, "topic"), topic_id=topic_id)
    assert [r.participant.name for r in floor.waiting_list(db=db, topic_id=topic_id)] == ["Ana"]
    assert event.segments[0].topics[0].stage is Stage.OPEN


def test_an_agenda_without_a_speaking_time_takes_the_servers_default(db: Session) -> None:
    data = agenda_data()
    del data["event"]["speaking_time"]
    event = agenda.load(db=db, spec=AgendaSpec.model_validate(data), default_speaking_seconds=240)
    assert event.speaking_seconds == 240
    assert timer.get(db=db, event_id=event.id).allotted_ms == 240_000


def test_the_facilitator_sets_the_speaking_time_for_the_next_speakers(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    make_request(db, event, make_participant(db, event, "Ana"))
    make_request(db, event, make_participant(db, event, "Bruno"))
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(0))
    agenda.set_speaking_time(db=db, event=event, speaking_time="2:30")
    assert timer.get(db=db, event_id=event.id).allotted_ms == 180_000  # Ana keeps her time
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(100))
    assert timer.get(db=db, event_id=event.id).allotted_ms == 150_000


def test_a_segment_may_have_its_own_speaking_time_and_give_it_back(db: Session) -> None:
    event = make_event(db)
    segment = event.segments[0]
    agenda.set_speaking_time(db=db, event=event, speaking_time="90", segment_id=segment.id)
    assert segment.speaking_seconds == 90
    agenda.set_speaking_time(db=db, event=event, speaking_time=" ", segment_id=segment.id)
    assert segment.speaking_seconds is None


@pytest.mark.parametrize("given", ["", "0:05", "61:00", "3:75", "tres", "9" * 30])
def test_an_impossible_speaking_time_is_refused(db: Session, given: str) -> None:
    event = make_event(db)
    with pytest.raises(InvalidInput):
        agenda.set_speaking_time(db=db, event=event, speaking_time=given)
    assert event.speaking_seconds == 180
