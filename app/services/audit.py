"""The audit log: recording each facilitator action, reading it back, exporting it as CSV.

Entries are only ever added, inside the transaction of the action they describe, so an
action that is refused or rolled back leaves none. Nothing here changes or deletes one.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import N_
from app.models import AuditEntry, Event, FloorRequest, Segment, Topic
from app.services.clock import utcnow

# Who acts is set once on the write session (``act_as``); work done without a signed-in
# facilitator, as from the command line, is the system's.
ACTOR = "palabra_actor"
SYSTEM = "system"

# The stable machine names of what gets recorded, with what the log page calls them.
ACTIONS = {
    "agenda.open_segment": N_("Opened a segment"),
    "agenda.close_segment": N_("Closed a segment"),
    "agenda.open_topic": N_("Opened a topic"),
    "agenda.close_topic": N_("Closed a topic"),
    "agenda.next_topic": N_("Moved to the next topic"),
    "agenda.speaking_time": N_("Changed the event's speaking time"),
    "agenda.segment_speaking_time": N_("Changed a segment's speaking time"),
    "floor.add_from_room": N_("Added a speaker from the room"),
    "turns.call_next": N_("Called the next speaker"),
    "turns.call": N_("Called a speaker out of turn"),
    "turns.finish": N_("Ended a turn"),
    "floor.skip": N_("Skipped a speaker"),
    "floor.remove": N_("Removed a speaker"),
    "floor.put_back": N_("Put a skipped speaker back on the list"),
    "floor.undo_remove": N_("Undid a removal: the speaker is back on the list"),
    "floor.move": N_("Moved a speaker on the list"),
    "floor.close_list": N_("Closed the list of speakers"),
    "floor.open_list": N_("Reopened the list of speakers"),
    "floor.order_rule": N_("Chose the order of the list of speakers"),
    "timer.start": N_("Started the countdown"),
    "timer.resume": N_("Resumed the countdown"),
    "timer.pause": N_("Paused the countdown"),
    "timer.add_time": N_("Added time to the countdown"),
    "timer.reset": N_("Reset the countdown"),
    "event.rotate_code": N_("Gave the event a new join code"),
    "event.renew_projector_link": N_("Renewed the projector link"),
    "event.projector_languages": N_("Set the projector's languages"),
    "record.summary": N_("Wrote the record's summary of a turn"),
    "record.tag": N_("Tagged a turn of the record"),
    "record.untag": N_("Took a tag off a turn of the record"),
    "summary.publish": N_("Published the public summary"),
    "summary.withdraw": N_("Withdrew the public summary"),
    "event.anonymise": N_("Anonymised the participants (names removed, phones signed out)"),
}

# Names that older entries carry and no action records any more: one name said two things.
FORMER_ACTIONS = {
    "floor.list_open": N_("Closed or reopened the list of speakers (an older entry)"),
}
# What the log page calls every name it may find.
LABELS = {**ACTIONS, **FORMER_ACTIONS}

CSV_COLUMNS = ("at", "actor", "action", "subject", "before", "after", "version")
SUBJECT_MAX = 500
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def record(
    *,
    db: Session,
    event: Event,
    action: str,
    subject: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEntry | None:
    """Add an entry for an action inside the caller's transaction (the caller commits).

    Call it after ``record_change``: the entry keeps the version the action produced.
    An action that left the state as it found it (``before == after``) is not recorded.
    """
    assert action in ACTIONS, f"unknown audit action {action!r}"
    if before is not None and before == after:
        return None
    entry = AuditEntry(
        event_id=event.id,
        at=now or utcnow(),
        actor=db.info.get(ACTOR, SYSTEM),
        action=action,
        subject=subject[:SUBJECT_MAX],
        before=before,
        after=after,
        version=event.version,
    )
    db.add(entry)
    return entry


def act_as(db: Session, username: str) -> None:
    """Name the facilitator whose actions this session's entries record."""
    db.info[ACTOR] = username


def entries(*, db: Session, event_id: int) -> list[AuditEntry]:
    """The event's log, newest first (in the order the actions were applied)."""
    query = select(AuditEntry).where(AuditEntry.event_id == event_id)
    return list(db.scalars(query.order_by(AuditEntry.id.desc())))


def as_csv(entries: Iterable[AuditEntry]) -> str:
    """The log as CSV, one entry a row; safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        row = (
            entry.at.astimezone(UTC).isoformat(),
            entry.actor,
            entry.action,
            entry.subject,
            compact_json(entry.before),
            compact_json(entry.after),
            str(entry.version),
        )
        writer.writerow([inert(cell) for cell in row])
    return out.getvalue()


def compact_json(value: dict[str, Any] | None) -> str:
    """A state as one short line of JSON; nothing at all for no state."""
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def subject_of(thing: FloorRequest | Topic | Segment) -> str:
    """What an action was on, for a person to read: a name or title, and its id."""
    if isinstance(thing, FloorRequest):
        return f"{thing.participant.name} (request {thing.id})"
    if isinstance(thing, Topic):
        return f"{thing.title} (topic {thing.id})"
    return f"{thing.title} (segment {thing.id})"


def inert(cell: str) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    # Names and titles are typed by people; a leading quote keeps "=HYPERLINK(...)" as text.
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell
