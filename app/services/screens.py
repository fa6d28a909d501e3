"""What each screen shows, read in one go from the database (the only truth)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.models import Break, Event, FloorRequest, Segment, Topic
from app.models.agenda import Stage
from app.models.floor import ACTIVE_STATUSES, TurnStatus
from app.services import events, floor, schedule, speaking_order, timer
from app.services.clock import utcnow

# The first one waiting is told "you are next" once the speaker has this little time left.
NEXT_WITHIN_MS = 30_000


def estimated_wait_seconds(
    *, place: int, speaker_remaining_ms: int | None, speaking_seconds: int
) -> int:
    """Seconds until the one at ``place`` (1 for the first waiting) is likely to speak.

    What the current speaker has left (``speaker_remaining_ms``; None when nobody speaks,
    nothing once over time), then a full turn of ``speaking_seconds`` for each one ahead.
    """
    current = -(-max(speaker_remaining_ms or 0, 0) // 1000)
    return current + (place - 1) * speaking_seconds


def is_next(*, place: int, speaker_remaining_ms: int | None) -> bool:
    """Whether the one at ``place`` is next: first waiting, and nobody speaking or the
    speaker within ``NEXT_WITHIN_MS`` of their time (or over it)."""
    return place == 1 and (speaker_remaining_ms is None or speaker_remaining_ms <= NEXT_WITHIN_MS)


# As many of those waiting as the hall reads at a glance beside the topic on the projector.
NEXT_SPEAKERS_SHOWN = 3


@dataclass(frozen=True)
class Room:
    """The state every screen of an event is drawn from, at one moment."""

    event: Event
    now: datetime
    segment: Segment | None
    topic: Topic | None
    speaker: FloorRequest | None
    countdown: timer.Reading
    waiting: list[FloorRequest]
    speaking_seconds: int
    passed: list[FloorRequest] = field(default_factory=list)
    spoken: list[FloorRequest] = field(default_factory=list)
    # Whom a personal fragment concerns, with the request their phone is about: their latest
    # on the open topic (an active one first) or, with none there, the latest they were left
    # waiting with on a topic that has closed (``left_waiting`` tells these apart).
    latest_requests: dict[int, FloorRequest] = field(default_factory=dict)
    # The open segment's planned against used time (None: no segment open, or unplanned),
    # and what the schedule has next.
    timing: schedule.Timing | None = None
    next_item: schedule.NextItem | None = None
    # Why each one waiting is where they are, and what they have had in the segment.
    order: speaking_order.SpeakingOrder | None = None

    @property
    def version(self) -> int:
        return self.event.version

    @property
    def agenda_items(self) -> list[Segment | Break]:
        """The segments with the schedule's breaks among them (see schedule.agenda_items)."""
        return schedule.agenda_items(self.event)

    @property
    def next_speakers(self) -> list[FloorRequest]:
        """The first ones waiting, as many as a projector shows beside the stage."""
        return self.waiting[:NEXT_SPEAKERS_SHOWN]

    @cached_property
    def _places(self) -> dict[int, int]:
        return {request.id: place for place, request in enumerate(self.waiting, start=1)}

    def place_of(self, request: FloorRequest) -> int | None:
        """1 for the first one waiting; None if not waiting."""
        return self._places.get(request.id)

    @property
    def speaker_remaining_ms(self) -> int | None:
        """The current speaker's time left (negative over time); None when nobody speaks."""
        return self.countdown.remaining_ms if self.speaker else None

    def estimated_wait_seconds(self, place: int) -> int:
        """The current speaker's time left, then a full turn for everyone ahead."""
        return estimated_wait_seconds(
            place=place,
            speaker_remaining_ms=self.speaker_remaining_ms,
            speaking_seconds=self.speaking_seconds,
        )

    def is_next(self, place: int) -> bool:
        """Whether the one waiting at ``place`` is next (see ``is_next``)."""
        return is_next(place=place, speaker_remaining_ms=self.speaker_remaining_ms)

    def left_waiting(self, request: FloorRequest) -> bool:
        """Whether ``request`` is one left waiting on a topic that closed before it was heard."""
        return self.topic is None or request.topic_id != self.topic.id


