"""The room's screens in Chromium: devices, what their pages log, axe-core, screenshots.

Every page a browser test opens has its browser console watched by a :class:`BrowserLog`
(the ``browser_log`` fixture, tests/browser/conftest.py), which fails the test on any error
it saw that the test did not :meth:`BrowserLog.allow`.

axe-core (tests/browser/vendored/axe.min.js, see VERSIONS.md there) is evaluated in the page
through the DevTools protocol, which the page's Content-Security-Policy does not govern: the
product's strict policy stays on in every test, and a script it blocks is still an error.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    ViewportSize,
    WebError,
    expect,
)

from app.i18n import translate
from tests.browser.server import REPO_ROOT, Server

VENDORED = Path(__file__).parent / "vendored"
AXE_SCRIPT = VENDORED / "axe.min.js"
SCREENSHOTS = REPO_ROOT / "var" / "screenshots"
AGENDA = REPO_ROOT / "app" / "agendas" / "cartagena40-brasilia-2024.toml"

TIMEOUT_MS = 10_000
PHONE_VIEWPORT: ViewportSize = {"width": 360, "height": 740}
DESKTOP_VIEWPORT: ViewportSize = {"width": 1366, "height": 768}
PROJECTOR_FULL_HD: ViewportSize = {"width": 1920, "height": 1080}
PROJECTOR_HD: ViewportSize = {"width": 1280, "height": 720}

# Playwright's expect waits 5 s unless told; a busy two-core machine needs the pages' timeout.
expect.set_options(timeout=TIMEOUT_MS)

# Runs in every page before its own scripts: remembers that the live socket opened.
RECORD_WS_OPEN = "document.addEventListener('htmx:wsOpen', () => { window.__wsOpen = true; });"


# ---------------------------------------------------------------------------------------------
# What the pages log


@dataclass(frozen=True)
class LogEntry:
    """One error a page reported: ``kind`` is ``console`` or ``pageerror``."""

    device: str
    kind: str
    text: str
    url: str

    def __str__(self) -> str:
        return f"[{self.device}] {self.kind}: {self.text} ({self.url})"


@dataclass
class BrowserLog:
    """Every console error and uncaught page error of the pages of the contexts it watches."""

    entries: list[LogEntry] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)

    def watch(self, context: BrowserContext, device: str) -> None:
        """Record the errors of every page ``context`` opens, under the name ``device``.

        Watching a context again only renames it.
        """
        key = id(context)
        if key not in self.names:
            context.on("console", lambda message: self._console(key, message))
            context.on("weberror", lambda error: self._page_error(key, error))
        self.names[key] = device

    def _console(self, context: int, message: ConsoleMessage) -> None:
        if message.type == "error":
            url = message.location.get("url", "") if message.location else ""
            self.entries.append(LogEntry(self.names[context], "console", message.text, url))

    def _page_error(self, context: int, error: WebError) -> None:
        page = error.page
        url = page.url if page is not None else ""
        self.entries.append(LogEntry(self.names[context], "pageerror", str(error.error), url))

    def allow(self, pattern: str) -> None:
        """Errors whose text matches ``pattern`` (a regex) are expected: say why where called."""
        self.allowed.append(re.compile(pattern))

    @property
    def errors(self) -> list[LogEntry]:
        """Everything seen so far, allowed or not, in order."""
        return list(self.entries)

    def unexpected(self) -> list[LogEntry]:
        """The errors no :meth:`allow` pattern matches."""
        return [e for e in self.entries if not any(p.search(e.text) for p in self.allowed)]

    def describe(self) -> str:
        """The unexpected errors, one a line."""
        found = self.unexpected()
        return f"{len(found)} browser console error(s):\n" + "\n".join(f"  {e}" for e in found)

    def assert_clean(self) -> None:
        """Fail listing every unexpected error."""
        assert not self.unexpected(), self.describe()


# ---------------------------------------------------------------------------------------------
# axe-core


@cache
def axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


AXE_RUN = """async ([context, options]) => {
  const results = await window.axe.run(context ?? document, options);
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, summary: n.failureSummary })),
  }));
}"""


def axe_violations(
    page: Page, *, context: str | None = None, options: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """axe-core's violations on ``page`` now, of every impact.

    ``context`` is a CSS selector to check only part of the page (default: the whole
    document); ``options`` are axe.run's options. Each violation is a dict with ``id``,
    ``impact``, ``help``, ``helpUrl`` and ``nodes`` (each with ``target``, ``html``, ``summary``).
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    # Only violations are read: axe then skips detailing the passes and the incomplete.
    run_options = {"resultTypes": ["violations"], **(options or {})}
    result: list[dict[str, Any]] = page.evaluate(AXE_RUN, [context, run_options])
    return result


