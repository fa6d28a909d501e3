"""The phone at 360x640, in each state: its main action in the first screenful, every target
at least 44 px square (one thumb, WCAG 2.5.5), and no axe-core violation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect
from sqlalchemy import select

from app.db import Database
from app.models import Event, FloorRequest, TurnKind
from app.services import agenda, events, floor, participants, timer, turns
from tests.browser.screens import AccessibilityAudit, screenshot
from tests.factories import seen

if TYPE_CHECKING:
    from tests.browser.conftest import Server

VIEWPORT: ViewportSize = {"width": 360, "height": 640}
TARGET_PX = 44
TIMEOUT_MS = 10_000

# Every element a thumb can act on; a radio button or a checkbox is acted on by its label.
TARGETS_JS = """() => {
  const seen = new Set();
  const found = [];
  for (const el of document.querySelectorAll(
      'a[href], button, summary, select, textarea, input:not([type=hidden])')) {
    const target = el.matches('input[type=radio], input[type=checkbox]')
      ? (el.closest('label') || el) : el;
    if (seen.has(target)) continue;
    seen.add(target);
    const box = target.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not shown (a closed <details>)
    const name = (target.innerText || target.getAttribute('name') || target.tagName).trim();
    found.push({name: name.slice(0, 40), width: box.width, height: box.height});
  }
  return found;
}"""


# The page's width with its text at twice the size, then the text back as it was.
TEXT_AT_200_PERCENT = """() => {
  const root = document.documentElement;
  root.style.fontSize = '200%';
  const width = root.scrollWidth;
  root.style.fontSize = '';
  return width;
}"""


class Room:
    """Moves the room as a facilitator would, straight through the services."""

    def __init__(self, database: Database, code: str) -> None:
        self.database = database
        with database.reading() as db:
            self.event_id = events.get_by_code(db=db, code=code).id

    def act(self, action: Callable[..., object], *parts: str, **arguments: object) -> None:
        with self.database.writing() as db:
            event = db.get(Event, self.event_id)
            assert event is not None
            action(db=db, event=event, **seen(db, event, *parts), **arguments)

    def someone_asks(self, name: str) -> None:
        with self.database.writing() as db:
            event = db.get(Event, self.event_id)
            assert event is not None
            person = participants.join(
                db=db, event=event, name=name, organisation="", actor_type_id=None, country=""
            )
            floor.request_floor(
                db=db, event=event, participant=person, kind=TurnKind.INTERVENTION, question_ids=[]
            )

    def request_of(self, name: str) -> int:
        with self.database.reading() as db:
            query = select(FloorRequest.id).join(FloorRequest.participant)
            found = db.scalars(query.where(FloorRequest.participant.has(name=name)))
            return max(found)


# Counts the live socket's messages: a page reloaded has its state once the first arrived.
COUNT_PUSHES = (
    "document.addEventListener('htmx:wsAfterMessage', () => {"
    " window.__pushes = (window.__pushes || 0) + 1; });"
)


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=VIEWPORT, is_mobile=True, has_touch=True)
    context.add_init_script(COUNT_PUSHES)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context
    finally:
        context.close()


def look(page: Page, state: str, main_action: str | None, audit: AccessibilityAudit) -> list[str]:
    """What is wrong with the phone in ``state``: its main action out of the first screenful,
    or a target smaller than 44 px (axe-core's findings go to ``audit``). A screenshot of each
    state is kept in var/screenshots/phone-states."""
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, f"phone-states/{state.replace(' ', '-').replace(',', '')}")
    audit.check(page, f"phone/{state}")
    problems = []
    if main_action is not None:
        button = page.get_by_role("button", name=main_action).first
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box is not None
        if box["y"] < 0 or box["y"] + box["height"] > VIEWPORT["height"]:
            problems.append(
                f"{state}: “{main_action}” at {box['y']:.0f}-{box['y'] + box['height']:.0f} px"
            )
    for target in page.evaluate(TARGETS_JS):
        if target["width"] < TARGET_PX or target["height"] < TARGET_PX:
            size = f"{target['width']:.0f}x{target['height']:.0f}"
            problems.append(f"{state}: “{target['name']}” is {size} px")
    # Text at 200% (WCAG 1.4.4): longer, never cut off nor wider than the screen.
    width = page.evaluate(TEXT_AT_200_PERCENT)
    if width > VIEWPORT["width"]:
        problems.append(f"{state}: {width} px wide with text at 200%")
    return problems


def test_each_state_of_the_phone_has_its_action_in_reach_and_large_targets(
    phone: BrowserContext, server: Server, database: Database
) -> None:
    page = phone.new_page()
    problems: list[str] = []
    audit = AccessibilityAudit()
    page.goto(server.url(f"/j/{server.join_code}"))
    problems += look(page, "not joined", "Join", audit)
    page.get_by_label("Your name").fill("María Pérez")
    page.get_by_label("Organisation or delegation").fill("Red de Ciudades Solidarias")
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#p-topic")).to_contain_text("No topic is open yet")
    problems += look(page, "no topic open", None, audit)

    room = Room(database, server.join_code)
    room.act(agenda.next_topic, "topic")

    def reload(status: str = "") -> None:
        page.reload()
        page.wait_for_function("() => window.__pushes > 0")
        expect(page.locator("#p-status")).to_contain_text(status)

    reload()
    problems += look(page, "list open", "Request the floor", audit)
    page.locator("#p-my-turn .questions-choice summary").click()
    problems += look(page, "guiding questions open", "Request the floor", audit)

    room.someone_asks("Bruno")
    room.act(turns.call_next, "first", "speaker")
    page.get_by_role("button", name="Request the floor").click()
    expect(page.locator("#p-status")).to_contain_text("You are number 1 on the list")
    room.someone_asks("Carla")
    room.act(floor.move, request_id=room.request_of("Carla"), offset=-1, seen_place=2)
    reload("You are number 2 on the list")
    problems += look(page, "waiting", "Withdraw my request", audit)

    room.act(turns.finish, "speaker")
    room.act(floor.remove, request_id=room.request_of("Carla"))
    reload("You are next")
    problems += look(page, "you are next", "Withdraw my request", audit)

    room.act(turns.call_next, "first", "speaker")
    reload("You have the floor")
    clock = page.locator(".countdown-mine")
    expect(clock).to_be_visible()
    clock_box = clock.bounding_box()
    assert clock_box is not None
    assert clock_box["y"] + clock_box["height"] <= VIEWPORT["height"]
    assert clock_box["height"] >= 64, "the speaker's own countdown is large"
    problems += look(page, "speaking", None, audit)
    room.act(timer.pause, "speaker")
    reload("You have the floor")
    problems += look(page, "speaking, paused", None, audit)

    room.act(turns.finish, "speaker")
    reload("Thank you for your intervention")
    problems += look(page, "finished", "Save my summary", audit)
    page.get_by_label("In a few lines, what did you say?").fill("Planes con las comunidades.")
    page.get_by_role("button", name="Save my summary").click()
    expect(page.locator("#p-my-turn")).to_contain_text("Saved. You can edit it")
    problems += look(page, "summary saved", "Update my summary", audit)

    page.get_by_role("button", name="Request the floor").click()
    expect(page.locator("#p-status")).to_contain_text("You are next")
    problems += look(page, "waiting again after speaking", "Withdraw my request", audit)

    room.act(floor.set_list_open, "topic", is_open=False)
    page.get_by_role("button", name="Withdraw my request").click()
    expect(page.locator("#p-status")).to_contain_text("You withdrew your request.")
    problems += look(page, "list closed", "Update my summary", audit)

    room.act(floor.set_list_open, "topic", is_open=True)
    reload("You withdrew your request.")
    page.get_by_role("button", name="Request the floor").click()
    expect(page.locator("#p-status")).to_contain_text("You are next")
    room.act(floor.skip, request_id=room.request_of("María Pérez"))
    reload("The facilitator skipped you")
    problems += look(page, "skipped", "Request the floor", audit)

    page.get_by_role("button", name="Request the floor").click()
    expect(page.locator("#p-status")).to_contain_text("You are next")
    room.act(agenda.next_topic, "topic")
    reload("which is now closed")
    problems += look(page, "left on a closed topic", "Request the floor", audit)
    assert problems == []
    audit.assert_clean()
