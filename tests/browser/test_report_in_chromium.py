"""The outcome report in a real browser: the turn given is in it, under its guiding question,
with the good practice the record notes of it, and the page passes axe-core on screen and as
printed, with no console error."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.screens import Devices, assert_accessible
from tests.browser.test_room_in_chromium import (
    SPEAKER,
    SUMMARY,
    open_next_topic,
    request_the_floor,
)


def test_the_report_shows_the_turn_under_its_question_and_prints_without_the_links(
    devices: Devices,
) -> None:
    console = devices.facilitator()
    open_next_topic(console)
    phone = devices.phone(SPEAKER)
    request_the_floor(phone)
    console.get_by_role("button", name="Call next speaker").click()
    expect(phone.locator("#p-my-turn")).to_contain_text("You have the floor")
    console.get_by_role("button", name="Finished").click()
    phone.get_by_label("In a few lines, what did you say?").fill(SUMMARY)
    phone.get_by_role("button", name="Save my summary").click()
    expect(console.locator("#fac-floor .spoken")).to_contain_text(SUMMARY)

    console.goto(f"{devices.server.facilitator_url}/record")
    turn = console.locator(".record-turns li").first
    turn.get_by_text("Tag this turn").click()
    turn.get_by_label("Short title").fill("Red de ciudades solidarias")
    turn.get_by_role("button", name="Note the good practice").click()
    expect(console.locator(".turn-tags").first).to_contain_text("Red de ciudades solidarias")
    console.get_by_role("link", name="Outcome report").click()
    expect(console.get_by_role("heading", level=1)).to_be_visible()
    # The phone chose the first guiding question: the turn is under it.
    first_question = console.locator(".report-segment h4").first
    expect(first_question).to_contain_text("Guiding question 1")
    turn = console.locator(".report-segment .report-turns").first
    expect(turn).to_contain_text(SPEAKER.name)
    expect(turn).to_contain_text(SUMMARY)
    # The segment's good practices: the one noted, with who presented it.
    practices = console.locator(".report-segment .report-outcomes").first
    expect(practices).to_contain_text("Red de ciudades solidarias")
    expect(practices).to_contain_text(SPEAKER.name)
    assert_accessible(console, where="report")
    # Drawing the PDF of the whole agenda takes a few seconds on a busy machine.
    with console.expect_download(timeout=60_000) as download:
        console.get_by_role("link", name="Download as PDF").click()
    assert download.value.suggested_filename == "cartagena40-brasilia-2024-report.pdf"

    console.emulate_media(media="print")
    expect(console.get_by_role("link", name="Download as PDF")).to_be_hidden()
    expect(console.locator(".languages")).to_be_hidden()
    assert_accessible(console, where="report, printed")
