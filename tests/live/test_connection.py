"""A socket's mailbox: latest state wins, nothing the screen already shows is sent again."""

from __future__ import annotations

import anyio
import pytest

from app.live.connection import Connection

pytestmark = pytest.mark.anyio


class SlowSocket:
    """Records what was sent; each send waits until the test lets it go."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.go = anyio.Event()

    async def send_text(self, text: str) -> None:
        await self.go.wait()
        self.sent.append(text)


def clock() -> str:
    return "clock"


async def test_only_the_latest_state_of_a_region_is_sent() -> None:
    socket = SlowSocket()
    connection = Connection(socket, 1, "projector", "en")  # type: ignore[arg-type]
    for version in (1, 2, 3):
        connection.offer("stage", version, f"stage v{version}")
    connection.offer("stage", 2, "stage v2 late")  # older than what is due: dropped
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(connection.pump, clock)
        socket.go.set()
        await anyio.sleep(0.05)
        tasks.cancel_scope.cancel()
    assert socket.sent == ["clock", "stage v3"]


async def test_a_state_offered_again_while_another_is_on_its_way_is_still_sent() -> None:
    socket = SlowSocket()
    connection = Connection(socket, 1, "participant", "en")  # type: ignore[arg-type]
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(connection.pump, clock)
        connection.offer("mine", 1, "list open")
        socket.go.set()
        await anyio.sleep(0.05)
        socket.go = anyio.Event()  # the next sends hang, as on a slow phone
        connection.offer("mine", 2, "list closed")
        await anyio.sleep(0.05)
        connection.offer("mine", 3, "list open")  # back to what was shown before
        socket.go.set()
        await anyio.sleep(0.05)
        tasks.cancel_scope.cancel()
    assert socket.sent[-1] == "list open"
    assert socket.sent == ["clock", "list open", "clock", "list closed", "clock", "list open"]


async def test_an_unchanged_region_is_not_sent_again() -> None:
    socket = SlowSocket()
    socket.go.set()
    connection = Connection(socket, 1, "participant", "en")  # type: ignore[arg-type]
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(connection.pump, clock)
        connection.offer("mine", 1, "the form")
        await anyio.sleep(0.05)
        connection.offer("mine", 2, "the form")
        await anyio.sleep(0.05)
        tasks.cancel_scope.cancel()
    assert socket.sent == ["clock", "the form"]
