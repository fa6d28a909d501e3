"""The record of the floor: the turns given, written by the unit of work that gives them.

The room's services call in here from inside their own ``changes.change`` (a turn given, its
clock stopped or running again, its end, a summary saved), so a turn is in the record exactly
when the room changed, and a refused or rolled-back action leaves no trace in it either. The
record never reads a request's status or the countdown afterwards: both are overwritten as
the room moves on, the turns are not.

Reading: ``turns`` and ``participants`` for pages and exports; ``coverage`` and ``balance``
are pure functions over the turns. Times are aware UTC datetimes, durations milliseconds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.i18n import N_
from app.models import (
    ActorType,
    Countdown,
    Event,
    FloorRequest,
    FocusGroup,
    GuidingQuestion,
    Participant,
    Segment,
    Topic,
    Turn,
    TurnPause,
)
from app.models.agenda import Stage
from app.models.floor import TurnStatus
from app.services import audit, changes, events
from app.services.clock import epoch_ms
from app.services.errors import NotFound, StageError
from app.services.text import clean_text

SUMMARY_MAX = 2000
# The actor type whose turns the balance sets against all the others' (the agenda's key).
STATE_KEY = "state"


def turn_started(*, db: Session, event: Event, request: FloorRequest, now: datetime) -> Turn:
    """Record that ``request`` was given the floor at ``now``, its clock running.

    Inside the caller's change, after the previous turn ended (``turn_ended``). The turn
    keeps the request's topic, segment, kind and guiding questions as they are now.
    """
    turn = Turn(
        event_id=event.id,
        segment_id=request.topic.segment_id,
        topic_id=request.topic_id,
        floor_request_id=request.id,
        participant_id=request.participant_id,
        kind=request.kind,
        requested_at=request.requested_at,
        started_at=now,
        questions=list(request.questions),
    )
    db.add(turn)
    db.flush()
    return turn


def turn_ended(*, db: Session, event_id: int, now: datetime) -> Turn | None:
    """End the turn on the floor at ``now`` and fix its speaking time; None if none is.

    Inside the caller's change. A pause still open counts until ``now`` and stays open:
    the clock never ran again in that turn.
    """
    turn = open_turn(db=db, event_id=event_id)
    if turn is None:
        return None
    turn.ended_at = now
    turn.spoken_ms = spoken_ms(turn, now=now)
    db.flush()
    return turn


def clock_changed(*, db: Session, countdown: Countdown, now: datetime) -> None:
    """The speaker's clock, as ``countdown`` is now, runs or stands still from ``now`` on.

    Inside the caller's change. Opens a pause when a running clock stops (pause, reset) and
    closes it when it runs again; saying what is already so changes nothing, and with
    nobody on the floor there is nothing to record.
    """
    turn = open_turn(db=db, event_id=countdown.event_id)
    if turn is None:
        return
    running = countdown.started_at is not None
    pause = _open_pause(turn)
    if running and pause is not None:
        pause.resumed_at = now
    elif not running and pause is None:
        turn.pauses.append(TurnPause(paused_at=now))
    db.flush()


def summary_saved(*, db: Session, request: FloorRequest) -> None:
    """Keep the participant's summary of ``request`` in its turn, as they wrote it.

    Inside the caller's change; a request that was never given the floor has no turn.
    """
    turn = db.scalar(select(Turn).where(Turn.floor_request_id == request.id))
    if turn is not None:
        turn.summary = request.summary
        turn.summary_at = request.summary_updated_at


def write_summary(
    *, db: Session, event: Event, turn_id: int, summary: str, now: datetime | None = None
) -> Turn:
    """A facilitator writes the record's summary of an ended turn ("" takes it away).

    For a turn given from the room, or whose speaker wrote none; the participant's own text
    is kept beside it, unchanged. Audited as ``record.summary``. Raises ``InvalidInput``
    (over ``SUMMARY_MAX`` characters), ``NotFound`` (not a turn of this event) and
    ``StageError`` (the turn is still on the floor).
    """
    text = clean_text(summary, limit=SUMMARY_MAX, field=N_("Summary"), required=False)
    with changes.change(db=db, event=event, action="record.summary", now=now) as work:
        turn = db.get(Turn, turn_id)
        if turn is None or turn.event_id != work.event.id:
            raise NotFound(N_("That turn is not in this event's record."))
        if turn.ended_at is None:
            raise StageError(N_("Write the record's summary once the turn has ended."))
        before = {"record_summary": turn.record_summary}
        turn.record_summary = text
        turn.record_summary_by = db.info.get(audit.ACTOR, audit.SYSTEM)
        turn.record_summary_at = work.now
        work.changed_room(
            before=before,
            after={"record_summary": text},
            subject=f"{turn.participant.name} (turn {turn.id})",
        )
    return turn


def open_turn(*, db: Session, event_id: int) -> Turn | None:
    """The turn on the floor now, if any."""
    return db.scalar(select(Turn).where(Turn.event_id == event_id, Turn.ended_at.is_(None)))


def turns(*, db: Session, event_id: int, segment_id: int | None = None) -> list[Turn]:
    """The event's turns (or one segment's) in the order they were given.

    Each comes with its participant, their actor type, its topic, questions, pauses and tags.
    """
    query = (
        select(Turn)
        .where(Turn.event_id == event_id)
        .options(*_TURN_PARTS)
        .order_by(Turn.started_at, Turn.id)
    )
    if segment_id is not None:
        query = query.where(Turn.segment_id == segment_id)
    return list(db.scalars(query))


_TURN_PARTS = (selectinload(Turn.questions), selectinload(Turn.topic), selectinload(Turn.segment))


@dataclass(frozen=True)
class TopicTurns:
    """A topic of the agenda and the turns given on it, in order."""

    topic: Topic
    turns: list[Turn]


@dataclass(frozen=True)
class Overview:
    """The record as the facilitator reads it at ``now``: every segment's topics with their
    turns (each with its tags), coverage of the open segment's questions (empty with no segment open), and the
    balance of the open segment (None with none open) and of the whole event."""

    now: datetime
    actor_types: list[ActorType]
    # The agenda's groups in focus, which a turn's tags may name (each turn's ``tags``).
    focus_groups: list[FocusGroup]
    segments: list[tuple[Segment, list[TopicTurns]]]
    open_segment: Segment | None
    coverage: list[QuestionCoverage]
    segment_balance: Balance | None
    event_balance: Balance
    # The ids of the turns that were their speaker's first in the event.
    first_turns: set[int]
    # How many wait on the open topic's list; those of them without a turn yet in the whole
    # event, in list order.
    waiting: int
    not_yet_heard: list[FloorRequest]

    def spoken_ms(self, turn: Turn) -> int:
        """The turn's speaking time in milliseconds; an ongoing one's up to ``now``."""
        return turn.spoken_ms if turn.ended_at else spoken_ms(turn, now=self.now)


def overview(*, db: Session, event_id: int, now: datetime) -> Overview:
    """Everything the record page shows, read in one go. Raises ``NotFound``."""
    event = events.get(db=db, event_id=event_id)
    given = turns(db=db, event_id=event.id)
    by_topic: dict[int, list[Turn]] = {}
    for turn in given:
        by_topic.setdefault(turn.topic_id, []).append(turn)
    segments = [
        (segment, [TopicTurns(topic, by_topic.get(topic.id, [])) for topic in segment.topics])
        for segment in event.segments
    ]
    current = next((s for s in event.segments if s.stage is Stage.OPEN), None)
    in_segment = [t for t in given if current is not None and t.segment_id == current.id]
    heard = {t.participant_id for t in given}
    waiting = _waiting(db, event.id)
    return Overview(
        now=now,
        actor_types=list(event.actor_types),
        focus_groups=list(event.focus_groups),
        segments=segments,
        open_segment=current,
        coverage=coverage(segment=current, turns=in_segment) if current else [],
        segment_balance=(
            balance(actor_types=event.actor_types, turns=in_segment, now=now) if current else None
        ),
        event_balance=balance(actor_types=event.actor_types, turns=given, now=now),
        first_turns=first_turns(given),
        waiting=len(waiting),
        not_yet_heard=[request for request in waiting if request.participant_id not in heard],
    )


def first_turns(turns: Iterable[Turn]) -> set[int]:
    """The ids of the turns, given in this order, that were their speaker's first."""
    seen: set[int] = set()
    first: set[int] = set()
    for turn in turns:
        if turn.participant_id not in seen:
            seen.add(turn.participant_id)
            first.add(turn.id)
    return first