@dataclass(frozen=True)
class MyTurn:
    """What one participant sees of their own turns on the open topic.

    ``request`` is their latest request there (an active one first), ``spoken`` every turn
    they have given there, oldest first: each keeps its summary editable until the topic
    closes, whatever their later requests do. ``left_waiting`` is a request of theirs that
    was still waiting when its topic closed, while they have none on the open topic.
    Without any of these it is the same for everyone, and rendered once for all of them.
    """

    version: int  # of the event, when this was read
    event: Event  # whose languages the topic's texts are shown in
    topic: Topic | None
    request: FloorRequest | None = None
    place: int | None = None
    wait_seconds: int | None = None
    next_up: bool = False  # first waiting, and nobody speaking or the speaker about to finish
    spoken: tuple[FloorRequest, ...] = ()
    left_waiting: FloorRequest | None = None
    countdown: timer.Reading | None = None  # the speaker's clock, on the speaker's own phone


def room(*, db: Session, event_id: int, now: datetime | None = None) -> Room:
    now = now or utcnow()
    event = db.scalar(
        select(Event)
        .where(Event.id == event_id)
        .options(
            selectinload(Event.segments).selectinload(Segment.topics).selectinload(Topic.questions),
            selectinload(Event.actor_types),
            selectinload(Event.focus_groups),
            selectinload(Event.breaks),
        )
        .execution_options(populate_existing=True)
    )
    assert event is not None
    topic = events.open_topic(db=db, event_id=event_id)
    segment = next((s for s in event.segments if s.stage is Stage.OPEN), None)
    waiting = passed = spoken = []
    latest: dict[int, FloorRequest] = {}
    order = None
    if topic is not None:
        order = speaking_order.read(db=db, topic=topic)
        on_topic = list(
            db.scalars(
                select(FloorRequest)
                .where(FloorRequest.topic_id == topic.id)
                .options(selectinload(FloorRequest.questions))
                .order_by(FloorRequest.position, FloorRequest.id)
            )
        )
        waiting = order.requests
        passed = [r for r in on_topic if r.status is TurnStatus.SKIPPED]
        spoken = sorted(
            (r for r in on_topic if r.status is TurnStatus.DONE),
            key=lambda r: r.called_at or r.requested_at,
        )
        for request in sorted(on_topic, key=lambda r: r.id):
            kept = latest.get(request.participant_id)
            if kept is None or kept.status not in ACTIVE_STATUSES:
                latest[request.participant_id] = request
    for request in _left_waiting(db, event_id):
        latest.setdefault(request.participant_id, request)
    speaking_seconds = event.speaking_seconds
    if segment is not None and segment.speaking_seconds:
        speaking_seconds = segment.speaking_seconds
    read = Room(
        event=event,
        now=now,
        segment=segment,
        topic=topic,
        speaker=floor.current_speaker(db=db, event_id=event_id),
        countdown=timer.read(timer.get(db=db, event_id=event_id), now=now),
        waiting=waiting,
        speaking_seconds=speaking_seconds,
        passed=passed,
        spoken=spoken,
        latest_requests=latest,
        order=order,
    )
    return _with_schedule(db, read)


def _with_schedule(db: Session, room: Room) -> Room:
    """The room with its schedule: the open segment's timing and the next planned item."""
    timing = None
    segment = room.segment
    if segment is not None and segment.starts_at is not None:
        timing = schedule.timing(
            segment=segment,
            topic=room.topic,
            used_ms=schedule.used_by_topic(db=db, segment_id=segment.id, now=room.now),
            waiting=len(room.waiting),
            speaking_seconds=room.speaking_seconds,
            speaker_remaining_ms=room.speaker_remaining_ms,
            now=room.now,
            time_zone=room.event.time_zone,
        )
    upcoming = schedule.next_item(event=room.event, segment=segment, topic=room.topic, now=room.now)
    return replace(room, timing=timing, next_item=upcoming)


