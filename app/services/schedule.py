"""The schedule as the room lives it: planned against used time, lateness, whether the list
fits, the agenda's items with its breaks, and what comes next.

Planned times come from the agenda file (app/services/agenda_schedule.py), kept in UTC; used
time is the real speaking time of the record's turns (app/services/record.py: pauses
excluded, the turn on the floor counted up to ``now``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Break, Event, Segment, Topic, Turn
from app.models.agenda import Stage
from app.services import record


@dataclass(frozen=True)
class Planned:
    """A segment's or topic's planned seconds (its slot's length) and seconds used so far."""

    planned_seconds: int
    used_seconds: int

    @property
    def over_seconds(self) -> int:
        """How far the used time has passed the planned time (0 while within it)."""
        return max(0, self.used_seconds - self.planned_seconds)


@dataclass(frozen=True)
class Timing:
    """The open segment's schedule at one moment, for the console.

    ``late_minutes``: whole minutes the open topic (or, without a slot of its own, the open
    segment) has run past its planned end; 0 when on time. ``remaining_seconds``: what is
    left of the segment's slot (0 once it has ended). ``fits``: how many of the ``waiting``
    get the floor within it, each a full ``speaking_seconds`` after what the speaker has
    left; ``cut``: how many would not. Minutes and seconds of the clock (UTC moments).
    ``on_the_day``: whether ``now`` is the segment's planned day in the event's time zone;
    on another day (a rehearsal, the record read later) the clock is not compared with the
    plan: nobody is late and the list is not cut.
    """

    segment: Planned
    topic: Planned | None
    late_minutes: int
    remaining_seconds: int
    waiting: int
    fits: int
    on_the_day: bool = True

    @property
    def cut(self) -> int:
        return self.waiting - self.fits


def timing(
    *,
    segment: Segment,
    topic: Topic | None,
    used_ms: dict[int, int],
    waiting: int,
    speaking_seconds: int,
    speaker_remaining_ms: int | None,
    now: datetime,
    time_zone: str = "UTC",
) -> Timing | None:
    """The open ``segment``'s ``Timing`` at ``now``; None when it has no planned slot.

    ``used_ms`` is the speaking time in milliseconds given on each of the segment's topics
    (by topic id; see ``used_by_topic``). ``speaker_remaining_ms`` is what the speaker on the
    floor has left (None: nobody speaks; negative: over time, which leaves nothing to add).
    ``time_zone`` is the event's, where the planned day is read.
    """
    if segment.starts_at is None or segment.ends_at is None:
        return None
    segment_used = sum(used_ms.values()) // 1000
    topic_planned = None
    planned_end = segment.ends_at
    if topic is not None and topic.starts_at is not None and topic.ends_at is not None:
        topic_planned = Planned(
            _seconds(topic.ends_at - topic.starts_at), used_ms.get(topic.id, 0) // 1000
        )
        planned_end = topic.ends_at
    zone = ZoneInfo(time_zone)
    planned = Planned(_seconds(segment.ends_at - segment.starts_at), segment_used)
    if segment.starts_at.astimezone(zone).date() != now.astimezone(zone).date():
        return Timing(planned, topic_planned, 0, 0, waiting, waiting, on_the_day=False)
    late_seconds = _seconds(now - planned_end)
    remaining = max(0, _seconds(segment.ends_at - now))
    after_speaker = remaining - max(0, -(-(speaker_remaining_ms or 0) // 1000))
    fits = min(waiting, max(0, after_speaker) // speaking_seconds)
    return Timing(
        segment=planned,
        topic=topic_planned,
        late_minutes=max(0, late_seconds // 60),
        remaining_seconds=remaining,
        waiting=waiting,
        fits=fits,
    )


def _seconds(delta: timedelta) -> int:
    """Whole seconds, rounded down (towards the past: a minute late is a whole minute)."""
    return int(delta.total_seconds() // 1)


def used_by_topic(*, db: Session, segment_id: int, now: datetime) -> dict[int, int]:
    """Milliseconds spoken on each topic of a segment: ended turns' stored time, and the turn
    on the floor's up to ``now`` (pauses excluded)."""
    used: dict[int, int] = {}
    rows = db.execute(
        select(Turn.topic_id, Turn.spoken_ms).where(
            Turn.segment_id == segment_id, Turn.ended_at.is_not(None)
        )
    )
    for topic_id, spoken in rows:
        used[topic_id] = used.get(topic_id, 0) + spoken
    ongoing = db.scalar(select(Turn).where(Turn.segment_id == segment_id, Turn.ended_at.is_(None)))
    if ongoing is not None:
        used[ongoing.topic_id] = used.get(ongoing.topic_id, 0) + record.spoken_ms(ongoing, now=now)
    return used


def agenda_items(event: Event) -> list[Segment | Break]:
    """The segments in their order with the breaks among them: each break before the first
    segment planned to start at or after it ends; breaks after every planned segment last."""
    breaks = sorted(event.breaks, key=lambda b: b.starts_at)
    items: list[Segment | Break] = []
    for segment in event.segments:
        while breaks and segment.starts_at is not None and breaks[0].ends_at <= segment.starts_at:
            items.append(breaks.pop(0))
        items.append(segment)
    return items + breaks


@dataclass(frozen=True)
class NextItem:
    """What the schedule has next: a segment, one of its topics, or a break, and when."""

    part: Segment | Topic | Break
    starts_at: datetime
    ends_at: datetime
    # A break the room is in (nothing open, within its time): the room resumes at its end.
    under_way: bool = False
    # Its planned start has passed (a room running late): "planned for", not "at".
    overdue: bool = False

    @property
    def is_break(self) -> bool:
        return isinstance(self.part, Break)


def next_item(
    *, event: Event, segment: Segment | None, topic: Topic | None, now: datetime
) -> NextItem | None:
    """What the schedule has next, from its planned times.

    With a planned topic or segment open: the first segment, topic or break planned to start
    after it, among those not yet opened (a room running late still has them next). With
    nothing planned open: the break the room is in, else the first not yet opened, or the
    first break still to start after ``now``. A segment comes before its own first topic
    when both start together. An item whose planned start is at or before ``now`` is
    ``overdue``.
    """
    current = topic if topic is not None and topic.starts_at else segment
    if current is not None and current.starts_at is not None:
        after = current.starts_at
        candidates = [i for i in _planned(event) if i.starts_at > after]
    else:
        ongoing = [b for b in event.breaks if b.starts_at <= now < b.ends_at]
        if ongoing:
            return NextItem(ongoing[0], ongoing[0].starts_at, ongoing[0].ends_at, under_way=True)
        candidates = [i for i in _planned(event) if not i.is_break or i.starts_at > now]
    found = min(
        candidates, key=lambda i: (i.starts_at, not isinstance(i.part, Segment)), default=None
    )
    return replace(found, overdue=found.starts_at <= now) if found else None


def _planned(event: Event) -> Iterable[NextItem]:
    """Every break, and the segments and topics not yet opened (a closed segment's topics
    were passed over)."""
    for pause in event.breaks:
        yield NextItem(pause, pause.starts_at, pause.ends_at)
    for segment in event.segments:
        if segment.stage is Stage.CLOSED:
            continue
        parts: Sequence[Segment | Topic] = [segment, *segment.topics]
        for part in parts:
            if part.stage is Stage.PENDING and part.starts_at and part.ends_at:
                yield NextItem(part, part.starts_at, part.ends_at)
