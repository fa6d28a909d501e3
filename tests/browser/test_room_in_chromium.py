"""The room end to end in a real browser: phone, facilitator console and projector in step."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.screens import (
    TIMEOUT_MS,
    Devices,
    Participant,
    countdown_seconds,
    not_reloaded,
)

# Chromium reads English, so the console and the phone show the agenda's English working
# translation; the projector reads the agenda's own Spanish, as the console left it.
FIRST_TOPIC = "Programas de desarrollo de las comunidades de acogida"
FIRST_TOPIC_IN_ENGLISH = "Development programmes for host communities"
SPEAKER = Participant(
    name="María Pérez",
    organisation="Red de Ciudades Solidarias",
    country="Brasil",
    actor_type_key="local_authority",
)
SUMMARY = "Propuse planes de desarrollo con las comunidades de acogida."
COUNTDOWN_INTERVAL_MS = 2_500


def open_next_topic(console: Page) -> None:
    console.get_by_role("button", name="Next topic").click()
    expect(console.locator("#fac-floor .open-topic")).to_contain_text(
        FIRST_TOPIC_IN_ENGLISH, timeout=TIMEOUT_MS
    )


def request_the_floor(phone: Page) -> None:
    phone.locator("#p-my-turn .questions-choice summary").click()
    phone.locator("#p-my-turn input[name=question_ids]").first.check()
    phone.get_by_role("button", name="Request the floor").click()
    expect(phone.locator("#p-my-turn")).to_contain_text("You are next", timeout=TIMEOUT_MS)


def test_a_phones_request_reaches_the_projector_and_its_summary_the_console_live(
    devices: Devices,
) -> None:
    console = devices.facilitator()
    open_next_topic(console)
    projector = devices.projector()
    expect(projector.locator("#projector-stage")).to_contain_text(FIRST_TOPIC)
    phone = devices.phone(SPEAKER)
    request_the_floor(phone)

    expect(projector.locator("#projector-next")).to_contain_text(SPEAKER.name)

    console.get_by_role("button", name="Call next speaker").click()

    expect(projector.locator("#projector-speaker")).to_contain_text(SPEAKER.name)
    before = countdown_seconds(projector.locator("#projector-speaker"))
    projector.wait_for_timeout(COUNTDOWN_INTERVAL_MS)
    after = countdown_seconds(projector.locator("#projector-speaker"))
    assert 170 <= after < before <= 180, f"countdown went from {before} s to {after} s"
    assert before - after >= 1
    assert not_reloaded(projector), "the projector reloaded"

    expect(phone.locator("#p-my-turn")).to_contain_text("You have the floor")
    assert not_reloaded(phone), "the phone reloaded"

    console.get_by_role("button", name="Finished").click()
    expect(phone.locator("#p-my-turn")).to_contain_text("Thank you for your intervention")
    phone.get_by_label("In a few lines, what did you say?").fill(SUMMARY)
    phone.get_by_role("button", name="Save my summary").click()
    expect(console.locator("#fac-floor .spoken")).to_contain_text(SUMMARY)
    assert not_reloaded(phone), "the phone reloaded"
