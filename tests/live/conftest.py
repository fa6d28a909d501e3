"""A real server on a free port, for tests that hold real websockets."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from tests.live.processes import Servers, free_port


@dataclass
class LiveServer:
    app: FastAPI
    port: int

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def live_server(settings: Settings) -> Iterator[LiveServer]:
    port = free_port()
    app = create_app(settings.model_copy(update={"port": port}))
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws_per_message_deflate=False,
        # Phones join first and tap later: keep their connections open meanwhile.
        timeout_keep_alive=120,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    yield LiveServer(app, port)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def servers(database_url: str, tmp_path: Path) -> Iterator[Servers]:
    """``python -m app run`` processes on one database, all stopped after the test."""
    running = Servers(database_url, tmp_path)
    try:
        yield running
    finally:
        running.stop_all()
