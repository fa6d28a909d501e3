"""No interface text escapes translation: every screen, in each of its states, in a made-up
language whose catalogue wraps every message in ⟦…⟧.

The catalogue is generated from the messages extracted now, so a text that is not a message
(written straight into a template or a reply) is found, and so is one added since `make i18n`.
Outside the markers a screen may show only agenda and participant content (titles, questions,
names, organisations, codes…), numbers, times, punctuation and the name Palabra; records kept
as they were written (``translate="no"``) are not interface text.
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from html.parser import HTMLParser

import httpx
import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import Translations
from fastapi.testclient import TestClient
from sqlalchemy import select

from app import i18n, templating
from app.config import Settings
from app.db import Database
from app.main import create_app
from app.models import (
    Account,
    AuditEntry,
    Event,
    FloorRequest,
    GuidingQuestion,
    Participant,
    Role,
)
from app.routes import deps
from app.services import audit, events, sessions
from app.services import screens as room_reader
from tests.console import as_console
from tests.extraction import extracted
from tests.factories import at, make_account, make_scheduled_event
from tests.http.helpers import (
    HTMX,
    another_phone,
    ensure_account,
    join,
    projector_key,
    seeded_event,
    sign_in,
)
from tests.tokens import with_token

# Esperanto's code: a language Babel knows (plural rules, numbers, dates) with no catalogue here.
PSEUDO = "eo"
MARKED = re.compile(r"⟦[^⟦⟧]*⟧")
SHOWN_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "hx-confirm")
UNSHOWN_ELEMENTS = {"script", "style", "svg"}
VOID = {"meta", "link", "input", "br", "img", "hr", "source", "wbr"}
# Digits, punctuation, symbols and spaces: numbers, times, separators, arrows.
NO_WORDS = re.compile(r"[\W\d_]*")


def pseudo_catalogue() -> Translations:
    catalogue = Catalog(locale=PSEUDO)
    for message in extracted():
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            catalogue.add(message.id, tuple(f"⟦{i}⟧" for i in message.id))
        else:
            catalogue.add(message.id, f"⟦{message.id}⟧")
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return Translations(compiled)


@pytest.fixture
def pseudo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every answer in the pseudo language, however the language is chosen."""
    catalogue = pseudo_catalogue()
    monkeypatch.setattr(
        i18n, "extra_loaders", [lambda locale: catalogue if locale == PSEUDO else None]
    )
    chooser = deps.locale_for
    for module in [m for name, m in sys.modules.items() if name.startswith("app.")]:
        if getattr(module, "locale_for", None) is chooser:
            monkeypatch.setattr(module, "locale_for", lambda connection: PSEUDO)
    # Projectors read the languages the console set for them.
    monkeypatch.setattr(events, "projector_languages", lambda event: [PSEUDO])
    i18n.translations.cache_clear()
    templating.environment.cache_clear()
    yield
    i18n.translations.cache_clear()
    templating.environment.cache_clear()


