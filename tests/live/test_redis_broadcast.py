"""Several workers serve one event: changes travel through a real Redis.

Each test has a channel and a client name of its own, since other runs share the server; a
dropped connection is made by killing this test's own subscriptions from the server's side.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import parse_qs, urlsplit

import anyio
import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.db import Database
from app.live.broadcast import RESYNC, Broadcast, Change, Resync, from_url
from app.main import create_app
from app.models import Event
from app.services import agenda
from tests.console import as_console
from tests.factories import seen
from tests.http.helpers import HTMX, facilitator
from tests.live.conftest import LiveServer
from tests.live.processes import REDIS, redis_channel_url
from tests.live.test_sockets import (
    facilitator_client,
    next_message,
    phone,
    projector_socket,
    regions,
    seed,
)
from tests.tokens import with_token

WAIT = 5
PROJECTOR_REGIONS = ("projector-stage", "projector-speaker", "projector-next", "projector-join")

pytestmark = pytest.mark.anyio


@pytest.fixture
def redis_url() -> str:
    return redis_channel_url()


@pytest.fixture
def settings(settings: Settings, redis_url: str) -> Settings:
    """Every app of these tests fans out through Redis (the live server's too)."""
    return settings.model_copy(update={"broadcast_url": redis_url})


def kill_subscriptions(url: str) -> int:
    """Close this test's pub/sub connections from the server's side, as a Redis restart does."""
    name = parse_qs(urlsplit(url).query)["client_name"][0]
    with redis.Redis.from_url(REDIS) as server:
        ids = [c["id"] for c in server.client_list(_type="pubsub") if c["name"] == name]
        for client_id in ids:
            server.client_kill_filter(_id=client_id)
    return len(ids)


async def next_signal(changes: AsyncIterator[Change | Resync]) -> Change | Resync:
    with anyio.fail_after(WAIT):
        return await anext(changes)


@asynccontextmanager
async def listening(broadcast: Broadcast) -> AsyncIterator[AsyncIterator[Change | Resync]]:
    """Changes as they come, once Redis has confirmed the subscription (its first resync)."""
    changes = broadcast.changes()
    try:
        assert await next_signal(changes) == RESYNC
        yield changes
    finally:
        await changes.aclose()  # type: ignore[attr-defined]
        await broadcast.close()


async def subscribed(app: FastAPI) -> None:
    with anyio.fail_after(WAIT):
        while app.state.hub.broadcast.state != "connected":
            await anyio.sleep(0.02)


async def test_a_change_reaches_every_worker_in_order_its_own_too(redis_url: str) -> None:
    one, other = from_url(redis_url), from_url(redis_url)
    sent = [Change(7, version) for version in range(1, 31)]
    async with listening(one) as mine, listening(other) as theirs:
        for change in sent:
            await one.publish(change)
        assert [await next_signal(theirs) for _ in sent] == sent
        assert [await next_signal(mine) for _ in sent] == sent


async def test_a_dropped_subscription_comes_back_by_itself_and_asks_for_a_resync(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="app.live.broadcast")
    one, other = from_url(redis_url), from_url(redis_url)
    async with listening(other) as changes:
        assert kill_subscriptions(redis_url) == 1
        assert await next_signal(changes) == RESYNC
        assert other.state == "connected"
        await one.publish(Change(3, 4))
        assert await next_signal(changes) == Change(3, 4)
    await one.close()
    logged = {(r.levelno, r.getMessage().split(" (")[0]) for r in caplog.records}
    assert (logging.WARNING, "lost the connection to Redis") in logged
    assert any(level == logging.INFO and "Redis again" in m for level, m in logged), logged


async def test_a_worker_shows_a_change_made_through_another_worker(
    live_server: LiveServer, settings: Settings
) -> None:
    event = seed(live_server)
    await subscribed(live_server.app)
    async with projector_socket(live_server, event) as socket:
        snapshot = await regions(socket, *PROJECTOR_REGIONS)
        assert "Salud" not in "".join(snapshot.values())
        with TestClient(create_app(settings)) as other_worker:
            facilitator(with_token(other_worker), event)
            response = as_console(other_worker, f"/f/{event.slug}/topics/next", headers=HTMX)
            assert response.status_code == 200
        await next_message(socket, "Salud")


async def test_a_worker_that_stops_right_after_a_change_still_tells_the_others(
    live_server: LiveServer, settings: Settings, redis_url: str
) -> None:
    event = seed(live_server)
    stops = 8
    async with listening(from_url(redis_url)) as changes:
        for minutes in range(1, stops + 1):
            with TestClient(create_app(settings)) as worker:
                facilitator(with_token(worker), event)
                response = as_console(
                    worker,
                    f"/f/{event.slug}/speaking-time",
                    data={"speaking_time": f"{minutes}:00"},
                    headers=HTMX,
                )
                assert response.status_code == 200
        told = [await next_signal(changes) for _ in range(stops)]
    assert [change.event_id for change in told] == [event.id] * stops  # type: ignore[union-attr]


async def test_after_a_dropped_subscription_every_socket_gets_the_room_as_it_is_now(
    live_server: LiveServer, database: Database, redis_url: str
) -> None:
    event = seed(live_server)
    await subscribed(live_server.app)
    async with projector_socket(live_server, event) as socket:
        snapshot = await regions(socket, *PROJECTOR_REGIONS)
        assert "Salud" not in "".join(snapshot.values())
        # A change whose message is lost: committed through a database that publishes nothing.
        with database.writing() as db:
            fresh = db.get(Event, event.id)
            assert fresh is not None
            agenda.open_topic(
                db=db,
                event=fresh,
                **seen(db, fresh, "topic"),
                topic_id=event.segments[0].topics[0].id,
            )
        assert kill_subscriptions(redis_url) == 1
        await next_message(socket, "Salud")

        # Subscribed again without help: a change published from now on arrives.
        started = time.monotonic()
        await subscribed(live_server.app)
        facilitator_http = await facilitator_client(live_server, event)
        maria = await phone(live_server, event, "María Pérez")
        await maria.post(f"/e/{event.slug}/floor", data={"kind": "intervention"})
        await next_message(socket, "María Pérez")
        await facilitator_http.aclose()
        await maria.aclose()
    assert time.monotonic() - started < WAIT


async def test_health_is_ok_once_the_worker_listens_on_redis(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        await subscribed(client.app)  # type: ignore[arg-type]
        answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "broadcast": "connected", "sockets": 0}
