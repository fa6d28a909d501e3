"""A phone in a pocket stops reading its socket: nobody else waits for it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
import pytest

from app.db import Database
from app.i18n import translate
from app.live.broadcast import MemoryBroadcast
from app.live.connection import Connection
from app.live.frames import PROJECTOR_REGIONS, clock
from app.live.hub import PROJECTOR, Hub
from app.models import Event
from app.services import floor, timer, turns
from tests.factories import make_event, make_participant, make_request, open_first_topic, seen

pytestmark = pytest.mark.anyio

CHANGES = 100


class Pocket:
    """A socket whose reader went away: the first send never finishes until it is back."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.back = anyio.Event()

    async def send_text(self, text: str) -> None:
        await self.back.wait()
        self.sent.append(text)


class Reader:
    def __init__(self) -> None:
        self.sent: list[str] = []

    async def send_text(self, text: str) -> None:
        self.sent.append(text)


@pytest.fixture
async def hub(database: Database) -> AsyncIterator[Hub]:
    hub = Hub(database=database, broadcast=MemoryBroadcast(), base_url="http://testserver")
    database.on_change = hub.publish_threadsafe
    await hub.start()
    yield hub
    await hub.stop()


def a_speaker_on_the_clock(database: Database) -> Event:
    with database.writing() as db:
        event = make_event(db)
        open_first_topic(db, event)
        make_request(db, event, make_participant(db, event))
        turns.call_next(db=db, event=event, **seen(db, event, "first", "speaker"))
        return event


async def until(condition: object, seconds: float = 5) -> None:
    with anyio.fail_after(seconds):
        while not condition():  # type: ignore[operator]
            await anyio.sleep(0.01)


async def test_a_socket_that_stops_reading_delays_nobody_and_catches_up_with_the_latest(
    database: Database, hub: Hub
) -> None:
    event = a_speaker_on_the_clock(database)
    pocket, reader = Pocket(), Reader()
    key = event.projector_token
    in_pocket = Connection(pocket, event.id, PROJECTOR, "en", credential=key)  # type: ignore[arg-type]
    watching = Connection(reader, event.id, PROJECTOR, "en", credential=key)  # type: ignore[arg-type]
    async with anyio.create_task_group() as pumps:
        for connection in (in_pocket, watching):
            pumps.start_soon(connection.pump, clock)
            hub.connect(connection)
        await until(lambda: any('id="projector-speaker"' in text for text in reader.sent))

        for _ in range(CHANGES):
            with database.writing() as db:
                timer.add_time(db=db, event=event, **seen(db, event, "speaker"), seconds=30)
            await anyio.sleep(0)
        with database.writing() as db:
            floor.set_list_open(db=db, event=event, **seen(db, event, "topic"), is_open=False)
        closed = translate(
            event.language, "List of speakers closed", {}
        )  # the projector reads the agenda's
        await until(lambda: any(closed in text for text in reader.sent))
        assert in_pocket.backlog <= len(PROJECTOR_REGIONS)  # one copy of each region at most

        reader.sent.clear()
        pocket.back.set()
        await until(lambda: any(closed in text for text in pocket.sent))
        pumps.cancel_scope.cancel()
    # Back from the pocket: the send that was stuck when the reader went away, then the latest
    # state in a batch or two (one message each, with its clock), not the hundred on the way;
    # no region twice in a batch.
    assert 2 <= len(pocket.sent) <= 3
    for batch in pocket.sent:
        assert batch.count('id="server-clock"') == 1
        for region in PROJECTOR_REGIONS:
            assert batch.count(f'id="{region}"') <= 1, region
