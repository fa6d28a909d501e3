"""The outcome report: what the room said, per segment or for the whole event, by guiding
question, with its coverage and balance figures, as a page and as a PDF.

``build`` reads the report's view (pure data over the record: ``record.turns``,
``record.coverage`` and ``record.balance``); ``pdf`` draws the page it was rendered into as
an A4 PDF with WeasyPrint. The participants' words stay as written; the interface's texts and
the agenda's are in the reader's language (the templates say them). Times are aware UTC
datetimes, durations milliseconds.

Good practices and commitments are the rapporteur's tags, read with ``record_tags`` (its
``GoodPractice`` and ``Commitment``, in the agenda's order): each segment's under that
segment, the turn they came from found with ``Report.turn``; the groups in focus a turn
addressed are its own ``tags``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from app.i18n import N_, translations
from app.models import ActorType, Event, GuidingQuestion, Segment, Topic, Turn
from app.services import events, record, record_tags
from app.services.errors import DomainError, NotFound

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
# The address the PDF's page is drawn at: its /static/ files are read from STATIC_DIR, and
# nothing else is fetched (no network, no other file).
PDF_BASE_URL = "https://palabra.invalid/"
# In each page's bottom right margin of the PDF.
PAGE_NUMBERS = N_("Page {page} of {pages}")


class PdfUnavailable(DomainError):
    """The system packages WeasyPrint draws with are not installed on this server."""

    status_code = 503
    message = N_(
        "This server cannot make PDFs yet: the packages they need are missing"
        " (make system-packages installs them). The report prints from its page meanwhile."
    )


@dataclass(frozen=True)
class QuestionTurns:
    """A guiding question and the turns that addressed it, in the order they were given."""

    question: GuidingQuestion
    turns: list[Turn]


@dataclass(frozen=True)
class TopicReport:
    """A topic's turns by guiding question, then those on no particular question.

    A turn that addressed two questions is under both.
    """

    topic: Topic
    questions: list[QuestionTurns]
    unquestioned: list[Turn]

    @property
    def turns(self) -> int:
        """How many turns were given on the topic."""
        given = {t.id for q in self.questions for t in q.turns}
        return len(given | {t.id for t in self.unquestioned})


@dataclass(frozen=True)
class SegmentReport:
    """One segment: its topics, the coverage of their questions, its balance of voices,
    the good practices presented and the commitments offered in it."""

    segment: Segment
    topics: list[TopicReport]
    coverage: list[record.QuestionCoverage]
    balance: record.Balance
    good_practices: list[record_tags.GoodPractice]
    commitments: list[record_tags.Commitment]


@dataclass(frozen=True)
class Report:
    """The outcome report of ``event`` as read at ``made_at``: of one segment (``scope``)
    or of the whole event (``scope`` None), with the balance of everything it covers."""

    event: Event
    made_at: datetime
    scope: Segment | None
    actor_types: list[ActorType]
    segments: list[SegmentReport]
    balance: record.Balance
    speakers: int
    good_practices: list[record_tags.GoodPractice]
    commitments: list[record_tags.Commitment]
    # The turns it covers by id.
    given: dict[int, Turn]
    # Ongoing turns count up to ``made_at``; ended ones keep their recorded time.
    spoken: dict[int, int] = field(default_factory=dict)

    def spoken_ms(self, turn: Turn) -> int:
        """The turn's speaking time in milliseconds (pauses left out)."""
        return self.spoken[turn.id]

    def turn(self, turn_id: int) -> Turn:
        """The turn numbered ``turn_id`` (a tag's ``turn_id``) of those the report covers."""
        return self.given[turn_id]


