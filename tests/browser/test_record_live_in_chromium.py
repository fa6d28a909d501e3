"""The record page, left open in a real browser while the room goes on: its live panels and a
notice of the new turns come by themselves, and what the rapporteur types stays as typed."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.screens import BrowserLog, Devices, Participant, assert_accessible
from tests.browser.test_room_in_chromium import SPEAKER, open_next_topic, request_the_floor

SECOND = Participant(name="Rosa Quispe", organisation="Defensoría del Pueblo", country="Perú")
TYPED = "Red de ciudades solid"

# What a browser does when its tab goes to the background.
HIDE = """() => {
  Object.defineProperty(document, "hidden", { value: true });
  Object.defineProperty(document, "visibilityState", { value: "hidden" });
  document.dispatchEvent(new Event("visibilitychange"));
}"""

# The panels are asked for every 10 s; a poll, its answer and the swap within two more.
POLLED_MS = 12_500


def test_the_open_record_shows_a_new_turn_without_touching_a_form_being_typed_in(
    devices: Devices, browser_log: BrowserLog
) -> None:
    console = devices.facilitator()
    open_next_topic(console)
    speaks(SPEAKER, devices.phone(SPEAKER), console)

    record = devices.facilitator(device="rapporteur")
    record.goto(f"{devices.server.facilitator_url}/record")
    first_question = record.locator(".coverage tbody tr:not(.record-topic)").first
    expect(first_question.locator("td").first).to_have_text("1")
    expect(record.locator("#record-new-turns")).to_be_empty()
    turn = record.locator(".record-turns li").first
    turn.get_by_text("Tag this turn").click()
    title = turn.get_by_label("Short title")
    title.fill(TYPED)
    expect(title).to_be_focused()
    drawn_at = title.bounding_box()

    speaks(SECOND, devices.phone(SECOND, device="second-phone"), console)

    expect(first_question.locator("td").first).to_have_text("2", timeout=POLLED_MS)
    notice = record.get_by_role("link", name="1 new turn — show it")
    expect(notice).to_be_visible(timeout=POLLED_MS)
    # The form is where it was, open, as typed, and still has the focus and the caret.
    expect(title).to_have_value(TYPED)
    expect(title).to_be_focused()
    now_at = title.bounding_box()
    assert drawn_at and now_at and abs(now_at["y"] - drawn_at["y"]) < 1  # scrolled by subpixels
    record.keyboard.type("arias")
    expect(title).to_have_value(TYPED + "arias")
    assert_accessible(record, where="the record with its panels refreshed and a notice")

    notice.click()
    expect(record.locator(".record-turns li")).to_have_count(2)
    expect(record.locator("#record-new-turns")).to_be_empty()

    # A hidden tab asks for nothing.
    asked: list[str] = []
    record.on("request", lambda request: asked.append(request.url))
    record.evaluate(HIDE)
    record.wait_for_timeout(POLLED_MS)
    assert not [url for url in asked if "/record/panels" in url]


def speaks(participant: Participant, phone: Page, console: Page) -> None:
    """The phone asks for the floor; the console, once it shows the request, gives the floor
    and ends the turn."""
    request_the_floor(phone)
    expect(console.locator("#fac-floor .queue")).to_contain_text(participant.name)
    console.get_by_role("button", name="Call next speaker").click()
    expect(phone.locator("#p-my-turn")).to_contain_text("You have the floor")
    console.get_by_role("button", name="Finished").click()
    expect(phone.locator("#p-my-turn")).not_to_contain_text("You have the floor")
