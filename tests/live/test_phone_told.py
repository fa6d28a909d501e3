"""A waiting phone is told, live, what became of its request when the facilitator acts."""

from __future__ import annotations

import pytest
from websockets.asyncio.client import connect

from tests.console import as_console_async
from tests.live.conftest import LiveServer
from tests.live.test_sockets import cookie_header, facilitator_client, next_message, phone, seed

pytestmark = pytest.mark.anyio


async def test_waiting_phones_are_told_their_topic_closed_when_the_room_moves_on(
    live_server: LiveServer,
) -> None:
    event = seed(live_server)
    facilitator = await facilitator_client(live_server, event)
    await as_console_async(facilitator, f"/f/{event.slug}/topics/next")
    ana, bruno = await phone(live_server, event, "Ana"), await phone(live_server, event, "Bruno")
    await ana.post(f"/e/{event.slug}/floor", data={"kind": "intervention"})
    url = f"{live_server.ws}/ws/participant/{event.slug}"
    async with (
        connect(url, additional_headers={"Cookie": cookie_header(ana)}) as waiting,
        connect(url, additional_headers={"Cookie": cookie_header(bruno)}) as idle,
    ):
        await next_message(waiting, "You are next")
        await next_message(idle, "Request the floor")
        await as_console_async(facilitator, f"/f/{event.slug}/topics/next")
        told = await next_message(waiting, "which is now closed")
        assert "ask again on this topic if you wish" in told
        update = await next_message(idle, "Vivienda")
        assert "which is now closed" not in update
