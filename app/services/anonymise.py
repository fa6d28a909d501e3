"""Anonymising an event after it, for a retention policy (issue 11).

It removes the participants' personal data and keeps the record's substance: each
participant's name becomes "Participant N" (N in the order they joined, in the agenda's
language), stable however often it runs; their organisation, actor type and country stay,
as do every turn, its times, questions and summaries. Every phone's cookie stops working
(the event's join generation is raised, as when a facilitator signs every phone out), and
nobody's name stays in published material. The audit log keeps its entries, with each
participant's name in them replaced by the same pseudonym.

Phones leave nothing else behind: Palabra stores no contact details, address or browser of
a participant. Facilitators' accounts and sign-ins are not the event's and are kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.i18n import N_, translate
from app.models import AuditEntry, Event, FloorRequest, Participant, Turn
from app.services import changes

PSEUDONYM = N_("Participant {number}")
# How the audit log names what an action was on: "Ana Pérez (request 12)", "… (turn 3)".
_SUBJECT = re.compile(r"^(?P<name>.*) \((?P<kind>request|turn) (?P<id>\d+)\)$", re.DOTALL)


@dataclass(frozen=True)
class Anonymised:
    """What a run did: how many participants it renamed, of how many; and whether the
    phones were signed out (False when the event was anonymised already and nobody new
    had joined since)."""

    renamed: int
    participants: int
    signed_out: bool


def anonymise(*, db: Session, event: Event, now: datetime | None = None) -> Anonymised:
    """Remove the event's participants' personal data; audited as ``event.anonymise``.

    Idempotent: a second run finds nothing to rename, changes nothing and records nothing.
    Raises ``NotFound`` if the event is gone.
    """
    with changes.change(db=db, event=event, action="event.anonymise", now=now) as work:
        event = work.event
        people = list(
            db.scalars(
                select(Participant)
                .where(Participant.event_id == event.id)
                .order_by(Participant.joined_at, Participant.id)
            )
        )
        pseudonyms = {
            person.id: translate(event.language, PSEUDONYM, {"number": number})
            for number, person in enumerate(people, start=1)
        }
        renamed = [p for p in people if p.name != pseudonyms[p.id] or p.publish_name]
        if not renamed and event.anonymised_at is not None:
            return Anonymised(renamed=0, participants=len(people), signed_out=False)
        _rewrite_audit_log(db, event, people, pseudonyms)
        for person in renamed:
            person.name = pseudonyms[person.id]
            person.publish_name = False
        before = {"named_participants": len(renamed), "join_generation": event.join_generation}
        event.join_generation += 1
        event.anonymised_at = event.anonymised_at or work.now
        work.changed_room(
            before=before,
            after={"named_participants": 0, "join_generation": event.join_generation},
        )
    return Anonymised(renamed=len(renamed), participants=len(people), signed_out=True)


def _rewrite_audit_log(
    db: Session, event: Event, people: list[Participant], pseudonyms: dict[int, str]
) -> None:
    """Every participant's name in the event's audit log, replaced by their pseudonym."""
    requests = select(FloorRequest.id, FloorRequest.participant_id)
    by_request = {i: p for i, p in db.execute(requests.where(FloorRequest.event_id == event.id))}
    given = select(Turn.id, Turn.participant_id).where(Turn.event_id == event.id)
    by_turn = {i: p for i, p in db.execute(given)}
    by_name: dict[str, str] = {}
    for person in reversed(people):  # a name two people share: the first one's pseudonym
        by_name[person.name] = pseudonyms[person.id]
    owners = {"request": by_request, "turn": by_turn}

    def pseudonymous(text: str) -> str:
        found = _SUBJECT.match(text)
        if found:
            owner = owners[found["kind"]].get(int(found["id"]))
            if owner in pseudonyms:
                return f"{pseudonyms[owner]} ({found['kind']} {found['id']})"
        return by_name.get(text, text)

    # The one rewrite of the log there is: a flush refuses to change an entry (the log only
    # grows), so this is a statement of its own. Each entry stays, with what it says, when and
    # by whom; only the participants' names in it change, to the pseudonyms of the record.
    entries = db.execute(
        select(AuditEntry.id, AuditEntry.subject, AuditEntry.before, AuditEntry.after).where(
            AuditEntry.event_id == event.id
        )
    )
    for entry_id, subject, before, after in list(entries):
        changed = {
            "subject": pseudonymous(subject),
            "before": _strings_mapped(before, pseudonymous),
            "after": _strings_mapped(after, pseudonymous),
        }
        if changed != {"subject": subject, "before": before, "after": after}:
            db.execute(
                update(AuditEntry).where(AuditEntry.id == entry_id).values(**changed),
                execution_options={"synchronize_session": False},
            )


def _strings_mapped(value: Any, change: Callable[[str], str]) -> Any:
    """``value`` (a state as JSON) with every string in it passed through ``change``."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {key: _strings_mapped(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [_strings_mapped(item, change) for item in value]
    return value
