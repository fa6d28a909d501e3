"""A burst of phones tapping at once: everyone gets in, exactly once, nobody gets a 500.

These run on SQLite and on PostgreSQL (``PALABRA_TEST_DATABASE_URL``) alike.
"""

from __future__ import annotations

import anyio
import httpx
import pytest

from app.models.floor import TurnStatus
from app.services import events, floor
from tests.console import as_console_async, form_fields
from tests.live.conftest import LiveServer
from tests.live.test_sockets import facilitator_client, phone, seed

pytestmark = pytest.mark.anyio

PHONES = 150
TAPS = 10


async def test_a_burst_of_requests_puts_everyone_on_the_list_once(
    live_server: LiveServer,
) -> None:
    event = seed(live_server)
    facilitator = await facilitator_client(live_server, event)
    await as_console_async(facilitator, f"/f/{event.slug}/topics/next")
    phones = [await phone(live_server, event, f"Phone {i}") for i in range(PHONES)]
    for client in phones:
        client.timeout = httpx.Timeout(60)  # correctness is checked here, not speed
    statuses: list[int] = []

    async def tap_twice(client: httpx.AsyncClient) -> None:
        for _ in range(2):
            response = await client.post(f"/e/{event.slug}/floor", data={"kind": "reply"})
            statuses.append(response.status_code)

    with anyio.fail_after(60):
        async with anyio.create_task_group() as taps:
            for client in phones:
                taps.start_soon(tap_twice, client)

    assert statuses.count(200) == 2 * PHONES, sorted(set(statuses))
    with live_server.app.state.database.reading() as db:
        topic = events.open_topic(db=db, event_id=event.id)
        assert topic is not None
        waiting = floor.waiting_list(db=db, topic_id=topic.id)
    assert len(waiting) == PHONES
    assert len({r.participant_id for r in waiting}) == PHONES
    assert all(r.status is TurnStatus.WAITING for r in waiting)
    arrival = sorted(waiting, key=lambda r: (r.requested_at, r.id))
    assert [r.id for r in waiting] == [r.id for r in arrival]


async def test_one_phone_tapping_many_times_at_once_is_on_the_list_once(
    live_server: LiveServer,
) -> None:
    event = seed(live_server)
    facilitator = await facilitator_client(live_server, event)
    await as_console_async(facilitator, f"/f/{event.slug}/topics/next")
    client = await phone(live_server, event, "Ana")
    statuses: list[int] = []

    async def tap() -> None:
        response = await client.post(f"/e/{event.slug}/floor", data={"kind": "reply"})
        statuses.append(response.status_code)

    with anyio.fail_after(30):
        async with anyio.create_task_group() as taps:
            for _ in range(TAPS):
                taps.start_soon(tap)

    assert statuses == [200] * TAPS
    with live_server.app.state.database.reading() as db:
        topic = events.open_topic(db=db, event_id=event.id)
        assert topic is not None
        waiting = floor.waiting_list(db=db, topic_id=topic.id)
    assert [r.participant.name for r in waiting] == ["Ana"]


async def test_two_facilitators_pressing_next_together_advance_the_list_once(
    live_server: LiveServer,
) -> None:
    event = seed(live_server)
    one = await facilitator_client(live_server, event)
    other = await facilitator_client(live_server, event)
    await as_console_async(one, f"/f/{event.slug}/topics/next")
    for name in ("Ana", "Bruno", "Carla"):
        client = await phone(live_server, event, name)
        await client.post(f"/e/{event.slug}/floor", data={"kind": "intervention"})
    call_next = f"/f/{event.slug}/floor/next"
    drawn = form_fields((await one.get(f"/f/{event.slug}")).text, call_next)

    results = []

    async def press(client: httpx.AsyncClient) -> None:
        # Both consoles show the same list when their facilitators press.
        response = await client.post(call_next, data=drawn)
        results.append(response)

    async with anyio.create_task_group() as presses:
        presses.start_soon(press, one)
        presses.start_soon(press, other)

    assert sorted(r.status_code for r in results) == [200, 409]
    refused = next(r for r in results if r.status_code == 409)
    assert "The room changed" in refused.text
    with live_server.app.state.database.reading() as db:
        speaker = floor.current_speaker(db=db, event_id=event.id)
        assert speaker is not None and speaker.participant.name == "Ana"
