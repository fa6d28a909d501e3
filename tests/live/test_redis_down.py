"""Without Redis a worker keeps serving: actions commit, and health says what is wrong."""

from __future__ import annotations

import logging
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.live.broadcast import Change, from_url
from app.main import create_app
from tests.console import as_console
from tests.http.helpers import HTMX, facilitator, seeded_event
from tests.tokens import with_token

# Nothing listens on port 1: a Redis that is down, without stopping the shared one.
NOWHERE = "redis://127.0.0.1:1/0"
WAIT = 5

pytestmark = pytest.mark.anyio


def health_once(client: TestClient, broadcast: str) -> httpx.Response:
    """/healthz as soon as it reports ``broadcast``."""
    deadline = time.monotonic() + WAIT
    while (answer := client.get("/healthz")).json()["broadcast"] != broadcast:
        assert time.monotonic() < deadline, answer.json()
        time.sleep(0.05)
    return answer


async def test_publishing_while_redis_is_down_logs_and_returns(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broadcast = from_url(NOWHERE)
    await broadcast.publish(Change(4, 9))
    await broadcast.close()
    [record] = [r for r in caplog.records if r.name == "app.live.broadcast"]
    assert record.levelno == logging.WARNING
    assert "could not publish event 4 version 9" in record.getMessage()


def test_health_is_503_and_actions_still_commit_while_redis_is_unreachable(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings.model_copy(update={"broadcast_url": NOWHERE})
    with TestClient(create_app(settings)) as client:
        answer = health_once(client, "disconnected")
        assert answer.status_code == 503
        assert answer.json() == {"status": "degraded", "broadcast": "disconnected", "sockets": 0}

        event = seeded_event(client)
        facilitator(with_token(client), event)
        response = as_console(client, f"/f/{event.slug}/topics/next", headers=HTMX)
        assert response.status_code == 200
        assert "Salud" in response.text
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(m.startswith("cannot reach Redis") for m in warnings), warnings
