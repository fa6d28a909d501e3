"""Each person reads in their language: their choice, else their browser's, else the event's."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from app.db import Database
from app.i18n import LANGUAGES, plural_message, translate
from app.language import accepted
from app.models import AuditEntry
from app.templating import environment
from tests.console import as_console
from tests.factories import make_event
from tests.http.helpers import (
    HTMX,
    another_phone,
    facilitator,
    join,
    open_first_topic,
    projector_key,
    seeded_event,
)


def page_language(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', html)
    assert found is not None
    return found[1]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("pt-BR,pt;q=0.9,en;q=0.5", "pt"),
        ("es-ES", "es"),
        ("fr-FR,fr;q=0.8", "fr"),
        ("en-GB", "en"),
        ("de-DE,de;q=0.9,fr;q=0.4", "fr"),
        ("de;q=1, pt;q=0.2, es;q=0.7", "es"),
        ("fr;q=0, pt", "pt"),
        ("*", None),
        ("de", None),
        ("", None),
        ("pt;q=x, es", "es"),
    ],
)
def test_the_browsers_languages_are_read_in_their_order_of_preference(
    header: str, expected: str | None
) -> None:
    assert accepted(header) == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_phone_reads_in_its_browsers_language(client: TestClient, language: str) -> None:
    event = seeded_event(client)
    phone = join(another_phone(client), event)
    page = phone.get(f"/e/{event.slug}", headers={"Accept-Language": f"{language};q=0.9"})
    assert page_language(page.text) == language


@pytest.mark.parametrize(
    "address", ["/e/{slug}", "/j/{code}", "/join?code={code}", "/", "/login?next=/f"]
)
def test_a_browser_asking_for_no_language_of_ours_reads_the_events(
    client: TestClient, address: str
) -> None:
    event = seeded_event(client)  # an agenda written in Spanish, the only one here
    phone = join(another_phone(client), event)
    page = phone.get(
        address.format(slug=event.slug, code=event.join_code), headers={"Accept-Language": "de"}
    )
    assert page_language(page.text) == "es"


def test_with_several_events_a_page_of_none_reads_the_default(client: TestClient) -> None:
    event = seeded_event(client)
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.writing() as db:
        make_event(db, slug="another-consultation", language="pt")
    assert page_language(client.get("/", headers={"Accept-Language": "de"}).text) == "en"
    joining = client.get(f"/j/{event.join_code}", headers={"Accept-Language": "de"})
    assert page_language(joining.text) == "es"


def test_a_page_tells_its_socket_its_language(client: TestClient) -> None:
    """A socket that reconnects later speaks its page's language, whatever another tab chose."""
    event = seeded_event(client)
    phone = join(another_phone(client), event)
    page = phone.get(f"/e/{event.slug}?lang=fr").text
    socket = re.search(r'ws-connect="([^"]+)"', page)
    assert socket is not None and "lang=fr" in socket[1]


def test_a_chosen_language_wins_over_the_browsers_and_is_remembered(client: TestClient) -> None:
    event = seeded_event(client)
    phone = join(another_phone(client), event)
    portuguese = {"Accept-Language": "pt-BR"}
    chosen = phone.get(f"/e/{event.slug}?lang=fr", headers=portuguese)
    assert page_language(chosen.text) == "fr"
    assert "palabra_lang=fr" in chosen.headers["set-cookie"]
    later = phone.get(f"/e/{event.slug}", headers=portuguese)
    assert page_language(later.text) == "fr"
    assert page_language(phone.get("/login", headers=portuguese).text) == "fr"


def test_an_unknown_language_choice_changes_nothing(client: TestClient) -> None:
    response = client.get("/login?lang=xx", headers={"Accept-Language": "es"})
    assert page_language(response.text) == "es"
    assert "palabra_lang" not in response.headers.get("set-cookie", "")


