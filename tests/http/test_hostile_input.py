"""Hostile input through every form and address of Palabra.

Whatever is sent: no answer is a 500, nothing is stored that should not be (controls and
bidirectional controls are dropped, refused input changes nothing), and what is stored is
shown on the phone, the console and the projector as text, never as markup.

One app per test: each test walks the corpus (tests/http/hostile_inputs.py) through one
form and collects every value it fails on, so a run names all of them at once.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import func, select
from starlette.websockets import WebSocketDisconnect

from app.csrf import COOKIE, HEADER
from app.db import Database
from app.models import (
    ActorType,
    AuditEntry,
    Event,
    FloorRequest,
    GuidingQuestion,
    Participant,
    Segment,
    Topic,
    TurnKind,
    TurnStatus,
)
from app.services import events, floor
from app.services.audit import FORMULA_STARTS
from app.services.errors import InvalidInput
from app.services.floor import SUMMARY_MAX
from app.services.participants import COUNTRY_MAX, NAME_MAX, ORGANISATION_MAX
from app.services.screens import NEXT_SPEAKERS_SHOWN
from app.services.text import clean_line, clean_text
from tests.console import as_console, form_fields
from tests.factories import PASSWORD, make_event
from tests.http.helpers import (
    HTMX,
    another_phone,
    ensure_account,
    facilitator,
    forget_joins,
    join,
    open_first_topic,
    projector_key,
    seeded_event,
)
from tests.http.hostile_inputs import (
    BAD_IDS,
    CORPUS,
    INVISIBLE_IN_A_NAME,
    SUBSET,
    is_unprintable,
    stray_format_characters,
)

# What fits in an address: httpx refuses longer ones (and so would any server in front).
IN_ADDRESSES = [value for value in SUBSET if len(quote(value, safe="")) < 60_000]

# The routes' own bounds on the form fields, before the services clean what they got.
LINE_FORM_MAX = 1000
SUMMARY_FORM_MAX = 20_000
LINE_LIMITS = {"name": NAME_MAX, "organisation": ORGANISATION_MAX, "country": COUNTRY_MAX}
TEXT_FIELDS = tuple(LINE_LIMITS)
BENIGN = {"name": "Ana", "organisation": "ACNUR", "country": "Chile", "kind": "intervention"}
MIDDLE_DOT = "\u00b7"
BATCH = NEXT_SPEAKERS_SHOWN  # the projector shows the first ones waiting
MARKUP = "<>\"'"  # what can open an element or an attribute
ESCAPED = MARKUP + "&"  # what escaping changes


def test_the_corpus_is_large_and_varied() -> None:
    assert len(CORPUS) >= 200
    assert len(set(CORPUS)) == len(CORPUS)
    assert any("\x00" in value for value in CORPUS)
    assert any(len(value) >= 100_000 for value in CORPUS)
    assert any("hx-" in value for value in CORPUS)
    assert any("\u202e" in value for value in CORPUS)


# What the app should make of a value -------------------------------------------------------


def stored_line(value: str, field: str) -> str | None:
    """What the app stores for one line typed into ``field``, or None: it must refuse it."""
    if len(value) > LINE_FORM_MAX:
        return None
    try:
        return clean_line(value, limit=LINE_LIMITS[field], field=field, required=field == "name")
    except InvalidInput:
        return None


def stored_summary(value: str) -> str | None:
    if len(value) > SUMMARY_FORM_MAX:
        return None
    try:
        return clean_text(value, limit=SUMMARY_MAX, field="Summary", required=True)
    except InvalidInput:
        return None


def as_number(value: str) -> int | None:
    """A number as the routes read one from a form or an address (pydantic, lax)."""
    try:
        return TypeAdapter(int).validate_python(value)
    except ValidationError:
        return None


def shown(value: str) -> str:
    """How a template shows a value: escaped the way Jinja escapes it."""
    return str(escape(value))


def assert_printable(value: str, *, multiline: bool = False) -> None:
    """Nothing unprintable; in a summary no stray format character, in a line none at all."""
    bad = [f"U+{ord(ch):04X}" for ch in value if is_unprintable(ch, keep="\n" if multiline else "")]
    assert not bad, f"stored unprintable characters {bad}"
    if multiline:
        invisible = stray_format_characters(value)
    else:
        invisible = [f"U+{ord(ch):04X}" for ch in value if ch in INVISIBLE_IN_A_NAME]
    assert not invisible, f"stored invisible characters {invisible}"
    value.encode("utf-8")  # no lone surrogate


# Reading pages ------------------------------------------------------------------------------


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: set[tuple[str, str]] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.add((tag, ""))
        self.found.update((tag, name) for name, _ in attrs)

    handle_startendtag = handle_starttag


@dataclass(frozen=True)
class Page:
    text: str

    @cached_property
    def markup(self) -> frozenset[tuple[str, str]]:
        """Every element, and every attribute of each, that the page has (names only)."""
        parser = _Markup()
        parser.feed(self.text)
        parser.close()
        return frozenset(parser.found)


def assert_shown_as_text(page: Page, value: str, fragment: str, baseline: Page) -> None:
    """``value`` is in ``page`` as ``fragment`` (escaped) and nowhere as markup.

    ``baseline`` is the same screen with harmless text: the payload must not add any
    element or attribute to it, and where the value has markup characters it must not be
    in the page as it is (unless the page had it anyway, like a lone quote).
    """
    assert fragment in page.text, f"{fragment[:160]!r} is not in the page"
    if any(ch in value for ch in MARKUP):  # only these can open an element or an attribute
        if value not in baseline.text and value not in shown(value):
            assert value not in page.text, "the value is in the page unescaped"
        added = page.markup - baseline.markup
        assert not added, f"the value added markup to the page: {sorted(added)}"


def assert_not_echoed_raw(page: str, value: str, baseline: str) -> None:
    if any(ch in value for ch in MARKUP) and value not in baseline and value not in shown(value):
        assert value not in page, "the value is in the page unescaped"


def me_line(person: Participant) -> str:
    """The phone's header: who the participant is."""
    organisation = f" {MIDDLE_DOT} {shown(person.organisation)}" if person.organisation else ""
    return f'<p class="me">{shown(person.name)}{organisation}</p>'


