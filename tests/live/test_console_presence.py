"""The console shows at a glance how many phones and projectors are connected: live, as
they come and go, counted by the worker that serves the console (it says so)."""

from __future__ import annotations

import re
from contextlib import AsyncExitStack

import anyio
import pytest
from websockets.asyncio.client import ClientConnection, connect

from app.live.connection import Connection
from tests.live.conftest import LiveServer
from tests.live.test_sockets import (
    WAIT,
    cookie_header,
    facilitator_client,
    next_message,
    phone,
    projector_socket,
    regions,
    seed,
)

pytestmark = pytest.mark.anyio

PROJECTORS = 5


def presence(message: str) -> str:
    found = re.search(r'<p id="fac-presence".*?</p>', message, re.S)
    assert found is not None, message[:300]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", found[0])).strip()


async def presence_reading(console: ClientConnection, text: str) -> str:
    with anyio.fail_after(WAIT):
        while True:
            shown = presence(await next_message(console, 'id="fac-presence"'))
            if shown.endswith(text):
                return shown


async def test_the_console_counts_phones_and_projectors_as_they_come_and_go(
    live_server: LiveServer,
) -> None:
    event = seed(live_server)
    facilitator = await facilitator_client(live_server, event)
    console_url = f"{live_server.ws}/ws/facilitator/{event.slug}"
    headers = {"Cookie": cookie_header(facilitator)}
    async with connect(console_url, additional_headers=headers, compression=None) as console:
        first = await regions(console, "fac-presence")
        assert presence(first["fac-presence"]) == (
            "Connected to this server: 0 phones · 0 projectors"
        )
        ana = await phone(live_server, event, "Ana")
        phone_url = f"{live_server.ws}/ws/participant/{event.slug}"
        phone_headers = {"Cookie": cookie_header(ana)}
        async with (
            connect(phone_url, additional_headers=phone_headers, compression=None),
            projector_socket(live_server, event),
        ):
            assert await presence_reading(console, "1 phone · 1 projector")
        assert await presence_reading(console, "0 phones · 0 projectors")


async def test_screens_coming_and_going_are_counted_without_reading_the_room_for_the_console(
    live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = seed(live_server)
    hub = live_server.app.state.hub
    drawn_for: list[list[str]] = []
    render = hub._render

    def spy(event_id: int, sockets: list[Connection]) -> object:
        drawn_for.append([c.view for c in sockets])
        return render(event_id, sockets)

    monkeypatch.setattr(hub, "_render", spy)
    facilitator = await facilitator_client(live_server, event)
    console_url = f"{live_server.ws}/ws/facilitator/{event.slug}"
    headers = {"Cookie": cookie_header(facilitator)}
    async with connect(console_url, additional_headers=headers, compression=None) as console:
        await regions(console, "fac-presence")
        async with AsyncExitStack() as projectors:
            for _ in range(PROJECTORS):
                socket = await projectors.enter_async_context(projector_socket(live_server, event))
                await regions(socket, "projector-stage")
            assert await presence_reading(console, f"0 phones · {PROJECTORS} projectors")
        assert await presence_reading(console, "0 phones · 0 projectors")
    console_reads = [views for views in drawn_for if "facilitator" in views]
    assert console_reads == [["facilitator"]], "only the console's own snapshot reads the room"
    assert all(views == ["projector"] for views in drawn_for[1:])
