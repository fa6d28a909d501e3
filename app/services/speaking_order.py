"""The order of a topic's list of speakers, derived from facts every time it is read.

Nothing stores the order. It follows from the requests waiting (their arrival, kind and
speaker), the turns given in the segment, the rule the segment follows and the facilitator's
moves, kept as facts (``FloorMove``). ``order`` is the pure function; ``read`` gathers the
facts of one topic for it. "Call next", the console, the projector and every phone use
``read``, so they cannot disagree, and each line says why it is where it is.

Precedence (the README's "Order of the list of speakers"): points of order, in the order
they were asked; then the rule of the segment (arrival, first time in the segment first,
or States and other actors in turn); then arrival. A facilitator's moves are applied last,
in the order made, so what the facilitator set stays as it was set.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.i18n import N_
from app.models import ActorType, FloorMove, FloorRequest, Participant, Topic, Turn, TurnKind
from app.models.agenda import OrderRule
from app.models.floor import TurnStatus
from app.services.record import STATE_KEY


class Reason(enum.StrEnum):
    """Why a line is where it is, as the console says it (``REASON_TEXTS``)."""

    POINT_OF_ORDER = "point_of_order"
    MOVED = "moved"
    FIRST_TIME = "first_time"
    ALTERNATION_STATE = "alternation_state"
    ALTERNATION_OTHER = "alternation_other"
    ARRIVAL = "arrival"


REASON_TEXTS = {
    Reason.POINT_OF_ORDER: N_("point of order"),
    Reason.MOVED: N_("moved by the facilitator"),
    Reason.FIRST_TIME: N_("first time in the segment"),
    Reason.ALTERNATION_STATE: N_("alternation: a State's turn"),
    Reason.ALTERNATION_OTHER: N_("alternation: another actor's turn"),
    Reason.ARRIVAL: N_("arrival"),
}

RULE_TEXTS = {
    OrderRule.ARRIVAL: N_("Arrival"),
    OrderRule.FIRST_TIME: N_("First-time speakers first"),
    OrderRule.ALTERNATION: N_("States and other actors in turn"),
}


@dataclass(frozen=True)
class Waiting:
    """One waiting request, as the order sees it."""

    request_id: int
    arrival: int  # its place in the order of asking on the topic (``FloorRequest.position``)
    participant_id: int
    point_of_order: bool = False
    state: bool = False  # the speaker's actor type is ``STATE_KEY``


@dataclass(frozen=True)
class Move:
    """A facilitator's move: ``request_id`` goes right after the last of ``ahead`` (the ones
    ahead of it just after the move, in order) still waiting, or first if none is."""

    request_id: int
    ahead: tuple[int, ...] = ()


@dataclass(frozen=True)
class Line:
    request_id: int
    reason: Reason


def order(
    *,
    waiting: Iterable[Waiting],
    rule: OrderRule,
    heard: Set[int] = frozenset(),
    last_was_state: bool | None = None,
    moves: Sequence[Move] = (),
) -> list[Line]:
    """The waiting requests in the order they are heard, each with its reason.

    ``heard`` holds the participants who have had a turn in the segment (for
    ``FIRST_TIME``), ``last_was_state`` whether the last turn given there was a State's
    (None: no turn yet; for ``ALTERNATION``, which then starts with whoever asked first).
    ``moves`` are the facilitator's, oldest first; a move of a request not waiting is
    ignored.
    """
    by_arrival = sorted(waiting, key=lambda w: (w.arrival, w.request_id))
    points = [Line(w.request_id, Reason.POINT_OF_ORDER) for w in by_arrival if w.point_of_order]
    others = [w for w in by_arrival if not w.point_of_order]
    lines = points + _by_rule(others, rule, heard, last_was_state)
    return _apply_moves(lines, moves)


def _by_rule(
    others: list[Waiting], rule: OrderRule, heard: Set[int], last_was_state: bool | None
) -> list[Line]:
    if rule is OrderRule.FIRST_TIME:
        first = [
            Line(w.request_id, Reason.FIRST_TIME) for w in others if w.participant_id not in heard
        ]
        again = [Line(w.request_id, Reason.ARRIVAL) for w in others if w.participant_id in heard]
        return first + again
    if rule is OrderRule.ALTERNATION:
        return _alternating(others, last_was_state)
    return [Line(w.request_id, Reason.ARRIVAL) for w in others]


def _alternating(others: list[Waiting], last_was_state: bool | None) -> list[Line]:
    states = [w for w in others if w.state]
    rest = [w for w in others if not w.state]
    lines: list[Line] = []
    last = last_was_state
    while states and rest:
        take_state = states[0].arrival < rest[0].arrival if last is None else not last
        chosen = (states if take_state else rest).pop(0)
        reason = Reason.ALTERNATION_STATE if take_state else Reason.ALTERNATION_OTHER
        lines.append(Line(chosen.request_id, reason))
        last = take_state
    lines += [Line(w.request_id, Reason.ARRIVAL) for w in states + rest]
    return lines


def _apply_moves(lines: list[Line], moves: Sequence[Move]) -> list[Line]:
    by_id = {line.request_id: line for line in lines}
    ids = [line.request_id for line in lines]
    moved: set[int] = set()
    for move in moves:
        if move.request_id not in by_id:
            continue
        ids.remove(move.request_id)
        still = set(ids)
        anchor = next((i for i in reversed(move.ahead) if i in still), None)
        ids.insert(0 if anchor is None else ids.index(anchor) + 1, move.request_id)
        moved.add(move.request_id)
    return [Line(i, Reason.MOVED) if i in moved else by_id[i] for i in ids]


@dataclass(frozen=True)
class History:
    """A participant's turns in the segment so far (those ended; milliseconds spoken)."""

    turns: int = 0
    spoken_ms: int = 0


