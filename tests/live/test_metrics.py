"""/metrics: what the room's operator scrapes moves with what happens in the room."""

from __future__ import annotations

from contextlib import ExitStack

import anyio
import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from websockets.sync.client import connect as connect_sync

from app.config import Settings
from app.main import create_app
from tests.console import as_console, as_console_async
from tests.live.conftest import LiveServer
from tests.live.processes import (
    Servers,
    joined,
    next_message,
    redis_channel_url,
    seed,
    signed_in,
)
from tests.live.test_sockets import facilitator_client, phone, projector_socket
from tests.live.test_sockets import next_message as next_message_async
from tests.live.test_sockets import seed as seed_live

WAIT = 5


def value(scrape: str, sample: str, **labels: str) -> float:
    """The sum of the samples named ``sample`` whose labels include ``labels`` (0 if none)."""
    return sum(
        s.value
        for family in text_string_to_metric_families(scrape)
        for s in family.samples
        if s.name == sample and labels.items() <= s.labels.items()
    )


def scrape(base_url: str) -> str:
    response = httpx.get(f"{base_url}/metrics")
    assert response.status_code == 200, response.text
    return response.text


@pytest.mark.anyio
async def test_the_scrape_follows_sockets_floor_requests_refusals_and_the_fan_out(
    live_server: LiveServer,
) -> None:
    event = seed_live(live_server)
    before = scrape(live_server.http)
    facilitator = await facilitator_client(live_server, event)
    await as_console_async(facilitator, f"/f/{event.slug}/topics/next")
    async with projector_socket(live_server, event) as projector:
        await next_message_async(projector, "projector-stage")
        nobody = await as_console_async(facilitator, f"/f/{event.slug}/floor/next")
        assert nobody.status_code == 409
        maria = await phone(live_server, event, "María Pérez")
        assert (await maria.post(f"/e/{event.slug}/floor", data={"kind": "reply"})).is_success
        await next_message_async(projector, "María Pérez")
        not_hers = await maria.post(f"/e/{event.slug}/floor/999999/withdraw")
        assert not_hers.status_code == 404
        with anyio.fail_after(WAIT):
            while (
                value(scrape(live_server.http), "palabra_fanout_seconds_count")
                < value(before, "palabra_fanout_seconds_count") + 1
            ):  # María asked, with the projector open
                await anyio.sleep(0.05)
        during = scrape(live_server.http)
    after = scrape(live_server.http)

    def moved(sample: str, **labels: str) -> float:
        return value(during, sample, **labels) - value(before, sample, **labels)

    assert value(during, "palabra_sockets", view="projector") == 1
    assert value(after, "palabra_sockets", view="projector") == 0
    floor = {"action": "request"}
    assert moved("palabra_floor_requests_total", **floor, outcome="done") == 1
    withdraw = {"action": "withdraw", "outcome": "refused"}
    assert moved("palabra_floor_requests_total", **withdraw) == 1
    assert moved("palabra_refused_actions_total", route="/f/{slug}/floor/next", status="409") == 1
    assert moved("palabra_http_responses_total", route="/e/{slug}/floor", status="200") == 1
    assert moved("palabra_renders_per_change_count") >= 2  # the snapshot, María's request
    assert moved("palabra_fanout_seconds_bucket", le="+Inf") == 1


def test_metrics_are_refused_off_this_machine_without_the_token(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:  # its client is not loopback
        assert client.get("/metrics").status_code == 403

    with TestClient(create_app(settings.model_copy(update={"metrics_token": "s3cret"}))) as client:
        assert client.get("/metrics").status_code == 403
        wrong = client.get("/metrics", headers={"Authorization": "Bearer other"})
        assert wrong.status_code == 403
        right = client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
        assert right.status_code == 200
        assert "palabra_http_responses_total" in right.text


def test_a_scrape_of_two_workers_sums_both(servers: Servers, database_url: str) -> None:
    event = seed(database_url)
    [server] = servers.start(broadcast_url=redis_channel_url(), workers=2)
    facilitator = signed_in(server.http)
    assert as_console(facilitator, f"/f/{event.slug}/topics/next").status_code == 200
    projector_url = f"{server.ws}/ws/projector/{event.slug}?key={event.projector_token}"
    phones = [joined(server.http, event, f"Persona {n}") for n in range(6)]
    for phone_client in phones:
        assert phone_client.post(f"/e/{event.slug}/floor", data={"kind": "reply"}).is_success

    # Each connection is served by whichever worker accepts it: enough of them reach both.
    with ExitStack() as stack:
        for _ in range(8):
            socket = stack.enter_context(connect_sync(projector_url, compression=None))
            next_message(socket, 'id="projector-stage"')
        scrapes = [scrape(server.http) for _ in range(6)]

    for text in scrapes:  # whichever worker answered, it counted every worker's figures
        assert value(text, "palabra_sockets", view="projector") == 8
        floor = {"action": "request", "outcome": "done"}
        assert value(text, "palabra_floor_requests_total", **floor) == 6
    pids = {
        s.labels.get("pid") for f in text_string_to_metric_families(scrapes[0]) for s in f.samples
    }
    assert pids == {None}  # summed, not one series per worker
