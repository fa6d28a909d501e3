"""The audit log: what a facilitator did to an event, when, and what it changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from app.models.base import Base, UTCDateTime


class AuditEntry(Base):
    """One facilitator action. Written once in the action's transaction, never changed."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Who acted. Facilitators share one link today; accounts will put a name here.
    actor: Mapped[str] = mapped_column(String(200))
    # A stable machine name ("turns.call_next"); labels live with the service.
    action: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str] = mapped_column(String(500), default="")
    # SQL NULL, not JSON null, when there is nothing to say.
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # The event version the action produced: ties an entry to what the screens showed.
    version: Mapped[int]


class AuditEntryIsFinal(Exception):
    """Code tried to change or delete an audit entry; the log only grows."""


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_rewriting(
    _mapper: Mapper[AuditEntry], _connection: Connection, entry: AuditEntry
) -> None:
    raise AuditEntryIsFinal(f"audit entry {entry.id} cannot be changed or deleted")