def _waiting(db: Session, event_id: int) -> list[FloorRequest]:
    """Who waits on the open topic's list, in list order."""
    waiting = db.scalars(
        select(FloorRequest)
        .join(Topic, Topic.id == FloorRequest.topic_id)
        .where(
            FloorRequest.event_id == event_id,
            FloorRequest.status == TurnStatus.WAITING,
            Topic.stage == Stage.OPEN,
        )
        .order_by(FloorRequest.position, FloorRequest.id)
    )
    return list(waiting)


def spoken_ms(turn: Turn, *, now: datetime) -> int:
    """Milliseconds the clock ran in ``turn``: from start to end (or ``now``), less pauses."""
    end = turn.ended_at or now
    paused = sum(
        epoch_ms(pause.resumed_at or end) - epoch_ms(pause.paused_at) for pause in turn.pauses
    )
    return max(0, epoch_ms(end) - epoch_ms(turn.started_at) - paused)


@dataclass(frozen=True)
class Attendee:
    """A participant of the event, with how many turns they were given."""

    participant: Participant
    turns: int


def participants(*, db: Session, event_id: int) -> list[Attendee]:
    """Everyone who joined or was added from the room, in the order they came."""
    given = (
        select(Turn.participant_id, func.count(Turn.id).label("turns"))
        .where(Turn.event_id == event_id)
        .group_by(Turn.participant_id)
        .subquery()
    )
    rows = db.execute(
        select(Participant, func.coalesce(given.c.turns, 0))
        .outerjoin(given, given.c.participant_id == Participant.id)
        .where(Participant.event_id == event_id)
        .order_by(Participant.joined_at, Participant.id)
    )
    return [Attendee(participant, count) for participant, count in rows]


