"""Told "You are next" on the phone (issue 12): a state of its own, the page's title, one
vibration, and an "I'm ready" the console shows on the waiting line."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.screens import TIMEOUT_MS, BrowserLog, Devices, Participant, assert_accessible

# navigator.vibrate, recorded: the page calls this instead of the phone's motor.
RECORD_VIBRATIONS = """
window.__vibrations = [];
navigator.vibrate = function (pattern) { window.__vibrations.push(pattern); return true; };
"""
READY = "I\u2019m ready"


def vibrations(phone: Page) -> int:
    return int(phone.evaluate("window.__vibrations.length"))


def request_the_floor(phone: Page, told: str) -> None:
    phone.get_by_role("button", name="Request the floor").click()
    expect(phone.locator("#p-my-turn")).to_contain_text(told, timeout=TIMEOUT_MS)


def test_a_phone_that_becomes_first_is_told_it_is_next_and_says_it_is_ready(
    devices: Devices, browser_log: BrowserLog
) -> None:
    console = devices.facilitator()
    console.get_by_role("button", name="Next topic").click()
    first = devices.phone(Participant(name="Bo Lindqvist"), device="phone-first")
    request_the_floor(first, "You are next")
    phone = devices.phone(
        Participant(name="Ana Souza"),
        device="phone-second",
        before_sending=lambda page: page.add_init_script(RECORD_VIBRATIONS),
    )
    request_the_floor(phone, "You are number 2 on the list")
    title = phone.title()
    console.get_by_role("button", name="Call next speaker").click()
    expect(first.locator("#p-my-turn")).to_contain_text("You have the floor")
    assert vibrations(phone) == 0, "the second on the list was told it is next"

    console.get_by_role("button", name="Finished").click()

    card = phone.locator("#p-my-turn .is-next")
    expect(card).to_contain_text("You are next")
    expect(phone).to_have_title(f"You are next — {title}")
    ready = phone.get_by_role("button", name=READY)
    box = ready.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 640, "not in the first screenful"
    assert vibrations(phone) == 1
    assert_accessible(phone, where="phone, next: ")

    ready.click()

    line = console.locator("#fac-floor .queue tbody tr").first
    expect(line).to_contain_text("Ana Souza")
    expect(line.locator(".tag-ready")).to_have_text("ready")
    expect(phone.locator("#p-my-turn")).to_contain_text("The facilitator sees that you are ready.")
    expect(phone.get_by_role("button", name=READY)).to_have_count(0)
    assert vibrations(phone) == 1, "a later push vibrated again"
    assert_accessible(phone, where="phone, next and ready: ")
    assert_accessible(console, where="console, a speaker ready: ")

    console.get_by_role("button", name="Call next speaker").click()
    expect(phone.locator("#p-my-turn")).to_contain_text("You have the floor")
    expect(phone).to_have_title(title)
    browser_log.assert_clean()