def describe_violations(
    violations: Sequence[dict[str, Any]], *, where: str = "", most_nodes: int = 6
) -> str:
    """Violations as text: id, impact and help, then each failing node's target and reason.

    Past ``most_nodes`` nodes of one violation, only their number is given.
    """
    lines = []
    for violation in violations:
        lines.append(
            f"{where}{violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        nodes = violation["nodes"]
        for node in nodes[:most_nodes]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(str(node.get("summary") or "").split())
            lines.append(f"    {target}" + (f"\n      {summary[:300]}" if summary else ""))
        if len(nodes) > most_nodes:
            lines.append(f"    … and {len(nodes) - most_nodes} more")
    return "\n".join(lines)


def assert_accessible(page: Page, *, context: str | None = None, where: str = "") -> None:
    """Fail listing axe-core's violations on ``page`` (or the part ``context`` selects)."""
    violations = axe_violations(page, context=context)
    assert not violations, f"axe-core found {len(violations)} violation(s):\n" + (
        describe_violations(violations, where=f"{where}: " if where else "")
    )


@dataclass
class AccessibilityAudit:
    """axe-core on many screens in many states, reported together at the end."""

    found: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)

    def check(self, page: Page, where: str) -> None:
        """Record the violations of ``page`` under ``where`` (such as ``phone-es/waiting``)."""
        self.checked.append(where)
        violations = axe_violations(page)
        if violations:
            self.found[where] = violations

    def report(self) -> str:
        """Which rule fails on which screen in which states, then each one's details once."""
        states: dict[tuple[str, str], list[str]] = {}
        first: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        for where, violations in self.found.items():
            screen, _, state = where.partition("/")
            for violation in violations:
                key = (screen, violation["id"])
                states.setdefault(key, []).append(state or where)
                first.setdefault(key, (where, violation))
        summary = [
            f"  {screen}: {rule} ({first[screen, rule][1]['impact']}) in {', '.join(found)}"
            for (screen, rule), found in sorted(states.items())
        ]
        details = [
            describe_violations([violation], where=f"{where}: ")
            for where, violation in (first[key] for key in sorted(first))
        ]
        return "\n".join([*summary, "", "Details (first state of each):", *details])

    def assert_clean(self) -> None:
        assert not self.found, (
            f"axe-core found violations on {len(self.found)} of {len(self.checked)}"
            f" screens and states:\n{self.report()}"
        )


# ---------------------------------------------------------------------------------------------
# Screenshots


def screenshot(
    page: Page, name: str, *, folder: Path = SCREENSHOTS, full_page: bool = False
) -> Path:
    """A PNG of the viewport (or the whole page) as ``folder/name.png``; its path.

    ``name`` may hold ``/`` for subfolders. The default folder, var/screenshots, is ignored by git.
    """
    path = folder / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), animations="disabled", caret="initial", full_page=full_page)
    return path


# ---------------------------------------------------------------------------------------------
# The agenda and the interface's words, in a given language


@cache
def agenda() -> dict[str, Any]:
    with AGENDA.open("rb") as file:
        return tomllib.load(file)


def topic_titles(language: str) -> list[str]:
    """The bundled agenda's topic titles in ``language``, in order (the original if untranslated)."""
    titles = []
    for segment in agenda()["segments"]:
        for topic in segment["topics"]:
            translated = topic.get("translations", {}).get(language, {})
            titles.append(translated.get("title", topic["title"]))
    return titles


def words(language: str, message_id: str, **params: object) -> str:
    """The interface's ``message_id`` in ``language``, with its ``{fields}`` filled in."""
    return translate(language, message_id, params)


# ---------------------------------------------------------------------------------------------
# Pages


def mark_loaded(page: Page) -> None:
    """Mark the document: a reload or a navigation loses the mark (see :func:`not_reloaded`)."""
    page.evaluate("window.__loadMarker = 1")


def not_reloaded(page: Page) -> bool:
    """Whether ``page`` still shows the document :func:`mark_loaded` marked."""
    return bool(page.evaluate("window.__loadMarker === 1"))


def wait_for_socket(page: Page, *, timeout_ms: float = TIMEOUT_MS) -> None:
    """Wait until the page's live socket has opened (pages from :class:`Devices` record it).

    To wait for a reconnection, set ``window.__wsOpen = false`` first.
    """
    page.wait_for_function("() => window.__wsOpen === true", timeout=timeout_ms)


def sign_in(
    page: Page,
    server: Server,
    *,
    then: str | None = None,
    before_sending: Callable[[Page], object] | None = None,
) -> None:
    """Sign in through the /login form as the first run's facilitator; lands on ``then``.

    ``before_sending(page)`` is called on the filled form (to check or photograph it).
    """
    destination = then or server.facilitator_url
    page.goto(destination)
    if "/login" not in page.url:
        return
    page.locator("input[name=username]").fill(server.username)
    page.locator("input[name=password]").fill(server.password)
    if before_sending is not None:
        before_sending(page)
    page.locator("form[action='/login'] button").click()
    expect(page).to_have_url(destination, timeout=TIMEOUT_MS)


