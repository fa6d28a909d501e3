"""The projector's QR code, read by a phone's kind of decoder from a screenshot of the hall's
screen: whole, large enough to scan from the middle of the room, and the join link."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, ViewportSize

from tests.browser.projector_room import SIZES, open_projector

if TYPE_CHECKING:
    from tests.browser.conftest import Server

# From the middle of a hall a phone reads a code a tenth as wide as its distance: on a screen
# some four metres wide, a code a quarter of the screen's height is about half a metre.
SMALLEST_SHARE_OF_HEIGHT = 0.25


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size['width']}x{size['height']}")
def test_the_whole_qr_code_is_drawn_large_and_reads_as_the_join_link(
    server: Server, browser: Browser, size: ViewportSize
) -> None:
    page = open_projector(browser, server.projector_url, size)
    join = page.locator("#projector-join")
    box = join.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["y"] >= 0
    assert box["x"] + box["width"] <= size["width"] and box["y"] + box["height"] <= size["height"]
    # What a camera sees of the screen, exactly as it is drawn.
    shot = Image.open(io.BytesIO(page.screenshot()))
    codes = zxingcpp.read_barcodes(shot, formats=zxingcpp.BarcodeFormat.QRCode)
    assert [code.text for code in codes] == [server.url(f"/j/{server.join_code}")]
    drawn = page.locator("#projector-join .qr svg").bounding_box()
    assert drawn is not None
    assert min(drawn["width"], drawn["height"]) >= SMALLEST_SHARE_OF_HEIGHT * size["height"], (
        f"the QR code is {drawn['width']:.0f}x{drawn['height']:.0f} px on a"
        f" {size['width']}x{size['height']} screen"
    )
    page.context.close()