@dataclass(frozen=True)
class QuestionCoverage:
    """How one guiding question was addressed: turns, and turns per actor type id.

    ``by_actor_type`` maps an actor type id (None: no type given) to its number of turns.
    """

    topic: Topic
    question: GuidingQuestion
    turns: int
    by_actor_type: dict[int | None, int]

    @property
    def addressed(self) -> bool:
        return self.turns > 0


def coverage(*, segment: Segment, turns: Iterable[Turn]) -> list[QuestionCoverage]:
    """Each guiding question of ``segment``'s topics, in agenda order, and who addressed it.

    A turn addresses the questions its speaker chose when asking for the floor.
    """
    counts: dict[int, Counter[int | None]] = {}
    for turn in turns:
        for question in turn.questions:
            counts.setdefault(question.id, Counter())[turn.participant.actor_type_id] += 1
    return [
        QuestionCoverage(
            topic=topic,
            question=question,
            turns=sum(counts.get(question.id, Counter()).values()),
            by_actor_type=dict(counts.get(question.id, Counter())),
        )
        for topic in segment.topics
        for question in topic.questions
    ]


@dataclass(frozen=True)
class Share:
    """The turns and speaking time (milliseconds) of one actor type, or of a group of them.

    ``actor_type`` is None for speakers who gave no actor type.
    """

    actor_type: ActorType | None
    turns: int
    spoken_ms: int


@dataclass(frozen=True)
class Balance:
    """Turns and speaking time by actor type (the event's order, then "not given"), and
    States (``STATE_KEY``) against all the others together; totals of everything."""

    shares: list[Share]
    states: Share
    others: Share
    turns: int
    spoken_ms: int


def balance(*, actor_types: Sequence[ActorType], turns: Iterable[Turn], now: datetime) -> Balance:
    """Who had the floor, and for how long, among ``turns`` (an ongoing one up to ``now``).

    Every actor type of the event has its share, at zero when nobody of it spoke; the share
    of speakers without an actor type is there only when some spoke.
    """
    count: Counter[int | None] = Counter()
    time: Counter[int | None] = Counter()
    for turn in turns:
        key = turn.participant.actor_type_id
        count[key] += 1
        time[key] += spoken_ms(turn, now=now)
    shares = [Share(kind, count[kind.id], time[kind.id]) for kind in actor_types]
    if count[None]:
        shares.append(Share(None, count[None], time[None]))
    states = [s for s in shares if s.actor_type is not None and s.actor_type.key == STATE_KEY]
    others = [s for s in shares if s not in states]
    return Balance(
        shares=shares,
        states=_together(states),
        others=_together(others),
        turns=sum(count.values()),
        spoken_ms=sum(time.values()),
    )


def _together(shares: list[Share]) -> Share:
    return Share(None, sum(s.turns for s in shares), sum(s.spoken_ms for s in shares))


def _open_pause(turn: Turn) -> TurnPause | None:
    return next((pause for pause in turn.pauses if pause.resumed_at is None), None)
