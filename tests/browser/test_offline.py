"""A screen that loses the server says so within 3 s, disables its actions, and comes back to
the room's state by itself, whether its network goes or its socket goes silent. Nothing a
person entered is lost on the way (a restart: test_server_restart.py)."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, WebSocketRoute, expect

from tests.browser.pushes import (
    TIMEOUT_MS,
    console_context,
    join,
    open_first_topic,
    phone_context,
    sign_in,
    tick_question,
)
from tests.browser.screens import BrowserLog, mark_loaded, not_reloaded

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.browser.server import Server


@pytest.fixture(autouse=True)
def sockets_fail_while_offline(browser_log: BrowserLog) -> None:
    """Without a network the page's sockets cannot connect (Chromium says so, and htmx logs
    the socket's error event as "[object Event]"): that is what these tests are about."""
    browser_log.allow(r"WebSocket connection to .* failed|^\[object Event\]$")


BANNER_WITHIN_S = 3.0
BACK_WITHIN_MS = 10_000  # a retry within 3 s, or a silent socket replaced after 4 s
PROJECTOR_VIEWPORT = {"width": 1280, "height": 720}


def banner_shown_within(pages: list[Page], seconds: float, since: float) -> float:
    """Seconds from ``since`` until every page shows the banner (a failure after ``seconds``)."""
    for page in pages:
        page.wait_for_function(
            """() => {
                const banner = document.querySelector('.offline-banner');
                const message = banner.dataset.message;
                return message && banner.textContent === message && banner.checkVisibility();
            }""",
            polling=50,
            timeout=max(1, since + seconds - time.monotonic()) * 1000,
        )
    delay = time.monotonic() - since
    assert delay <= seconds, f"the banner took {delay:.1f} s"
    return delay


def banner_gone(page: Page) -> None:
    expect(page.locator(".offline-banner")).to_be_hidden(timeout=BACK_WITHIN_MS)
    expect(page.locator(".offline-banner")).to_have_text("")


def place(phone: Page) -> Callable[[], object]:
    return lambda: phone.locator("#p-my-turn").inner_text()


def request(phone: Page, *, question: int | None = None) -> None:
    if question is not None:
        tick_question(phone, question)
    phone.get_by_role("button", name="Request the floor").tap()
    expect(phone.locator("#p-my-turn")).to_contain_text(re.compile("You are number|You are next"))


def waiting_room(
    server: Server, contexts: list[BrowserContext], browser: Browser
) -> dict[str, Page]:
    """A console with the first topic open; Ana 1st and Bruno 2nd on the list; Carla, who
    has not asked yet, chose a reply on the second question; Bruno opened the original."""
    contexts += [console_context(browser)] + [phone_context(browser) for _ in range(3)]
    console = sign_in(contexts[0], server)
    open_first_topic(console)
    ana, bruno, carla = (
        join(c, server, n) for c, n in zip(contexts[1:], ("Ana", "Bruno", "Carla"), strict=True)
    )
    request(ana)
    request(bruno)
    expect(bruno.locator("#p-my-turn")).to_contain_text("You are number 2 on the list")
    bruno.locator("#p-original summary").tap()
    carla.locator("#p-my-turn input[name=kind][value=reply]").tap()
    tick_question(carla, 1)
    for page in (console, bruno, carla):
        mark_loaded(page)
    return {"console": console, "ana": ana, "bruno": bruno, "carla": carla}


def entered(page: Page) -> dict[str, object]:
    """What a phone's person chose and opened."""
    result: dict[str, object] = page.evaluate(
        """() => ({
            open: Array.from(document.querySelectorAll('details[open]'), d => d.id),
            checked: Array.from(
                document.querySelectorAll('#p-my-turn input:checked'), i => i.name + '=' + i.value
            ),
        })"""
    )
    return result


@pytest.mark.parametrize("offline_for_s", [10, 45])
def test_a_phone_offline_says_so_and_comes_back_to_the_rooms_state(
    server: Server, browser: Browser, contexts: list[BrowserContext], offline_for_s: float
) -> None:
    room = waiting_room(server, contexts, browser)
    console, bruno, carla = room["console"], room["bruno"], room["carla"]
    before = {"bruno": entered(bruno), "carla": entered(carla)}

    went = time.monotonic()
    for context in contexts[2:]:
        context.set_offline(True)
    delay = banner_shown_within([bruno, carla], BANNER_WITHIN_S, went)
    print(f"banner after {delay:.2f} s offline")
    expect(bruno.get_by_role("button", name="Withdraw my request")).to_be_disabled()
    expect(carla.get_by_role("button", name="Request the floor")).to_be_disabled()
    expect(bruno.locator(".offline-banner")).to_have_attribute("role", "status")

    # Meanwhile the facilitator moves Bruno up: he is first now.
    console.locator("#fac-floor tr", has_text="Bruno").get_by_role("button", name="Move up").click()
    expect(console.locator("#fac-floor tr", has_text="Bruno")).to_contain_text("1")
    bruno.wait_for_timeout((offline_for_s - (time.monotonic() - went)) * 1000)
    expect(bruno.locator("#p-my-turn")).to_contain_text("You are number 2 on the list")
    for page in (bruno, carla):  # all along: the heartbeat did not come back meanwhile
        expect(page.locator(".offline-banner")).to_be_visible(timeout=1)

    back = time.monotonic()
    for context in contexts[2:]:
        context.set_offline(False)
    banner_gone(bruno)
    banner_gone(carla)
    print(f"banner gone {time.monotonic() - back:.2f} s after the network came back")
    expect(bruno.locator("#p-my-turn")).to_contain_text("You are next")
    expect(bruno.get_by_role("button", name="Withdraw my request")).to_be_enabled()
    expect(carla.get_by_role("button", name="Request the floor")).to_be_enabled()
    assert {"bruno": entered(bruno), "carla": entered(carla)} == before
    assert not_reloaded(bruno) and not_reloaded(carla)

    # What Carla chose before the network went is what she asks for now.
    request(carla)
    expect(carla.locator("#p-my-turn")).to_contain_text("Reply")
    expect(carla.locator("#p-my-turn")).to_contain_text("Question 2")


