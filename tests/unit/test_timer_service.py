from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from app.services import floor, timer, turns
from app.services.clock import epoch_ms
from app.services.errors import InvalidInput
from app.services.timer import TimerState
from tests.factories import at, make_event, make_participant, make_request, open_first_topic, seen


def reading_at(db: Session, event_id: int, seconds: float) -> timer.Reading:
    return timer.read(timer.get(db=db, event_id=event_id), now=at(seconds))


def speaker_called_at_zero(db: Session) -> floor.Event:
    event = make_event(db)
    open_first_topic(db, event)
    make_request(db, event, make_participant(db, event))
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(0))
    return event


def test_running_countdown_is_derived_from_its_start(db: Session) -> None:
    event = speaker_called_at_zero(db)
    reading = reading_at(db, event.id, 45.5)
    assert reading.running
    assert reading.remaining_ms == 134_500
    assert reading.deadline_ms == epoch_ms(at(180))


def test_pause_keeps_what_is_left_and_resume_goes_on_from_there(db: Session) -> None:
    event = speaker_called_at_zero(db)
    timer.pause(db=db, event=event, **seen(db, event, "speaker"), now=at(60))
    assert reading_at(db, event.id, 600).remaining_ms == 120_000
    timer.start(db=db, event=event, **seen(db, event, "speaker"), now=at(600))
    assert reading_at(db, event.id, 610).remaining_ms == 110_000


def test_overtime_is_negative_remaining_time(db: Session) -> None:
    event = speaker_called_at_zero(db)
    reading = reading_at(db, event.id, 200)
    assert reading.overtime and reading.remaining_ms == -20_000


def test_add_thirty_seconds_while_running(db: Session) -> None:
    event = speaker_called_at_zero(db)
    timer.add_time(db=db, event=event, **seen(db, event, "speaker"), seconds=30, now=at(10))
    assert reading_at(db, event.id, 20).remaining_ms == 190_000


def test_reset_goes_back_to_the_full_time_stopped(db: Session) -> None:
    event = speaker_called_at_zero(db)
    timer.add_time(db=db, event=event, **seen(db, event, "speaker"), seconds=30)
    timer.reset(db=db, event=event, **seen(db, event, "speaker"), now=at(100))
    reading = reading_at(db, event.id, 500)
    assert not reading.running and reading.remaining_ms == 180_000


def test_pausing_a_stopped_countdown_says_so(db: Session) -> None:
    event = speaker_called_at_zero(db)
    timer.pause(db=db, event=event, **seen(db, event, "speaker"), now=at(5))
    with pytest.raises(TimerState):
        timer.pause(db=db, event=event, **seen(db, event, "speaker"), now=at(6))
    timer.start(db=db, event=event, **seen(db, event, "speaker"), now=at(7))
    with pytest.raises(TimerState):
        timer.start(db=db, event=event, **seen(db, event, "speaker"), now=at(8))


def test_extra_time_is_bounded(db: Session) -> None:
    event = speaker_called_at_zero(db)
    with pytest.raises(InvalidInput):
        timer.add_time(db=db, event=event, **seen(db, event, "speaker"), seconds=0)
    with pytest.raises(InvalidInput):
        timer.add_time(db=db, event=event, **seen(db, event, "speaker"), seconds=3601)


def test_every_change_bumps_the_event_version(db: Session) -> None:
    event = speaker_called_at_zero(db)
    before = event.version
    timer.pause(db=db, event=event, **seen(db, event, "speaker"), now=at(1))
    timer.start(db=db, event=event, **seen(db, event, "speaker"), now=at(2))
    assert event.version == before + 2
