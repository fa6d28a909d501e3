"""The clock a live batch starts with is the page's clock partial, made without Jinja."""

from __future__ import annotations

from app.live import frames
from app.templating import render


def test_the_batch_clock_is_what_the_clock_partial_renders() -> None:
    partial = render(
        "partials/_clock.html", locale="en", oob=True, server_now_ms=1764444000123, version=42
    )
    assert frames.CLOCK.format(1764444000123, 42) == partial


def test_the_batch_clock_carries_the_time_it_leaves_and_the_version() -> None:
    made = frames.clock(7)
    assert 'data-version="7"' in made
    now_ms = int(made.split('data-server-now="', 1)[1].split('"', 1)[0])
    assert now_ms > 1_700_000_000_000
