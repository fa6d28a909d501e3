"""The one unit of work every change to a room goes through.

Lock the event, check that what the action depends on is still as the person saw it, fix
``now`` once (after the lock, so that arrival order is the order of the list), let the
action change the room, then bump the version (published after commit, principle 3), write
the audit entry with the state before and after, and commit. A refused action writes
nothing.

An action is refused as stale only when what it depends on changed since the screen that
sent it was drawn: "call next" names the request it expects to call, a move names the line
it moves and where it saw it, a topic change names the topic it closes. A change elsewhere
in the room (a phone asking for the floor) never makes a facilitator's click stale.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from app.db import record_change
from app.i18n import N_
from app.models import Event
from app.services import audit
from app.services.clock import utcnow
from app.services.errors import DomainError, NotFound


class Stale(DomainError):
    """What the action depends on changed since the screen that sent it was drawn."""

    message = N_("The room changed while you were acting; check the fresh view and try again.")


@dataclass
class Change:
    """One action in progress: the locked event, its moment, and what it recorded."""

    db: Session
    event: Event
    now: datetime
    # The audit log's name for the action; the action may name itself more exactly once it
    # sees the room (a start of the countdown that is a resume).
    action: str | None = None
    changed: bool = False
    subject: str = ""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None

    def expect(self, seen: object, current: object) -> None:
        """Refuse with ``Stale`` unless what the screen saw is what the room holds now.

        ``seen`` and ``current`` are ids (or None for "nobody", "no topic"), compared as
        they are.
        """
        if seen != current:
            raise Stale()

    def changed_room(
        self,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        subject: str = "",
    ) -> None:
        """Say that the room changed; ``before``/``after`` describe it for the audit log.

        When they say the same (a speaking time set to what it was), nothing changed: no
        version is spent and nothing is recorded.
        """
        if before is not None and before == after:
            return
        self.changed = True
        self.before, self.after, self.subject = before, after, subject


def lock(*, db: Session, event: Event) -> Event:
    """Take the event's row lock so that changes to one event are applied one at a time.

    Returns this session's copy of the event (``event`` may come from a read session).
    On SQLite the write transaction already holds the database's write lock.
    Raises ``NotFound`` if the event is gone.
    """
    locked = db.get(Event, event.id, with_for_update=True, populate_existing=True)
    if locked is None:
        raise NotFound(N_("There is no event at this address."))
    return locked


@contextmanager
def change(
    *, db: Session, event: Event, action: str | None = None, now: datetime | None = None
) -> Iterator[Change]:
    """Run one action on ``event`` in the write session ``db``, and commit it.

    ``action`` is the audit log's name for it (``audit.ACTIONS``); None for what
    participants do, which is not audited. ``now`` (UTC) is fixed after the lock unless
    given. Raises ``NotFound`` for an event that is gone, ``Stale`` from ``expect``, and
    whatever the action raises; the caller's session then rolls back.
    """
    locked = lock(db=db, event=event)
    work = Change(db=db, event=locked, now=now or utcnow(), action=action)
    yield work
    if work.changed:
        record_change(db, locked)
        if work.action is not None:
            audit.record(
                db=db,
                event=locked,
                action=work.action,
                subject=work.subject,
                before=work.before,
                after=work.after,
                now=work.now,
            )
    db.commit()
