"""The room end to end in a real browser: phone, facilitator console and projector in step."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

if TYPE_CHECKING:
    from tests.browser.conftest import Server

TIMEOUT_MS = 10_000
# Chromium reads English, so the console and the phone show the agenda's English working
# translation; the projector reads the agenda's own Spanish, as the console left it.
FIRST_TOPIC = "Programas de desarrollo de las comunidades de acogida"
FIRST_TOPIC_IN_ENGLISH = "Development programmes for host communities"
SPEAKER = "María Pérez"
ORGANISATION = "Red de Ciudades Solidarias"
COUNTRY = "Brasil"
SUMMARY = "Propuse planes de desarrollo con las comunidades de acogida."
ACTOR_TYPE = "Local authorities and municipalities"
PHONE_VIEWPORT: ViewportSize = {"width": 360, "height": 740}
PROJECTOR_VIEWPORT: ViewportSize = {"width": 1280, "height": 720}
COUNTDOWN_INTERVAL_MS = 2_500

# Runs in every projector page before its own scripts: remembers that the live socket opened.
RECORD_WS_OPEN = "document.addEventListener('htmx:wsOpen', () => { window.__wsOpen = true; });"


@pytest.fixture
def contexts(browser: Browser) -> Iterator[dict[str, BrowserContext]]:
    """One context per device, so each has its own cookies."""
    opened = {
        "facilitator": browser.new_context(),
        "phone": browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True),
        "projector": browser.new_context(viewport=PROJECTOR_VIEWPORT),
    }
    for context in opened.values():
        context.set_default_timeout(TIMEOUT_MS)
    try:
        yield opened
    finally:
        for context in opened.values():
            context.close()


@pytest.fixture
def console_errors(contexts: dict[str, BrowserContext]) -> list[str]:
    """Every error a page logs: a script failing, or the security policy blocking something."""
    errors: list[str] = []
    for name, context in contexts.items():
        context.on(
            "console",
            lambda message, name=name: (
                errors.append(f"{name}: {message.text}") if message.type == "error" else None
            ),
        )
        context.on("weberror", lambda error, name=name: errors.append(f"{name}: {error.error}"))
    return errors


def open_console_and_next_topic(context: BrowserContext, server: Server) -> Page:
    console = context.new_page()
    console.goto(server.facilitator_url)  # not signed in yet: to the sign-in page and back
    console.get_by_label("Username").fill(server.username)
    console.get_by_label("Password").fill(server.password)
    console.get_by_role("button", name="Sign in").click()
    expect(console).to_have_url(server.facilitator_url, timeout=TIMEOUT_MS)
    console.get_by_role("button", name="Next topic").click()
    expect(console.locator("#fac-floor .open-topic")).to_contain_text(
        FIRST_TOPIC_IN_ENGLISH, timeout=TIMEOUT_MS
    )
    return console


def open_projector(context: BrowserContext, server: Server) -> Page:
    """The projector page, with a marker that a reload would wipe, once its socket is open."""
    context.add_init_script(RECORD_WS_OPEN)
    projector = context.new_page()
    projector.goto(server.projector_url)
    mark_page_as_loaded(projector)
    expect(projector.locator("#projector-stage")).to_contain_text(FIRST_TOPIC, timeout=TIMEOUT_MS)
    projector.wait_for_function("window.__wsOpen === true", timeout=TIMEOUT_MS)
    return projector


def join_and_request_the_floor(context: BrowserContext, server: Server) -> Page:
    phone = context.new_page()
    phone.goto(server.url(f"/j/{server.join_code}"))
    phone.get_by_label("Your name").fill(SPEAKER)
    phone.get_by_label("Organisation or delegation").fill(ORGANISATION)
    phone.get_by_label("Country").fill(COUNTRY)
    phone.get_by_label("You speak for").select_option(label=ACTOR_TYPE)
    phone.get_by_role("button", name="Join").click()
    expect(phone).to_have_url(re.compile(r"/e/[^/?]+$"), timeout=TIMEOUT_MS)
    phone.locator("#p-my-turn .questions-choice summary").click()
    phone.locator("#p-my-turn input[name=question_ids]").first.check()
    phone.get_by_role("button", name="Request the floor").click()
    expect(phone.locator("#p-status")).to_contain_text("You are next", timeout=TIMEOUT_MS)
    mark_page_as_loaded(phone)
    return phone


def mark_page_as_loaded(page: Page) -> None:
    page.evaluate("window.__loadMarker = 1")


def load_marker(page: Page) -> object:
    """1 while the page is the one that was marked; a reload or navigation loses it."""
    return page.evaluate("window.__loadMarker")


def countdown_seconds(projector: Page) -> int:
    text = projector.locator("#projector-speaker [data-countdown]").inner_text().strip()
    match = re.fullmatch(r"(\d+):(\d{2})", text)
    assert match is not None, f"the projector's countdown reads {text!r}, not m:ss"
    return int(match.group(1)) * 60 + int(match.group(2))


def test_a_phones_request_reaches_the_projector_and_its_summary_the_console_live(
    server: Server, contexts: dict[str, BrowserContext], console_errors: list[str]
) -> None:
    console = open_console_and_next_topic(contexts["facilitator"], server)
    projector = open_projector(contexts["projector"], server)
    phone = join_and_request_the_floor(contexts["phone"], server)

    expect(projector.locator("#projector-next")).to_contain_text(SPEAKER, timeout=TIMEOUT_MS)

    console.get_by_role("button", name="Call next speaker").click()

    expect(projector.locator("#projector-speaker")).to_contain_text(SPEAKER, timeout=TIMEOUT_MS)
    before = countdown_seconds(projector)
    projector.wait_for_timeout(COUNTDOWN_INTERVAL_MS)
    after = countdown_seconds(projector)
    assert 170 <= after < before <= 180, f"countdown went from {before} s to {after} s"
    assert before - after >= 1
    assert load_marker(projector) == 1, "the projector reloaded"

    expect(phone.locator("#p-status")).to_contain_text("You have the floor", timeout=TIMEOUT_MS)
    assert load_marker(phone) == 1, "the phone reloaded"

    console.get_by_role("button", name="Finished").click()
    expect(phone.locator("#p-status")).to_contain_text("Thank you for your intervention")
    phone.get_by_label("In a few lines, what did you say?").fill(SUMMARY)
    phone.get_by_role("button", name="Save my summary").click()
    expect(console.locator("#fac-floor .spoken")).to_contain_text(SUMMARY, timeout=TIMEOUT_MS)
    assert load_marker(phone) == 1, "the phone reloaded"
    assert console_errors == []