class SilentNetwork:
    """Relays each of a page's sockets to the server. ``die`` kills every socket open then or
    opened until ``heal``, as a network that dies without closing them: nothing goes either
    way on them ever again. Sockets opened after ``heal`` work."""

    def __init__(self) -> None:
        self.dead = False
        self.relays: list[dict[str, bool]] = []

    def relay(self, page_side: WebSocketRoute) -> None:
        state = {"dead": self.dead}
        self.relays.append(state)
        server_side = page_side.connect_to_server()
        page_side.on_message(lambda message: None if state["dead"] else server_side.send(message))
        server_side.on_message(lambda message: None if state["dead"] else page_side.send(message))

    def die(self) -> None:
        self.dead = True
        for state in self.relays:
            state["dead"] = True

    def heal(self) -> None:
        self.dead = False


def test_a_phone_whose_socket_goes_silent_says_so_and_opens_a_new_one(
    server: Server, browser: Browser, contexts: list[BrowserContext]
) -> None:
    contexts += [console_context(browser), phone_context(browser)]
    network = SilentNetwork()
    contexts[1].route_web_socket("**/ws/**", network.relay)
    console = sign_in(contexts[0], server)
    open_first_topic(console)
    phone = join(contexts[1], server, "Ana")
    mark_loaded(phone)
    assert len(network.relays) == 1

    went = time.monotonic()
    network.die()
    delay = banner_shown_within([phone], BANNER_WITHIN_S, went)
    print(f"banner after {delay:.2f} s of silence")
    expect(phone.get_by_role("button", name="Request the floor")).to_be_disabled()
    console.get_by_role("button", name="Close the list").click()
    expect(console.locator("#fac-floor")).to_contain_text("List closed")
    # A socket that stays silent is dropped and another opened (it is silent too, so far).
    deadline = time.monotonic() + 8
    while len(network.relays) < 2 and time.monotonic() < deadline:
        phone.wait_for_timeout(200)
    assert len(network.relays) >= 2, "the silent socket was never replaced"
    expect(phone.locator(".offline-banner")).to_be_visible()

    healed = time.monotonic()
    network.heal()
    banner_gone(phone)
    print(f"banner gone {time.monotonic() - healed:.2f} s after the network healed")
    expect(phone.locator("#p-my-turn")).to_contain_text("The list of speakers is closed.")
    assert not_reloaded(phone)


def test_the_console_disables_its_actions_and_the_projector_shows_the_banner_while_offline(
    server: Server, browser: Browser, contexts: list[BrowserContext]
) -> None:
    contexts += [console_context(browser), browser.new_context(viewport=PROJECTOR_VIEWPORT)]
    contexts[1].set_default_timeout(TIMEOUT_MS)
    console = sign_in(contexts[0], server)
    open_first_topic(console)
    projector = contexts[1].new_page()
    projector.goto(server.projector_url)
    expect(projector.locator("#projector-stage")).to_be_visible()
    projector.wait_for_timeout(500)

    went = time.monotonic()
    for context in contexts:
        context.set_offline(True)
    delay = banner_shown_within([console, projector], BANNER_WITHIN_S, went)
    print(f"console and projector banner after {delay:.2f} s offline")
    for name in ("Call next speaker", "Close the list", "Next topic", "Add to the list"):
        expect(console.get_by_role("button", name=name)).to_be_disabled()
    # Typing is still possible: nothing is sent, nothing is lost.
    console.get_by_label("Name", exact=True).fill("Dora")

    for context in contexts:
        context.set_offline(False)
    banner_gone(console)
    banner_gone(projector)
    for name in ("Call next speaker", "Close the list", "Next topic", "Add to the list"):
        expect(console.get_by_role("button", name=name)).to_be_enabled()
    expect(console.get_by_label("Name", exact=True)).to_have_value("Dora")
