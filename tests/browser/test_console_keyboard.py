"""The facilitator's console in Chromium, run from the keyboard at 1366 by 768: a skip link and
"Call next speaker" within the first Tab stops, shortcuts that never fire while typing, the
question a move of the agenda asks, and the list, clock and "Add a speaker" in view."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

if TYPE_CHECKING:
    from tests.browser.conftest import Server

TIMEOUT_MS = 10_000
LAPTOP: ViewportSize = {"width": 1366, "height": 768}
SPEAKERS = ["Ana Souza", "Bruno Lima", "Carla Díaz", "Dora Ruiz", "Eva Costa", "Fabio Mena",
            "Gloria Paz"]  # fmt: skip


# A socket that opens first sends the whole state of its view: its regions replace the
# page's own a moment after load. Keys pressed before that would act on regions about to go.
COUNT_SOCKET_MESSAGES = (
    "window.__socketMessages = 0; document.addEventListener('htmx:wsAfterMessage',"
    " () => { window.__socketMessages += 1; });"
)


def settled(page: Page) -> None:
    """Once the socket's snapshot has been swapped in."""
    page.wait_for_function("() => window.__socketMessages >= 4")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def console(browser: Browser, server: Server) -> Iterator[tuple[Page, list[str]]]:
    """A signed-in console at 1366 by 768 with the first topic open, and the errors it logs."""
    context = browser.new_context(viewport=LAPTOP)
    context.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    context.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    context.on("weberror", lambda error: errors.append(str(error.error)))
    context.add_init_script(COUNT_SOCKET_MESSAGES)
    page = context.new_page()
    page.goto(server.facilitator_url)
    page.get_by_label("Username").fill(server.username)
    page.get_by_label("Password").fill(server.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(server.facilitator_url)
    page.get_by_role("button", name="Next topic").click()
    expect(page.locator("#fac-floor .open-topic")).not_to_be_empty()
    try:
        yield page, errors
    finally:
        context.close()


def add_from_the_room(page: Page, name: str) -> None:
    field = page.locator("#fac-add-speaker").get_by_label("Name")
    field.fill(name)
    field.press("Enter")
    expect(page.locator("#fac-floor .queue")).to_contain_text(name)
    expect(field).to_have_value("")  # the form is reset once its answer is in


def focused(page: Page) -> str:
    """The focused element's accessible text: its aria-label, else its text."""
    return str(
        page.evaluate(
            "() => { const e = document.activeElement;"
            " return (e.getAttribute('aria-label') || e.textContent || '').trim(); }"
        )
    )


def test_call_next_is_one_skip_link_away_and_within_the_first_tab_stops(
    console: tuple[Page, list[str]],
) -> None:
    page, errors = console
    page.reload()
    settled(page)
    page.keyboard.press("Tab")
    assert focused(page) == "Skip to the list of speakers"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page).startswith("Call next speaker")

    page.goto(page.url.split("#")[0])
    settled(page)
    stops = []
    for _ in range(10):
        page.keyboard.press("Tab")
        stops.append(focused(page))
        if stops[-1].startswith("Call next speaker"):
            break
    assert stops[-1].startswith("Call next speaker"), stops
    assert len(stops) <= 8, stops
    assert errors == []


def test_shortcuts_run_the_clock_and_never_fire_while_typing(
    console: tuple[Page, list[str]],
) -> None:
    page, errors = console
    expect(page.locator(".shortcuts")).to_be_visible()
    for name in SPEAKERS[:2]:
        add_from_the_room(page, name)
    name_field = page.locator("#fac-add-speaker").get_by_label("Name")
    name_field.fill("")
    name_field.press("n")  # typing an "n" calls nobody
    expect(name_field).to_have_value("n")
    expect(page.locator("#fac-floor .speaker")).to_have_text("Nobody has the floor.")
    name_field.fill("")
    page.locator("#fac-floor").focus()

    page.keyboard.press("n")
    expect(page.locator("#fac-floor .speaker .who")).to_have_text(SPEAKERS[0])
    countdown = page.locator("#fac-floor [data-countdown]")
    expect(countdown).to_have_attribute("data-running", "true")
    page.keyboard.press("s")
    expect(countdown).to_have_attribute("data-running", "false")
    before = int(countdown.get_attribute("data-remaining-ms") or 0)
    page.keyboard.press("a")
    expect(countdown).not_to_have_attribute("data-remaining-ms", str(before))
    assert int(countdown.get_attribute("data-remaining-ms") or 0) == before + 30_000
    page.keyboard.press("s")
    expect(countdown).to_have_attribute("data-running", "true")
    page.keyboard.press("f")
    expect(page.locator("#fac-floor p.speaker")).to_have_text("Nobody has the floor.")
    page.keyboard.press("n")
    expect(page.locator("#fac-floor .speaker .who")).to_have_text(SPEAKERS[1])
    assert errors == []


def test_next_topic_asks_first_and_the_question_works_from_the_keyboard(
    console: tuple[Page, list[str]],
) -> None:
    page, errors = console
    for name in SPEAKERS[:5]:
        add_from_the_room(page, name)
    page.locator("#fac-floor").focus()
    page.keyboard.press("n")
    expect(page.locator("#fac-floor .speaker .who")).to_have_text(SPEAKERS[0])
    topic = page.locator("#fac-floor .open-topic").inner_text()

    next_topic = page.get_by_role("button", name="Next topic")
    next_topic.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"{SPEAKERS[0]}'s turn ends.")
    expect(dialog).to_contain_text("4 waiting requests stay on the closed topic.")
    assert focused(page) == "Yes, next topic"
    page.keyboard.press("n")  # a shortcut does not act behind the question
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert focused(page) == "Next topic"
    expect(page.locator("#fac-floor .open-topic")).to_have_text(topic)
    expect(page.locator("#fac-floor .speaker .who")).to_have_text(SPEAKERS[0])

    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("#fac-floor .open-topic")).not_to_have_text(topic)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#fac-floor p.speaker")).to_have_text("Nobody has the floor.")
    assert errors == []


def in_view(page: Page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not drawn"
    return (
        box["y"] >= 0
        and box["y"] + box["height"] <= LAPTOP["height"]
        and box["x"] >= 0
        and (box["x"] + box["width"] <= LAPTOP["width"])
    )


def test_at_1366_by_768_the_list_the_clock_and_adding_a_speaker_are_in_view_with_six_waiting(
    console: tuple[Page, list[str]],
) -> None:
    page, errors = console
    for name in SPEAKERS:
        add_from_the_room(page, name)
    page.locator("#fac-floor").focus()
    page.keyboard.press("n")
    expect(page.locator("#fac-floor .queue tbody tr")).to_have_count(6)
    page.evaluate("window.scrollTo(0, 0)")
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    for selector in ("#fac-floor [data-countdown]", "#fac-floor .queue",
                     "#fac-add-speaker h2", "#fac-add-speaker button",
                     "#fac-presence"):  # fmt: skip
        assert in_view(page, selector), selector
    assert errors == []
