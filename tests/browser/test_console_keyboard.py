"""The facilitator's console in Chromium, run from the keyboard at 1366 by 768: a skip link and
"Call next speaker" within the first Tab stops, shortcuts that never fire while typing, the
question a move of the agenda asks, and the list, clock and "Add a speaker" in view."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.screens import Devices, assert_accessible, sign_in

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
    """Once the socket's snapshot (one message: the clock and every region) is swapped in."""
    page.wait_for_function("() => window.__socketMessages >= 1")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def console(devices: Devices) -> Page:
    """A signed-in console at 1366 by 768 with the first topic open, its socket's snapshot
    in. (Errors any page logs fail the test: tests/browser/conftest.py.)"""
    context = devices.context("console", viewport=LAPTOP)
    context.add_init_script(COUNT_SOCKET_MESSAGES)
    page = context.new_page()
    sign_in(page, devices.server)
    settled(page)
    assert_accessible(page, where="console, nothing open")
    page.get_by_role("button", name="Next topic").click()
    expect(page.locator("#fac-floor .open-topic")).not_to_be_empty()
    return page


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
    console: Page,
) -> None:
    page = console
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


def test_shortcuts_run_the_clock_and_never_fire_while_typing(
    console: Page,
) -> None:
    page = console
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
    assert_accessible(page, where="console, a speaker with the clock running")


def test_next_topic_asks_first_and_the_question_works_from_the_keyboard(
    console: Page,
) -> None:
    page = console
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
    expect(dialog.get_by_role("button", name="Yes, next topic")).to_be_focused()
    assert_accessible(page, where="console, asking before the next topic")
    page.keyboard.press("n")  # a shortcut does not act behind the question
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(next_topic).to_be_focused()
    expect(page.locator("#fac-floor .open-topic")).to_have_text(topic)
    expect(page.locator("#fac-floor .speaker .who")).to_have_text(SPEAKERS[0])

    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Yes, next topic")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#fac-floor .open-topic")).not_to_have_text(topic)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#fac-floor p.speaker")).to_have_text("Nobody has the floor.")


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
    console: Page,
) -> None:
    page = console
    for name in SPEAKERS:
        add_from_the_room(page, name)
    page.locator("#fac-floor").focus()
    page.keyboard.press("n")
    expect(page.locator("#fac-floor .queue tbody tr")).to_have_count(6)
    page.evaluate("window.scrollTo(0, 0)")
    assert_accessible(page, where="console, six waiting")
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    for selector in ("#fac-floor [data-countdown]", "#fac-floor .queue",
                     "#fac-add-speaker h2", "#fac-add-speaker button",
                     "#fac-presence"):  # fmt: skip
        assert in_view(page, selector), selector


def test_a_skip_and_a_removal_show_their_undo_and_the_audit_log_reads(console: Page) -> None:
    page = console
    for name in SPEAKERS[:3]:
        add_from_the_room(page, name)
    row = page.locator("#fac-floor .queue tbody tr")
    row.filter(has_text=SPEAKERS[0]).get_by_role("button", name="Skip").click()
    expect(page.locator("#fac-floor .taken-off")).to_contain_text(f"Skipped: {SPEAKERS[0]}")
    row.filter(has_text=SPEAKERS[1]).get_by_role("button", name="Remove").click()
    expect(page.locator("#fac-floor .taken-off")).to_contain_text(f"Removed: {SPEAKERS[1]}")
    assert_accessible(page, where="console, one skipped and one removed")
    page.get_by_role("button", name=f"Undo removing {SPEAKERS[1]}").click()
    expect(row.first).to_contain_text(SPEAKERS[1])
    page.get_by_role("button", name=f"Put back {SPEAKERS[0]}").click()
    expect(row.first).to_contain_text(SPEAKERS[0])
    expect(page.locator("#fac-floor .taken-off")).to_have_count(0)
    page.goto(page.url.split("#")[0] + "/audit")
    expect(page.locator("main")).to_contain_text("Undid a removal")
    assert_accessible(page, where="audit log")
