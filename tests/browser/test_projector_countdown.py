"""The countdown on the projector says its state in words, not only in colour: running,
paused, the last 30 seconds and overtime each read differently, and the last 30 seconds and
overtime begin on the screen as the time passes, without a push."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.projector_room import SIZES, Room, open_projector

if TYPE_CHECKING:
    from tests.browser.conftest import Server

TIMEOUT_MS = 15_000


def words(page: Page) -> str:
    """What the countdown says besides its digits, as the screen shows it."""
    shown = page.locator("#projector-speaker .countdown-with-state").inner_text()
    return " ".join(re.sub(r"[\d:]", " ", shown).split())


def test_running_paused_last_seconds_and_overtime_read_differently(
    server: Server, browser: Browser, database_url: str
) -> None:
    room = Room(database_url)
    said: dict[str, str] = {}
    try:
        room.open_the_longest_topic_with_a_long_list()
        for state, change in [
            ("running", room.call_next),
            ("paused", room.pause),
            ("last 30 seconds", lambda: room.call_next(seconds_left=25)),
            ("overtime", lambda: room.call_next(seconds_left=-20)),
        ]:
            change()
            page = open_projector(browser, server.projector_url, SIZES[-1])
            said[state] = words(page)
            page.context.close()
    finally:
        room.close()
    assert len(set(said.values())) == len(said), said
    assert "Pausado" in said["paused"], said  # the projector reads the agenda's Spanish
    assert said["overtime"].startswith("+"), said


@pytest.mark.parametrize(
    ("seconds_left", "before", "after"),
    [(36, None, "when-warning"), (8, "when-warning", "when-overtime")],
    ids=["into the last 30 seconds", "into overtime"],
)
def test_the_state_changes_as_the_time_passes(
    server: Server,
    browser: Browser,
    database_url: str,
    seconds_left: int,
    before: str | None,
    after: str,
) -> None:
    room = Room(database_url)
    try:
        room.open_the_longest_topic_with_a_long_list()
        room.call_next(seconds_left=seconds_left)
    finally:
        room.close()
    page = open_projector(browser, server.projector_url, SIZES[-1])
    if before is not None:
        expect(page.locator(f"#projector-speaker .{before}")).to_be_visible()
    expect(page.locator(f"#projector-speaker .{after}")).to_be_hidden()
    expect(page.locator(f"#projector-speaker .{after}")).to_be_visible(timeout=TIMEOUT_MS)
    if before is not None:
        expect(page.locator(f"#projector-speaker .{before}")).to_be_hidden()
    page.context.close()
