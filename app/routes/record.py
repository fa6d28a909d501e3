"""The record of the floor, for an event's facilitators: read it, write the record's summary
of a turn, and take it away as CSV or JSON; the participants list, as a page and as CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from app.csrf import require_token
from app.routes.audit import CSV_ANSWERS, CsvResponse
from app.routes.deps import ActingDb, FacilitatedEvent, Id, Locale, ReadDb
from app.routes.responses import html_router, page
from app.services import record, record_export
from app.services.clock import utcnow

router = html_router(prefix="/f/{slug}", dependencies=[Depends(require_token)])


# What an export answers besides itself: as the audit log's export, errors are told in HTML.
ERRORS_IN_HTML = CSV_ANSWERS


@router.get("/record")
def record_page(request: Request, event: FacilitatedEvent, db: ReadDb, locale: Locale) -> Response:
    return page(
        request,
        "record/page.html",
        locale=locale,
        event=event,
        record=record.overview(db=db, event_id=event.id, now=utcnow()),
        state_key=record.STATE_KEY,
    )


@router.post("/record/turns/{turn_id}/summary")
def write_summary(
    event: FacilitatedEvent,
    db: ActingDb,
    turn_id: Id,
    # Bounded as read; the service checks the limit on the text as cleaned.
    summary: Annotated[
        str, Form(max_length=20_000, json_schema_extra={"maxLength": record.SUMMARY_MAX})
    ] = "",
) -> Response:
    record.write_summary(db=db, event=event, turn_id=turn_id, summary=summary)
    return RedirectResponse(f"/f/{event.slug}/record#turn-{turn_id}", status_code=303)


@router.get("/record.csv", response_class=CsvResponse, responses=ERRORS_IN_HTML)
def record_csv(event: FacilitatedEvent, db: ReadDb) -> Response:
    output = _record(event, db)
    return CsvResponse(record_export.turns_csv(output), headers=_attachment(event, "record.csv"))


@router.get(
    "/record.json",
    response_class=JSONResponse,
    response_model=record_export.RecordOut,
    responses=ERRORS_IN_HTML,
)
def record_json(event: FacilitatedEvent, db: ReadDb) -> Response:
    output = _record(event, db)
    return Response(
        record_export.as_json(output),
        media_type="application/json",
        headers=_attachment(event, "record.json"),
    )


@router.get("/participants")
def participants_page(
    request: Request, event: FacilitatedEvent, db: ReadDb, locale: Locale
) -> Response:
    return page(
        request,
        "record/participants.html",
        locale=locale,
        event=event,
        attendees=record.participants(db=db, event_id=event.id),
    )


@router.get("/participants.csv", response_class=CsvResponse, responses=ERRORS_IN_HTML)
def participants_csv(event: FacilitatedEvent, db: ReadDb) -> Response:
    attendees = record_export.attendees_of(record.participants(db=db, event_id=event.id))
    return CsvResponse(
        record_export.participants_csv(attendees), headers=_attachment(event, "participants.csv")
    )


def _record(event: FacilitatedEvent, db: ReadDb) -> record_export.RecordOut:
    turns = record.turns(db=db, event_id=event.id)
    return record_export.record_of(event=event, turns=turns, now=utcnow())


def _attachment(event: FacilitatedEvent, name: str) -> dict[str, str]:
    # The slug is [a-z0-9-] (the agenda file says so), safe inside the quotes.
    return {"Content-Disposition": f'attachment; filename="{event.slug}-{name}"'}
