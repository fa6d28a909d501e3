"""A page asks its socket whether it still reaches the server; the server answers at once.

The answer is cheap and is no change: nothing is read for it, no region is sent with it, the
room's version stays, and a page that asks far too often still gets its pushes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import anyio
import pytest
from sqlalchemy.orm import Session
from websockets.asyncio.client import ClientConnection, connect

from app.live.connection import HEARTBEAT, HEARTBEAT_ANSWER, Connection
from app.models import Event
from tests.console import as_console_async
from tests.live.conftest import LiveServer
from tests.live.test_connection import SlowSocket, clock, region
from tests.live.test_sockets import (
    WAIT,
    cookie_header,
    facilitator_client,
    phone,
    projector_socket,
    regions,
    seed,
)

pytestmark = pytest.mark.anyio

SNAPSHOTS = {
    "projector": ("projector-stage", "projector-speaker", "projector-next", "projector-join"),
    "facilitator": ("fac-links", "fac-agenda", "fac-floor", "fac-presence"),
    "participant": ("p-topic", "p-my-turn"),
}


class CountedReads:
    """The database's ``reading``, counting its sessions."""

    def __init__(self, reading: Callable[[], AbstractContextManager[Session]]) -> None:
        self.reading = reading
        self.count = 0

    def __call__(self) -> AbstractContextManager[Session]:
        self.count += 1
        return self.reading()


@pytest.fixture
def reads(live_server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[CountedReads]:
    database = live_server.app.state.database
    counted = CountedReads(database.reading)
    monkeypatch.setattr(database, "reading", counted)
    yield counted


async def open_socket(server: LiveServer, event: Event, view: str) -> ClientConnection:
    if view == "projector":
        return await projector_socket(server, event)
    client = (
        await facilitator_client(server, event)
        if view == "facilitator"
        else await phone(server, event, "Ana")
    )
    headers = {"Cookie": cookie_header(client)}
    return await connect(f"{server.ws}/ws/{view}/{event.slug}", additional_headers=headers)


def version_of(server: LiveServer, event: Event) -> int:
    with server.app.state.database.reading() as db:
        version: int = db.get(Event, event.id).version
        return version


@pytest.mark.parametrize("view", sorted(SNAPSHOTS))
async def test_every_screens_heartbeat_is_answered_at_once_without_a_read_or_a_change(
    live_server: LiveServer, reads: CountedReads, view: str
) -> None:
    event = seed(live_server)
    socket = await open_socket(live_server, event, view)
    try:
        await regions(socket, *SNAPSHOTS[view])
        version = version_of(live_server, event)
        before = reads.count
        for _ in range(5):
            await socket.send(HEARTBEAT)
            with anyio.fail_after(1):
                assert await socket.recv() == HEARTBEAT_ANSWER
        assert reads.count == before, "a heartbeat read the database"
        with anyio.move_on_after(0.5):
            late = str(await socket.recv())
            pytest.fail(f"a heartbeat brought more than its answer: {late[:80]}")
        assert version_of(live_server, event) == version
    finally:
        await socket.close()


async def test_a_page_that_asks_too_often_still_gets_its_pushes(live_server: LiveServer) -> None:
    event = seed(live_server)
    facilitator = await facilitator_client(live_server, event)
    async with projector_socket(live_server, event) as socket:
        await regions(socket, *SNAPSHOTS["projector"])
        for _ in range(200):
            await socket.send(HEARTBEAT)
        await as_console_async(facilitator, f"/f/{event.slug}/topics/next")
        seen: list[str] = []
        with anyio.fail_after(WAIT):
            while not seen or "¿Cómo asegurar el acceso?" not in seen[-1]:
                seen.append(str(await socket.recv()))
        assert HEARTBEAT_ANSWER in seen
        assert all(m == HEARTBEAT_ANSWER or "data-version" in m for m in seen)


async def test_questions_asked_while_an_answer_is_on_its_way_get_one_answer() -> None:
    socket = SlowSocket()
    connection = Connection(socket, 1, "participant", "en")  # type: ignore[arg-type]
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(connection.pump, clock)
        connection.heartbeat()
        await anyio.sleep(0.05)  # the first answer hangs, as on a slow phone
        for _ in range(50):
            connection.heartbeat()
        connection.offer("mine", 1, region("list open", 1))
        socket.go.set()
        await anyio.sleep(0.05)
        tasks.cancel_scope.cancel()
    # The first answer, and one for the fifty questions asked while it hung.
    assert socket.sent.count(HEARTBEAT_ANSWER) == 2
    assert [m for m in socket.sent if m != HEARTBEAT_ANSWER] == [
        'clock v1<p data-version="1">list open</p>'
    ]


async def test_anything_else_a_page_sends_is_ignored(live_server: LiveServer) -> None:
    event = seed(live_server)
    async with projector_socket(live_server, event) as socket:
        await regions(socket, *SNAPSHOTS["projector"])
        for message in ("PING", "ping ", '{"HEARTBEAT": true}', HEARTBEAT_ANSWER):
            await socket.send(message)
        await socket.send(HEARTBEAT.encode())  # the heartbeat is text, not bytes
        with anyio.move_on_after(0.5):
            late = str(await socket.recv())
            pytest.fail(f"the socket answered something that is no heartbeat: {late[:80]}")
        await socket.send(HEARTBEAT)
        with anyio.fail_after(WAIT):
            assert await socket.recv() == HEARTBEAT_ANSWER
