"""The record of the floor in a real browser: a turn given, paused and summarised is read back."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.screens import BrowserLog, Devices, assert_accessible
from tests.browser.test_room_in_chromium import (
    SPEAKER,
    SUMMARY,
    open_next_topic,
    request_the_floor,
)

ROOM_NOTE = "Habló por su red de ciudades."


def test_the_record_page_reads_back_the_turn_its_summaries_and_the_coverage(
    devices: Devices, browser_log: BrowserLog
) -> None:
    # The refused commitment below is answered 422 on purpose: the page says why, as typed.
    browser_log.allow(r"status of 422 \(Unprocessable Entity\)$")
    console = devices.facilitator()
    open_next_topic(console)
    phone = devices.phone(SPEAKER)
    request_the_floor(phone)
    console.get_by_role("button", name="Call next speaker").click()
    expect(phone.locator("#p-my-turn")).to_contain_text("You have the floor")
    console.get_by_role("button", name="Pause").click()
    expect(console.get_by_role("button", name="Resume")).to_be_visible()
    console.get_by_role("button", name="Resume").click()
    expect(console.get_by_role("button", name="Pause")).to_be_visible()
    console.get_by_role("button", name="Finished").click()
    phone.get_by_label("In a few lines, what did you say?").fill(SUMMARY)
    phone.get_by_role("button", name="Save my summary").click()
    expect(console.locator("#fac-floor .spoken")).to_contain_text(SUMMARY)

    console.goto(f"{devices.server.facilitator_url}/record")
    turn = console.locator(".record-turns li").first
    expect(turn).to_contain_text(SPEAKER.name)
    expect(turn).to_contain_text(SUMMARY)
    expect(turn).to_contain_text(re.compile(r"spoke for \d+:\d{2}"))
    # The phone chose the first guiding question: it is addressed, by one turn.
    first_question = console.locator(".coverage tbody tr:not(.record-topic)").first
    expect(first_question).not_to_have_class("unaddressed")
    expect(first_question.locator("td").first).to_have_text("1")

    turn.get_by_label("The record's summary of this turn").fill(ROOM_NOTE)
    turn.get_by_role("button", name="Save the record's summary").click()
    expect(console.locator(".record-turns li").first).to_contain_text(ROOM_NOTE)

    tag_the_turn(console)


def tag_the_turn(console: Page) -> None:
    """A good practice, a commitment (refused once, kept as typed) and a group in focus,
    tagged with the page's plain forms; then one taken off."""
    turn = console.locator(".record-turns li").first
    turn.get_by_text("Tag this turn").click()
    assert_accessible(console, where="the record with a turn's tag forms open")
    turn.get_by_label("Short title").fill("Red de ciudades solidarias")
    turn.get_by_label("Country (optional)").fill("Brasil")
    turn.get_by_role("button", name="Note the good practice").click()
    turn = console.locator(".record-turns li").first
    expect(turn.locator(".turn-tags")).to_contain_text("Good practice: Red de ciudades solidarias")

    turn.get_by_text("Tag this turn").click()
    turn.get_by_label("What is committed").fill("Abrir 500 cupos escolares")
    turn.get_by_label("By whom").fill("Alcaldía de Quito")
    turn.get_by_label("Global Refugee Forum pledge reference (optional)").fill("GRF <1234>")
    turn.get_by_role("button", name="Note the commitment").click()
    turn = console.locator(".record-turns li").first
    expect(turn.locator(".field-error")).to_contain_text("A pledge reference is one line")
    expect(turn.get_by_label("What is committed")).to_have_value("Abrir 500 cupos escolares")
    assert_accessible(console, where="the record with a refused commitment")
    turn.get_by_label("Global Refugee Forum pledge reference (optional)").fill("GRF-01234")
    turn.get_by_role("button", name="Note the commitment").click()
    turn = console.locator(".record-turns li").first
    expect(turn.locator(".turn-tags")).to_contain_text("GRF pledge GRF-01234")

    turn.get_by_text("Tag this turn").click()
    turn.get_by_role("button", name="Note the group in focus").click()
    tags = console.locator(".record-turns li").first.locator(".turn-tags li")
    expect(tags).to_have_count(3)
    tags.first.get_by_role("button", name="Remove tag").click()
    tags = console.locator(".record-turns li").first.locator(".turn-tags li")
    expect(tags).to_have_count(2)
    expect(tags.first).to_contain_text("Commitment: Abrir 500 cupos escolares")
    assert_accessible(console, where="the record with tags")
