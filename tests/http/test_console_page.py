"""The console's page as a keyboard and a screen reader meet it, and every htmx selector on
every screen finds what it names (a selector that finds nothing logs an error and leaves the
button live: a segment's speaking time had no button for "find button")."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from app.db import Database
from app.models import Event
from app.services import agenda
from app.services.agenda_file import AgendaSpec
from tests.console import as_console
from tests.factories import agenda_data
from tests.http.helpers import (
    HTMX,
    another_phone,
    facilitator,
    join,
    open_first_topic,
    projector_key,
    request_ids,
    seeded_event,
)

# The attributes whose value htmx reads as a selector of an element.
SELECTING = ("hx-disabled-elt", "hx-target", "hx-indicator", "hx-include")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element] = field(default_factory=list)

    def descendants(self) -> list[Element]:
        found = []
        for child in self.children:
            found += [child, *child.descendants()]
        return found

    def ancestors(self) -> list[Element]:
        return [self.parent, *self.parent.ancestors()] if self.parent else []

    def matches(self, selector: str) -> bool:
        """A compound selector of a tag, an #id, .classes and [attributes] (all htmx's
        selectors in these templates are of that kind)."""
        parts = re.findall(r"#[\w-]+|\.[\w-]+|\[[^\]]+\]|^[\w-]+", selector.strip())
        assert "".join(parts) == selector.strip(), f"selector {selector!r} not understood"
        for part in parts:
            if part.startswith("#") and self.attrs.get("id") != part[1:]:
                return False
            if part.startswith(".") and part[1:] not in self.attrs.get("class", "").split():
                return False
            if part.startswith("[") and part[1:-1].split("=")[0] not in self.attrs:
                return False
            if part[0].isalpha() and self.tag != part:
                return False
        return True


class Tree(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.root = Element("#document", {})
        self.current = self.root
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent


def unresolved(html: str) -> list[str]:
    """Every htmx selector of the page that finds nothing, as ``attribute="value"``."""
    root = Tree(html).root
    missing = []
    for element in root.descendants():
        for attribute in SELECTING:
            if attribute not in element.attrs:
                continue
            value = element.attrs[attribute]
            for selector in value.split(","):
                selector = selector.strip()
                if selector == "this":
                    continue
                if selector.startswith("find "):
                    pool = element.descendants()
                elif selector.startswith("closest "):
                    pool = [element, *element.ancestors()]
                else:
                    pool = root.descendants()
                wanted = selector.split(" ", 1)[1] if " " in selector else selector
                if selector.startswith(("find ", "closest ")):
                    wanted = selector.split(" ", 1)[1]
                if not any(e.matches(wanted) for e in pool):
                    missing.append(f'{attribute}="{value}" on <{element.tag}>')
    return missing


def ask(client: TestClient, event: Event, name: str) -> TestClient:
    phone = join(another_phone(client), event, name=name)
    phone.post(f"/e/{event.slug}/floor", data={"kind": "intervention", "question_ids": []})
    return phone


def a_busy_room(client: TestClient, event: Event | None = None) -> tuple[Event, TestClient]:
    """Ana speaking; Bruno spoke; Carla skipped, Dora removed; Eva and Fabio waiting."""
    event = event or seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    phone = ask(client, event, "Bruno")
    as_console(client, f"/f/{event.slug}/floor/next", headers=HTMX)
    for name in ("Ana", "Carla", "Dora", "Eva", "Fabio"):
        ask(client, event, name)
    as_console(client, f"/f/{event.slug}/floor/next", headers=HTMX)
    _, carla, dora, *_ = request_ids(client.get(f"/f/{event.slug}").text)
    client.post(f"/f/{event.slug}/floor/{carla}/skip", headers=HTMX)
    client.post(f"/f/{event.slug}/floor/{dora}/remove", headers=HTMX)
    return event, phone


def test_every_htmx_selector_on_every_screen_finds_its_element(client: TestClient) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    pages = {"an empty console": client.get(f"/f/{event.slug}").text}
    event, phone = a_busy_room(client, event)
    console = client.get(f"/f/{event.slug}").text
    pages["a busy console"] = console
    question = as_console(client, f"/f/{event.slug}/topics/next", headers=HTMX, confirm=False)
    pages["the question a move asks"] = question.text
    pages["the audit log"] = client.get(f"/f/{event.slug}/audit").text
    pages["a phone that spoke"] = phone.get(f"/e/{event.slug}").text
    pages["the join page"] = another_phone(client).get(f"/j/{event.join_code}").text
    pages["the projector"] = client.get(
        f"/projector/{event.slug}", params={"key": projector_key(event)}
    ).text
    assert 'hx-disabled-elt="find button"' in console
    assert {name: unresolved(html) for name, html in pages.items()} == {name: [] for name in pages}


def test_the_list_comes_first_the_agenda_last_with_a_skip_link_to_it(client: TestClient) -> None:
    event, _ = a_busy_room(client)
    page = client.get(f"/f/{event.slug}").text
    focusable = re.findall(r'<(?:a|button|summary|input(?! type="hidden")|select)\b[^>]*>', page)
    assert 'class="skip-link" href="#fac-floor"' in focusable[0]
    call_next = next(i for i, tag in enumerate(focusable) if 'data-shortcut="n"' in tag)
    assert call_next <= 8, focusable[: call_next + 1]
    assert page.index('id="fac-floor"') < page.index('id="fac-add-speaker"')
    assert page.index('id="fac-add-speaker"') < page.index('id="fac-agenda"')
    assert page.count("<main") == 1
    assert 'id="fac-floor" class="floor" aria-labelledby="fac-floor-title" tabindex="-1"' in page


def test_headings_go_down_one_level_at_a_time(client: TestClient) -> None:
    event, _ = a_busy_room(client)
    page = client.get(f"/f/{event.slug}").text
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", page)]
    assert levels[0] == 1
    assert all(later <= earlier + 1 for earlier, later in itertools.pairwise(levels))


def test_every_table_header_says_what_its_column_holds(client: TestClient) -> None:
    event, _ = a_busy_room(client)
    page = client.get(f"/f/{event.slug}").text
    headers = re.findall(r"<th\b[^>]*>(.*?)</th>", page, re.S)
    assert headers and all(re.sub(r"<[^>]+>", "", h).strip() for h in headers), headers


def test_the_shortcuts_are_named_on_their_buttons_and_in_a_legend(client: TestClient) -> None:
    event, _ = a_busy_room(client)
    page = client.get(f"/f/{event.slug}").text
    for key, label in (("n", "Call next speaker"), ("s", "Pause"), ("a", "+30 s"),
                       ("f", "Finished")):  # fmt: skip
        assert re.search(
            rf'data-shortcut="{key}" aria-keyshortcuts="{key.upper()}">{re.escape(label)} ', page
        ), key
    assert 'id="fac-shortcuts-title"' in page
    assert '<script src="/static/js/console.js" defer></script>' in page
    phone_page = another_phone(client).get(f"/j/{event.join_code}").text
    assert "console.js" not in phone_page


def test_the_console_shows_the_segments_framing_and_groups_in_focus(client: TestClient) -> None:
    data = agenda_data()
    data["segments"][0]["framing"] = "Las comunidades de acogida sostienen la protección."
    data["focus_groups"] = [
        {"key": "children", "name": "Niñas, niños y adolescentes"},
        {"key": "lgbtiq", "name": "Personas LGBTIQ+"},
    ]
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.writing() as db:
        event = agenda.load(db=db, spec=AgendaSpec.model_validate(data))
    open_first_topic(client, event)
    facilitator(client, event)
    page = client.get(f"/f/{event.slug}").text
    floor = page[page.index('id="fac-floor"') : page.index('id="fac-add-speaker"')]
    assert "Las comunidades de acogida sostienen la protección." in floor
    assert 'id="fac-framing"' in floor
    assert "Niñas, niños y adolescentes" in floor and "Personas LGBTIQ+" in floor
