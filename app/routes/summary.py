"""The event's public summary: read by anyone once published, published or withdrawn by a
facilitator from the record page."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response

from app.csrf import require_token
from app.routes.deps import ActingDb, FacilitatedEvent, Locale, ReadDb
from app.routes.responses import html_router, page
from app.services import public_summary

router = html_router(dependencies=[Depends(require_token)])


@router.get("/e/{slug}/summary")
def summary_page(slug: str, request: Request, db: ReadDb, locale: Locale) -> Response:
    """No cookie needed; 404 with a page that says so while it is not published."""
    summary = public_summary.published(db=db, slug=slug)
    return page(request, "summary/page.html", locale=locale, event=summary.event, summary=summary)


@router.post("/f/{slug}/summary/publish")
def publish(event: FacilitatedEvent, db: ActingDb) -> Response:
    public_summary.publish(db=db, event=event)
    return RedirectResponse(f"/f/{event.slug}/record#publish", status_code=303)


@router.post("/f/{slug}/summary/withdraw")
def withdraw(event: FacilitatedEvent, db: ActingDb) -> Response:
    public_summary.withdraw(db=db, event=event)
    return RedirectResponse(f"/f/{event.slug}/record#publish", status_code=303)
