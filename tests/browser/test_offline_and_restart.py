"""A screen that loses the server says so within 3 s, disables its actions meanwhile, and comes
back to the room's state by itself: when its network goes, when its socket goes silent, and
when the server restarts. Nothing a person entered is lost on the way."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, WebSocketRoute, expect

from tests.browser.conftest import (
    REPO_ROOT,
    SECRET_KEY,
    OutputBuffer,
    Server,
    free_port,
    printed_link,
    stop,
    wait_until_healthy,
)
from tests.browser.screens import (
    TIMEOUT_MS,
    console_context,
    join,
    open_first_topic,
    phone_context,
    sign_in,
)

if TYPE_CHECKING:
    from collections.abc import Callable

BANNER_WITHIN_S = 3.0
BACK_WITHIN_MS = 10_000  # a retry within 3 s, or a silent socket replaced after 4 s
BANNER_TEXT = "Connection lost. Reconnecting…"
PROJECTOR_VIEWPORT = {"width": 1280, "height": 720}


def mark_as_loaded(page: Page) -> None:
    page.evaluate("window.__loadMarker = 1")


def was_not_reloaded(page: Page) -> bool:
    return bool(page.evaluate("window.__loadMarker === 1"))


def banner_shown_within(pages: list[Page], seconds: float, since: float) -> float:
    """Seconds from ``since`` until every page shows the banner (a failure after ``seconds``)."""
    for page in pages:
        page.wait_for_function(
            """text => {
                const banner = document.querySelector('.offline-banner');
                return banner.textContent === text && banner.checkVisibility();
            }""",
            arg=BANNER_TEXT,
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
        phone.locator("#p-my-turn input[name=question_ids]").nth(question).tap()
    phone.get_by_role("button", name="Request the floor").tap()
    expect(phone.locator("#p-my-turn")).to_contain_text("You are number")


def waiting_room(
    server: Server, devices: list[BrowserContext], browser: Browser
) -> dict[str, Page]:
    """A console with the first topic open; Ana 1st and Bruno 2nd on the list; Carla, who
    has not asked yet, chose a reply on the second question; Bruno opened the original."""
    devices += [console_context(browser)] + [phone_context(browser) for _ in range(3)]
    console = sign_in(devices[0], server)
    open_first_topic(console)
    ana, bruno, carla = (
        join(c, server, n) for c, n in zip(devices[1:], ("Ana", "Bruno", "Carla"), strict=True)
    )
    request(ana)
    request(bruno)
    expect(bruno.locator("#p-my-turn")).to_contain_text("You are number 2 on the list")
    bruno.locator("#p-original summary").tap()
    carla.locator("#p-my-turn input[name=kind][value=reply]").tap()
    carla.locator("#p-my-turn input[name=question_ids]").nth(1).tap()
    for page in (console, bruno, carla):
        mark_as_loaded(page)
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
    server: Server, browser: Browser, devices: list[BrowserContext], offline_for_s: float
) -> None:
    room = waiting_room(server, devices, browser)
    console, bruno, carla = room["console"], room["bruno"], room["carla"]
    before = {"bruno": entered(bruno), "carla": entered(carla)}

    went = time.monotonic()
    for context in devices[2:]:
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
    for context in devices[2:]:
        context.set_offline(False)
    banner_gone(bruno)
    banner_gone(carla)
    print(f"banner gone {time.monotonic() - back:.2f} s after the network came back")
    expect(bruno.locator("#p-my-turn")).to_contain_text("You are number 1 on the list")
    expect(bruno.get_by_role("button", name="Withdraw my request")).to_be_enabled()
    expect(carla.get_by_role("button", name="Request the floor")).to_be_enabled()
    assert {"bruno": entered(bruno), "carla": entered(carla)} == before
    assert was_not_reloaded(bruno) and was_not_reloaded(carla)

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
    server: Server, browser: Browser, devices: list[BrowserContext]
) -> None:
    devices += [console_context(browser), phone_context(browser)]
    network = SilentNetwork()
    devices[1].route_web_socket("**/ws/**", network.relay)
    console = sign_in(devices[0], server)
    open_first_topic(console)
    phone = join(devices[1], server, "Ana")
    mark_as_loaded(phone)
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
    assert was_not_reloaded(phone)


def test_the_console_disables_its_actions_and_the_projector_shows_the_banner_while_offline(
    server: Server, browser: Browser, devices: list[BrowserContext]
) -> None:
    devices += [console_context(browser), browser.new_context(viewport=PROJECTOR_VIEWPORT)]
    devices[1].set_default_timeout(TIMEOUT_MS)
    console = sign_in(devices[0], server)
    open_first_topic(console)
    projector = devices[1].new_page()
    projector.goto(server.projector_url)
    expect(projector.locator("#projector-stage")).to_be_visible()
    projector.wait_for_timeout(500)

    went = time.monotonic()
    for context in devices:
        context.set_offline(True)
    delay = banner_shown_within([console, projector], BANNER_WITHIN_S, went)
    print(f"console and projector banner after {delay:.2f} s offline")
    for name in ("Call next speaker", "Close the list", "Next topic", "Add to the list"):
        expect(console.get_by_role("button", name=name)).to_be_disabled()
    # Typing is still possible: nothing is sent, nothing is lost.
    console.get_by_label("Name", exact=True).fill("Dora")

    for context in devices:
        context.set_offline(False)
    banner_gone(console)
    banner_gone(projector)
    for name in ("Call next speaker", "Close the list", "Next topic", "Add to the list"):
        expect(console.get_by_role("button", name=name)).to_be_enabled()
    expect(console.get_by_label("Name", exact=True)).to_have_value("Dora")


@dataclass
class Restartable:
    """``python -m app run`` on one port and database, that a test can stop and start again."""

    database_url: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None
    outputs: list[OutputBuffer] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        environment = os.environ | {
            "PALABRA_DATABASE_URL": self.database_url,
            "PALABRA_SECRET_KEY": SECRET_KEY,
            "PALABRA_PORT": str(self.port),
            "PALABRA_ENV": "development",
            "PYTHONUNBUFFERED": "1",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app", "run"],
            cwd=REPO_ROOT,
            env=environment | {"PALABRA_HOST": "127.0.0.1", "PALABRA_PUBLIC_URL": ""},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        assert self.process.stdout is not None
        self.outputs.append(OutputBuffer(self.process.stdout))
        wait_until_healthy(self.process, self.base_url, self.outputs[-1])

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)

    def first_run(self) -> Server:
        """The links and the facilitator's password, printed by the first run only."""
        printed = self.outputs[0].text()
        return Server(
            base_url=self.base_url,
            facilitator_url=printed_link(printed, "Facilitator console"),
            username=printed_link(printed, "Username"),
            password=printed_link(printed, "Password (shown once)"),
            projector_url=printed_link(printed, "Projector"),
            join_code=printed_link(printed, "Join code"),
            output=self.outputs[0],
        )


