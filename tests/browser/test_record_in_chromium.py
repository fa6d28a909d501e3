"""The record of the floor in a real browser: a turn given, paused and summarised is read back."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from playwright.sync_api import BrowserContext, expect

from tests.browser.test_room_in_chromium import (
    SPEAKER,
    SUMMARY,
    TIMEOUT_MS,
    console_errors,
    contexts,
    join_and_request_the_floor,
    open_console_and_next_topic,
)

if TYPE_CHECKING:
    from tests.browser.conftest import Server

__all__ = ["console_errors", "contexts"]  # the fixtures this test shares with the room's

ROOM_NOTE = "Habló por su red de ciudades."


def test_the_record_page_reads_back_the_turn_its_summaries_and_the_coverage(
    server: Server, contexts: dict[str, BrowserContext], console_errors: list[str]
) -> None:
    console = open_console_and_next_topic(contexts["facilitator"], server)
    phone = join_and_request_the_floor(contexts["phone"], server)
    console.get_by_role("button", name="Call next speaker").click()
    expect(phone.locator("#p-my-turn")).to_contain_text("You have the floor", timeout=TIMEOUT_MS)
    console.get_by_role("button", name="Pause").click()
    expect(console.get_by_role("button", name="Resume")).to_be_visible(timeout=TIMEOUT_MS)
    console.get_by_role("button", name="Resume").click()
    expect(console.get_by_role("button", name="Pause")).to_be_visible(timeout=TIMEOUT_MS)
    console.get_by_role("button", name="Finished").click()
    phone.get_by_label("In a few lines, what did you say?").fill(SUMMARY)
    phone.get_by_role("button", name="Save my summary").click()
    expect(console.locator("#fac-floor .spoken")).to_contain_text(SUMMARY, timeout=TIMEOUT_MS)

    console.goto(f"{server.facilitator_url}/record")
    turn = console.locator(".record-turns li").first
    expect(turn).to_contain_text(SPEAKER)
    expect(turn).to_contain_text(SUMMARY)
    expect(turn).to_contain_text(re.compile(r"spoke for \d+:\d{2}"))
    # The phone chose the first guiding question: it is addressed, by one turn.
    first_question = console.locator(".coverage tbody tr:not(.record-topic)").first
    expect(first_question).not_to_have_class("unaddressed")
    expect(first_question.locator("td").first).to_have_text("1")

    turn.get_by_label("The record's summary of this turn").fill(ROOM_NOTE)
    turn.get_by_role("button", name="Save the record's summary").click()
    expect(console.locator(".record-turns li").first).to_contain_text(ROOM_NOTE)
    assert console_errors == []
