"""A page's answers and its socket swap regions of the same page: the socket is told.

Each live page has a screen id, which its socket's address and its requests carry. What an
answer showed is then known to the socket: a region the answer changed is not taken for
unchanged (the page would keep showing the answer), and a region the answer already shows
is not sent again (a phone keeps what is being typed into it).
"""

from __future__ import annotations

import html
import re
import threading

import anyio
import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from app.live.hub import Hub, Rendered
from app.routes.responses import SCREEN_HEADER
from tests.console import as_console_async
from tests.live.conftest import LiveServer
from tests.live.test_sockets import (
    WAIT,
    cookie_header,
    facilitator_client,
    next_message,
    phone,
    regions,
    seed,
)
from tests.tokens import with_token_async

pytestmark = pytest.mark.anyio

SOCKET_ADDRESS = re.compile(r'ws-connect="([^"]*)"')
SCREEN_IN_ADDRESS = re.compile(r"[?&]screen=([0-9a-f]{32})(?:&|$)")
SCREEN_IN_HEADERS = re.compile(r'"X-Palabra-Screen": "([0-9a-f]{32})"')


async def open_page(client: httpx.AsyncClient, path: str) -> tuple[str, str]:
    """Load a live page as a browser does: its socket's address and its screen id. From now
    on the client's requests carry the id, as htmx does with the page's hx-headers."""
    page = (await client.get(path)).text
    address = SOCKET_ADDRESS.search(page)
    in_headers = SCREEN_IN_HEADERS.search(page)
    assert address is not None and in_headers is not None
    socket_path = html.unescape(address.group(1))
    in_address = SCREEN_IN_ADDRESS.search(socket_path)
    assert in_address is not None and in_address.group(1) == in_headers.group(1)
    client.headers[SCREEN_HEADER] = in_headers.group(1)
    return socket_path, in_headers.group(1)


def socket_of(server: LiveServer, client: httpx.AsyncClient, path: str) -> connect:
    cookies = cookie_header(client)
    return connect(server.ws + path, additional_headers={"Cookie": cookies})


def hold_the_hub(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """From now on the hub reads the room only once the returned event is set: the changes
    made meanwhile are drawn together, as when they come faster than a socket's batches."""
    hub: Hub = server.app.state.hub
    release = threading.Event()
    read_the_room = hub._render

    def held(event_id: int, sockets: list[object]) -> Rendered:
        release.wait(WAIT)
        return read_the_room(event_id, sockets)  # type: ignore[arg-type]

    monkeypatch.setattr(hub, "_render", held)
    return release


async def messages_until(socket: ClientConnection, containing: str) -> list[str]:
    """Every message up to and with the first that contains ``containing``."""
    seen: list[str] = []
    with anyio.fail_after(WAIT):
        while not seen or containing not in seen[-1]:
            seen.append(str(await socket.recv()))
    return seen


async def test_a_console_shows_the_room_when_its_change_is_undone_before_its_socket_spoke(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = seed(live_server)
    ana = await facilitator_client(live_server, event, "ana")
    bruno = await facilitator_client(live_server, event, "bruno")
    await as_console_async(ana, f"/f/{event.slug}/topics/next")
    path, _ = await open_page(ana, f"/f/{event.slug}")
    async with socket_of(live_server, ana, path) as console:
        snapshot = await regions(console, "fac-floor")
        assert "Close the list" in snapshot["fac-floor"]

        release = hold_the_hub(live_server, monkeypatch)
        closed = await as_console_async(ana, f"/f/{event.slug}/floor/list/close")
        assert "Reopen the list" in closed.text  # Ana's console now shows the list closed
        reopened = await as_console_async(bruno, f"/f/{event.slug}/floor/list/open")
        assert "Close the list" in reopened.text
        version = re.search(r'data-version="([0-9]+)"', reopened.text)
        release.set()  # both changes drawn at once: the list open, as the socket last sent

        floor = await next_message(console, 'id="fac-floor"')
    assert "Close the list" in floor and "Reopen the list" not in floor
    assert version is not None and f'data-version="{version.group(1)}"' in floor


async def test_a_phone_is_not_sent_again_what_the_answer_to_its_request_showed(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = seed(live_server)
    facilitator = await facilitator_client(live_server, event)
    await as_console_async(facilitator, f"/f/{event.slug}/topics/next")
    ana = await phone(live_server, event, "Ana")
    path, _ = await open_page(ana, f"/e/{event.slug}")
    async with socket_of(live_server, ana, path) as socket:
        await regions(socket, "p-topic", "p-my-turn")

        release = hold_the_hub(live_server, monkeypatch)  # the answer is told first
        answer = await ana.post(f"/e/{event.slug}/floor", data={"kind": "intervention"})
        assert "You are next" in answer.text
        release.set()

        update = await messages_until(socket, "1 person waiting")
        assert not any('id="p-my-turn"' in message for message in update)
        with anyio.move_on_after(0.5):
            while True:
                assert 'id="p-my-turn"' not in str(await socket.recv())


async def test_a_phone_is_sent_the_change_of_its_own_region_made_by_others(
    live_server: LiveServer,
) -> None:
    event = seed(live_server)
    facilitator = await facilitator_client(live_server, event)
    await as_console_async(facilitator, f"/f/{event.slug}/topics/next")
    ana = await phone(live_server, event, "Ana")
    path, _ = await open_page(ana, f"/e/{event.slug}")
    async with socket_of(live_server, ana, path) as socket:
        await regions(socket, "p-topic", "p-my-turn")
        answer = await ana.post(f"/e/{event.slug}/floor", data={"kind": "intervention"})
        assert "You are next" in answer.text
        await as_console_async(facilitator, f"/f/{event.slug}/floor/next")
        await next_message(socket, "You have the floor")


async def test_every_live_page_load_has_a_screen_id_of_its_own(live_server: LiveServer) -> None:
    event = seed(live_server)
    facilitator = await facilitator_client(live_server, event)
    ana = await phone(live_server, event, "Ana")
    screen = await with_token_async(httpx.AsyncClient(base_url=live_server.http))
    projector = f"/projector/{event.slug}?key={event.projector_token}"
    seen: set[str] = set()
    for client, path in ((facilitator, f"/f/{event.slug}"), (ana, f"/e/{event.slug}"), (screen, projector)):  # fmt: skip
        for _ in range(2):
            socket_path, screen_id = await open_page(client, path)
            seen.add(screen_id)
            async with socket_of(live_server, client, socket_path) as socket:
                with anyio.fail_after(WAIT):
                    assert 'id="server-clock"' in str(await socket.recv())
    assert len(seen) == 6
    assert f"?key={event.projector_token}&screen=" in socket_path


@pytest.mark.parametrize(
    "screen",
    ["", "not-a-screen", "0123456789ABCDEF0123456789ABCDEF", "0123456789abcdef0123456789abcdef0"],
)
async def test_a_malformed_screen_id_is_no_screen_and_no_error(
    live_server: LiveServer, screen: str
) -> None:
    event = seed(live_server)
    ana = await facilitator_client(live_server, event)
    ana.headers[SCREEN_HEADER] = screen
    async with socket_of(live_server, ana, f"/ws/facilitator/{event.slug}?screen={screen}") as s:
        await regions(s, "fac-agenda", "fac-floor")
        answer = await as_console_async(ana, f"/f/{event.slug}/topics/next")
        assert answer.status_code == 200 and "Close topic" in answer.text
        update = await regions(s, "fac-agenda")
    assert "Close topic" in update["fac-agenda"]
    hub: Hub = live_server.app.state.hub
    assert not hub._screens
