"""What each screen shows, read in one go from the database (the only truth)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import Event, FloorRequest, Participant, Segment, Topic
from app.models.agenda import Stage
from app.models.floor import TurnStatus
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
    """What one participant sees about themself on the open topic."""

    participant: Participant
    request: FloorRequest | None
    place: int | None
    wait_seconds: int | None


def room(*, db: Session, event_id: int, now: datetime | None = None) -> Room:
    now = now or utcnow()
    event = db.scalar(
        select(Event)
        .where(Event.id == event_id)
        .options(
            selectinload(Event.segments).selectinload(Segment.topics).selectinload(Topic.questions),
            selectinload(Event.actor_types),
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


def my_turn(*, room: Room, participant: Participant) -> MyTurn:
    """The participant's own place, from the room already read: no query per participant."""
    request = room.latest_requests.get(participant.id)
    place = room.place_of(request) if request else None
    wait = room.estimated_wait_seconds(place) if place else None
    return MyTurn(participant=participant, request=request, place=place, wait_seconds=wait)
