"""The server restarts while every screen is open: each reconnects by itself and follows on."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.screens import (
    BrowserLog,
    Devices,
    Participant,
    not_reloaded,
    topic_titles,
    wait_for_socket,
    words,
)

LANGUAGE = "en"
# The sockets retry with a growing, random delay: a few seconds of downtime may cost 20 s.
RECONNECTED_WITHIN_MS = 30_000
SPEAKER = Participant("Amina Diallo", "ACNUR", "Panamá")


def test_every_screen_reconnects_after_a_restart_and_shows_what_changed(
    devices: Devices, browser_log: BrowserLog
) -> None:
    console = devices.facilitator()
    console.get_by_role("button", name="Next topic").click()
    expect(console.locator("#fac-floor")).to_contain_text(topic_titles(LANGUAGE)[0])
    projector = devices.projector()
    phone = devices.phone(SPEAKER, language=LANGUAGE)
    phone.get_by_role("button", name=words(LANGUAGE, "Request the floor")).click()
    expect(console.locator("#fac-floor")).to_contain_text(SPEAKER.name)
    screens = {"console": console, "projector": projector, "phone": phone}
    for page in screens.values():
        page.evaluate("() => { window.__wsOpen = false; }")

    devices.server.restart()
    # While the server is down the sockets fail (Chromium says so, and htmx logs the socket's
    # error event as "[object Event]"): that is the point of the test.
    browser_log.allow(
        r"WebSocket connection to .* failed|ERR_CONNECTION_REFUSED|^\[object Event\]$"
    )

    console.get_by_role("button", name="Call next speaker").click(timeout=RECONNECTED_WITHIN_MS)
    for name, page in screens.items():
        wait_for_socket(page, timeout_ms=RECONNECTED_WITHIN_MS)
        assert not_reloaded(page), f"the {name} was reloaded"
    expect(phone.locator("#p-my-turn")).to_contain_text(words(LANGUAGE, "You have the floor"))
    expect(projector.locator("#projector-speaker")).to_contain_text(SPEAKER.name)

    console.get_by_role("button", name="Finished").click()
    expect(phone.locator("#p-my-turn")).to_contain_text(
        words(LANGUAGE, "Thank you for your intervention")
    )
    expect(projector.locator("#projector-speaker")).to_contain_text(
        words("es", "Waiting for the next speaker")
    )
