"""The record of the floor in a real browser: a turn given, paused and summarised is read back."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.screens import Devices
from tests.browser.test_room_in_chromium import (
    SPEAKER,
    SUMMARY,
    open_next_topic,
    request_the_floor,
)

ROOM_NOTE = "Habló por su red de ciudades."


def test_the_record_page_reads_back_the_turn_its_summaries_and_the_coverage(
    devices: Devices,
) -> None:
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
