"""What each screen shows, read in one go from the database (the only truth)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.models import Event, FloorRequest, Segment, Topic
from app.models.agenda import Stage
from app.models.floor import ACTIVE_STATUSES, TurnStatus
from app.services import events, floor, timer
from app.services.clock import utcnow


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
    # Each participant's latest request on the open topic: whom a personal fragment concerns.
    latest_requests: dict[int, FloorRequest] = field(default_factory=dict)

    @property
    def version(self) -> int:
        return self.event.version

    @property
    def next_speakers(self) -> list[FloorRequest]:
        return self.waiting[:5]

    @cached_property
    def _places(self) -> dict[int, int]:
        return {request.id: place for place, request in enumerate(self.waiting, start=1)}

    def place_of(self, request: FloorRequest) -> int | None:
        """1 for the first one waiting; None if not waiting."""
        return self._places.get(request.id)

    def estimated_wait_seconds(self, place: int) -> int:
        """The current speaker's time left, then a full turn for everyone ahead."""
        current = max(self.countdown.remaining_ms, 0) // 1000 if self.speaker else 0
        return current + (place - 1) * self.speaking_seconds


@dataclass(frozen=True)
class MyTurn:
    """What one participant sees of their own turn on the open topic.

    Without a request it is the same for everyone, and rendered once for all of them.
    """

    version: int  # of the event, when this was read
    event: Event  # whose languages the topic's texts are shown in
    topic: Topic | None
    request: FloorRequest | None = None
    place: int | None = None
    wait_seconds: int | None = None


def room(*, db: Session, event_id: int, now: datetime | None = None) -> Room:
    now = now or utcnow()
    event = db.scalar(
        select(Event)
        .where(Event.id == event_id)
        .options(
            selectinload(Event.segments).selectinload(Segment.topics).selectinload(Topic.questions),
            selectinload(Event.actor_types),
            selectinload(Event.focus_groups),
        )
        .execution_options(populate_existing=True)
    )
    assert event is not None
    topic = events.open_topic(db=db, event_id=event_id)
    segment = next((s for s in event.segments if s.stage is Stage.OPEN), None)
    waiting = passed = spoken = []
    latest: dict[int, FloorRequest] = {}
    if topic is not None:
        on_topic = list(
            db.scalars(
                select(FloorRequest)
                .where(FloorRequest.topic_id == topic.id)
                .options(selectinload(FloorRequest.questions))
                .order_by(FloorRequest.position, FloorRequest.id)
            )
        )
        waiting = [r for r in on_topic if r.status is TurnStatus.WAITING]
        passed = [r for r in on_topic if r.status is TurnStatus.SKIPPED]
        spoken = sorted(
            (r for r in on_topic if r.status is TurnStatus.DONE),
            key=lambda r: r.called_at or r.requested_at,
        )
        for request in sorted(on_topic, key=lambda r: r.id):
            kept = latest.get(request.participant_id)
            if kept is None or kept.status not in ACTIVE_STATUSES:
                latest[request.participant_id] = request
    speaking_seconds = event.speaking_seconds
    if segment is not None and segment.speaking_seconds:
        speaking_seconds = segment.speaking_seconds
    return Room(
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
    )


def my_turn(*, room: Room, participant_id: int | None) -> MyTurn:
    """A participant's own turn, from the room already read: no query per participant."""
    request = room.latest_requests.get(participant_id) if participant_id else None
    place = room.place_of(request) if request else None
    wait = room.estimated_wait_seconds(place) if place else None
    return MyTurn(
        version=room.version,
        event=room.event,
        topic=room.topic,
        request=request,
        place=place,
        wait_seconds=wait,
    )


def my_turn_now(
    *, db: Session, event: Event, participant_id: int, now: datetime | None = None
) -> MyTurn:
    """The same as ``my_turn``, read for one participant without reading the whole room.

    This answers a phone's own request; a burst of phones must not each read every list.
    """
    now = now or utcnow()
    version = db.scalar(select(Event.version).where(Event.id == event.id)) or 0
    topic = db.scalar(
        select(Topic)
        .where(Topic.event_id == event.id, Topic.stage == Stage.OPEN)
        .options(selectinload(Topic.questions), selectinload(Topic.segment))
    )
    if topic is None:
        return MyTurn(version=version, event=event, topic=None)
    request = floor.active_request(db=db, topic_id=topic.id, participant_id=participant_id)
    request = request or db.scalar(
        select(FloorRequest)
        .where(FloorRequest.topic_id == topic.id, FloorRequest.participant_id == participant_id)
        .order_by(FloorRequest.id.desc())
        .limit(1)
    )
    if request is None or request.status is not TurnStatus.WAITING:
        return MyTurn(version=version, event=event, topic=topic, request=request)
    ahead = db.scalar(
        select(func.count()).where(
            FloorRequest.topic_id == topic.id,
            FloorRequest.status == TurnStatus.WAITING,
            or_(
                FloorRequest.position < request.position,
                and_(FloorRequest.position == request.position, FloorRequest.id < request.id),
            ),
        )
    )
    place = (ahead or 0) + 1
    current = 0
    if floor.current_speaker(db=db, event_id=event.id) is not None:
        reading = timer.read(timer.get(db=db, event_id=event.id), now=now)
        current = max(reading.remaining_ms, 0) // 1000
    turn = topic.segment.speaking_seconds or event.speaking_seconds
    wait = current + (place - 1) * turn
    return MyTurn(
        version=version, event=event, topic=topic, request=request, place=place, wait_seconds=wait
    )
