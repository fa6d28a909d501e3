"""Long unbroken names and organisations, and a longer language, never widen a screen: the
console, the phone and the projector wrap them (found by the review: a 120-letter name pushed
the console's list over its side panel, and French agenda buttons ran off its edge)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.screens import (
    PROJECTOR_FULL_HD,
    PROJECTOR_HD,
    Devices,
    Participant,
    topic_titles,
    words,
)

LONG = Participant("Bartolomé" + "x" * 110, "Organización" + "X" * 80, "Venezuela" + "z" * 40)


def overflow(page: Page) -> list[str]:
    """Elements whose content is wider than their box and not scrolled or clipped on purpose,
    and whether the page itself is wider than the window."""
    found: list[str] = page.evaluate(
        """() => {
            const wide = document.documentElement.scrollWidth > window.innerWidth
                ? [`page ${document.documentElement.scrollWidth} > ${window.innerWidth}`] : [];
            for (const element of document.querySelectorAll('body *')) {
                const style = getComputedStyle(element);
                if (style.display === 'none' || element.closest('[hidden], .visually-hidden')) continue;
                if (element.scrollWidth > element.clientWidth + 1 && style.overflowX === 'visible'
                    && element.clientWidth > 0 && style.display !== 'inline') {
                    wide.push(`${element.tagName.toLowerCase()}.${element.className}`
                        + ` ${element.scrollWidth} > ${element.clientWidth}`);
                }
            }
            return wide;
        }"""
    )
    return found


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_long_name_and_a_longer_language_widen_no_screen(devices: Devices, language: str) -> None:
    console = devices.facilitator()
    if language != "en":
        console.goto(f"{devices.server.facilitator_url}?lang={language}")
    console.get_by_role("button", name=words(language, "Next topic")).click()
    expect(console.locator("#fac-floor")).to_contain_text(topic_titles(language)[0][:20])
    phone = devices.phone(LONG, language=language)
    phone.get_by_role("button", name=words(language, "Request the floor")).click()
    expect(console.locator("#fac-floor")).to_contain_text(LONG.name)
    projectors = [devices.projector(viewport=size) for size in (PROJECTOR_HD, PROJECTOR_FULL_HD)]
    for projector in projectors:
        expect(projector.locator("#projector-next")).to_contain_text(LONG.name[:9])
    for screen, page in {
        "console": console,
        "phone": phone,
        **{f"projector {p.viewport_size}": p for p in projectors},
    }.items():
        assert overflow(page) == [], f"{screen}: {overflow(page)}"
