"""A socket's mailbox: latest state wins, nothing the screen already shows is sent again."""

from __future__ import annotations

import anyio
import pytest

from app.live.connection import Connection, Fragment

pytestmark = pytest.mark.anyio


class SlowSocket:
    """Records what was sent; each send waits until the test lets it go."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.go = anyio.Event()

    async def send_text(self, text: str) -> None:
        await self.go.wait()
        self.sent.append(text)


def clock(version: int) -> str:
    return f"clock v{version}"


def region(text: str, version: int) -> Fragment:
    return Fragment.of(f'<p data-version="{version}">{text}</p>')


async def test_only_the_latest_state_of_a_region_is_sent() -> None:
    socket = SlowSocket()
    connection = Connection(socket, 1, "projector", "en")  # type: ignore[arg-type]
    for version in (1, 2, 3):
        connection.offer("stage", version, region(f"stage v{version}", version))
    connection.offer("stage", 2, region("stage v2 late", 2))  # older than what is due: dropped
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(connection.pump, clock)
        socket.go.set()
        await anyio.sleep(0.05)
        tasks.cancel_scope.cancel()
    assert socket.sent == ["clock v3", '<p data-version="3">stage v3</p>']


async def test_a_state_offered_again_while_another_is_on_its_way_is_still_sent() -> None:
    socket = SlowSocket()
    connection = Connection(socket, 1, "participant", "en")  # type: ignore[arg-type]
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(connection.pump, clock)
        connection.offer("mine", 1, region("list open", 1))
        socket.go.set()
        await anyio.sleep(0.05)
        socket.go = anyio.Event()  # the next sends hang, as on a slow phone
        connection.offer("mine", 2, region("list closed", 2))
        await anyio.sleep(0.05)
        connection.offer("mine", 3, region("list open", 3))  # back to what was shown before
        socket.go.set()
        await anyio.sleep(0.05)
        tasks.cancel_scope.cancel()
    assert socket.sent == [
        "clock v1",
        '<p data-version="1">list open</p>',
        "clock v2",
        '<p data-version="2">list closed</p>',
        "clock v3",
        '<p data-version="3">list open</p>',
    ]


async def test_a_region_that_changed_only_in_its_version_is_not_sent_again() -> None:
    socket = SlowSocket()
    socket.go.set()
    connection = Connection(socket, 1, "participant", "en")  # type: ignore[arg-type]
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(connection.pump, clock)
        connection.offer("mine", 1, region("the form", 1))
        connection.offer("topic", 1, region("topic 1", 1))
        await anyio.sleep(0.05)
        connection.offer("mine", 2, region("the form", 2))  # typing in it goes on
        connection.offer("topic", 2, region("topic 2", 2))
        await anyio.sleep(0.05)
        tasks.cancel_scope.cancel()
    assert socket.sent == [
        "clock v1",
        '<p data-version="1">the form</p>',
        '<p data-version="1">topic 1</p>',
        "clock v2",  # the form not sent again, but current at version 2 all the same
        '<p data-version="2">topic 2</p>',
    ]
