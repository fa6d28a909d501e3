"""Tags on the record: good practices, commitments, groups in focus; each edit audited."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from app.models import AuditEntry, Event, FloorRequest, Role, TagKind, Turn
from app.services import accounts, agenda, audit, record, record_tags, turns
from app.services.agenda_file import AgendaSpec
from app.services.errors import InvalidInput, NotFound
from tests.factories import (
    T0,
    agenda_data,
    at,
    make_account,
    make_event,
    make_participant,
    make_request,
    open_first_topic,
    seen,
)

FOCUS_GROUPS = [
    {"key": "children", "name": "Niñez"},
    {"key": "women", "name": "Mujeres"},
]


def event_with_focus_groups(db: Session) -> Event:
    spec = AgendaSpec.model_validate({**agenda_data(), "focus_groups": FOCUS_GROUPS})
    event = agenda.load(db=db, spec=spec, now=T0)
    open_first_topic(db, event)
    return event


def give_turn(db: Session, event: Event, name: str, second: float) -> Turn:
    request: FloorRequest = make_request(db, event, make_participant(db, event, name))
    turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"), now=at(second))
    turn = record.open_turn(db=db, event_id=event.id)
    assert turn is not None and turn.floor_request_id == request.id
    return turn


@pytest.fixture
def event(db: Session) -> Event:
    event = event_with_focus_groups(db)
    audit.act_as(db, "rui")
    return event


def entries(db: Session, event: Event, action: str) -> list[AuditEntry]:
    return [e for e in audit.entries(db=db, event_id=event.id) if e.action == action]


def test_a_turn_under_way_carries_several_tags_each_audited(db: Session, event: Event) -> None:
    turn = give_turn(db, event, "Ana", 0)
    practice = record_tags.add_good_practice(
        db=db,
        event=event,
        turn_id=turn.id,
        country=" Brasil ",
        title="Operação Acolhida",
        description="Interiorização\n\nvoluntária",
        now=at(10),
    )
    pledge = record_tags.add_commitment(
        db=db,
        event=event,
        turn_id=turn.id,
        what="Ampliar vagas",
        by_whom="Governo do Brasil",
        pledge="GRF-01234",
        now=at(11),
    )
    group = record_tags.add_focus_group(
        db=db, event=event, turn_id=turn.id, focus_group_id=event.focus_groups[1].id, now=at(12)
    )
    db.refresh(turn)
    assert [t.kind for t in turn.tags] == [
        TagKind.GOOD_PRACTICE,
        TagKind.COMMITMENT,
        TagKind.FOCUS_GROUP,
    ]
    assert (practice.country, practice.title, practice.tagged_by, practice.tagged_at) == (
        "Brasil",
        "Operação Acolhida",
        "rui",
        at(10),
    )
    assert (pledge.what, pledge.by_whom, pledge.pledge) == (
        "Ampliar vagas",
        "Governo do Brasil",
        "GRF-01234",
    )
    assert group.focus_group is not None and group.focus_group.key == "women"
    tagged = entries(db, event, "record.tag")
    assert [(e.actor, e.at, e.before) for e in tagged] == [
        ("rui", at(12), None),
        ("rui", at(11), None),
        ("rui", at(10), None),
    ]
    assert tagged[0].after == {"tag": group.id, "kind": "focus_group", "focus_group": "women"}
    assert tagged[1].after == {
        "tag": pledge.id,
        "kind": "commitment",
        "what": "Ampliar vagas",
        "by_whom": "Governo do Brasil",
        "pledge": "GRF-01234",
    }
    assert tagged[2].subject == f"Ana (turn {turn.id})"


def test_a_group_in_focus_is_noted_once(db: Session, event: Event) -> None:
    turn = give_turn(db, event, "Ana", 0)
    group_id = event.focus_groups[0].id
    first = record_tags.add_focus_group(
        db=db, event=event, turn_id=turn.id, focus_group_id=group_id
    )
    again = record_tags.add_focus_group(
        db=db, event=event, turn_id=turn.id, focus_group_id=group_id
    )
    assert again.id == first.id
    assert len(entries(db, event, "record.tag")) == 1


def test_removing_a_tag_is_audited_with_what_it_said(db: Session, event: Event) -> None:
    turn = give_turn(db, event, "Ana", 0)
    tag = record_tags.add_commitment(
        db=db, event=event, turn_id=turn.id, what="Abrir escuelas", by_whom="Chile"
    )
    audit.act_as(db, "ana")
    record_tags.remove(db=db, event=event, turn_id=turn.id, tag_id=tag.id, now=at(30))
    db.refresh(turn)
    assert turn.tags == []
    [entry] = entries(db, event, "record.untag")
    assert (entry.actor, entry.at, entry.after) == ("ana", at(30), None)
    assert entry.before == {
        "tag": tag.id,
        "kind": "commitment",
        "what": "Abrir escuelas",
        "by_whom": "Chile",
        "pledge": "",
    }
    with pytest.raises(NotFound):
        record_tags.remove(db=db, event=event, turn_id=turn.id, tag_id=tag.id)


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"what": "", "by_whom": "Chile"}, "Commitment"),
        ({"what": "x", "by_whom": "  "}, "By whom"),
        ({"what": "x", "by_whom": "Chile", "pledge": "G" * 41}, "at most 40"),
        ({"what": "x", "by_whom": "Chile", "pledge": "=HYPERLINK(1)"}, "pledge reference"),
    ],
)
def test_a_commitment_says_what_and_by_whom_and_a_pledge_reference_is_short(
    db: Session, event: Event, fields: dict[str, str], says: str
) -> None:
    turn = give_turn(db, event, "Ana", 0)
    with pytest.raises(InvalidInput) as refused:
        record_tags.add_commitment(db=db, event=event, turn_id=turn.id, **fields)
    assert says in str(refused.value)
    assert entries(db, event, "record.tag") == []


def test_a_good_practice_needs_a_title(db: Session, event: Event) -> None:
    turn = give_turn(db, event, "Ana", 0)
    with pytest.raises(InvalidInput):
        record_tags.add_good_practice(
            db=db, event=event, turn_id=turn.id, country="Perú", title=" ", description="x"
        )


def test_tags_stay_within_their_event(db: Session, event: Event) -> None:
    turn = give_turn(db, event, "Ana", 0)
    other = make_event(db, slug="other-consultation")
    with pytest.raises(NotFound):
        record_tags.add_commitment(db=db, event=other, turn_id=turn.id, what="x", by_whom="y")
    other_spec = {**agenda_data(slug="third"), "focus_groups": FOCUS_GROUPS}
    third = agenda.load(db=db, spec=AgendaSpec.model_validate(other_spec), now=T0)
    with pytest.raises(NotFound):
        record_tags.add_focus_group(
            db=db, event=event, turn_id=turn.id, focus_group_id=third.focus_groups[0].id
        )


def test_good_practices_and_commitments_come_in_agenda_order(db: Session, event: Event) -> None:
    first = give_turn(db, event, "Ana", 0)
    second = give_turn(db, event, "Bruno", 60)
    segment = event.segments[0]
    agenda.open_topic(
        db=db,
        event=event,
        topic_id=segment.topics[1].id,
        **seen(db, event, "topic"),
        now=at(120),
    )
    third = give_turn(db, event, "Carla", 130)
    for turn, title in ((third, "C"), (second, "B"), (first, "A")):
        record_tags.add_good_practice(
            db=db, event=event, turn_id=turn.id, country="", title=title, description=""
        )
        record_tags.add_commitment(db=db, event=event, turn_id=turn.id, what=title, by_whom=title)
    practices = record_tags.good_practices(db=db, event_id=event.id)
    assert [(p.title, p.speaker, p.topic_title) for p in practices] == [
        ("A", "Ana", "Salud"),
        ("B", "Bruno", "Salud"),
        ("C", "Carla", "Vivienda"),
    ]
    assert [c.what for c in record_tags.commitments(db=db, event_id=event.id)] == ["A", "B", "C"]
    later = event.segments[1].id
    assert record_tags.commitments(db=db, event_id=event.id, segment_id=later) == []
    assert len(record_tags.good_practices(db=db, event_id=event.id, segment_id=segment.id)) == 3


def test_a_rapporteur_does_not_drive_the_floor(db: Session) -> None:
    rapporteur = make_account(db, "rui", role=Role.RAPPORTEUR)
    both = make_account(db, "bea", role=Role.BOTH)
    with pytest.raises(accounts.NotAFacilitator):
        accounts.may_facilitate(rapporteur)
    accounts.may_facilitate(both)
    accounts.may_facilitate(make_account(db, "fede"))
    assert accounts.set_role(db=db, username="rui", role=Role.BOTH).role is Role.BOTH