@pytest.fixture
def restartable(database_url: str) -> Iterator[Restartable]:
    server = Restartable(database_url)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        for output in server.outputs:
            output.join(timeout=5)
            print(f"--- output of python -m app run ---\n{output.text()}")


def test_every_screen_comes_back_by_itself_after_a_server_restart(
    restartable: Restartable, browser: Browser, devices: list[BrowserContext]
) -> None:
    server = restartable.first_run()
    devices += [console_context(browser), phone_context(browser), phone_context(browser)]
    devices.append(browser.new_context(viewport=PROJECTOR_VIEWPORT))
    devices[3].set_default_timeout(TIMEOUT_MS)
    console = sign_in(devices[0], server)
    open_first_topic(console)
    ana = join(devices[1], server, "Ana")
    bruno = join(devices[2], server, "Bruno")
    request(ana)
    request(bruno)
    projector = devices[3].new_page()
    projector.goto(server.projector_url)
    expect(projector.locator("#projector-next")).to_contain_text("Bruno")
    bruno.locator("#p-original summary").tap()
    screens = [console, ana, bruno, projector]
    for page in screens:
        mark_as_loaded(page)

    went = time.monotonic()
    restartable.stop()
    delay = banner_shown_within(screens, BANNER_WITHIN_S, went)
    print(f"banner after {delay:.2f} s with the server stopped")
    expect(console.get_by_role("button", name="Call next speaker")).to_be_disabled()
    restartable.start()
    started = time.monotonic()

    for page in screens:
        banner_gone(page)
        assert was_not_reloaded(page)
    print(f"every screen back {time.monotonic() - started:.2f} s after the server started again")
    # The restarted server pushes as the first did: the facilitator calls Ana.
    console.get_by_role("button", name="Call next speaker").click()
    expect(projector.locator("#projector-speaker")).to_contain_text("Ana")
    expect(ana.locator("#p-my-turn")).to_contain_text("You have the floor")
    expect(bruno.locator("#p-my-turn")).to_contain_text("You are number 1 on the list")
    assert entered(bruno)["open"] == ["p-original"]
