"""The schedule as the room lives it, with the clock held still: planned against spoken time,
lateness, whether the waiting list fits in what is left, and what comes next."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from app.models import Event, Segment
from app.services import agenda, schedule, screens, timer, turns
from tests.factories import (
    at,
    make_event,
    make_participant,
    make_request,
    make_scheduled_event,
    open_first_topic,
    seen,
)

MINUTE = 60


@pytest.fixture
def event(db: Session) -> Event:
    """Segment 1 planned 09:00-10:30 (T0 is 09:00 UTC), its first topic 09:00-09:45, open."""
    event = make_scheduled_event(db)
    open_first_topic(db, event)
    return event


def call_and_start(db: Session, event: Event, second: float) -> None:
    """The next speaker gets the floor; their clock starts with it."""
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(second))


def room_at(db: Session, event: Event, second: float) -> screens.Room:
    return screens.room(db=db, event_id=event.id, now=at(second))


def waiting(db: Session, event: Event, count: int) -> None:
    for n in range(count):
        make_request(db, event, make_participant(db, event, f"Persona {n}"), now=at(1))


def test_used_time_is_the_real_speaking_time_of_the_segment_and_the_topic(
    db: Session, event: Event
) -> None:
    waiting(db, event, 2)
    call_and_start(db, event, 60)
    timer.pause(db=db, event=event, **seen(db, event, "speaker"), now=at(120))
    timer.start(db=db, event=event, **seen(db, event, "speaker"), now=at(300))  # 3 min paused
    turns.finish(db=db, event=event, **seen(db, event, "speaker"), now=at(360))  # 2 min spoken
    call_and_start(db, event, 400)
    timing = room_at(db, event, 400 + 90).timing  # the second speaker, 1.5 min so far
    assert timing is not None
    assert timing.topic == schedule.Planned(planned_seconds=45 * MINUTE, used_seconds=210)
    assert timing.segment == schedule.Planned(planned_seconds=90 * MINUTE, used_seconds=210)
    assert timing.late_minutes == 0


def test_the_segment_counts_every_topics_turns_and_the_topic_only_its_own(
    db: Session, event: Event
) -> None:
    waiting(db, event, 1)
    call_and_start(db, event, 60)
    turns.finish(db=db, event=event, **seen(db, event, "speaker"), now=at(180))
    second_topic = event.segments[0].topics[1].id
    agenda.open_topic(
        db=db, event=event, topic_id=second_topic, **seen(db, event, "topic"), now=at(200)
    )
    timing = room_at(db, event, 300).timing
    assert timing is not None and timing.topic is not None
    assert (timing.segment.used_seconds, timing.topic.used_seconds) == (120, 0)


def test_the_meeting_runs_late_once_the_open_topics_planned_end_has_passed(
    db: Session, event: Event
) -> None:
    on_time = room_at(db, event, 44 * MINUTE + 59).timing  # the topic ends at 09:45
    late = room_at(db, event, 57 * MINUTE + 30).timing
    assert on_time is not None and late is not None
    assert (on_time.late_minutes, late.late_minutes) == (0, 12)


def test_an_open_topic_without_a_slot_runs_late_by_its_segment(db: Session) -> None:
    event = make_scheduled_event(db)
    unplanned = event.segments[1].topics[0].id  # segment 2: 11:00-12:00, its topic unplanned
    agenda.open_topic(db=db, event=event, topic_id=unplanned, **seen(db, event, "topic"))
    timing = room_at(db, event, 3 * 3600 + 5 * MINUTE)  # 12:05
    assert timing.timing is not None
    assert timing.timing.topic is None
    assert timing.timing.late_minutes == 5


def segment(starts: datetime, ends: datetime) -> Segment:
    return Segment(number=1, title="S", starts_at=starts, ends_at=ends)


@pytest.mark.parametrize(
    ("now", "speaker_left_ms", "waiting", "fits"),
    [
        (75 * MINUTE, 60_000, 6, 4),  # 15 min left, 1 min of the speaker's: 4 turns of 3 min
        (75 * MINUTE, 60_000, 3, 3),
        (75 * MINUTE, -30_000, 6, 5),  # the speaker over time takes no more than nothing
        (75 * MINUTE, None, 6, 5),
        (95 * MINUTE, None, 4, 0),  # the segment's time is over
    ],
)
def test_whether_the_waiting_list_fits_in_what_remains_of_the_segment(
    now: int, speaker_left_ms: int | None, waiting: int, fits: int
) -> None:
    timing = schedule.timing(
        segment=segment(at(0), at(90 * MINUTE)),
        topic=None,
        used_ms={},
        waiting=waiting,
        speaking_seconds=180,
        speaker_remaining_ms=speaker_left_ms,
        now=at(now),
    )
    assert timing is not None
    assert (timing.fits, timing.cut) == (fits, waiting - fits)
    assert timing.remaining_seconds == max(0, 90 * MINUTE - now)


def test_the_room_counts_its_waiting_list_against_the_segments_time(
    db: Session, event: Event
) -> None:
    waiting(db, event, 7)
    call_and_start(db, event, 80 * MINUTE)  # 10:20: 10 min left, the speaker has 3 of them
    timing = room_at(db, event, 80 * MINUTE).timing
    assert timing is not None
    assert (timing.waiting, timing.fits, timing.cut) == (6, 2, 4)


def test_what_comes_next_follows_the_open_topic_then_the_break(db: Session, event: Event) -> None:
    second = event.segments[0].topics[1]
    upcoming = room_at(db, event, 0).next_item
    assert upcoming is not None and (upcoming.part, upcoming.starts_at) == (second, at(45 * MINUTE))
    agenda.open_topic(db=db, event=event, topic_id=second.id, **seen(db, event, "topic"))
    upcoming = room_at(db, event, 100 * MINUTE).next_item  # running late: into the break's time
    assert upcoming is not None and upcoming.is_break and not upcoming.under_way
    assert (upcoming.starts_at, upcoming.ends_at) == (at(90 * MINUTE), at(120 * MINUTE))


def test_between_segments_the_break_under_way_says_when_the_room_resumes(
    db: Session, event: Event
) -> None:
    agenda.close_segment(db=db, event=event, segment_id=event.segments[0].id)
    during = room_at(db, event, 100 * MINUTE).next_item
    assert during is not None and during.is_break and during.under_way
    assert during.ends_at == at(120 * MINUTE)
    after = room_at(db, event, 121 * MINUTE).next_item
    assert after is not None and after.part is event.segments[1]


def test_breaks_stand_among_the_segments_in_the_agenda(db: Session, event: Event) -> None:
    first, second = event.segments
    [pause] = event.breaks
    assert schedule.agenda_items(event) == [first, pause, second]


def test_an_agenda_without_a_schedule_has_no_timing_and_nothing_next(db: Session) -> None:
    event = make_event(db)
    open_first_topic(db, event)
    room = room_at(db, event, 0)
    assert (room.timing, room.next_item) == (None, None)
    assert schedule.agenda_items(event) == list(event.segments)


def test_on_another_day_than_planned_nobody_is_late_and_the_list_is_not_cut(
    db: Session, event: Event
) -> None:
    """A rehearsal the day before, or the room read long after: the clock is not the plan's."""
    waiting(db, event, 3)
    timing = room_at(db, event, 2 * 24 * 3600).timing
    assert timing is not None
    assert (timing.on_the_day, timing.late_minutes, timing.cut) == (False, 0, 0)
    assert timing.segment.planned_seconds == 90 * MINUTE