@pytest.mark.parametrize("screen", ["home", "login", "events", "console", "audit", "phone"])
def test_every_screen_offers_every_language_and_marks_the_one_shown(
    client: TestClient, screen: str
) -> None:
    event = seeded_event(client)
    phone = join(another_phone(client), event)
    facilitator(client, event)
    reader, address = {
        "home": (client, "/"),
        "login": (another_phone(client), "/login?next=/f"),
        "events": (client, "/f"),
        "console": (client, f"/f/{event.slug}"),
        "audit": (client, f"/f/{event.slug}/audit"),
        "phone": (phone, f"/e/{event.slug}"),
    }[screen]
    html = reader.get(address, headers={"Accept-Language": "pt"}).text
    chooser = re.search(r'<nav class="languages"[^>]*>(.*?)</nav>', html, re.S)
    assert chooser is not None, "no language chooser"
    link = r'<a href="([^"]+)" lang="(\w+)" hreflang="\w+" translate="no"( aria-current)?'
    links = re.findall(link, chooser[1])
    assert [code for _, code, _ in links] == list(LANGUAGES)
    assert [code for _, code, current in links if current] == ["pt"]
    path = address.split("?")[0]
    for href, code, _ in links:
        assert href.startswith(f"{path}?") and f"lang={code}" in href
        if "next=" in address:
            assert "next=%2Ff" in href, "the chooser lost where the page was going"


def test_the_projector_reads_in_the_languages_the_console_set(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    projector = another_phone(client)
    address = f"/projector/{event.slug}?key={projector_key(event)}"
    first = projector.get(address, headers={"Accept-Language": "fr"}).text
    assert page_language(first) == "es"  # the agenda's, whatever the browser says
    assert '<nav class="languages"' not in first
    assert "side-by-side" not in first

    setting = f"/f/{event.slug}/projector-languages"
    answer = client.post(setting, data={"language": "pt", "beside": "es"}, headers=HTMX)
    assert answer.status_code == 200
    shown = projector.get(address).text
    assert page_language(shown) == "pt"
    stage = shown.split('id="projector-stage"', 1)[1].split("</section>", 1)[0]
    assert "side-by-side" in shown
    assert re.findall(r'class="stage-language" lang="(\w+)"', stage) == ["pt", "es"]
    assert stage.count("Salud") == 2  # the topic, once in each column

    log = client.get(f"/f/{event.slug}/audit", headers={"Accept-Language": "en"}).text
    assert "Set the projector's languages" in log


@pytest.mark.parametrize(
    "choice",
    [{"language": "de"}, {"language": "pt", "beside": "de"}, {"language": ""}, {}],
)
def test_a_projector_language_palabra_does_not_offer_is_refused(
    client: TestClient, choice: dict[str, str]
) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    answer = client.post(f"/f/{event.slug}/projector-languages", data=choice, headers=HTMX)
    assert answer.status_code == 422
    assert as_console(client, f"/f/{event.slug}/topics/next", headers=HTMX).status_code == 200


NARROW = "\u202f"  # the narrow no-break space French groups digits with, English sets before AM


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("es", "16/5/24, 9:05:07"),
        ("pt", "16/05/2024 09:05:07"),
        ("en", f"5/16/24, 9:05:07{NARROW}AM"),
        ("fr", "16/05/2024 09:05:07"),
    ],
)
def test_the_audit_log_writes_its_times_as_the_readers_language_does(
    client: TestClient, language: str, written: str
) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.writing() as db:
        db.execute(update(AuditEntry).values(at=datetime(2024, 5, 16, 9, 5, 7, tzinfo=UTC)))
        db.commit()
    log = client.get(f"/f/{event.slug}/audit", headers={"Accept-Language": language}).text
    assert f'<time datetime="2024-05-16T09:05:07+00:00">{written}</time>' in log


@pytest.mark.parametrize(
    ("language", "written"), [("es", "1.200"), ("pt", "1.200"), ("en", "1,200"), ("fr", "1 200")]
)
def test_a_count_is_written_as_the_readers_language_writes_numbers(
    language: str, written: str
) -> None:
    written = written.replace(" ", NARROW)
    template = '{{ ngettext("{count} person waiting", "{count} people waiting", 1200) }}'
    assert environment(language).from_string(template).render().startswith(f"{written} ")
    wait = plural_message(
        "Too many tries. Please wait {count} second and try again.",
        "Too many tries. Please wait {count} seconds and try again.",
        1200,
    )
    assert f" {written} " in translate(language, wait)
