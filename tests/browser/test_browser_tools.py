"""The test tools themselves: the vendored axe-core and its report, the console watch, and
the README's screenshots."""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.screens import (
    DESKTOP_VIEWPORT,
    PHONE_VIEWPORT,
    PROJECTOR_HD,
    VENDORED,
    BrowserLog,
    Devices,
    assert_accessible,
    axe_violations,
)
from tests.browser.screenshots import DOCS
from tests.browser.server import REPO_ROOT

INACCESSIBLE = (
    "<!doctype html><html lang='en'><title>t</title><main>"
    "<img src='data:,'><button></button><p>fine</p></main></html>"
)


def test_vendored_axe_is_the_one_versions_md_records() -> None:
    rows = re.findall(
        r"^\| (\S+\.js) \| axe-core@(\S+) \|.*\| `([0-9a-f]{64})` \|$",
        (VENDORED / "VERSIONS.md").read_text(),
        re.M,
    )
    assert {name for name, _, _ in rows} == {p.name for p in VENDORED.glob("*.js")}
    for name, version, sha256 in rows:
        content = (VENDORED / name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == sha256, name
        assert content.startswith(f"/*! axe v{version}\n".encode()), name


@pytest.fixture
def blank_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_axe_reports_each_violation_with_its_failing_nodes(blank_page: Page) -> None:
    blank_page.set_content(INACCESSIBLE)

    violations = axe_violations(blank_page)

    by_id = {v["id"]: v for v in violations}
    assert {"image-alt", "button-name"} <= set(by_id)
    assert by_id["image-alt"]["nodes"][0]["target"] == ["img"]
    assert by_id["button-name"]["impact"] == "critical"
    with pytest.raises(AssertionError) as failure:
        assert_accessible(blank_page, where="blank")
    report = str(failure.value)
    assert "blank: image-alt (critical): Images must have alternative text" in report
    assert "\n    img\n" in report
    assert axe_violations(blank_page, context="p") == []


def test_axe_runs_under_the_products_strict_policy_which_still_blocks_inline_script(
    devices: Devices, browser_log: BrowserLog
) -> None:
    page = devices.context("sign-in page").new_page()
    page.goto(devices.server.url("/login"))
    csp = page.evaluate(
        "fetch(location.href).then((r) => r.headers.get('content-security-policy'))"
    )
    assert "script-src 'self'" in csp

    assert isinstance(axe_violations(page), list)
    assert (
        f"axe-core@{page.evaluate('window.axe.version')} " in (VENDORED / "VERSIONS.md").read_text()
    )

    # The policy still holds for the page's own scripts, and the watch sees it refuse one.
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = 1'; document.head.append(s); }"
    )
    assert page.evaluate("window.__ran") is None
    page.wait_for_timeout(200)
    assert any("Content Security Policy" in e.text for e in browser_log.errors)
    browser_log.allow("Content Security Policy")  # this test provoked it on purpose


def test_pages_a_test_opens_itself_are_watched_too(
    browser: Browser, browser_log: BrowserLog
) -> None:
    context = browser.new_context()
    context.new_page().evaluate("console.error('from a context of its own')")
    page = browser.new_page()
    page.evaluate("setTimeout(() => { throw new Error('from a page of its own') })")
    page.wait_for_timeout(200)
    page.close()

    seen = {(entry.kind, entry.text) for entry in browser_log.errors}
    assert ("console", "from a context of its own") in seen
    assert ("pageerror", "from a page of its own") in seen
    assert browser_log.unexpected() == browser_log.errors
    browser_log.allow("of its own$")  # provoked on purpose
    assert browser_log.unexpected() == []
    context.close()


def test_the_readme_shows_every_committed_screenshot_at_its_screens_size() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    shown = set(re.findall(r"\]\((docs/screenshots/[^)]+\.png)\)", readme))
    committed = {str(path.relative_to(REPO_ROOT)) for path in DOCS.glob("*.png")}
    assert shown == committed
    sizes = {"phone": PHONE_VIEWPORT, "projector": PROJECTOR_HD, "console": DESKTOP_VIEWPORT}
    for name in committed:
        header = (REPO_ROOT / name).read_bytes()[:24]
        width, height = struct.unpack(">II", header[16:24])
        if Path(name).stem.startswith("report-"):
            # A page of the outcome report's PDF: A4, 210 by 297 mm.
            assert abs(width / height - 210 / 297) < 0.01, name
            continue
        expected = sizes[Path(name).stem.split("-")[0]]
        assert (width, height) == (expected["width"], expected["height"]), name
