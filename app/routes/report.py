"""The outcome report, for whoever reads the record: a page that prints on A4, and its PDF."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import Response

from app.csrf import require_token
from app.routes.deps import MAX_ID, Locale, ReadDb, RecordedEvent
from app.routes.responses import html_router, page
from app.services import record, report
from app.services.clock import utcnow
from app.templating import render

router = html_router(prefix="/f/{slug}", dependencies=[Depends(require_token)])

# The segment's number on the agenda; none: the whole event.
SegmentNumber = Annotated[int | None, Query(ge=1, le=MAX_ID)]

PDF = "application/pdf"


@router.get("/report")
def report_page(
    request: Request,
    event: RecordedEvent,
    db: ReadDb,
    locale: Locale,
    segment: SegmentNumber = None,
) -> Response:
    built = report.build(db=db, event_id=event.id, now=utcnow(), segment_number=segment)
    return page(request, "report/page.html", locale=locale, **_context(built))


@router.get(
    "/report.pdf",
    response_class=Response,
    responses={200: {"content": {PDF: {}}, "description": "The outcome report as a PDF"}},
)
def report_pdf(
    event: RecordedEvent, db: ReadDb, locale: Locale, segment: SegmentNumber = None
) -> Response:
    built = report.build(db=db, event_id=event.id, now=utcnow(), segment_number=segment)
    document = report.pdf(printable(built, locale=locale), locale=locale)
    name = f"{event.slug}-report" + (f"-segment-{segment}" if segment else "") + ".pdf"
    # The slug is [a-z0-9-] (the agenda file says so), safe inside the quotes.
    return Response(
        document, media_type=PDF, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


def printable(built: report.Report, *, locale: str) -> str:
    """The report's page as it prints, without the screen's links: what its PDF draws."""
    return render("report/page.html", locale=locale, for_print=True, **_context(built))


def _context(built: report.Report) -> dict[str, Any]:
    return {"event": built.event, "report": built, "state_key": record.STATE_KEY}
