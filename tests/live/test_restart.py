"""A server restarted mid-session shows the same room: the database is the truth."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.console import as_console
from tests.http.helpers import (
    HTMX,
    another_phone,
    facilitator,
    join,
    projector_key,
    seeded_event,
)
from tests.tokens import with_token


def region(html: str, region_id: str) -> str:
    return html.split(f'id="{region_id}"', 1)[1].split("</section>", 1)[0]


def projector_view(client: TestClient, slug: str, key: str) -> dict[str, object]:
    """Who speaks, who is next, and the countdown's stored attributes, as the page shows them."""
    html = client.get(f"/projector/{slug}", params={"key": key}).text
    speaker = region(html, "projector-speaker")
    countdown = speaker.split("data-countdown", 1)[1].split(">", 1)[0]
    return {
        "speaker": re.findall(r'class="who">([^<]+)<', speaker),
        "next": re.findall(r'class="who">([^<]+)<', region(html, "projector-next")),
        "countdown": dict(re.findall(r'data-([a-z-]+)="([^"]*)"', countdown)),
    }


def test_a_restarted_server_shows_the_same_queue_speaker_and_clock(settings: Settings) -> None:
    with TestClient(create_app(settings)) as first:
        with_token(first)
        event = seeded_event(first)
        facilitator(first, event)
        as_console(first, f"/f/{event.slug}/topics/next", headers=HTMX)
        for name in ("Ana", "Bruno", "Carla"):
            join(another_phone(first), event, name=name).post(
                f"/e/{event.slug}/floor", data={"kind": "intervention"}
            )
        as_console(first, f"/f/{event.slug}/floor/next", headers=HTMX)
        before = projector_view(first, event.slug, projector_key(event))

    with TestClient(create_app(settings)) as second:
        after = projector_view(second, event.slug, projector_key(event))

    assert before["speaker"] == after["speaker"] == ["Ana"]
    assert before["next"] == after["next"] == ["Bruno", "Carla"]
    assert after["countdown"]["running"] == "true"  # type: ignore[index]
    assert before["countdown"]["deadline-ms"] == after["countdown"]["deadline-ms"]  # type: ignore[index]


def test_a_paused_clock_keeps_its_remaining_time_across_a_restart(settings: Settings) -> None:
    with TestClient(create_app(settings)) as first:
        with_token(first)
        event = seeded_event(first)
        facilitator(first, event)
        as_console(first, f"/f/{event.slug}/topics/next", headers=HTMX)
        join(another_phone(first), event).post(f"/e/{event.slug}/floor", data={"kind": "reply"})
        as_console(first, f"/f/{event.slug}/floor/next", headers=HTMX)
        as_console(first, f"/f/{event.slug}/timer/pause", headers=HTMX)
        before = projector_view(first, event.slug, projector_key(event))

    with TestClient(create_app(settings)) as second:
        after = projector_view(second, event.slug, projector_key(event))

    assert before["countdown"] == after["countdown"]
    assert after["countdown"]["running"] == "false"  # type: ignore[index]
