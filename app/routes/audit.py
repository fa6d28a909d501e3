"""The audit log of an event, for its facilitators: read it, or take it away as CSV.

Read only: no route here adds, changes or deletes an entry; the services write them.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.routes.deps import FacilitatedEvent, Locale, ReadDb
from app.routes.responses import page
from app.services import audit

router = APIRouter(prefix="/f/{slug}")


@router.get("/audit")
def audit_log(request: Request, event: FacilitatedEvent, db: ReadDb, locale: Locale) -> Response:
    return page(
        request,
        "facilitator/audit.html",
        locale=locale,
        event=event,
        entries=audit.entries(db=db, event_id=event.id),
        action_labels=audit.ACTIONS,
        as_json=audit.compact_json,
    )


@router.get("/audit.csv")
def audit_csv(event: FacilitatedEvent, db: ReadDb) -> Response:
    return Response(
        audit.as_csv(audit.entries(db=db, event_id=event.id)),
        media_type="text/csv; charset=utf-8",
        # The slug is [a-z0-9-] (the agenda file says so), safe inside the quotes.
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-audit.csv"'},
    )
