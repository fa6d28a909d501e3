"""The log as a collector reads it: with PALABRA_LOG_FORMAT=json, one JSON object a line."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from app.logs import JsonFormatter
from tests.live.processes import Servers, redis_channel_url, seed


def test_a_json_log_carries_palabra_uvicorn_and_alembic_lines(
    servers: Servers, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(database_url)
    monkeypatch.setenv("PALABRA_LOG_FORMAT", "json")
    [server] = servers.start(broadcast_url=redis_channel_url())
    server.stop()

    # The links and a first password are printed for people, not logged.
    records = [json.loads(line) for line in server.output().splitlines() if line.startswith("{")]
    for record in records:
        assert {"time", "level", "logger", "message"} <= record.keys()
    said = {(r["logger"], r["message"]) for r in records}
    assert ("uvicorn.error", "Application startup complete.") in said
    assert any(logger == "alembic.runtime.migration" for logger, _ in said)
    assert any(
        logger == "app.live.broadcast" and message.startswith("listening for changes on Redis")
        for logger, message in said
    )


def test_a_failure_is_one_line_with_its_traceback() -> None:
    try:
        raise RuntimeError("the template is missing")
    except RuntimeError:
        record = logging.LogRecord(
            "app.live.hub",
            logging.ERROR,
            __file__,
            1,
            "rendering event %s failed",
            (7,),
            sys.exc_info(),
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["level"] == "ERROR" and parsed["logger"] == "app.live.hub"
    assert parsed["message"] == "rendering event 7 failed"
    assert "RuntimeError: the template is missing" in parsed["exception"]
