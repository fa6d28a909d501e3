"""The record of the floor, for an event's facilitators and rapporteurs: read it, tag its
turns (good practices, commitments, groups in focus), write the record's summary of a turn
(or correct the speaker's), and take it away as CSV or JSON, with its good practices and
commitments on their own; the participants list, as a page and as CSV.

The forms are plain forms (they work without JavaScript): a change goes back to the turn on
the page; what a form could not take comes back in it, as typed, with what to fix. The panels
without forms (coverage, balance, who waits to speak first) are asked for again while the
page is open (``record_panels``), with a notice of the turns given since it was drawn."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from app.csrf import require_token
from app.i18n import translate
from app.models import Event
from app.routes.audit import CSV_ANSWERS, CsvResponse
from app.routes.deps import (
    ActingDb,
    CurrentAccount,
    Id,
    Locale,
    ReadDb,
    RecordedEvent,
)
from app.routes.responses import html_router, page
from app.services import record, record_export, record_tags
from app.services.clock import utcnow
from app.services.errors import InvalidInput
from app.services.text import VISIBLE
from app.templating import render

router = html_router(prefix="/f/{slug}", dependencies=[Depends(require_token)])


# What an export answers besides itself: as the audit log's export, errors are told in HTML.
ERRORS_IN_HTML = CSV_ANSWERS


@dataclass(frozen=True)
class Refused:
    """A record form that could not be taken: which, on which turn, as typed, and why."""

    turn_id: int
    form: str
    values: dict[str, str]
    message: str


# The record page's note after a removal that found its tag gone (a redirect carries it).
GONE = "tag=gone"


@router.get("/record")
def record_page(
    request: Request,
    event: RecordedEvent,
    account: CurrentAccount,
    db: ReadDb,
    locale: Locale,
    tag: Annotated[Literal["gone"] | None, Query()] = None,
) -> Response:
    return _record_page(request, event, account, db, locale, tag_gone=tag == "gone")


def _record_page(
    request: Request,
    event: Event,
    account: CurrentAccount,
    db: ReadDb,
    locale: str,
    refused: Refused | None = None,
    *,
    tag_gone: bool = False,
) -> Response:
    overview = record.overview(db=db, event_id=event.id, now=utcnow())
    return page(
        request,
        "record/page.html",
        locale=locale,
        status_code=422 if refused else 200,
        account=account,
        state_key=record.STATE_KEY,
        refused=refused,
        tag_gone=tag_gone,
        pledge_max=record_tags.PLEDGE_MAX,
        **_live(event, overview, locale, seen=None),
    )


@router.get("/record/panels", responses={204: {"description": "The panels as they are shown"}})
def record_panels(
    event: RecordedEvent,
    db: ReadDb,
    locale: Locale,
    seen: Annotated[int | None, Query(ge=0, le=10**9)] = None,
    shown: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """The record's live panels again (record/_live.html), for a page drawn when ``seen``
    turns had been given and showing the panels ``shown`` fingerprints: 204 while they are
    the same, the notice of new turns out of band only when it changed."""
    live = _live(event, record.overview(db=db, event_id=event.id, now=utcnow()), locale, seen=seen)
    if live["shown"] == shown:
        return Response(status_code=204)
    notice_changed = live["shown"].split("-")[1] != shown.partition("-")[2]
    html = render(
        "record/_live.html", locale=locale, oob=True, notice_changed=notice_changed, **live
    )
    return HTMLResponse(html)


def _live(
    event: Event, overview: record.Overview, locale: str, *, seen: int | None
) -> dict[str, Any]:
    """What record/_live.html draws: the panels (``sections``), the turns ``given`` and the
    ``new_turns`` since ``seen`` (all of them given, when a page is drawn), and ``shown``,
    the fingerprint of the panels and of the notice, each told apart (``panels-notice``)."""
    given = sum(len(item.turns) for _, topics in overview.segments for item in topics)
    seen = given if seen is None else seen
    context = {
        "event": event,
        "record": overview,
        "given": given,
        "seen": seen,
        "new_turns": max(0, given - seen),
    }
    sections = render("record/_live_sections.html", locale=locale, **context)
    notice = render("record/_new_turns.html", locale=locale, **context)
    shown = f"{_fingerprint(sections)}-{_fingerprint(notice)}"
    return {**context, "sections": Markup(sections), "shown": shown}


def _fingerprint(html: str) -> str:
    return hashlib.sha256(html.encode()).hexdigest()[:16]


def _tagged(
    request: Request,
    event: Event,
    account: CurrentAccount,
    db: ActingDb,
    locale: str,
    turn_id: int,
    form: str,
    values: dict[str, str],
    action: Callable[[], Any],
) -> Response:
    """Do ``action`` in ``db``; back to the turn, or the page again with the form as typed and why not."""
    try:
        action()
    except InvalidInput as error:
        db.rollback()
        message = translate(locale, error.message_id, error.params)
        refused = Refused(turn_id, form, values, message)
        return _record_page(request, event, account, db, locale, refused)
    return RedirectResponse(f"/f/{event.slug}/record#turn-{turn_id}", status_code=303)


# Texts are bounded as read: what goes past the bound is cut there, not refused, so that the
# services, which clean them and check their limits on the text as cleaned (a browser sends a
# line break as two characters), say what is wrong in the form itself, as typed ("at most N
# characters", N well under the bound): an empty field is read as "" (FastAPI takes it for a
# missing one). The schema says what the services accept: the fields they require
# (``_requiring``), with a character that shows.
def _cut_at(read_max: int) -> BeforeValidator:
    return BeforeValidator(lambda value: value[:read_max] if isinstance(value, str) else value)


Line = Annotated[str, _cut_at(1000)]
Text = Annotated[str, _cut_at(20_000)]


def _checked(**accepted: Any) -> Any:
    return Field("", json_schema_extra=accepted)


def _requiring(*fields: str) -> ConfigDict:
    return ConfigDict(json_schema_extra={"required": list(fields)})


class SummaryForm(BaseModel):
    summary: Text = _checked(maxLength=record.SUMMARY_MAX)


class GoodPracticeForm(BaseModel):
    model_config = _requiring("title")

    title: Line = _checked(maxLength=record_tags.TITLE_MAX, pattern=VISIBLE)
    country: Line = _checked(maxLength=record_tags.COUNTRY_MAX)
    description: Text = _checked(maxLength=record_tags.DESCRIPTION_MAX)


class CommitmentForm(BaseModel):
    model_config = _requiring("what", "by_whom")

    what: Text = _checked(maxLength=record_tags.WHAT_MAX, pattern=VISIBLE)
    by_whom: Line = _checked(maxLength=record_tags.BY_WHOM_MAX, pattern=VISIBLE)
    pledge: Line = _checked(
        maxLength=record_tags.PLEDGE_MAX, pattern=f"^{record_tags.PLEDGE.pattern}$"
    )


@router.post("/record/turns/{turn_id}/summary")
def write_summary(
    request: Request,
    event: RecordedEvent,
    account: CurrentAccount,
    db: ActingDb,
    locale: Locale,
    turn_id: Id,
    form: Annotated[SummaryForm, Form()],
) -> Response:
    values = form.model_dump()
    write = partial(record.write_summary, db=db, event=event, turn_id=turn_id, **values)
    return _tagged(request, event, account, db, locale, turn_id, "summary", values, write)


@router.post("/record/turns/{turn_id}/good-practices")
def add_good_practice(
    request: Request,
    event: RecordedEvent,
    account: CurrentAccount,
    db: ActingDb,
    locale: Locale,
    turn_id: Id,
    form: Annotated[GoodPracticeForm, Form()],
) -> Response:
    values = form.model_dump()
    add = partial(record_tags.add_good_practice, db=db, event=event, turn_id=turn_id, **values)
    return _tagged(request, event, account, db, locale, turn_id, "good_practice", values, add)


@router.post("/record/turns/{turn_id}/commitments")
def add_commitment(
    request: Request,
    event: RecordedEvent,
    account: CurrentAccount,
    db: ActingDb,
    locale: Locale,
    turn_id: Id,
    form: Annotated[CommitmentForm, Form()],
) -> Response:
    values = form.model_dump()
    add = partial(record_tags.add_commitment, db=db, event=event, turn_id=turn_id, **values)
    return _tagged(request, event, account, db, locale, turn_id, "commitment", values, add)


@router.post("/record/turns/{turn_id}/focus-groups")
def add_focus_group(
    event: RecordedEvent, db: ActingDb, turn_id: Id, focus_group: Annotated[Id, Form()]
) -> Response:
    record_tags.add_focus_group(db=db, event=event, turn_id=turn_id, focus_group_id=focus_group)
    return RedirectResponse(f"/f/{event.slug}/record#turn-{turn_id}", status_code=303)


@router.post("/record/turns/{turn_id}/tags/{tag_id}/remove")
def remove_tag(event: RecordedEvent, db: ActingDb, turn_id: Id, tag_id: Id) -> Response:
    """Back to the turn; a tag taken off already (another tab) is said there, not refused."""
    try:
        record_tags.remove(db=db, event=event, turn_id=turn_id, tag_id=tag_id)
    except record_tags.TagGone:
        db.rollback()
        return RedirectResponse(f"/f/{event.slug}/record?{GONE}#turn-{turn_id}", status_code=303)
    return RedirectResponse(f"/f/{event.slug}/record#turn-{turn_id}", status_code=303)


@router.get("/record.csv", response_class=CsvResponse, responses=ERRORS_IN_HTML)
def record_csv(event: RecordedEvent, db: ReadDb) -> Response:
    output = _record(event, db)
    return CsvResponse(record_export.turns_csv(output), headers=_attachment(event, "record.csv"))


@router.get(
    "/record.json",
    response_class=JSONResponse,
    response_model=record_export.RecordOut,
    responses=ERRORS_IN_HTML,
)
def record_json(event: RecordedEvent, db: ReadDb) -> Response:
    return _json(_record(event, db), event, "record.json")


@router.get("/good-practices.csv", response_class=CsvResponse, responses=ERRORS_IN_HTML)
def good_practices_csv(event: RecordedEvent, db: ReadDb) -> Response:
    output = _good_practices(event, db)
    return CsvResponse(
        record_export.good_practices_csv(output),
        headers=_attachment(event, "good-practices.csv"),
    )


@router.get(
    "/good-practices.json",
    response_class=JSONResponse,
    response_model=record_export.GoodPracticesOut,
    responses=ERRORS_IN_HTML,
)
def good_practices_json(event: RecordedEvent, db: ReadDb) -> Response:
    return _json(_good_practices(event, db), event, "good-practices.json")


@router.get("/commitments.csv", response_class=CsvResponse, responses=ERRORS_IN_HTML)
def commitments_csv(event: RecordedEvent, db: ReadDb) -> Response:
    output = _commitments(event, db)
    return CsvResponse(
        record_export.commitments_csv(output), headers=_attachment(event, "commitments.csv")
    )


@router.get(
    "/commitments.json",
    response_class=JSONResponse,
    response_model=record_export.CommitmentsOut,
    responses=ERRORS_IN_HTML,
)
def commitments_json(event: RecordedEvent, db: ReadDb) -> Response:
    return _json(_commitments(event, db), event, "commitments.json")


@router.get("/participants")
def participants_page(
    request: Request, event: RecordedEvent, account: CurrentAccount, db: ReadDb, locale: Locale
) -> Response:
    return page(
        request,
        "record/participants.html",
        locale=locale,
        event=event,
        account=account,
        attendees=record.participants(db=db, event_id=event.id),
    )


@router.get("/participants.csv", response_class=CsvResponse, responses=ERRORS_IN_HTML)
def participants_csv(event: RecordedEvent, db: ReadDb) -> Response:
    attendees = record_export.attendees_of(record.participants(db=db, event_id=event.id))
    return CsvResponse(
        record_export.participants_csv(attendees), headers=_attachment(event, "participants.csv")
    )


def _record(event: RecordedEvent, db: ReadDb) -> record_export.RecordOut:
    turns = record.turns(db=db, event_id=event.id)
    return record_export.record_of(event=event, turns=turns, now=utcnow())


def _good_practices(event: RecordedEvent, db: ReadDb) -> record_export.GoodPracticesOut:
    practices = record_tags.good_practices(db=db, event_id=event.id)
    return record_export.good_practices_of(event=event, practices=practices, now=utcnow())


def _commitments(event: RecordedEvent, db: ReadDb) -> record_export.CommitmentsOut:
    commitments = record_tags.commitments(db=db, event_id=event.id)
    return record_export.commitments_of(event=event, commitments=commitments, now=utcnow())


def _json(output: Any, event: RecordedEvent, name: str) -> Response:
    return Response(
        record_export.as_json(output),
        media_type="application/json",
        headers=_attachment(event, name),
    )


def _attachment(event: RecordedEvent, name: str) -> dict[str, str]:
    # The slug is [a-z0-9-] (the agenda file says so), safe inside the quotes.
    return {"Content-Disposition": f'attachment; filename="{event.slug}-{name}"'}