class ShownText(HTMLParser):
    """The texts a person sees or hears: text nodes and the attributes read out or shown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.hidden_depth: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self.hidden_depth or tag in UNSHOWN_ELEMENTS or values.get("translate") == "no":
            if tag not in VOID:
                self.hidden_depth.append(tag)
            return
        self.texts += [v for k, v in attrs if k in SHOWN_ATTRIBUTES and v]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.hidden_depth:
            self.texts += [v for k, v in attrs if k in SHOWN_ATTRIBUTES and v]

    def handle_endtag(self, tag: str) -> None:
        if self.hidden_depth and self.hidden_depth[-1] == tag:
            self.hidden_depth.pop()

    def handle_data(self, data: str) -> None:
        if not self.hidden_depth and data.strip():
            self.texts.append(data)


def content_of(database: Database) -> list[str]:
    """Agenda and participant content, longest first (so a title is not cut by a word of it)."""
    with database.reading() as db:
        texts: set[str] = set()
        for event in db.scalars(select(Event)):
            texts |= {event.title, event.place or "", event.theme or "", event.join_code}
            texts |= {event.slug, event.projector_token}
            for segment in event.segments:
                texts |= {segment.title, segment.chair}
                texts |= {topic.title for topic in segment.topics}
            texts |= {pause.title for pause in event.breaks}
            texts |= {actor_type.name for actor_type in event.actor_types}
        texts |= set(db.scalars(select(GuidingQuestion.text)))
        for person in db.scalars(select(Participant)):
            texts |= {person.name, person.organisation or "", person.country or ""}
        texts |= {s or "" for s in db.scalars(select(FloorRequest.summary))}
        for account in db.scalars(select(Account)):
            texts |= {account.name, account.username}
        # What each action of the audit log was on, as recorded then, and the stable machine
        # names of the actions, shown beside what they are called.
        texts |= set(db.scalars(select(AuditEntry.subject)))
    texts |= set(audit.ACTIONS)
    return sorted((t for t in texts if t), key=len, reverse=True)


def untranslated(html: str, content: list[str]) -> list[str]:
    parser = ShownText()
    parser.feed(html)
    escaped = []
    for text in parser.texts:
        rest = text
        while MARKED.search(rest):
            rest = MARKED.sub(" ", rest)
        for known in content:
            rest = rest.replace(known, " ")
        rest = rest.replace("Palabra", " ")
        if not NO_WORDS.fullmatch(rest):
            escaped.append(text.strip())
    return escaped


class Screens:
    """Reads screens and records every text on them that was not translated."""

    def __init__(self, client: TestClient) -> None:
        self.database: Database = client.app.state.database  # type: ignore[attr-defined]
        self.escaped: dict[str, list[str]] = {}
        self.seen = 0

    def report(self) -> str:
        return "untranslated:\n" + "\n".join(f"{s}: {t}" for s, t in self.escaped.items())

    def check(self, state: str, response: httpx.Response) -> httpx.Response:
        assert response.headers["content-type"].startswith("text/html"), state
        assert "⟦" in response.text, f"{state}: not in the pseudo language"
        self.seen += 1
        found = untranslated(response.text, content_of(self.database))
        if found:
            self.escaped[state] = found
        return response

    def get(self, state: str, client: TestClient, url: str, **kwargs: object) -> httpx.Response:
        return self.check(state, client.get(url, **kwargs))  # type: ignore[arg-type]


def test_every_screen_in_every_state_is_translated(client: TestClient, pseudo: None) -> None:
    screens = Screens(client)
    # Before any event, and signed out.
    screens.get("home", client, "/")
    screens.get("login", client, "/login")
    refused = client.post("/login", data={"username": "nobody", "password": "wrong"})
    screens.check("login refused", refused)
    sign_in(client, ensure_account(client))
    console = client
    screens.get("events list, empty", console, "/f")

    event = seeded_event(client)
    base = f"/f/{event.slug}"
    projector = another_phone(client)
    shown = f"/projector/{event.slug}?key={projector_key(event)}"
    screens.get("events list", console, "/f")
    screens.get("console, nothing open", console, base)
    screens.get("projector, nothing open", projector, shown)

    phone = another_phone(client)
    screens.get("join form", phone, f"/join?code={event.join_code}")
    screens.get("join link", phone, f"/j/{event.join_code}")
    bad = phone.post("/join", data={"code": event.join_code, "name": " "})
    screens.check("join form refused", bad)
    join(phone, event, name="Beatriz Nascimento")
    mine = f"/e/{event.slug}"
    screens.get("phone, no topic open", phone, mine)

    topic = event.segments[0].topics[0]
    as_console(console, f"{base}/topics/{topic.id}/open")
    screens.get("console, topic open", console, base)
    screens.get("projector, topic open", projector, shown)
    screens.get("phone, topic open", phone, mine)

    question = topic.questions[0].id
    phone.post(f"{mine}/floor", data={"kind": "intervention", "question_ids": [question]})
    others = [join(another_phone(client), event, name=f"Persona {n}") for n in range(7)]
    for n, other in enumerate(others):
        other.post(f"{mine}/floor", data={"kind": ["reply", "good_practice"][n % 2]})
    screens.get("phone, waiting", phone, mine)
    screens.get("console, waiting list", console, base)
    screens.get("projector, waiting list and more", projector, shown)

    as_console(console, f"{base}/floor/next")
    screens.get("console, speaker", console, base)
    screens.get("projector, speaker", projector, shown)
    screens.get("phone, speaking", phone, mine)
    screens.get("phone, someone else speaking", others[0], mine)
    as_console(console, f"{base}/timer/start")
    screens.get("console, countdown running", console, base)

    as_console(console, f"{base}/floor/finish")
    screens.get("phone, finished with summary form", phone, mine)
    request_id = int(re.findall(r"/floor/(\d+)/summary", phone.get(mine).text)[0])
    phone.post(f"{mine}/floor/{request_id}/summary", data={"summary": "Acceso a la salud."})
    screens.get("phone, summary saved", phone, mine)

    waiting = [int(i) for i in re.findall(r'id="request-(\d+)"', console.get(base).text)]
    screens.get("phone, next", others[0], mine)
    others[0].post(f"{mine}/floor/{waiting[0]}/ready")
    screens.get("phone, next and ready", others[0], mine)
    screens.get("console, the next speaker ready", console, base)
    as_console(console, f"{base}/floor/{waiting[0]}/skip")
    as_console(console, f"{base}/floor/{waiting[1]}/remove")
    screens.get("phone, taken off the list", others[1], mine)
    as_console(console, f"{base}/floor/list/close")
    screens.get("console, list closed, skipped and spoken", console, base)
    screens.get("projector, list closed", projector, shown)
    screens.get("phone, list closed", phone, mine)
    as_console(console, f"{base}/floor/{waiting[2]}/call")
    screens.get("projector, speaker called out of turn", projector, shown)

    screens.get("audit log", console, f"{base}/audit")

    with screens.database.writing() as db:
        account = db.scalar(select(Account))
        assert account is not None
        secret = sessions.new_link(db=db, account=account)
    screens.get("one-time sign-in link", phone, f"/login/link/{secret}")
    screens.get("one-time sign-in link, not valid", phone, "/login/link/" + "x" * 43)

    # The record, its turns tagged, and a tag refused, kept as typed with what to fix.
    record_page = f"{base}/record"
    turn_id = int(re.findall(r'id="turn-(\d+)"', console.get(record_page).text)[0])
    tagging = f"{record_page}/turns/{turn_id}"
    console.post(f"{tagging}/good-practices", data={"title": "Casas", "country": "Perú"})
    commitment = {"what": "Abrir cupos", "by_whom": "Chile", "pledge": "GRF-01234"}
    console.post(f"{tagging}/commitments", data=commitment)
    screens.get("record, tagged", console, record_page)
    screens.get("record, its live panels with new turns", console, f"{record_page}/panels?seen=0")
    refused_tag = console.post(f"{tagging}/commitments", data={**commitment, "pledge": "<>"})
    screens.check("record, a tag refused", refused_tag)
    rapporteur = another_phone(client)
    with screens.database.writing() as db:
        make_account(db, username="rui", name="Rui", role=Role.RAPPORTEUR)
    sign_in(rapporteur, "rui")
    screens.get("events list, a rapporteur's", rapporteur, "/f")
    screens.get("403, a rapporteur on the console", rapporteur, base)

    # A domain error's flash, as htmx shows it, on the console and the phone.
    stale = console.post(f"{base}/floor/next", data={}, headers=HTMX)
    screens.check("console flash: the room changed", stale)
    closed = phone.post(f"{mine}/floor", data={"kind": "intervention"}, headers=HTMX)
    screens.check("phone flash: list closed", closed)
    invalid = console.post(f"{base}/speaking-time", data={"speaking_time": "99:99"}, headers=HTMX)
    screens.check("console flash: invalid input", invalid)

    # Error pages.
    screens.get("404", client, "/nothing-here")
    screens.get("404, no such event", console, "/f/no-such-event")
    screens.get("401, not joined", another_phone(client), mine)
    screens.check("401, signed out", with_token(TestClient(client.app)).post(f"{base}/floor/next"))
    screens.get("403, wrong projector key", projector, f"/projector/{event.slug}?key=wrong")
    screens.check("405", client.put("/"))
    screens.get("422", console, f"{base}/floor/x/call")
    assert screens.escaped == {}, screens.report()
    assert screens.seen >= 40


def test_the_schedule_is_translated(
    client: TestClient, pseudo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console's time panel (late, a list that does not fit) and its agenda with a break,
    and the calm projector saying what comes next, then during the break."""
    screens = Screens(client)
    sign_in(client, ensure_account(client))
    with screens.database.writing() as db:
        event = make_scheduled_event(db, time_zone="America/Sao_Paulo", slug="scheduled")
        assert all(segment.topics for segment in event.segments)
    base = f"/f/{event.slug}"
    projector = another_phone(client)
    shown = f"/projector/{event.slug}?key={projector_key(event)}"
    monkeypatch.setattr(room_reader, "utcnow", lambda: at(3 * 3600 + 57 * 60))
    topic = event.segments[0].topics[0]
    as_console(client, f"{base}/topics/{topic.id}/open")
    for n in range(14):
        phone = join(another_phone(client), event, name=f"Persona {n}")
        phone.post(f"/e/{event.slug}/floor", data={"kind": "intervention"})
    screens.get("console, late, the list not fitting", client, base)
    screens.get("projector, what comes next", projector, shown)
    as_console(client, f"{base}/segments/{event.segments[0].id}/close")
    monkeypatch.setattr(room_reader, "utcnow", lambda: at(4 * 3600 + 40 * 60))
    screens.get("console, on a break", client, base)
    screens.get("projector, on a break", projector, shown)
    assert screens.escaped == {}, screens.report()


