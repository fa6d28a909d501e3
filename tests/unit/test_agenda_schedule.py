"""The schedule an agenda file may carry: read, checked with messages a person can act on,
and loaded in UTC from the event's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from app.config import DEFAULT_AGENDA
from app.services.agenda_file import AgendaFileError, parse_agenda, read_agenda, validate_agenda
from tests.factories import agenda_data, make_event, make_scheduled_event, scheduled_agenda_data


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(AgendaFileError) as refused:
        validate_agenda(data)
    return refused.value.problems


def test_the_bundled_agenda_plans_every_segment_with_its_chair_and_three_breaks() -> None:
    spec = read_agenda(DEFAULT_AGENDA)
    assert spec.event.time_zone == "America/Sao_Paulo"
    assert all(s.day and s.starts and s.ends and s.chair for s in spec.segments)
    assert [(b.title, f"{b.starts:%H:%M}") for b in spec.breaks] == [
        ("Pausa para el café", "11:00"),
        ("Almuerzo", "13:00"),
        ("Pausa para el café", "16:00"),
    ]
    assert all(t.starts and t.ends for t in spec.segments[0].topics)


def test_a_schedule_is_loaded_in_utc_from_the_events_time_zone(db: Session) -> None:
    event = make_scheduled_event(db, time_zone="America/Sao_Paulo")
    first = event.segments[0]
    assert event.time_zone == "America/Sao_Paulo"
    # 09:00 in Brasilia is 12:00 UTC (UTC-3, no summer time since 2019).
    assert (first.starts_at, first.ends_at) == (
        datetime(2024, 5, 16, 12, 0, tzinfo=UTC),
        datetime(2024, 5, 16, 13, 30, tzinfo=UTC),
    )
    assert first.chair == "ACNUR"
    assert first.topics[1].starts_at == datetime(2024, 5, 16, 12, 45, tzinfo=UTC)
    [pause] = event.breaks
    assert (pause.title, pause.translations) == (
        "Pausa para el café",
        {"pt": {"title": "Intervalo para o café"}},
    )
    assert pause.starts_at == datetime(2024, 5, 16, 13, 30, tzinfo=UTC)


def test_a_file_without_a_schedule_still_loads_with_nothing_planned(db: Session) -> None:
    event = make_event(db)
    assert event.time_zone == "UTC"
    assert event.breaks == []
    assert all(s.starts_at is None and s.chair == "" for s in event.segments)
    assert all(t.starts_at is None for s in event.segments for t in s.topics)


def test_a_time_may_be_a_toml_local_time_without_quotes() -> None:
    content = (
        'format = 1\n[event]\nslug = "x1"\ntitle = "X"\nstarts_on = 2024-05-16\n'
        'ends_on = 2024-05-16\nlanguage = "es"\n'
        '[[segments]]\nnumber = 1\ntitle = "S"\nday = 2024-05-16\nstarts = 09:30:00\n'
        'ends = "11:00"\n[[segments.topics]]\ntitle = "T"\n'
    )
    spec = parse_agenda(content.encode())
    assert f"{spec.segments[0].starts:%H:%M}" == "09:30"


def with_segment(**fields: Any) -> dict[str, Any]:
    data = scheduled_agenda_data()
    data["segments"][0] |= fields
    return data


@pytest.mark.parametrize(
    ("data", "told"),
    [
        (
            with_segment(starts="9h30"),
            'segments[1].starts: write the time as hours:minutes in quotes, from "00:00" to'
            ' "23:59", such as "09:30"',
        ),
        (
            with_segment(starts="25:00"),
            'segments[1].starts: write the time as hours:minutes in quotes, from "00:00" to'
            ' "23:59", such as "09:30"',
        ),
        (
            with_segment(starts="10:30", ends="09:00"),
            "segments[1].ends: ends at 09:00, not after it starts at 10:30; a slot ends on the"
            " day it starts",
        ),
        (
            with_segment(day="2024-05-18"),
            "segments[1].day: 2024-05-18 is not one of the event's days, 2024-05-16 to 2024-05-17",
        ),
        (
            with_segment(ends="10:45"),
            "breaks[1]: breaks[1] (10:30-11:00) overlaps segments[1] (09:00-10:45) on 2024-05-16;"
            " move one of them",
        ),
        (
            {
                **scheduled_agenda_data(),
                "event": {**agenda_data()["event"], "time_zone": "Brasilia"},
            },
            'event.time_zone: write a time zone of the tz database, such as "America/Sao_Paulo"',
        ),
    ],
    ids=["not a time", "past midnight", "ends before it starts", "another day", "overlap", "zone"],
)
def test_a_wrong_schedule_is_told_where_and_what_to_write(data: dict[str, Any], told: str) -> None:
    assert told in problems_of(data)


def test_a_slot_half_given_names_what_is_missing() -> None:
    data = scheduled_agenda_data()
    del data["segments"][1]["ends"]
    data["segments"][0]["topics"][0].pop("ends")
    problems = problems_of(data)
    assert "segments[2]: a time slot needs day, starts, ends; add ends" in problems
    assert "segments[1].topics[1]: a time slot needs starts, ends; add ends" in problems


def test_a_topic_stays_within_its_segments_slot() -> None:
    data = scheduled_agenda_data()
    data["segments"][0]["topics"][1]["ends"] = "10:40"
    data["segments"][1]["topics"][0] |= {"starts": "11:00", "ends": "11:30"}
    del data["segments"][1]["day"], data["segments"][1]["starts"], data["segments"][1]["ends"]
    problems = problems_of(data)
    assert (
        "segments[1].topics[2]: segments[1].topics[2] (09:45-10:40) is not within its"
        " segment's time slot, 09:00-10:30" in problems
    )
    assert (
        "segments[2].topics[1]: a topic's time slot is within its segment's: give the segment"
        " day, starts and ends first" in problems
    )


def test_topics_of_one_segment_do_not_overlap() -> None:
    data = scheduled_agenda_data()
    data["segments"][0]["topics"][1]["starts"] = "09:30"
    assert (
        "segments[1].topics[2]: segments[1].topics[2] (09:30-10:30) overlaps"
        " segments[1].topics[1] (09:00-09:45) on 2024-05-16; move one of them"
    ) in problems_of(data)


def test_a_break_needs_its_day_and_times() -> None:
    data = scheduled_agenda_data()
    data["breaks"].append({"title": "Almuerzo"})
    problems = problems_of(data)
    assert any(p.startswith("breaks[2].day: missing;") for p in problems), problems
    assert any(p.startswith("breaks[2].starts: missing;") for p in problems), problems
