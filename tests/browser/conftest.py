"""Fixtures of the browser tests: a real Palabra server, Debian's Chromium, the room's screens.

``server`` runs ``python -m app run`` (tests/browser/server.py); ``devices`` opens the screens
on it (tests/browser/screens.py); ``browser_log`` fails a test on any browser console error.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.browser.screens import BrowserLog, Devices
from tests.browser.server import Server, ServerFailed, launch_chromium, running_server


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives a browser (``pytest -m "not browser"`` leaves them out)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A test that passed fails after all if a page it opened logged an error it did not allow;
    a test that failed says which errors its pages logged too."""
    log = getattr(item, "funcargs", {}).get("browser_log")
    try:
        result = yield
    except BaseException as failure:
        if isinstance(log, BrowserLog) and log.unexpected():
            failure.add_note(log.describe())
        raise
    if isinstance(log, BrowserLog):
        log.assert_clean()
    return result


@pytest.fixture
def server(database_url: str) -> Iterator[Server]:
    """``python -m app run`` on a free port with its own database, stopped afterwards."""
    try:
        with running_server(database_url) as running:
            try:
                yield running
            finally:
                # Shown if the test fails.
                print(f"--- output of python -m app run ---\n{running.output.text()}")
    except ServerFailed as failure:
        pytest.fail(str(failure))


# Package scope, not session: while Playwright's sync API is open it keeps an asyncio loop
# running in the main thread, and the tests collected after this folder (TestClient, anyio)
# would fail with "Cannot run the event loop while another loop is running".
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless. Missing Chromium is a failure: ``make test`` installs it."""
    with sync_playwright() as playwright:
        try:
            browser = launch_chromium(playwright)
        except FileNotFoundError as missing:
            pytest.fail(str(missing))
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(autouse=True)
def browser_log(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> BrowserLog:
    """The console errors and page errors of every page the test opens in ``browser``.

    Contexts from ``devices`` are named after their device; those a test makes itself with
    ``browser.new_context()`` or ``browser.new_page()`` are watched too, as "context N". Any
    error fails the test once its body has passed; ``browser_log.errors`` lists what was seen,
    and ``browser_log.allow(regex)`` expects an error (say why where you call it).
    """
    log = BrowserLog()
    if "browser" in request.fixturenames:
        browser: Browser = request.getfixturevalue("browser")
        new_context, new_page = browser.new_context, browser.new_page

        def watched_context(*args: Any, **kwargs: Any) -> BrowserContext:
            context = new_context(*args, **kwargs)
            log.watch(context, f"context {len(log.names) + 1}")
            return context

        def watched_page(*args: Any, **kwargs: Any) -> Page:
            page = new_page(*args, **kwargs)
            log.watch(page.context, f"context {len(log.names) + 1}")
            return page

        monkeypatch.setattr(browser, "new_context", watched_context)
        monkeypatch.setattr(browser, "new_page", watched_page)
    return log


@pytest.fixture
def devices(browser: Browser, server: Server, browser_log: BrowserLog) -> Iterator[Devices]:
    """Opens the room's screens on ``server``: ``devices.facilitator()``, ``.phone(…)``, ``.projector()``."""
    opened = Devices(browser, server, browser_log)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def facilitator(devices: Devices) -> Page:
    """The facilitator console at 1366x768, signed in through /login."""
    return devices.facilitator()


@pytest.fixture
def projector(devices: Devices) -> Page:
    """The projector page at 1280x720."""
    return devices.projector()


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    """The browser contexts a test opens itself, one per device (each its own cookies), closed
    after."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()
