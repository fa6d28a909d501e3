"""The projector read from the back of a hall: in every state of the room, at 1920x1080 and
1280x720, in one language and in two side by side, with the longest texts of the bundled
agenda, nothing scrolls or is cut, no text is small, every text stands out from its
background (WCAG's 4.5:1), and axe-core finds no violation of any impact."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.projector_room import REGIONS, SIZES, Room, open_projector, states
from tests.browser.screens import AccessibilityAudit, screenshot

if TYPE_CHECKING:
    from tests.browser.conftest import Server

# The smallest text, as a share of the screen's height: 16 px at 720, 24 px at 1080.
SMALLEST_TEXT_SHARE_OF_HEIGHT = 0.022
SMALLEST_CONTRAST = 4.5

# Every element that draws text in the projector: its box, its region's box, its size, its
# colour and the colour behind it (the nearest ancestor's background that is not see-through).
MEASURE = """
(regionIds) => {
  const rgba = (value) => (value.match(/[\\d.]+/g) || []).map(Number);
  const background = (element) => {
    for (let at = element; at; at = at.parentElement) {
      const colour = rgba(getComputedStyle(at).backgroundColor);
      if (colour.length === 3 || (colour.length === 4 && colour[3] > 0)) return colour;
    }
    return [255, 255, 255];
  };
  const box = (element) => {
    const r = element.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
  };
  const regions = regionIds.map((id) => {
    const region = document.getElementById(id);
    return {
      id, box: box(region),
      scroll: [region.scrollWidth, region.scrollHeight, region.clientWidth, region.clientHeight],
    };
  });
  const texts = [];
  for (const region of regionIds.map((id) => document.getElementById(id))) {
    for (const element of region.querySelectorAll("*")) {
      const own = [...element.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim());
      const style = getComputedStyle(element);
      if (!own.length || style.visibility === "hidden" || !element.getClientRects().length) continue;
      texts.push({
        region: region.id,
        text: own.map((n) => n.textContent.trim()).join(" ").slice(0, 60),
        box: box(element),
        size: parseFloat(style.fontSize),
        colour: rgba(style.color),
        background: background(element),
      });
    }
  }
  const page = document.scrollingElement;
  return {
    regions, texts,
    page: [page.scrollWidth, page.scrollHeight, innerWidth, innerHeight],
  };
}
"""


def luminance(colour: list[float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in colour[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: list[float], other: list[float]) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def problems(page: Page, state: str) -> list[str]:
    width, height = page.viewport_size["width"], page.viewport_size["height"]  # type: ignore[index]
    found: dict[str, Any] = page.evaluate(MEASURE, REGIONS)
    where = f"{state} at {width}x{height}"
    wrong = []
    page_width, page_height, inner_width, inner_height = found["page"]
    if page_width > inner_width or page_height > inner_height:
        wrong.append(f"{where}: the page is {page_width}x{page_height}")
    boxes = {}
    for region in found["regions"]:
        boxes[region["id"]] = box = region["box"]
        scroll_width, scroll_height, client_width, client_height = region["scroll"]
        if scroll_height > client_height or scroll_width > client_width:
            wrong.append(
                f"{where}: #{region['id']} holds {scroll_width}x{scroll_height} px"
                f" in {client_width}x{client_height}"
            )
        if box["left"] < 0 or box["top"] < 0 or box["right"] > width or box["bottom"] > height:
            wrong.append(f"{where}: #{region['id']} reaches past the screen: {box}")
    smallest = SMALLEST_TEXT_SHARE_OF_HEIGHT * height
    for text in found["texts"]:
        box, region = text["box"], boxes[text["region"]]
        what = f"{where}: {text['text']!r} in #{text['region']}"
        if (
            box["left"] < region["left"] - 1
            or box["top"] < region["top"] - 1
            or box["right"] > region["right"] + 1
            or box["bottom"] > region["bottom"] + 1
        ):
            wrong.append(f"{what} is cut: {box} outside {region}")
        if text["size"] < smallest - 0.05:
            wrong.append(f"{what} is {text['size']:.1f} px, under {smallest:.1f} px")
        ratio = contrast(text["colour"], text["background"])
        if ratio < SMALLEST_CONTRAST:
            wrong.append(f"{what} has a contrast of {ratio:.2f}:1")
    return wrong


@pytest.mark.parametrize("languages", [["es"], ["es", "fr"]], ids="+".join)
def test_every_state_reads_from_the_back_of_the_hall_and_passes_axe(
    server: Server, browser: Browser, database_url: str, languages: list[str]
) -> None:
    room = Room(database_url)
    room.set_languages(languages)
    wrong: list[str] = []
    audit = AccessibilityAudit()
    try:
        for state in states(room):
            for size in SIZES:
                page = open_projector(browser, server.projector_url, size)
                where = f"projector-{'+'.join(languages)}-{size['width']}x{size['height']}"
                screenshot(page, f"{where}/{state.replace(' ', '-')}")
                wrong += problems(page, state)
                audit.check(page, f"{where}/{state}")
                page.context.close()
    finally:
        room.close()
    assert not wrong, "\n".join(wrong)
    audit.assert_clean()


def test_every_topic_of_the_agenda_fits_while_nobody_speaks(
    server: Server, browser: Browser, database_url: str
) -> None:
    """The calm layout adds the segment's framing to each topic's text: none is cut."""
    room = Room(database_url)
    wrong: list[str] = []
    try:
        for state in room.every_topic():
            for size in SIZES:
                page = open_projector(browser, server.projector_url, size)
                wrong += problems(page, state)
                page.context.close()
    finally:
        room.close()
    assert not wrong, "\n".join(wrong)