@dataclass(frozen=True)
class Participant:
    """What a phone types into the join form."""

    name: str
    organisation: str = ""
    country: str = ""
    actor_type_key: str = ""


def actor_type_name(key: str, language: str) -> str:
    for actor_type in agenda()["actor_types"]:
        if actor_type["key"] == key:
            translated = actor_type.get("translations", {}).get(language, {})
            return str(translated.get("name", actor_type["name"]))
    raise KeyError(key)


def fill_join_form(page: Page, server: Server, participant: Participant, *, language: str) -> None:
    """Open the join link and fill its form as ``participant`` (the actor type in ``language``)."""
    page.goto(server.url(f"/j/{server.join_code}"))
    page.locator("input[name=name]").fill(participant.name)
    page.locator("input[name=organisation]").fill(participant.organisation)
    page.locator("input[name=country]").fill(participant.country)
    if participant.actor_type_key:
        page.locator("select[name=actor_type_id]").select_option(
            label=actor_type_name(participant.actor_type_key, language)
        )


def join(
    page: Page,
    server: Server,
    participant: Participant,
    *,
    language: str,
    before_sending: Callable[[Page], object] | None = None,
) -> None:
    """Join as ``participant`` through the join link; ends on the phone's event page.

    ``before_sending(page)`` is called on the filled form (to check or photograph it).
    """
    fill_join_form(page, server, participant, language=language)
    if before_sending is not None:
        before_sending(page)
    page.locator("form[action='/join'] button").click()
    expect(page).to_have_url(re.compile(r"/e/[^/?]+$"), timeout=TIMEOUT_MS)


class Devices:
    """Opens the room's screens, each in a context (its own cookies) watched by ``log``.

    Every context it opens is closed by :meth:`close` (the ``devices`` fixture does it).
    """

    def __init__(self, browser: Browser, server: Server, log: BrowserLog) -> None:
        self.browser = browser
        self.server = server
        self.log = log
        self.contexts: list[BrowserContext] = []

    def context(
        self,
        device: str,
        *,
        viewport: ViewportSize = DESKTOP_VIEWPORT,
        mobile: bool = False,
        locale: str = "en",
        device_scale_factor: float = 1,
    ) -> BrowserContext:
        """A new browser context named ``device`` in the log; ``mobile`` adds touch.

        ``locale`` sets the browser's language (``navigator.language`` and Accept-Language).
        """
        context = self.browser.new_context(
            viewport=viewport,
            is_mobile=mobile,
            has_touch=mobile,
            locale=locale,
            device_scale_factor=device_scale_factor,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(RECORD_WS_OPEN)
        self.log.watch(context, device)
        self.contexts.append(context)
        return context

    def facilitator(
        self,
        *,
        viewport: ViewportSize = DESKTOP_VIEWPORT,
        device: str = "console",
        before_sending: Callable[[Page], object] | None = None,
    ) -> Page:
        """The facilitator console, signed in through /login, its socket open.

        ``before_sending(page)`` is called on the filled sign-in form.
        """
        page = self.context(device, viewport=viewport).new_page()
        sign_in(page, self.server, before_sending=before_sending)
        wait_for_socket(page)
        mark_loaded(page)
        return page

    def phone(
        self,
        participant: Participant,
        *,
        language: str = "en",
        viewport: ViewportSize = PHONE_VIEWPORT,
        device: str | None = None,
        before_sending: Callable[[Page], object] | None = None,
    ) -> Page:
        """A phone (touch, mobile viewport) reading ``language`` that joined as ``participant``.

        ``before_sending(page)`` is called on the filled join form.
        """
        context = self.context(
            device or f"phone-{language}", viewport=viewport, mobile=True, locale=language
        )
        page = context.new_page()
        join(page, self.server, participant, language=language, before_sending=before_sending)
        wait_for_socket(page)
        mark_loaded(page)
        return page

    def projector(
        self, *, viewport: ViewportSize = PROJECTOR_HD, device: str | None = None
    ) -> Page:
        """The projector page (1280x720 unless told), its socket open."""
        name = device or f"projector-{viewport['width']}x{viewport['height']}"
        page = self.context(name, viewport=viewport).new_page()
        page.goto(self.server.projector_url)
        wait_for_socket(page)
        mark_loaded(page)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()


def countdown_seconds(region: Page | Any) -> int:
    """The seconds a region's ``[data-countdown]`` shows as ``m:ss`` (negative if ``-m:ss``)."""
    text = region.locator("[data-countdown]").first.inner_text().strip()
    match = re.search(r"(-?)(\d+):(\d{2})", text)
    assert match is not None, f"the countdown reads {text!r}, not m:ss"
    seconds = int(match.group(2)) * 60 + int(match.group(3))
    return -seconds if match.group(1) else seconds