def _left_waiting(
    db: Session, event_id: int, participant_id: int | None = None
) -> list[FloorRequest]:
    """Each participant whose latest request is still waiting on a topic that is not the open
    one: the facilitator moved on before they were heard. Their phone says so until they ask
    again, on any topic. (Moving on leaves such requests waiting: app/services/agenda.py.)"""
    latest = select(func.max(FloorRequest.id)).where(FloorRequest.event_id == event_id)
    if participant_id is not None:
        latest = latest.where(FloorRequest.participant_id == participant_id)
    query = (
        select(FloorRequest)
        .join(Topic, FloorRequest.topic_id == Topic.id)
        .where(
            FloorRequest.id.in_(latest.group_by(FloorRequest.participant_id)),
            FloorRequest.status == TurnStatus.WAITING,
            Topic.stage != Stage.OPEN,
        )
        .options(selectinload(FloorRequest.topic))
    )
    return list(db.scalars(query))


def my_turn(*, room: Room, participant_id: int | None) -> MyTurn:
    """A participant's own turns, from the room already read: no query per participant."""
    request = room.latest_requests.get(participant_id) if participant_id else None
    if request is not None and room.left_waiting(request):
        return MyTurn(
            version=room.version, event=room.event, topic=room.topic, left_waiting=request
        )
    place = room.place_of(request) if request else None
    return MyTurn(
        version=room.version,
        event=room.event,
        topic=room.topic,
        request=request,
        place=place,
        wait_seconds=room.estimated_wait_seconds(place) if place else None,
        next_up=room.is_next(place) if place else False,
        spoken=tuple(r for r in room.spoken if r.participant_id == participant_id),
        countdown=room.countdown if request and request.status is TurnStatus.SPEAKING else None,
    )


def my_turn_now(
    *, db: Session, event: Event, participant_id: int, now: datetime | None = None
) -> MyTurn:
    """The same as ``my_turn``, read for one participant without reading the whole room.

    This answers a phone's own request; a burst of phones must not each read the whole
    room. Its place comes from the same order as everyone's (``speaking_order.read``).
    """
    now = now or utcnow()
    version = db.scalar(select(Event.version).where(Event.id == event.id)) or 0
    topic = db.scalar(
        select(Topic)
        .where(Topic.event_id == event.id, Topic.stage == Stage.OPEN)
        .options(selectinload(Topic.questions), selectinload(Topic.segment))
    )
    mine: list[FloorRequest] = []
    if topic is not None:
        mine = list(
            db.scalars(
                select(FloorRequest)
                .where(
                    FloorRequest.topic_id == topic.id,
                    FloorRequest.participant_id == participant_id,
                )
                .options(selectinload(FloorRequest.questions))
                .order_by(FloorRequest.id)
            )
        )
    active = [r for r in mine if r.status in ACTIVE_STATUSES]
    request = active[-1] if active else (mine[-1] if mine else None)
    if request is None:
        left = _left_waiting(db, event.id, participant_id)
        return MyTurn(
            version=version, event=event, topic=topic, left_waiting=left[0] if left else None
        )
    assert topic is not None
    spoken = tuple(
        sorted(
            (r for r in mine if r.status is TurnStatus.DONE),
            key=lambda r: r.called_at or r.requested_at,
        )
    )
    turn = MyTurn(version=version, event=event, topic=topic, request=request, spoken=spoken)
    if request.status is TurnStatus.SPEAKING:
        countdown = timer.read(timer.get(db=db, event_id=event.id), now=now)
        return replace(turn, countdown=countdown)
    if request.status is not TurnStatus.WAITING:
        return turn
    place = speaking_order.waiting_ids(db=db, topic=topic).index(request.id) + 1
    remaining = None
    if floor.current_speaker(db=db, event_id=event.id) is not None:
        remaining = timer.read(timer.get(db=db, event_id=event.id), now=now).remaining_ms
    seconds = topic.segment.speaking_seconds or event.speaking_seconds
    return replace(
        turn,
        place=place,
        wait_seconds=estimated_wait_seconds(
            place=place, speaker_remaining_ms=remaining, speaking_seconds=seconds
        ),
        next_up=is_next(place=place, speaker_remaining_ms=remaining),
    )