def test_a_refusal_for_too_many_tries_is_translated(settings: Settings, pseudo: None) -> None:
    limited = settings.model_copy(update={"rate_login_per_address": "1/minute"})
    with TestClient(create_app(limited)) as client:
        screens = Screens(with_token(client))
        client.post("/login", data={"username": "nobody", "password": "wrong"})
        refused = client.post("/login", data={"username": "nobody", "password": "wrong"})
        assert refused.status_code == 429
        screens.check("429", refused)
        assert screens.escaped == {}, screens.report()


def test_the_public_summary_and_its_consent_are_translated(
    client: TestClient, pseudo: None
) -> None:
    screens = Screens(client)
    sign_in(client, ensure_account(client))
    event = seeded_event(client)
    base = f"/f/{event.slug}"
    as_console(client, f"{base}/topics/{event.segments[0].topics[0].id}/open")
    named, unnamed = another_phone(client), another_phone(client)
    join(named, event, name="Beatriz Nascimento", publish_name="yes")
    join(unnamed, event, name="Ximena Quispe")
    screens.check(
        "phone, consent saved",
        unnamed.post(f"/e/{event.slug}/name-consent", data={}, headers=HTMX),
    )
    for phone in (named, unnamed):
        phone.post(f"/e/{event.slug}/floor", data={"kind": "intervention"})
        as_console(client, f"{base}/floor/next")
        as_console(client, f"{base}/floor/finish")
    reader = another_phone(client)
    screens.get("public summary, not published", reader, f"/e/{event.slug}/summary")
    screens.get("record, summary not published", client, f"{base}/record")
    client.post(f"{base}/summary/publish")
    screens.get("record, summary published", client, f"{base}/record")
    screens.get("public summary", reader, f"/e/{event.slug}/summary")
    assert screens.escaped == {}, screens.report()