def build(
    *,
    db: Session,
    event_id: int,
    now: datetime,
    segment_number: int | None = None,
) -> Report:
    """The outcome report of the event, or of its segment numbered ``segment_number``.

    Every segment is in the event's report, those nobody spoke in too (their questions
    count as not addressed). Raises ``NotFound`` for an unknown event or segment number.
    """
    event = events.get(db=db, event_id=event_id)
    scope = None
    if segment_number is not None:
        scope = next((s for s in event.segments if s.number == segment_number), None)
        if scope is None:
            raise NotFound(N_("This event has no segment {number}."), number=segment_number)
    scope_id = scope.id if scope else None
    given = record.turns(db=db, event_id=event.id, segment_id=scope_id)
    segments = [scope] if scope else list(event.segments)
    good_practices = record_tags.good_practices(db=db, event_id=event.id, segment_id=scope_id)
    commitments = record_tags.commitments(db=db, event_id=event.id, segment_id=scope_id)
    return Report(
        event=event,
        made_at=now,
        scope=scope,
        actor_types=list(event.actor_types),
        segments=[
            _segment(
                event,
                s,
                [t for t in given if t.segment_id == s.id],
                now,
                [p for p in good_practices if p.segment_number == s.number],
                [c for c in commitments if c.segment_number == s.number],
            )
            for s in segments
        ],
        balance=record.balance(actor_types=event.actor_types, turns=given, now=now),
        speakers=len({t.participant_id for t in given}),
        good_practices=good_practices,
        commitments=commitments,
        given={t.id: t for t in given},
        spoken={t.id: t.spoken_ms if t.ended_at else record.spoken_ms(t, now=now) for t in given},
    )


def _segment(
    event: Event,
    segment: Segment,
    turns: list[Turn],
    now: datetime,
    good_practices: list[record_tags.GoodPractice],
    commitments: list[record_tags.Commitment],
) -> SegmentReport:
    return SegmentReport(
        segment=segment,
        topics=[
            _topic(topic, [t for t in turns if t.topic_id == topic.id]) for topic in segment.topics
        ],
        coverage=record.coverage(segment=segment, turns=turns),
        balance=record.balance(actor_types=event.actor_types, turns=turns, now=now),
        good_practices=good_practices,
        commitments=commitments,
    )


def _topic(topic: Topic, turns: list[Turn]) -> TopicReport:
    return TopicReport(
        topic=topic,
        questions=[
            QuestionTurns(q, [t for t in turns if any(a.id == q.id for a in t.questions)])
            for q in topic.questions
        ],
        unquestioned=[t for t in turns if not t.questions],
    )


def pdf(html: str, *, locale: str) -> bytes:
    """``html`` (the report's page, rendered for print in ``locale``) drawn as an A4 PDF.

    The page numbers are in ``locale``'s words; the page's stylesheets under ``/static/``
    are read from disk, and nothing else is fetched. Fonts are the system's (Pango and
    fontconfig: see ``make system-packages``). Takes a few seconds for a whole day.
    Raises ``PdfUnavailable`` where those are missing.
    """
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError) as missing:  # OSError: WeasyPrint found no Pango
        raise PdfUnavailable() from missing

    words = page_numbers_css(translations(locale).gettext(PAGE_NUMBERS))
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_static_only())
    written: bytes = document.write_pdf(stylesheets=[CSS(string=words)])
    return written


def _static_only() -> Any:
    """A WeasyPrint fetcher that reads a file of the app's ``static/`` folder, and nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):  # type: ignore[misc]  # untyped
        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            parts, base = urlsplit(url), urlsplit(PDF_BASE_URL)
            if (parts.scheme, parts.netloc) == (base.scheme, base.netloc):
                path = (STATIC_DIR / parts.path.removeprefix("/static/")).resolve()
                if parts.path.startswith("/static/") and path.is_relative_to(STATIC_DIR):
                    kind = "text/css" if path.suffix == ".css" else "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
            raise ValueError(f"the report's PDF fetches nothing but its static files: {url}")

    return StaticOnly()


def page_numbers_css(words: str) -> str:
    """The PDF's page numbers in the reader's words: ``words`` is a translated text with
    ``{page}`` and ``{pages}`` fields ("Page {page} of {pages}"), set in each page's
    bottom right margin."""
    counters = {"page": "counter(page)", "pages": "counter(pages)"}
    content = " ".join(
        counters[piece] if piece in counters else _css_string(piece)
        for piece in re.split(r"\{(page|pages)\}", words)
        if piece
    )
    # Important: the PDF's own stylesheets come after the page's, which number pages in figures.
    return f"@page {{ @bottom-right {{ content: {content} !important; }} }}"


def _css_string(text: str) -> str:
    escaped = "".join(c if c.isalnum() or c in " .,:;-/" else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'
