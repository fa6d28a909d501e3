"""The schedule an agenda file may carry: time slots of segments, topics and breaks.

The values (a time as ``"09:30"``, a time zone) and the rules across them: all of a slot or
none, a slot's end after its start, its day within the event's dates, a topic within its
segment's slot, and nothing overlapping. Each problem says where it is and what to write.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, time
from typing import Annotated, Any

from pydantic import BeforeValidator, TypeAdapter, ValidationError

from app.i18n import N_
from app.services.agenda_messages import at, location
from app.services.text import SPACE

# Events without a time zone keep their planned times in UTC.
DEFAULT_TIME_ZONE = "UTC"
_HOURS_MINUTES = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")
TIME_FORM = N_(
    'write the time as hours:minutes in quotes, from "00:00" to "23:59", such as "09:30"'
)


def clock_time(value: Any) -> time:
    """A time of day from ``"09:30"`` (a TOML local time, ``09:30:00``, is taken as well)."""
    if isinstance(value, time):
        if value.second or value.microsecond or value.tzinfo:
            raise ValueError(TIME_FORM)
        return value
    if isinstance(value, str) and (match := _HOURS_MINUTES.match(value.strip(SPACE))):
        return time(int(match[1]), int(match[2]))
    raise ValueError(TIME_FORM)


def time_zone(value: Any) -> str:
    """A name of the tz database ("America/Sao_Paulo") this machine knows."""
    if isinstance(value, str) and value:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
        else:
            return value
    raise ValueError(N_('write a time zone of the tz database, such as "America/Sao_Paulo"'))


ClockTime = Annotated[time, BeforeValidator(clock_time)]
TimeZone = Annotated[str, BeforeValidator(time_zone)]
_DATE: TypeAdapter[date] = TypeAdapter(date)
_TIME: TypeAdapter[time] = TypeAdapter(ClockTime)


@dataclass(frozen=True)
class _Slot:
    where: str  # the part, as the file names it: segments[2]
    day: date
    starts: time
    ends: time

    def said(self) -> str:
        return f"{self.where} ({self.starts:%H:%M}-{self.ends:%H:%M})"


def _valid(kind: TypeAdapter[Any], value: Any) -> Any:
    try:
        return kind.validate_python(value)
    except ValidationError:
        return None


def _tables(data: Any, name: str) -> list[dict[str, Any]]:
    value = data.get(name) if isinstance(data, dict) else None
    return [v if isinstance(v, dict) else {} for v in value] if isinstance(value, list) else []


def schedule_problems(data: dict[str, Any]) -> list[str]:
    """The schedule's problems across values, wherever the values compared are valid."""
    event = data["event"] if isinstance(data.get("event"), dict) else {}
    first, last = (_valid(_DATE, event.get(f)) for f in ("starts_on", "ends_on"))
    problems: list[str] = []
    slots: list[_Slot] = []
    for s, segment in enumerate(_tables(data, "segments")):
        where = location(("segments", s))
        slot = _slot(where, segment, segment.get("day"), problems, whole=True)
        if slot is not None:
            problems += _on_event_days(slot, first, last)
            slots.append(slot)
        topic_slots = []
        for t, topic in enumerate(_tables(segment, "topics")):
            topic_where = location(("segments", s, "topics", t))
            if "starts" not in topic and "ends" not in topic:
                continue
            if slot is None:
                message = N_(
                    "a topic's time slot is within its segment's: give the segment day,"
                    " starts and ends first"
                )
                problems.append(at(topic_where, message))
                continue
            topic_slot = _slot(topic_where, topic, slot.day, problems, whole=False)
            if topic_slot is None:
                continue
            if topic_slot.starts < slot.starts or topic_slot.ends > slot.ends:
                message = N_("{topic} is not within its segment's time slot, {starts}-{ends}")
                problems.append(
                    at(
                        topic_where,
                        message.format(
                            topic=topic_slot.said(),
                            starts=f"{slot.starts:%H:%M}",
                            ends=f"{slot.ends:%H:%M}",
                        ),
                    )
                )
            topic_slots.append(topic_slot)
        problems += _overlaps(topic_slots)
    for b, pause in enumerate(_tables(data, "breaks")):
        where = location(("breaks", b))
        day = _valid(_DATE, pause.get("day"))
        starts, ends = (_valid(_TIME, pause.get(f)) for f in ("starts", "ends"))
        if day and starts and ends:
            slot = _Slot(where, day, starts, ends)
            if _ends_after_start(slot, problems):
                problems += _on_event_days(slot, first, last)
                slots.append(slot)
    return problems + _overlaps(slots)


def _slot(
    where: str, part: dict[str, Any], day: Any, problems: list[str], *, whole: bool
) -> _Slot | None:
    """The part's slot if all of it is given and valid; a missing half is a problem."""
    fields = ("day", "starts", "ends") if whole else ("starts", "ends")
    given = [f for f in fields if f in part]
    if not given:
        return None
    if len(given) < len(fields):
        missing = ", ".join(f for f in fields if f not in given)
        message = N_("a time slot needs {fields}; add {missing}")
        problems.append(at(where, message.format(fields=", ".join(fields), missing=missing)))
        return None
    day = _valid(_DATE, day)
    starts, ends = (_valid(_TIME, part.get(f)) for f in ("starts", "ends"))
    if not (day and starts and ends):
        return None
    slot = _Slot(where, day, starts, ends)
    return slot if _ends_after_start(slot, problems) else None


def _ends_after_start(slot: _Slot, problems: list[str]) -> bool:
    if slot.ends > slot.starts:
        return True
    message = N_(
        "ends at {ends}, not after it starts at {starts}; a slot ends on the day it starts"
    )
    problems.append(
        at(
            f"{slot.where}.ends",
            message.format(ends=f"{slot.ends:%H:%M}", starts=f"{slot.starts:%H:%M}"),
        )
    )
    return False


def _on_event_days(slot: _Slot, first: date | None, last: date | None) -> list[str]:
    if first is None or last is None or first <= slot.day <= last:
        return []
    message = N_("{day} is not one of the event's days, {first} to {last}")
    return [
        at(
            f"{slot.where}.day",
            message.format(
                day=slot.day.isoformat(), first=first.isoformat(), last=last.isoformat()
            ),
        )
    ]


def _overlaps(slots: list[_Slot]) -> list[str]:
    """Each slot that starts before the one before it (in time) has ended."""
    problems = []
    ordered = sorted(slots, key=lambda s: (s.day, s.starts, s.ends))
    for at_, later in enumerate(ordered[1:], start=1):
        # The slot before it that ends last: a long one may cover several after it.
        earlier = max(ordered[:at_], key=lambda s: (s.day, s.ends))
        if earlier.day == later.day and later.starts < earlier.ends:
            message = N_("{later} overlaps {earlier} on {day}; move one of them")
            problems.append(
                at(
                    later.where,
                    message.format(
                        later=later.said(), earlier=earlier.said(), day=later.day.isoformat()
                    ),
                )
            )
    return problems