@dataclass(frozen=True)
class SpeakingOrder:
    """A topic's waiting list in order, with the reason for each line and the history of
    each waiting participant in the segment."""

    rule: OrderRule
    requests: list[FloorRequest]
    reasons: dict[int, Reason] = field(default_factory=dict)  # by request id
    history: dict[int, History] = field(default_factory=dict)  # by participant id

    def reason_of(self, request: FloorRequest) -> Reason:
        return self.reasons[request.id]

    def history_of(self, request: FloorRequest) -> History:
        return self.history.get(request.participant_id, History())


def rule_of(topic: Topic) -> OrderRule:
    """The segment's rule, or the event's when the segment has none of its own."""
    return topic.segment.order_rule or topic.segment.event.order_rule


def read(*, db: Session, topic: Topic) -> SpeakingOrder:
    """The open list of ``topic`` in order, read from its facts (four queries, the requests
    loaded with their speakers and guiding questions)."""
    lines, history = _facts(db, topic)
    ids = [line.request_id for line in lines]
    requests = db.scalars(
        select(FloorRequest)
        .where(FloorRequest.id.in_(ids))
        .options(selectinload(FloorRequest.questions))
    )
    by_id = {r.id: r for r in requests}
    return SpeakingOrder(
        rule=rule_of(topic),
        requests=[by_id[i] for i in ids],
        reasons={line.request_id: line.reason for line in lines},
        history=history,
    )


def waiting_ids(*, db: Session, topic: Topic) -> list[int]:
    """The ids of ``topic``'s waiting requests in order: ``read`` without loading a request
    (three queries of a few columns each), for one phone's place."""
    lines, _ = _facts(db, topic)
    return [line.request_id for line in lines]


def _facts(db: Session, topic: Topic) -> tuple[list[Line], dict[int, History]]:
    """The order of ``topic``'s waiting list, and the history in its segment of whoever has
    spoken there, from a few columns (a burst of 300 requests reads the list 300 times)."""
    waiting = db.execute(
        select(
            FloorRequest.id,
            FloorRequest.position,
            FloorRequest.participant_id,
            FloorRequest.kind,
            ActorType.key,
        )
        .join(Participant, Participant.id == FloorRequest.participant_id)
        .outerjoin(ActorType, ActorType.id == Participant.actor_type_id)
        .where(FloorRequest.topic_id == topic.id, FloorRequest.status == TurnStatus.WAITING)
    ).all()
    given = db.execute(
        select(Turn.participant_id, Turn.spoken_ms, Turn.ended_at, ActorType.key)
        .join(Participant, Participant.id == Turn.participant_id)
        .outerjoin(ActorType, ActorType.id == Participant.actor_type_id)
        .where(Turn.segment_id == topic.segment_id)
        .order_by(Turn.started_at, Turn.id)
    ).all()
    moves = db.execute(
        select(FloorMove.floor_request_id, FloorMove.ahead)
        .where(FloorMove.topic_id == topic.id)
        .order_by(FloorMove.id)
    ).all()
    history: dict[int, History] = {}
    for participant_id, spoken, ended_at, _ in given:
        if ended_at is not None:
            so_far = history.get(participant_id, History())
            history[participant_id] = History(so_far.turns + 1, so_far.spoken_ms + spoken)
    lines = order(
        waiting=[
            Waiting(
                request_id=request_id,
                arrival=position,
                participant_id=participant_id,
                point_of_order=kind is TurnKind.POINT_OF_ORDER,
                state=actor_type == STATE_KEY,
            )
            for request_id, position, participant_id, kind, actor_type in waiting
        ],
        rule=rule_of(topic),
        heard={row.participant_id for row in given},
        last_was_state=given[-1][3] == STATE_KEY if given else None,
        moves=[Move(request_id, tuple(ahead)) for request_id, ahead in moves],
    )
    return lines, history
