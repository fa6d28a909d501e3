"""A list that never does what nobody meant: random sequences of what a room does to its list
of speakers, through the services, with the list checked after every step.

Bounded in ``make test`` (``PALABRA_ORDER_EXAMPLES`` sequences, derandomised when ``CI`` is
set); ``make fuzz-order`` runs many more.
"""

from __future__ import annotations

import itertools
import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Database
from app.models import Event, FloorRequest, Participant, TurnKind
from app.models.agenda import OrderRule
from app.models.floor import ACTIVE_STATUSES, TurnStatus
from app.services import agenda, floor, screens, turns
from app.services.errors import DomainError
from app.services.record import STATE_KEY
from tests.factories import at, make_event, make_participant, seen_in

ORDER_SETTINGS = settings(
    max_examples=int(os.environ.get("PALABRA_ORDER_EXAMPLES", "8")),
    stateful_step_count=int(os.environ.get("PALABRA_ORDER_STEPS", "20")),
    derandomize=bool(os.environ.get("CI")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# Who is in the room: by actor type (None: none given).
ROOM = [("Chile", "state"), ("Perú", "state"), ("ACNUR", "other"), ("Cruz Roja", "other")]
ROOM += [("Ana", None), ("Brasil", "state")]
KINDS = st.sampled_from([TurnKind.INTERVENTION, TurnKind.INTERVENTION, TurnKind.POINT_OF_ORDER])
events_made = itertools.count()


def expected_base(
    waiting: list[FloorRequest], rule: OrderRule, heard: set[int], last_state: bool | None
) -> list[int]:
    """The order the rules alone give (no move), from what the test itself kept track of."""
    by_arrival = sorted(waiting, key=lambda r: (r.position, r.id))
    points = [r.id for r in by_arrival if r.kind is TurnKind.POINT_OF_ORDER]
    others = [r for r in by_arrival if r.kind is not TurnKind.POINT_OF_ORDER]
    if rule is OrderRule.FIRST_TIME:
        first = [r for r in others if r.participant_id not in heard]
        others = first + [r for r in others if r.participant_id in heard]
    elif rule is OrderRule.ALTERNATION:
        groups = {True: [r for r in others if is_state(r.participant)], False: []}
        groups[False] = [r for r in others if not is_state(r.participant)]
        others, last = [], last_state
        while groups[True] and groups[False]:
            if last is None:
                last = groups[True][0].position > groups[False][0].position
            others.append(groups[not last].pop(0))
            last = not last
        others += groups[True] + groups[False]
    return points + [r.id for r in others]


def is_state(participant: Participant) -> bool:
    return participant.actor_type is not None and participant.actor_type.key == STATE_KEY


def machine_on(db: Session) -> type[RuleBasedStateMachine]:
    class ListOfSpeakers(RuleBasedStateMachine):
        """One event per sequence, in the test's database; the test keeps its own account of
        who waits where, who was moved, who was heard in each segment and the rules."""

        def __init__(self) -> None:
            super().__init__()
            self.clock = itertools.count(1)
            self.event: Event = make_event(db, slug=f"order-{next(events_made)}")
            keys = {a.key: a.id for a in self.event.actor_types}
            keys["other"] = next(a.id for a in self.event.actor_types if a.key != STATE_KEY)
            self.people = [
                make_participant(db, self.event, name, actor_type_id=keys.get(key or ""))
                for name, key in ROOM
            ]
            self.topics = [t.id for s in self.event.segments for t in s.topics]
            self.waiting: dict[int, set[int]] = {t: set() for t in self.topics}
            self.moved: set[int] = set()
            self.heard: dict[int, set[int]] = {s.id: set() for s in self.event.segments}
            self.last_state: dict[int, bool | None] = {s.id: None for s in self.event.segments}
            self.segment_rules: dict[int, OrderRule] = {}
            self.event_rule = OrderRule.ARRIVAL
            self.seen_room: screens.Room | None = None  # read once between two steps
            self._before: screens.Room  # the room just before the last action
            self._open(self.topics[0])

        # What the room does.

        @initialize(kinds=st.lists(KINDS, min_size=4, max_size=len(ROOM)))
        def a_list_to_start_with(self, kinds: list[TurnKind]) -> None:
            for who, kind in enumerate(kinds):
                self.ask(who, kind)

        @rule(who=st.integers(0, len(ROOM) - 1), kind=KINDS)
        def ask(self, who: int, kind: TurnKind) -> None:
            """A new request never reorders those already waiting, whatever the rule."""
            before = self._order()
            request = self._try(
                floor.request_floor, participant=self.people[who], kind=kind, question_ids=[]
            )
            if isinstance(request, FloorRequest) and request.status is TurnStatus.WAITING:
                self.waiting[request.topic_id].add(request.id)
            assert [i for i in self._order() if i in before] == before

        @precondition(lambda self: self._room().waiting)
        @rule(data=st.data())
        def withdraw(self, data: st.DataObject) -> None:
            request = self._pick(data)
            participant = db.get(Participant, request.participant_id)
            assert self._try(floor.withdraw, participant=participant, request_id=request.id)
            self._left(request)

        @precondition(lambda self: len(self._room().waiting) > 1)
        @rule(data=st.data(), offset=st.sampled_from([-1, +1]))
        def move(self, data: st.DataObject, offset: int) -> None:
            waiting = self._room().waiting
            index = data.draw(
                st.integers(1, len(waiting) - 1) if offset < 0 else st.integers(0, len(waiting) - 2)
            )
            request = waiting[index]
            assert self._try(floor.move, request_id=request.id, offset=offset, seen_place=index + 1)
            self.moved.add(request.id)
            # Exactly as moved: the line changed places with its neighbour.
            expected = [r.id for r in waiting]
            expected.insert(index + offset, expected.pop(index))
            assert self._order() == expected

        @precondition(lambda self: self._room().waiting)
        @rule(data=st.data(), how=st.sampled_from([floor.skip, floor.remove]))
        def take_off(self, data: st.DataObject, how: object) -> None:
            request = self._pick(data)
            assert self._try(how, request_id=request.id)
            self._left(request)

        @precondition(lambda self: floor.taken_off(self._room().latest_requests))
        @rule(data=st.data())
        def put_back(self, data: st.DataObject) -> None:
            request = data.draw(st.sampled_from(floor.taken_off(self._room().latest_requests)))
            assert self._try(floor.put_back, request_id=request.id)
            self.waiting[request.topic_id].add(request.id)

        @precondition(lambda self: self._room().waiting)
        @rule()
        def call_next(self) -> None:
            called = self._try(turns.call_next, **self._seen("first", "speaker"))
            self._called(called)

        @precondition(lambda self: self._room().waiting)
        @rule(data=st.data())
        def call_out_of_turn(self, data: st.DataObject) -> None:
            request = self._pick(data)
            self._called(self._try(turns.call, request_id=request.id, **self._seen("speaker")))

        @precondition(lambda self: self._room().speaker)
        @rule()
        def finish(self) -> None:
            self._try(turns.finish, **self._seen("speaker"))

        @rule(is_open=st.booleans())
        def close_or_reopen_the_list(self, is_open: bool) -> None:
            self._try(floor.set_list_open, is_open=is_open, **self._seen("topic"))

        @rule(index=st.integers(0, 2))
        def open_another_topic(self, index: int) -> None:
            self._open(self.topics[index])

        @rule(order_rule=st.sampled_from(OrderRule), whole_event=st.booleans())
        def choose_the_rule(self, order_rule: OrderRule, whole_event: bool) -> None:
            assert self._try(
                floor.set_order_rule,
                rule=order_rule,
                whole_event=whole_event,
                **self._seen("segment"),
            )
            segment = self._room().segment
            assert segment is not None
            self.segment_rules[segment.id] = order_rule
            if whole_event:
                self.event_rule = order_rule

        # What must hold after every step.

        @invariant()
        def nobody_lost_or_doubled(self) -> None:
            room = self._room()
            assert room.topic is not None
            ids = [r.id for r in room.waiting]
            assert len(ids) == len(set(ids))
            assert set(ids) == self.waiting[room.topic.id]

        @invariant()
        def one_active_request_per_participant_and_topic(self) -> None:
            most = db.scalar(
                select(func.count())
                .where(
                    FloorRequest.event_id == self.event.id,
                    FloorRequest.status.in_(ACTIVE_STATUSES),
                )
                .group_by(FloorRequest.topic_id, FloorRequest.participant_id)
                .order_by(func.count().desc())
                .limit(1)
            )
            assert (most or 0) <= 1

        @invariant()
        def every_screen_shows_the_same_order(self) -> None:
            room = self._room()
            assert room.topic is not None
            order = [r.id for r in room.waiting]
            assert [r.id for r in floor.waiting_list(db=db, topic_id=room.topic.id)] == order
            assert [r.id for r in room.next_speakers] == order[: screens.NEXT_SPEAKERS_SHOWN]
            for place, request in enumerate(room.waiting, start=1):
                assert room.place_of(request) == place
                who = request.participant_id
                assert screens.my_turn(room=room, participant_id=who).place == place
                phone = screens.my_turn_now(db=db, event=self.event, participant_id=who)
                assert phone.place == place

        @invariant()
        def the_rules_hold_for_those_not_moved(self) -> None:
            room = self._room()
            assert room.topic is not None and room.segment is not None and room.order
            segment = room.segment.id
            rule_now = self.segment_rules.get(segment, self.event_rule)
            assert room.order.rule is rule_now
            base = expected_base(
                room.waiting, rule_now, self.heard[segment], self.last_state[segment]
            )
            not_moved = [r.id for r in room.waiting if r.id not in self.moved]
            assert not_moved == [i for i in base if i not in self.moved]
            # Points of order first among those not moved, in the order they were asked.
            kinds = [r.kind is TurnKind.POINT_OF_ORDER for r in room.waiting if r.id in not_moved]
            assert kinds == sorted(kinds, reverse=True)

        # Helpers.

        def _room(self) -> screens.Room:
            if self.seen_room is None:
                self.seen_room = screens.room(db=db, event_id=self.event.id)
            return self.seen_room

        def _seen(self, *parts: str) -> dict[str, int | None]:
            return seen_in(self._room(), *parts)

        def _pick(self, data: st.DataObject) -> FloorRequest:
            return data.draw(st.sampled_from(self._room().waiting))

        def _try(self, action: object, **arguments: object) -> object:
            """The action at the next tick: what it returns, True for nothing, or None if it
            was refused (a closed list), which leaves no trace."""
            assert callable(action)
            self._before = self._room()
            self.seen_room = None
            try:
                result = action(db=db, event=self.event, now=at(next(self.clock)), **arguments)
            except DomainError:
                db.rollback()
                return None
            return True if result is None else result

        def _order(self) -> list[int]:
            return [r.id for r in self._room().waiting]

        def _left(self, request: FloorRequest) -> None:
            """``request`` left the list: the others keep their order (unless the rule pairs
            States and others, whose pairs it shifts)."""
            self.waiting[request.topic_id].discard(request.id)
            before = [r.id for r in self._before.waiting if r.id != request.id]
            assert self._room().order is not None
            if self._room().order.rule is not OrderRule.ALTERNATION:
                assert self._order() == before

        def _called(self, request: object) -> None:
            assert isinstance(request, FloorRequest)
            self._left(request)
            segment = request.topic.segment_id
            self.heard[segment].add(request.participant_id)
            self.last_state[segment] = is_state(request.participant)

        def _open(self, topic_id: int) -> None:
            self._try(agenda.open_topic, topic_id=topic_id, **self._seen("topic"))

    return ListOfSpeakers


def test_the_list_of_speakers_holds_whatever_the_room_does(database: Database) -> None:
    with database.writing() as db:
        machine = machine_on(db)
        machine.TestCase.settings = ORDER_SETTINGS
        machine.TestCase().runTest()
