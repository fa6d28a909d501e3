"""Opening Palabra's screens in Chromium, and watching a region being pushed again."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

if TYPE_CHECKING:
    from tests.browser.server import Server

TIMEOUT_MS = 10_000
PHONE_VIEWPORT: ViewportSize = {"width": 360, "height": 740}
CONSOLE_VIEWPORT: ViewportSize = {"width": 1366, "height": 768}
# Chromium reads English: the console and the phones show the agenda's English translation.
FIRST_TOPIC = "Development programmes for host communities"
# Runs in every page before its own scripts: counts the batches its socket delivered.
COUNT_BATCHES = (
    "window.__batches = 0;"
    " document.addEventListener('htmx:wsAfterMessage', () => { window.__batches += 1; });"
)


def phone_context(browser: Browser) -> BrowserContext:
    context = browser.new_context(viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(COUNT_BATCHES)
    return context


def console_context(browser: Browser) -> BrowserContext:
    context = browser.new_context(viewport=CONSOLE_VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(COUNT_BATCHES)
    return context


def sign_in(context: BrowserContext, server: Server) -> Page:
    """The facilitator console, signed in, once its socket has sent its first batch."""
    console = context.new_page()
    console.goto(server.facilitator_url)  # not signed in yet: to the sign-in page and back
    console.get_by_label("Username").fill(server.username)
    console.get_by_label("Password").fill(server.password)
    console.get_by_role("button", name="Sign in").click()
    expect(console).to_have_url(server.facilitator_url)
    wait_for_socket(console)
    return console


def open_first_topic(console: Page) -> None:
    console.get_by_role("button", name="Next topic").click()
    expect(console.locator("#fac-floor")).to_contain_text(FIRST_TOPIC)


def join(context: BrowserContext, server: Server, name: str) -> Page:
    """A phone that joined as ``name``, once its socket has sent its first batch."""
    phone = context.new_page()
    phone.goto(server.url(f"/j/{server.join_code}"))
    phone.get_by_label("Your name").fill(name)
    phone.get_by_role("button", name="Join").click()
    expect(phone).to_have_url(re.compile(r"/e/[^/?]+$"))
    wait_for_socket(phone)
    return phone


def wait_for_socket(page: Page) -> None:
    """Until the page's socket has delivered its first batch (the snapshot)."""
    page.wait_for_function("() => window.__batches > 0", timeout=TIMEOUT_MS)


def pushed(page: Page, region_id: str, change: Callable[[], object]) -> None:
    """Make ``change`` (on another screen) and wait until ``region_id`` is pushed anew here."""
    page.locator(f"#{region_id}").evaluate("region => { region.dataset.beforeChange = 'yes'; }")
    change()
    page.wait_for_function(
        "id => document.getElementById(id)?.dataset.beforeChange === undefined",
        arg=region_id,
        timeout=TIMEOUT_MS,
    )


def focus_and_caret(page: Page) -> dict[str, object]:
    """What has the focus (its region, name and value) and where its caret is."""
    result: dict[str, object] = page.evaluate(
        """() => {
            const element = document.activeElement;
            const region = element.closest('[data-version]');
            const hasCaret = ['text', 'textarea', 'search'].includes(element.type);
            return {
                region: region ? region.id : null,
                tag: element.tagName.toLowerCase(),
                name: element.getAttribute('name') || element.getAttribute('aria-label'),
                value: 'value' in element ? element.value : null,
                caret: hasCaret ? [element.selectionStart, element.selectionEnd] : null,
            };
        }"""
    )
    return result


def tick_question(phone: Page, index: int, *, within: str = "#p-my-turn") -> None:
    """Tick the guiding question at ``index`` with the finger, unfolding the list first."""
    choice = phone.locator(f"{within} details.questions-choice").first
    if choice.get_attribute("open") is None:
        choice.locator("summary").tap()
    choice.locator("input[name=question_ids]").nth(index).tap()
