"""The audit log of an event, for its facilitators: read it, or take it away as CSV.

Read only: no route here adds, changes or deletes an entry; the services write them.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from app.routes.deps import FacilitatedEvent, Locale, ReadDb
from app.routes.responses import ANSWERS, html_router, page
from app.services import audit

router = html_router(prefix="/f/{slug}")


@router.get("/audit")
def audit_log(request: Request, event: FacilitatedEvent, db: ReadDb, locale: Locale) -> Response:
    return page(
        request,
        "facilitator/audit.html",
        locale=locale,
        event=event,
        entries=audit.entries(db=db, event_id=event.id),
        action_labels=audit.LABELS,
        as_json=audit.compact_json,
    )


class CsvResponse(Response):
    media_type = "text/csv"


# Only the export itself is CSV: what goes wrong is told in HTML, as everywhere else.
CSV_ANSWERS = {code: {**answer, "content": {"text/html": {}}} for code, answer in ANSWERS.items()}


@router.get("/audit.csv", response_class=CsvResponse, responses=CSV_ANSWERS)
def audit_csv(event: FacilitatedEvent, db: ReadDb) -> Response:
    return CsvResponse(
        audit.as_csv(audit.entries(db=db, event_id=event.id)),
        # The slug is [a-z0-9-] (the agenda file says so), safe inside the quotes.
        headers={"Content-Disposition": f'attachment; filename="{event.slug}-audit.csv"'},
    )
