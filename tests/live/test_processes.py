"""Two server processes on one database and one Redis serve one event as one room."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from websockets.sync.client import connect

from tests.console import as_console
from tests.live.processes import (
    REPO_ROOT,
    SECRET_KEY,
    STARTED,
    Servers,
    cookie_header,
    joined,
    next_message,
    redis_channel_url,
    seed,
    signed_in,
)


def test_screens_on_one_process_follow_actions_made_through_another(
    servers: Servers, database_url: str
) -> None:
    broadcast_url = redis_channel_url()
    event = seed(database_url)
    a, b = servers.start(2, broadcast_url=broadcast_url)
    facilitator = signed_in(a.http)
    projector_url = f"{b.ws}/ws/projector/{event.slug}?key={event.projector_token}"
    console_url = f"{b.ws}/ws/facilitator/{event.slug}"

    with (
        connect(projector_url, compression=None) as projector,
        connect(
            console_url, compression=None, additional_headers=cookie_header(facilitator)
        ) as console,
    ):
        next_message(projector, 'id="projector-stage"')
        next_message(console, 'id="fac-floor"')

        assert as_console(facilitator, f"/f/{event.slug}/topics/next").status_code == 200
        next_message(projector, "¿Cómo asegurar el acceso?")

        maria = joined(a.http, event, "María Pérez")
        assert maria.post(f"/e/{event.slug}/floor", data={"kind": "reply"}).status_code == 200
        next_message(console, "María Pérez")
        next_message(projector, "María Pérez")


def test_a_server_of_two_workers_starts_both_and_serves_the_room(
    servers: Servers, database_url: str
) -> None:
    event = seed(database_url)
    [server] = servers.start(broadcast_url=redis_channel_url(), workers=2)
    assert server.output().count(STARTED) == 2
    projector_url = f"{server.ws}/ws/projector/{event.slug}?key={event.projector_token}"
    with connect(projector_url, compression=None) as projector:
        next_message(projector, 'id="projector-stage"')
        assert as_console(signed_in(server.http), f"/f/{event.slug}/topics/next").status_code == 200
        next_message(projector, "¿Cómo asegurar el acceso?")


def test_several_workers_are_refused_without_redis(tmp_path: Path) -> None:
    database = tmp_path / "palabra.db"
    run = subprocess.run(
        [sys.executable, "-m", "app", "run", "--workers", "3"],
        cwd=REPO_ROOT,
        env={
            **os.environ,
            "PALABRA_DATABASE_URL": f"sqlite:///{database}",
            "PALABRA_BROADCAST_URL": "memory://",
            "PALABRA_SECRET_KEY": SECRET_KEY,
        },
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert run.returncode == 2
    assert "3 workers need PALABRA_BROADCAST_URL=redis://" in run.stderr
    assert not database.exists()  # refused before migrating anything