def speaker_fragments(person: Participant) -> dict[str, str]:
    """Each stored value of a speaker line on the console and the projector, as shown."""
    fragments = {person.name: f'<span class="who">{shown(person.name)}</span>'}
    if person.organisation:
        fragments[person.organisation] = f'<span class="org">{shown(person.organisation)}</span>'
    if person.country:
        fragments[person.country] = f'<span class="country">{shown(person.country)}</span>'
    return fragments


def assert_speaker_shown(page: Page, person: Participant, baseline: Page) -> None:
    for value, fragment in speaker_fragments(person).items():
        assert_shown_as_text(page, value, fragment, baseline)


# Collecting what went wrong, value by value --------------------------------------------------


class Problems:
    """Each failed check with the value it was about; the test fails once, naming them all."""

    def __init__(self) -> None:
        self.found: list[str] = []

    @contextmanager
    def about(self, what: object) -> Iterator[None]:
        try:
            yield
        except AssertionError as error:
            self.found.append(f"{_label(what)}: {str(error).splitlines()[0][:300]}")
        except Exception as error:  # the test client re-raises what the app let escape (a 500)
            self.found.append(f"{_label(what)}: raised {type(error).__name__}: {error}")

    def assert_none(self) -> None:
        assert not self.found, f"{len(self.found)} failed:\n" + "\n".join(self.found)


def _label(what: object) -> str:
    text = repr(what)
    return text if len(text) <= 70 else f"{text[:60]}...({len(text)} chars)"


# The state of an event, straight from the database -------------------------------------------


def database(client: TestClient) -> Database:
    return client.app.state.database  # type: ignore[attr-defined, no-any-return]


def snapshot(client: TestClient, event: Event) -> dict[str, Any]:
    """Everything a refused request must leave as it was."""
    with database(client).reading() as db:
        fresh = db.get(Event, event.id)
        assert fresh is not None
        return {
            "version": fresh.version,
            "speaking_seconds": fresh.speaking_seconds,
            "segments": db.execute(
                select(Segment.id, Segment.speaking_seconds, Segment.stage)
                .where(Segment.event_id == event.id)
                .order_by(Segment.id)
            ).all(),
            "topics": db.execute(
                select(Topic.id, Topic.stage, Topic.list_open)
                .where(Topic.event_id == event.id)
                .order_by(Topic.id)
            ).all(),
            "participants": db.execute(
                select(Participant.id, Participant.name, Participant.organisation)
                .where(Participant.event_id == event.id)
                .order_by(Participant.id)
            ).all(),
            "requests": db.execute(
                select(
                    FloorRequest.id,
                    FloorRequest.status,
                    FloorRequest.position,
                    FloorRequest.kind,
                    FloorRequest.summary,
                )
                .where(FloorRequest.event_id == event.id)
                .order_by(FloorRequest.id)
            ).all(),
            "audit": db.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.event_id == event.id)
            ),
        }


def newest_participant(client: TestClient, event: Event) -> Participant:
    with database(client).reading() as db:
        person = db.scalar(
            select(Participant)
            .where(Participant.event_id == event.id)
            .order_by(Participant.id.desc())
            .limit(1)
        )
        assert person is not None
        return person


def request_of(client: TestClient, request_id: int) -> FloorRequest:
    with database(client).reading() as db:
        request = db.get(FloorRequest, request_id)
        assert request is not None
        assert request.questions is not None
        return request


def newest_request(client: TestClient, event: Event) -> FloorRequest:
    with database(client).reading() as db:
        query = select(FloorRequest).where(FloorRequest.event_id == event.id)
        request = db.scalar(query.order_by(FloorRequest.id.desc()).limit(1))
        assert request is not None
        assert request.questions is not None
        return request


def newest_request_of(client: TestClient, person: Participant) -> FloorRequest | None:
    with database(client).reading() as db:
        query = select(FloorRequest).where(FloorRequest.participant_id == person.id)
        return db.scalar(query.order_by(FloorRequest.id.desc()).limit(1))


def ids_of(client: TestClient, model: Any, event: Event) -> set[int]:
    with database(client).reading() as db:
        return set(db.scalars(select(model.id).where(model.event_id == event.id)))


def open_topic_questions(client: TestClient, event: Event) -> set[int]:
    with database(client).reading() as db:
        topic = events.open_topic(db=db, event_id=event.id)
        assert topic is not None
        query = select(GuidingQuestion.id).where(GuidingQuestion.topic_id == topic.id)
        return set(db.scalars(query))


def ask_for_the_floor(client: TestClient, event: Event, person: Participant) -> None:
    """The participant asks for the floor (through the service: the form has tests below)."""
    with database(client).writing() as db:
        fresh = db.get(Event, event.id)
        assert fresh is not None
        kind = TurnKind.INTERVENTION
        floor.request_floor(db=db, event=fresh, participant=person, kind=kind, question_ids=[])


def take_everyone_off_the_list(client: TestClient, event: Event) -> None:
    """Between batches: the facilitator removes whoever waits (through the service: fast)."""
    with database(client).writing() as db:
        fresh = db.get(Event, event.id)
        topic = events.open_topic(db=db, event_id=event.id)
        assert fresh is not None and topic is not None
        for request in floor.waiting_list(db=db, topic_id=topic.id):
            floor.remove(db=db, event=fresh, request_id=request.id)


# Setting the room up -----------------------------------------------------------------------


def a_phone(client: TestClient) -> TestClient:
    """Another device with its own cookies, served by the running app's own event loop.

    (A test client used outside ``with`` starts an event loop per request: slow, and not
    the loop the app's live hub runs on.)
    """
    phone = another_phone(client)
    phone.portal = client.portal
    return phone


def room_with_an_open_topic(client: TestClient) -> Event:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    return event


def another_room(client: TestClient, number: int) -> Event:
    """One more event with its first topic open, its console signed in: a short list again.

    Every screen reads the whole list of the open topic, so a long run moves on now and then.
    """
    with database(client).writing() as db:
        event = make_event(db, slug=f"hostile-{number}", title=f"Hostile input {number}")
        assert all(topic.questions is not None for s in event.segments for topic in s.topics)
    open_first_topic(client, event)
    facilitator(client, event)
    return event


