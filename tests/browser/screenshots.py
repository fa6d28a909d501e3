"""The README's screenshots, taken afresh: ``make screenshots`` (``python -m tests.browser.screenshots``).

Runs the bundled event on a new SQLite database in a temporary folder, plays a topic in
Chromium (two phones, five speakers added from the room, a call, a summary) and writes each
screen in its main states to docs/screenshots/ as small palette PNGs: phones 360x740, the
projector 1280x720, the console 1366x768. Fails if any page logs a browser error.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect, sync_playwright

from tests.browser.screens import (
    DESKTOP_VIEWPORT,
    PHONE_VIEWPORT,
    PROJECTOR_HD,
    BrowserLog,
    Devices,
    Participant,
    fill_join_form,
    mark_loaded,
    screenshot,
    topic_titles,
    wait_for_socket,
)
from tests.browser.server import REPO_ROOT, launch_chromium, running_server

DOCS = REPO_ROOT / "docs" / "screenshots"
LANGUAGE = "en"
SPEAKER = Participant("María Pérez", "Red de Ciudades Solidarias", "Brasil", "local_authority")
SECOND = Participant("Kwame Mensah", "Refugee-Led Organisations Network", "Costa Rica")
FROM_THE_ROOM = [
    ("Lucía Fernández", "Gobierno de Chile", "Chile"),
    ("João Almeida", "Prefeitura de Boa Vista", "Brasil"),
    ("Amina Diallo", "ACNUR", "Panamá"),
    ("Carlos Rojas", "Defensoría del Pueblo", "Colombia"),
    ("Sofía Herrera", "Red Clamor", "México"),
]
SUMMARY = (
    "Host communities should shape the development plans from the start, with municipal"
    " budgets that count displaced people as residents."
)


def shrink(path: Path) -> None:
    """Rewrite the PNG at ``path`` with a palette of at most 256 colours, optimised."""
    with Image.open(path) as image:
        palette = image.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    palette.save(path, optimize=True)


def shoot(page: Page, name: str, *, from_the_top: bool = True) -> None:
    """``page`` as docs/screenshots/``name``.png, scrolled to the top unless told otherwise,
    with no pointer over it and nothing focused."""
    page.mouse.move(0, 0)
    page.evaluate("() => document.activeElement?.blur()")
    if from_the_top:
        page.evaluate("() => window.scrollTo(0, 0)")
    path = screenshot(page, name, folder=DOCS)
    shrink(path)
    print(f"  {path.relative_to(REPO_ROOT)} ({path.stat().st_size // 1024} KiB)")


def add_from_the_room(console: Page, name: str, organisation: str, country: str) -> None:
    form = console.locator("#fac-add-speaker form")
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=organisation]").fill(organisation)
    form.locator("input[name=country]").fill(country)
    form.get_by_role("button", name="Add to the list").click()
    expect(console.locator("#fac-floor")).to_contain_text(name)


def request_the_floor(phone: Page) -> None:
    phone.locator("#p-my-turn .questions-choice summary").click()
    phone.locator("#p-my-turn input[name=question_ids]").first.check()
    phone.get_by_role("button", name="Request the floor").click()


def play_a_topic(devices: Devices) -> None:
    console = devices.facilitator(viewport=DESKTOP_VIEWPORT)
    console.on("dialog", lambda dialog: dialog.accept())
    console.get_by_role("button", name="Next topic").click()
    expect(console.locator("#fac-floor")).to_contain_text(topic_titles(LANGUAGE)[0])
    projector = devices.projector(viewport=PROJECTOR_HD)

    phone = devices.context("phone", viewport=PHONE_VIEWPORT, mobile=True).new_page()
    fill_join_form(phone, devices.server, SPEAKER, language=LANGUAGE)
    shoot(phone, "phone-join")
    phone.locator("form[action='/join'] button").click()
    wait_for_socket(phone)
    mark_loaded(phone)
    expect(phone.get_by_role("button", name="Request the floor")).to_be_visible()
    shoot(phone, "phone-request")

    request_the_floor(phone)
    second = devices.phone(SECOND, language=LANGUAGE, device="second phone")
    request_the_floor(second)
    for name, organisation, country in FROM_THE_ROOM:
        add_from_the_room(console, name, organisation, country)
    expect(second.locator("#p-my-turn")).to_contain_text("You are number 2 on the list")
    expect(projector.locator("#projector-next")).to_contain_text(SECOND.name)
    shoot(second, "phone-waiting")
    shoot(projector, "projector-calm")

    console.get_by_role("button", name="Call next speaker").click()
    expect(phone.locator("#p-my-turn")).to_contain_text("You have the floor")
    expect(projector.locator("#projector-speaker")).to_contain_text(SPEAKER.name)
    expect(console.locator("#fac-floor")).to_contain_text(FROM_THE_ROOM[-1][0])
    shoot(phone, "phone-speaking")
    shoot(projector, "projector-speaking")
    shoot(console, "console")

    console.get_by_role("button", name="Finished").click()
    expect(phone.locator("#p-my-turn")).to_contain_text("Thank you for your intervention")
    phone.locator("#p-my-turn textarea").fill(SUMMARY)
    phone.get_by_role("button", name="Save my summary").click()
    expect(console.locator("#fac-floor")).to_contain_text(SUMMARY)
    shoot(phone, "phone-summary", from_the_top=False)


def main() -> int:
    log = BrowserLog()
    with (
        tempfile.TemporaryDirectory() as folder,
        running_server(f"sqlite:///{Path(folder) / 'palabra.db'}") as server,
        sync_playwright() as playwright,
    ):
        browser = launch_chromium(playwright)
        devices = Devices(browser, server, log)
        print(f"Writing the screenshots to {DOCS.relative_to(REPO_ROOT)}/")
        try:
            play_a_topic(devices)
        finally:
            devices.close()
            browser.close()
    if log.unexpected():
        print(log.describe(), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