def in_chunks(values: list[str], size: int = 60) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def speaker_who_has_spoken(client: TestClient, event: Event, name: str) -> tuple[TestClient, int]:
    """A phone whose turn is over, so it may log a summary; and the id of that turn."""
    phone = join(a_phone(client), event, name=name)
    assert phone.post(f"/e/{event.slug}/floor", data={"kind": "intervention"}).status_code == 200
    request_id = newest_request(client, event).id
    assert (
        as_console(client, f"/f/{event.slug}/floor/{request_id}/call", headers=HTMX).status_code
        == 200
    )
    assert as_console(client, f"/f/{event.slug}/floor/finish", headers=HTMX).status_code == 200
    return phone, request_id


def projector_page(client: TestClient, event: Event) -> Page:
    response = client.get(f"/projector/{event.slug}", params={"key": projector_key(event)})
    assert response.status_code == 200
    return Page(response.text)


def console_page(client: TestClient, event: Event) -> Page:
    response = client.get(f"/f/{event.slug}")
    assert response.status_code == 200
    return Page(response.text)


# Text typed on the phone: the join form ------------------------------------------------------


def test_every_value_in_every_field_of_the_join_form_is_stored_clean_and_shown_as_text(
    client: TestClient,
) -> None:
    """The whole corpus goes into name, organisation and country at once.

    One phone joins as each participant in turn.
    """
    event = room_with_an_open_topic(client)
    phone = join(a_phone(client), event, **BENIGN)
    ask_for_the_floor(client, event, newest_participant(client, event))
    # A second one waiting: the baseline console has the buttons that move a line too.
    join(a_phone(client), event, **BENIGN)
    ask_for_the_floor(client, event, newest_participant(client, event))
    # And one taken off the list: the baseline console has the list of those it may put back,
    # as every console after ``take_everyone_off_the_list`` has.
    join(a_phone(client), event, **BENIGN)
    ask_for_the_floor(client, event, newest_participant(client, event))
    with database(client).writing() as db:
        fresh = db.get(Event, event.id)
        assert fresh is not None
        latest = floor.waiting_list(db=db, topic_id=events.open_topic(db=db, event_id=event.id).id)
        floor.remove(db=db, event=fresh, request_id=latest[-1].id)
    baseline_phone = Page(phone.get(f"/e/{event.slug}").text)
    baseline_console = console_page(client, event)
    baseline_projector = projector_page(client, event)
    baseline_join = client.get(f"/j/{event.join_code}").text
    batch: list[Participant] = []  # on the list now, to look for on the shared screens

    def join_as(payload: str) -> None:
        expected = {field: stored_line(payload, field) for field in TEXT_FIELDS}
        refused = None in expected.values()
        before = snapshot(client, event) if refused else None
        data = {"code": event.join_code, **dict.fromkeys(TEXT_FIELDS, payload)}
        response = forget_joins(phone).post("/join", data=data, follow_redirects=False)
        assert response.status_code < 500, response.status_code
        if refused:
            assert response.status_code == 422, response.status_code
            assert snapshot(client, event) == before, "a refused join changed the event"
            if 0 < len(payload) <= LINE_FORM_MAX:  # the form is shown again, as typed
                for field in TEXT_FIELDS:
                    kept = f'name="{field}" value="{shown(payload)}"'
                    assert kept in response.text, f"{field} is not kept escaped"
                assert_not_echoed_raw(response.text, payload, baseline_join)
            return
        assert response.status_code == 303, response.status_code
        person = newest_participant(client, event)
        ask_for_the_floor(client, event, person)
        batch.append(person)
        stored = {field: getattr(person, field) for field in TEXT_FIELDS}
        assert stored == expected, f"stored {stored!r}"
        for value in stored.values():
            assert_printable(value)
        if any(ch in person.name + person.organisation for ch in ESCAPED):
            page = Page(phone.get(f"/e/{event.slug}").text)  # anything else shows as stored
            assert_shown_as_text(page, person.name, me_line(person), baseline_phone)

    def look_at_the_shared_screens() -> None:
        console, projector = console_page(client, event), projector_page(client, event)
        for person in batch:
            with problems.about(person.name):
                assert_speaker_shown(console, person, baseline_console)
                assert_speaker_shown(projector, person, baseline_projector)
        batch.clear()
        take_everyone_off_the_list(client, event)

    problems = Problems()
    for number, chunk in enumerate(in_chunks(CORPUS)):
        event = another_room(client, number)
        for payload in chunk:
            with problems.about(payload):
                join_as(payload)
            if len(batch) >= BATCH:
                look_at_the_shared_screens()
        look_at_the_shared_screens()
    problems.assert_none()


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_each_join_field_alone_refuses_or_stores_clean(client: TestClient, field: str) -> None:
    event = seeded_event(client)
    phone = a_phone(client)  # joins as each participant in turn
    problems = Problems()
    for payload in SUBSET:
        with problems.about(payload):
            before = snapshot(client, event)
            response = forget_joins(phone).post(
                "/join",
                data={"code": event.join_code, **BENIGN, field: payload},
                follow_redirects=False,
            )
            assert response.status_code < 500, response.status_code
            expected = stored_line(payload, field)
            if expected is None:
                assert response.status_code == 422, response.status_code
                assert snapshot(client, event) == before, "a refused join changed the event"
                if 0 < len(payload) <= LINE_FORM_MAX:  # the form is shown again, as typed
                    kept = f'name="{field}" value="{shown(payload)}"'
                    assert kept in response.text, "what was typed is not kept escaped"
                continue
            assert response.status_code == 303, response.status_code
            stored = getattr(newest_participant(client, event), field)
            assert stored == expected, f"stored {stored!r}"
            assert_printable(stored)
    problems.assert_none()


def test_an_actor_type_that_is_not_one_of_the_events_is_refused(client: TestClient) -> None:
    event = seeded_event(client)
    phone = a_phone(client)  # joins as each participant in turn
    known = ids_of(client, ActorType, event)
    problems = Problems()
    for payload in [*SUBSET, *map(str, sorted(known)), f" {min(known)} ", "424242", "0"]:
        with problems.about(payload):
            before = snapshot(client, event)
            response = forget_joins(phone).post(
                "/join",
                data={"code": event.join_code, "name": "Ana", "actor_type_id": payload},
                follow_redirects=False,
            )
            assert response.status_code < 500, response.status_code
            wanted = payload.strip()
            well_formed = len(payload) <= 20 and re.fullmatch("[0-9]{0,9}", wanted)
            if well_formed:
                expected = int(wanted) if wanted else None
                if expected is None or expected in known:
                    assert response.status_code == 303, response.status_code
                    assert newest_participant(client, event).actor_type_id == expected
                    continue
            assert response.status_code == (404 if well_formed else 422), response.status_code
            assert snapshot(client, event) == before
    problems.assert_none()


def code_with(event: Event, payload: str) -> str:
    """The event's code with whatever of the payload is not a letter or digit around it."""
    return event.join_code + "".join(ch for ch in payload if not ch.isalnum())[:40]


def test_a_hostile_join_code_finds_no_event_and_is_never_shown_as_markup(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    phone = a_phone(client)  # joins as each participant in turn
    baseline = client.get(f"/j/{event.join_code}").text
    baseline_markup = Page(baseline).markup
    problems = Problems()
    for payload in IN_ADDRESSES:
        for code in (payload, code_with(event, payload)):
            with problems.about(code):
                before = snapshot(client, event)
                for response in (
                    phone.get("/join", params={"code": code}, follow_redirects=False),
                    phone.get(f"/j/{quote(code, safe='')}", follow_redirects=False),
                ):
                    assert response.status_code < 500, response.status_code
                    assert response.status_code in (200, 303, 404, 422), response.status_code
                    if response.status_code == 303:  # the phone joined: on to its page
                        assert response.headers["location"] == f"/e/{event.slug}"
                        continue
                    assert_not_echoed_raw(response.text, code, baseline)
                    if response.status_code == 200 and code:
                        assert f'name="code" value="{shown(code)}"' in response.text
                        added = Page(response.text).markup - baseline_markup
                        assert not added, f"markup added: {sorted(added)}"
                posted = forget_joins(phone).post(
                    "/join", data={"code": code, "name": "Ana"}, follow_redirects=False
                )
                assert posted.status_code in (303, 404, 422), posted.status_code
                assert_not_echoed_raw(posted.text, code, baseline)
                if posted.status_code != 303:
                    assert snapshot(client, event) == before
    problems.assert_none()


# Text typed on the phone: the summary of one's turn ------------------------------------------


def test_every_value_as_a_summary_is_stored_clean_and_shown_as_text(client: TestClient) -> None:
    event = room_with_an_open_topic(client)
    speakers = [speaker_who_has_spoken(client, event, f"Speaker {n}") for n in range(BATCH)]
    phone, request_id = speakers[0]
    summary_address = f"/e/{event.slug}/floor/{request_id}/summary"
    response = phone.post(summary_address, data={"summary": "Dije algo."}, headers=HTMX)
    assert response.status_code == 200
    baseline_phone = Page(response.text)
    baseline_console = console_page(client, event)

    def log(phone: TestClient, request_id: int, payload: str) -> str | None:
        expected = stored_summary(payload)
        before = snapshot(client, event) if expected is None else None
        response = phone.post(
            f"/e/{event.slug}/floor/{request_id}/summary", data={"summary": payload}, headers=HTMX
        )
        assert response.status_code < 500, response.status_code
        if expected is None:
            assert response.status_code == 422, response.status_code
            assert snapshot(client, event) == before, "a refused summary changed the event"
            return None
        assert response.status_code == 200, response.status_code
        stored = request_of(client, request_id).summary
        assert stored == expected, f"stored {stored!r}"
        assert_printable(stored, multiline=True)
        textarea = f"required>{shown(expected)}</textarea>"
        assert_shown_as_text(Page(response.text), expected, textarea, baseline_phone)
        return expected

    problems = Problems()
    batch: list[str] = []
    for number, payload in enumerate(CORPUS, start=1):
        phone, request_id = speakers[number % BATCH]
        with problems.about(payload):
            summary = log(phone, request_id, payload)
            if summary is not None:
                batch.append(summary)
        if number % BATCH == 0 or number == len(CORPUS):  # each speaker has logged once
            console = console_page(client, event)
            for summary in batch:
                with problems.about(summary):
                    fragment = f"<blockquote>{shown(summary)}</blockquote>"
                    assert_shown_as_text(console, summary, fragment, baseline_console)
            batch.clear()
    problems.assert_none()


# The phone's request for the floor ------------------------------------------------------------


@pytest.mark.parametrize("field", ["kind", "question_ids"])
def test_a_hostile_request_for_the_floor_is_refused_or_queued_as_asked(
    client: TestClient, field: str
) -> None:
    event = room_with_an_open_topic(client)
    questions = open_topic_questions(client, event)
    phone = join(a_phone(client), event)  # joins again once on the list
    kinds = [kind.value for kind in TurnKind]
    problems = Problems()
    for payload in [*SUBSET, *kinds, *map(str, sorted(questions)), "424242", "-1"]:
        with problems.about(payload):
            if newest_request_of(client, newest_participant(client, event)) is not None:
                join(forget_joins(phone), event)  # someone new, not yet on the list
            before = snapshot(client, event)
            data = {"kind": payload} if field == "kind" else {"question_ids": [payload, payload]}
            response = phone.post(f"/e/{event.slug}/floor", data=data, headers=HTMX)
            assert response.status_code < 500, response.status_code
            if response.status_code >= 400:
                assert response.status_code == 422, response.status_code
                assert snapshot(client, event) == before, "a refused request changed the list"
                continue
            assert response.status_code == 200
            request = newest_request(client, event)
            assert request.status is TurnStatus.WAITING
            if field == "kind":
                assert payload in (*kinds, ""), f"accepted as {request.kind}"
                assert request.kind.value == (payload or TurnKind.INTERVENTION.value)
            else:
                chosen = {question.id for question in request.questions}
                assert chosen == {as_number(payload)} and chosen <= questions, f"chose {chosen}"
            assert "You are next" in response.text or "You are number" in response.text
    problems.assert_none()


# The console's forms -----------------------------------------------------------------------


def test_every_value_for_a_speaker_added_from_the_room_is_stored_clean_and_shown_as_text(
    client: TestClient,
) -> None:
    """The whole corpus goes into name, organisation and country at once.

    What is added shows on the console, the projector and in the audit log and its CSV.
    """
    event = room_with_an_open_topic(client)
    # Two waiting: the baseline console has the buttons that move a line too.
    client.post(f"/f/{event.slug}/floor/add", data={**BENIGN, "name": "Otra"}, headers=HTMX)
    # And one taken off the list: the console lists those it may put back from then on.
    added_then_removed = client.post(
        f"/f/{event.slug}/floor/add", data={**BENIGN, "name": "Tercera"}, headers=HTMX
    )
    removed = re.findall(r'id="request-(\d+)"', added_then_removed.text)[-1]
    client.post(f"/f/{event.slug}/floor/{removed}/remove", headers=HTMX)
    response = client.post(f"/f/{event.slug}/floor/add", data=BENIGN, headers=HTMX)
    assert response.status_code == 200
    baseline_console = Page(response.text)
    baseline_projector = projector_page(client, event)
    baseline_audit = Page(client.get(f"/f/{event.slug}/audit").text)
    added: list[tuple[Participant, int]] = []  # with the id of their turn
    batch: list[Participant] = []  # on the list now, to look for on the projector

    def add(payload: str) -> None:
        expected = {field: stored_line(payload, field) for field in TEXT_FIELDS}
        refused = None in expected.values()
        # Two payloads that clean to the same name and organisation are one person, whom the
        # list takes once.
        again = any(
            (p.name, p.organisation) == (expected["name"], expected["organisation"]) for p in batch
        )
        before = snapshot(client, event) if refused or again else None
        data = {**dict.fromkeys(TEXT_FIELDS, payload), "kind": "intervention"}
        response = client.post(f"/f/{event.slug}/floor/add", data=data, headers=HTMX)
        assert response.status_code < 500, response.status_code
        if refused or again:
            assert response.status_code == (422 if refused else 409), response.status_code
            assert snapshot(client, event) == before, "a refused speaker changed the event"
            return
        assert response.status_code == 200, response.status_code
        request = newest_request(client, event)
        person = request.participant
        added.append((person, request.id))
        batch.append(person)
        stored = {field: getattr(person, field) for field in TEXT_FIELDS}
        assert stored == expected, f"stored {stored!r}"
        assert person.from_the_room
        for value in stored.values():
            assert_printable(value)
        assert_speaker_shown(Page(response.text), person, baseline_console)

    def look_at_the_projector() -> None:
        projector = projector_page(client, event)
        for person in batch:
            with problems.about(person.name):
                assert_speaker_shown(projector, person, baseline_projector)
        batch.clear()
        take_everyone_off_the_list(client, event)

    def look_at_the_audit_log() -> None:
        log = Page(client.get(f"/f/{event.slug}/audit").text)
        rows = list(csv.reader(io.StringIO(client.get(f"/f/{event.slug}/audit.csv").text)))
        subjects = {row[3] for row in rows[1:]}
        for person, request_id in added:
            with problems.about(person.name):
                subject = f"{person.name} (request {request_id})"
                assert_shown_as_text(log, subject, f"<td>{shown(subject)}</td>", baseline_audit)
                as_json = json.dumps(person.name, ensure_ascii=False)
                assert shown(as_json) in log.text, "the name is not in the logged change"
                inert = f"'{subject}" if subject.startswith(FORMULA_STARTS) else subject
                assert inert in subjects, "the CSV does not name the speaker"
        for row in rows:
            with problems.about(row):
                assert not any(cell.startswith(FORMULA_STARTS) for cell in row), "a formula"
        added.clear()

    problems = Problems()
    for number, chunk in enumerate(in_chunks(CORPUS)):
        event = another_room(client, number)
        for payload in chunk:
            with problems.about(payload):
                add(payload)
            if len(batch) >= BATCH:
                look_at_the_projector()
        look_at_the_projector()
        look_at_the_audit_log()
    problems.assert_none()


@pytest.mark.parametrize("field", ["actor_type_id", "kind"])
def test_a_hostile_choice_for_a_speaker_from_the_room_is_refused_or_stored_as_chosen(
    client: TestClient, field: str
) -> None:
    event = room_with_an_open_topic(client)
    known_actor_types = ids_of(client, ActorType, event)
    problems = Problems()
    for number, payload in enumerate(SUBSET):
        if number % 10 == 0:
            take_everyone_off_the_list(client, event)
        with problems.about(payload):
            before = snapshot(client, event)
            response = client.post(
                f"/f/{event.slug}/floor/add", data={**BENIGN, field: payload}, headers=HTMX
            )
            assert response.status_code < 500, response.status_code
            if field == "kind":
                valid = payload in {kind.value for kind in TurnKind}
                expected: object = payload if valid else None
            else:
                wanted = payload.strip()
                expected = None if wanted or len(payload) > 20 else "none"
                if re.fullmatch("[0-9]{1,9}", wanted) and int(wanted) in known_actor_types:
                    expected = int(wanted) if len(payload) <= 20 else None
            if expected is None:
                unknown = field == "actor_type_id" and re.fullmatch("[0-9]{1,9}", wanted)
                unknown = unknown and len(payload) <= 20
                assert response.status_code == (404 if unknown else 422), response.status_code
                assert snapshot(client, event) == before, "a refused speaker changed the event"
                continue
            assert response.status_code == 200, response.status_code
            request = newest_request(client, event)
            person = request.participant
            stored = request.kind.value if field == "kind" else person.actor_type_id or "none"
            assert stored == expected, f"stored {stored!r}"
    problems.assert_none()


@pytest.mark.parametrize("of_a_segment", [False, True])
def test_a_hostile_speaking_time_is_refused_or_stays_in_bounds(
    client: TestClient, of_a_segment: bool
) -> None:
    event = room_with_an_open_topic(client)
    segment = min(ids_of(client, Segment, event))
    address = f"/f/{event.slug}" + (f"/segments/{segment}" if of_a_segment else "")
    extra = ["2:00", "120", "0:09", "60:01", "3601", "\u0661\u0662\u0660", "\uff11\uff12\uff10"]
    problems = Problems()
    for payload in [*SUBSET, *extra]:
        with problems.about(payload):
            before = snapshot(client, event)
            response = client.post(
                f"{address}/speaking-time", data={"speaking_time": payload}, headers=HTMX
            )
            assert response.status_code < 500, response.status_code
            if response.status_code >= 400:  # not a time
                assert response.status_code == 422, response.status_code
                assert snapshot(client, event) == before, "a refused time changed the event"
                continue
            assert response.status_code == 200
            assert payload.strip().isascii(), "digits of another script were read as a time"
            after = snapshot(client, event)
            times = [after["speaking_seconds"], *(s for _, s, _ in after["segments"] if s)]
            assert all(10 <= seconds <= 3600 for seconds in times), f"times {times}"
    problems.assert_none()


@pytest.mark.parametrize(
    ("action", "field"),
    [("/floor/list/close", "topic"), ("/topics/next", "topic"), ("/floor/next", "first")],
)
def test_a_hostile_value_for_what_an_action_depends_on_acts_on_nothing(
    client: TestClient, action: str, field: str
) -> None:
    event = room_with_an_open_topic(client)
    url = f"/f/{event.slug}{action}"
    drawn = form_fields(client.get(f"/f/{event.slug}").text, url)
    true = as_number(drawn[field])
    problems = Problems()
    for payload in [*SUBSET, "-1", "9" * 40, "1e3", "0"]:
        if true is not None and as_number(payload) == true:
            continue  # the value the console shows: a real click
        with problems.about(payload):
            before = snapshot(client, event)
            response = client.post(url, data={**drawn, field: payload}, headers=HTMX)
            assert response.status_code in (409, 422), response.status_code
            assert snapshot(client, event) == before, "a wrong dependency acted"
    problems.assert_none()


# Ids, slugs and keys in addresses ------------------------------------------------------------

ID_ADDRESSES = {
    "a request on the list": [
        f"/f/{{slug}}/floor/{{id}}/{action}"
        for action in ("call", "skip", "remove", "put-back", "up", "down")
    ],
    "the agenda": [
        f"/f/{{slug}}/{part}/{{id}}/{action}"
        for part in ("topics", "segments")
        for action in ("open", "close")
    ]
    + ["/f/{slug}/segments/{id}/speaking-time"],
    "one's own request": ["/e/{slug}/floor/{id}/withdraw"],
}


@pytest.mark.parametrize("addresses", ID_ADDRESSES.values(), ids=ID_ADDRESSES)
def test_a_bad_id_in_the_address_is_a_4xx_that_changes_nothing(
    client: TestClient, addresses: list[str]
) -> None:
    event = room_with_an_open_topic(client)
    join(client, event)  # the facilitator's browser is also a participant on the list
    client.post(f"/e/{event.slug}/floor", data={"kind": "reply"})
    before = snapshot(client, event)
    problems = Problems()
    for address in addresses:
        for bad in [*BAD_IDS, "424242", str(2**62)]:
            with problems.about((address, bad)):
                path = address.format(slug=event.slug, id=quote(bad, safe=""))
                response = client.post(path, headers=HTMX)
                assert 400 <= response.status_code < 500, response.status_code
        with problems.about(address):
            assert snapshot(client, event) == before, "a bad id changed the event"
    problems.assert_none()


SLUG_ADDRESSES: list[tuple[str, str]] = [
    ("GET", "/e/{slug}"),
    ("GET", "/f/{slug}"),
    ("GET", "/f/{slug}/audit.csv"),
    ("GET", "/projector/{slug}"),
    ("POST", "/e/{slug}/floor"),
    ("POST", "/f/{slug}/floor/add"),
]


def test_a_hostile_event_address_is_a_4xx_and_never_shown_as_markup(client: TestClient) -> None:
    event = room_with_an_open_topic(client)
    join(client, event)
    before = snapshot(client, event)
    baseline = client.get("/nothing/here").text
    problems = Problems()
    for payload in IN_ADDRESSES:
        for method, address in SLUG_ADDRESSES:
            if (method, address, payload) == ("GET", "/f/{slug}", ""):
                continue  # "/f/" is the list of events, a page of its own
            with problems.about((method, address, payload)):
                path = address.format(slug=quote(payload, safe=""))
                if method == "GET":
                    response = client.get(path)
                else:
                    response = client.post(path, data={"name": "Ana"}, headers=HTMX)
                assert 400 <= response.status_code < 500, response.status_code
                assert_not_echoed_raw(response.text, payload, baseline)
    assert snapshot(client, event) == before
    problems.assert_none()


NON_ASCII_KEYS = ["\u00e9" * 32, "\u0430" * 32, "k\u00eby", "\U0001f511", "\u202e" + "0" * 31]


def test_a_hostile_projector_key_is_refused_not_a_500(client: TestClient) -> None:
    event = seeded_event(client)
    stranger = a_phone(client)
    problems = Problems()
    for key in [*IN_ADDRESSES, *NON_ASCII_KEYS]:
        with problems.about(key):
            response = stranger.get(
                f"/projector/{event.slug}", params={"key": key}, follow_redirects=False
            )
            assert response.status_code in (403, 422), response.status_code
    problems.assert_none()


def test_a_hostile_sign_in_is_refused_and_never_sends_anyone_elsewhere(
    client: TestClient,
) -> None:
    ensure_account(client)
    problems = Problems()
    for payload in IN_ADDRESSES:
        with problems.about(payload):
            response = client.post(
                "/login",
                data={"username": payload, "password": payload, "next": payload},
                follow_redirects=False,
            )
            assert response.status_code in (401, 422), response.status_code
            assert "palabra_session" not in response.headers.get("set-cookie", "")
            signed_in = client.post(
                "/login",
                data={"username": "ana", "password": PASSWORD, "next": payload},
                follow_redirects=False,
            )
            assert signed_in.status_code in (303, 422), signed_in.status_code
            if signed_in.status_code == 303:
                target = signed_in.headers["location"]
                assert target.startswith("/") and not target.startswith(("//", "/\\"))
    problems.assert_none()


def test_a_hostile_key_for_the_projectors_socket_closes_it(client: TestClient) -> None:
    event = seeded_event(client)
    problems = Problems()
    for key in [*SUBSET[:10], *NON_ASCII_KEYS]:
        with problems.about(key):
            try:
                with client.websocket_connect(
                    f"/ws/projector/{event.slug}?key={quote(key, safe='')}"
                ) as socket:
                    socket.receive_text()
            except WebSocketDisconnect as closed:
                assert closed.code == 1008, closed.code
            except Exception as error:  # the app raised instead of closing the socket
                raise AssertionError(f"{type(error).__name__}: {error}") from None
            else:
                raise AssertionError("the socket was served")
    problems.assert_none()


# Headers and cookies ---------------------------------------------------------------------------


def header_safe(value: str) -> bool:
    return not any(ch in value for ch in "\r\n\x00") and len(value) <= 8000


def test_a_hostile_anti_forgery_token_is_refused_not_a_500(client: TestClient) -> None:
    event = seeded_event(client)
    before = snapshot(client, event)
    problems = Problems()
    tokens = [value for value in [*SUBSET, *NON_ASCII_KEYS] if header_safe(value)]
    for token in tokens:
        with problems.about(token):
            header = client.post(
                "/join",
                data={"code": event.join_code, "name": "Ana"},
                headers={HEADER: token.encode()},
                follow_redirects=False,
            )
            assert header.status_code == 403, f"as a header: {header.status_code}"
            saved = client.headers.pop(HEADER)
            try:
                field = client.post(
                    "/join",
                    data={"code": event.join_code, "name": "Ana", "csrf_token": token},
                    follow_redirects=False,
                )
            finally:
                client.headers[HEADER] = saved
            assert field.status_code == 403, f"as a form field: {field.status_code}"
    assert snapshot(client, event) == before
    problems.assert_none()


def test_hostile_cookies_are_nobody_not_a_500(client: TestClient) -> None:
    event = room_with_an_open_topic(client)
    before = snapshot(client, event)
    token = client.cookies[COOKIE]
    stranger = TestClient(client.app)  # no cookies at all, and no token of its own
    stranger.portal = client.portal
    problems = Problems()
    for value in [v for v in [*SUBSET, *NON_ASCII_KEYS] if header_safe(v)]:
        with problems.about(value):
            raw = value.encode()
            own = f"{COOKIE}={token}; ".encode()
            participant = own + f"palabra_participant_{event.id}=".encode() + raw
            page = stranger.get(
                f"/e/{event.slug}", headers={"cookie": participant}, follow_redirects=False
            )
            assert page.status_code == 303, f"phone page: {page.status_code}"
            asked = stranger.post(
                f"/e/{event.slug}/floor",
                headers={"cookie": participant, HEADER: token},
                follow_redirects=False,
            )
            assert asked.status_code == 401, f"request: {asked.status_code}"
            console = stranger.get(
                f"/f/{event.slug}",
                headers={"cookie": own + b"palabra_session=" + raw},
                follow_redirects=False,
            )
            assert console.status_code == 303, f"console: {console.status_code}"
            assert console.headers["location"].startswith("/login"), "console: not to sign in"
            forged = stranger.post(
                f"/f/{event.slug}/floor/list/close",
                headers={"cookie": f"{COOKIE}=".encode() + raw, HEADER: token},
            )
            assert forged.status_code == 403, f"anti-forgery cookie: {forged.status_code}"
    assert snapshot(client, event) == before
    problems.assert_none()


def test_a_hostile_referer_is_never_a_link_that_runs_script(client: TestClient) -> None:
    baseline = client.get("/e/no-such-event").text
    problems = Problems()
    for value in [v for v in SUBSET if header_safe(v)]:
        for referer in (value, f"http://evil.example/{value}", f"https://x/?q={value}"):
            with problems.about(referer):
                response = client.get("/e/no-such-event", headers={"referer": referer.encode()})
                assert response.status_code == 404
                # Starlette reads header bytes as Latin-1.
                seen = referer.encode().decode("latin-1")
                # The language chooser's links are this page's own address, never the referer's.
                page = re.sub(r'<nav class="languages".*?</nav>', "", response.text, flags=re.S)
                links = re.findall(r'<a href="([^"]*)"', page)
                assert all(link.startswith(("http://", "https://")) for link in links), links
                if links:
                    assert f'<a href="{shown(seen)}"' in response.text
                assert_not_echoed_raw(response.text, seen, baseline)
    problems.assert_none()


# Bodies: malformed, of the wrong type, oversized, incomplete, repeated -----------------------


@dataclass
class Room:
    client: TestClient
    event: Event
    phone: TestClient
    spoken: int  # the phone's turn that is over: it may log a summary


def room_with_a_turn_over(client: TestClient) -> Room:
    event = room_with_an_open_topic(client)
    phone, request_id = speaker_who_has_spoken(client, event, "Ana")
    another = join(a_phone(client), event, name="Bruno")
    another.post(f"/e/{event.slug}/floor", data={"kind": "reply"})  # someone waits
    return Room(client, event, phone, request_id)


@dataclass(frozen=True)
class Form:
    sender: TestClient
    path: str
    fields: dict[str, str]  # a good filling
    required: tuple[str, ...] = ()


FORMS: dict[str, Callable[[Room], Form]] = {
    "join": lambda r: Form(
        r.phone, "/join", {"code": r.event.join_code, "name": "Ana"}, ("code", "name")
    ),
    "request the floor": lambda r: Form(r.phone, f"/e/{r.event.slug}/floor", {"kind": "reply"}),
    "summary": lambda r: Form(
        r.phone,
        f"/e/{r.event.slug}/floor/{r.spoken}/summary",
        {"summary": "Dije algo."},
        ("summary",),
    ),
    "add a speaker": lambda r: Form(
        r.client, f"/f/{r.event.slug}/floor/add", {"name": "Carla", "kind": "reply"}, ("name",)
    ),
    "speaking time": lambda r: Form(
        r.client,
        f"/f/{r.event.slug}/speaking-time",
        {"speaking_time": "2:00"},
        ("speaking_time",),
    ),
    "a segment's speaking time": lambda r: Form(
        r.client,
        f"/f/{r.event.slug}/segments/{r.event.segments[0].id}/speaking-time",
        {"speaking_time": "2:00"},
        (),  # empty or left out: the segment takes the event's speaking time again
    ),
    "call the next speaker": lambda r: Form(r.client, f"/f/{r.event.slug}/floor/next", {}),
}

# Bodies that are not a form at all.
NOT_FORMS: dict[str, tuple[str | None, bytes]] = {
    "JSON": ("application/json", b'{"name": "Ana", "kind": "reply", "summary": "x"}'),
    "broken JSON": ("application/json", b'{"name": '),
    "plain text": ("text/plain", b"name=Ana&kind=reply&summary=x"),
    "XML": ("application/xml", b"<join><name>Ana</name></join>"),
    "no content type": (None, b"name=Ana&kind=reply&summary=x"),
    "bytes": ("application/octet-stream", b"\x00\xff" * 512),
    "multipart garbage": ("multipart/form-data; boundary=zzz", b"garbage"),
    "multipart without boundary": ("multipart/form-data", b"--x\r\n\r\n"),
}
# Bodies of a form type in which the form's fields cannot be found.
UNREADABLE_FORMS: dict[str, tuple[str | None, bytes]] = {
    "multipart cut short": (
        "multipart/form-data; boundary=b",
        b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nAna',
    ),
    "a form in UTF-16": (
        "application/x-www-form-urlencoded; charset=utf-16",
        "name=Ana&summary=x&code=x&speaking_time=2:00".encode("utf-16"),
    ),
}


def bad_bodies(form: Form) -> dict[str, dict[str, Any]]:
    """Bodies a form must refuse: not a form, too big, or without a field it needs."""
    huge, big = "A" * 5_000_000, "A" * 1_500_000  # the form parser stops at 1 MB a field
    raw = {**NOT_FORMS, **(UNREADABLE_FORMS if form.required else {})}
    bodies: dict[str, dict[str, Any]] = {
        name: {"content": body, "headers": {"content-type": content_type} if content_type else {}}
        for name, (content_type, body) in raw.items()
    }
    bodies["5 MB in each field"] = {"data": dict.fromkeys(form.fields or ["name"], huge)}
    bodies["1.5 MB more in an unknown field"] = {"data": {**form.fields, "padding": big}}
    bodies["1.5 MB in a part of multipart"] = {
        "files": {name: (None, big) for name in form.fields or {"name": ""}}
    }
    bodies["2,000 parts of multipart"] = {"files": [(f"f{n}", (None, "x")) for n in range(2000)]}
    for missing in form.required:
        rest = {name: value for name, value in form.fields.items() if name != missing}
        bodies[f"without {missing}"] = {"data": rest}
    return bodies


def queue_speakers_from_the_room(client: TestClient, event: Event, count: int) -> None:
    with database(client).writing() as db:
        for number in range(count):
            fresh = db.get(Event, event.id)
            assert fresh is not None
            floor.add_from_room(
                db=db,
                event=fresh,
                name=f"Delegate {number}",
                organisation="",
                actor_type_id=None,
                country="",
                kind=TurnKind.INTERVENTION,
            )


@pytest.mark.parametrize("name", FORMS)
def test_a_body_that_is_not_a_proper_form_is_refused_and_changes_nothing(
    client: TestClient, name: str
) -> None:
    room = room_with_a_turn_over(client)
    form = FORMS[name](room)
    bodies = bad_bodies(form)
    queue_speakers_from_the_room(client, room.event, len(bodies))  # someone to call each time
    problems = Problems()
    for label, body in bodies.items():
        with problems.about(label):
            before = snapshot(client, room.event)
            headers = {**HTMX, **body.pop("headers", {})}
            response = form.sender.post(form.path, headers=headers, follow_redirects=False, **body)
            assert 400 <= response.status_code < 500, response.status_code
            assert snapshot(client, room.event) == before, "the event changed"
    problems.assert_none()


MALFORMED_UTF8 = [
    b"%FF%FE",
    b"\xff\xfe",
    b"%C0%BCscript%C0%BE",
    b"%ED%A0%80",
    b"Ana%E2%80",
    b"Ana\xc3",
    b"%",
    b"%%%",
    b"%zz",
    b"\xe2\x80\xaeAna",
    b"%E2%80%AEAna",
    b"%00Ana",
    b"%3Cscript%3Ealert(1)%3C/script%3E%FF",
]


MALFORMED_FIELDS = {
    "join": "name",
    "summary": "summary",
    "add a speaker": "name",
    "request the floor": "kind",
    "speaking time": "speaking_time",
}


@pytest.mark.parametrize("form", MALFORMED_FIELDS)
def test_malformed_utf8_in_a_field_is_refused_or_stored_as_valid_clean_text(
    client: TestClient, form: str
) -> None:
    room = room_with_a_turn_over(client)
    chosen = FORMS[form](room)
    sender, path, fields = chosen.sender, chosen.path, chosen.fields
    field = MALFORMED_FIELDS[form]
    problems = Problems()
    for raw in MALFORMED_UTF8:
        if form == "add a speaker":  # each try is another person: the same one is listed once
            take_everyone_off_the_list(client, room.event)
        if form == "join":  # each try is another person: a joined phone stays who it was
            forget_joins(sender)
        with problems.about(raw):
            before = snapshot(client, room.event)
            others = "&".join(f"{k}={quote(v)}" for k, v in fields.items() if k != field)
            body = f"{others}&{field}=".encode() + raw
            response = sender.post(
                path,
                content=body,
                headers={**HTMX, "content-type": "application/x-www-form-urlencoded"},
                follow_redirects=False,
            )
            assert response.status_code < 500, response.status_code
            if response.status_code >= 400:
                assert response.status_code == 422, response.status_code
                assert snapshot(client, room.event) == before, "a refused body changed the event"
                continue
            assert field in ("name", "summary"), f"{field} accepted {response.status_code}"
            if form == "summary":
                stored = request_of(client, room.spoken).summary
                assert_printable(stored, multiline=True)
                textarea = f"required>{shown(stored)}</textarea>"
                assert textarea in response.text, "the summary is not shown escaped"
            else:
                stored = newest_participant(client, room.event).name
                assert_printable(stored)
                screen = "/e/" if form == "join" else "/f/"
                page = sender.get(f"{screen}{room.event.slug}")
                where = 'p class="me"' if form == "join" else 'span class="who"'
                assert f"<{where}>{shown(stored)}</" in page.text, "the name is not shown escaped"
    problems.assert_none()


@pytest.mark.parametrize("form", ["join", "summary", "add a speaker", "request the floor"])
def test_a_repeated_field_counts_once(client: TestClient, form: str) -> None:
    room = room_with_a_turn_over(client)
    chosen = FORMS[form](room)
    sender, path, fields = chosen.sender, chosen.path, chosen.fields
    field = {"join": "name", "summary": "summary", "add a speaker": "name"}.get(form, "kind")
    values = (
        ["reply", "point_of_order", "intervention"]
        if field == "kind"
        else ["Ana", "<script>alert(1)</script>", "\u202eBruno"]
    )
    body = "&".join(
        [*(f"{k}={quote(v)}" for k, v in fields.items() if k != field)]
        + [f"{field}={quote(v)}" for v in values]
    ).encode()
    response = sender.post(
        path,
        content=body,
        headers={**HTMX, "content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert response.status_code in (200, 303, 422), response.status_code
    if response.status_code == 422:
        return
    if field == "kind":
        stored: str = newest_request(client, room.event).kind.value
    elif field == "summary":
        stored = request_of(client, room.spoken).summary
    else:
        stored = newest_participant(client, room.event).name
    assert stored in {clean_line(v, limit=1000, field="x") for v in values}
    assert "<script>" not in response.text
