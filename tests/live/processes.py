"""Palabra servers as real processes (``python -m app run``) on one database, and their clients.

For tests that need what one process cannot show: several processes serving one event, or a
server killed outright. Each server listens on a free port of 127.0.0.1 and writes its output
to a file that a failing test prints.
"""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis
from websockets.sync.client import ClientConnection

from app.db import Database
from app.models import Event
from tests.factories import PASSWORD, make_account, make_event
from tests.tokens import with_token

REPO_ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "process-test-secret-key-that-is-long-enough-0123456789"
REDIS = "redis://127.0.0.1:6379/0"
STARTUP_TIMEOUT_S = 20.0
SHUTDOWN_TIMEOUT_S = 10.0
MESSAGE_TIMEOUT_S = 5.0
STARTED = "Application startup complete."  # what uvicorn prints for each worker
# The servers speak plain HTTP, but each client would load the CA bundle (some 35 ms) for TLS.
TLS_CONTEXT = ssl.create_default_context()
FACILITATOR = "ana"
NO_LIMIT = "100000/minute"  # every client of these tests comes from one address


def redis_channel_url() -> str:
    """The shared Redis, with a channel (and client name) of this test's own.

    Without Redis the test is skipped on a developer's machine; in CI, which starts Redis
    (make services), it fails instead, so that no Redis test silently checks nothing there.
    """
    try:
        with redis.Redis.from_url(REDIS, socket_connect_timeout=1) as server:
            server.ping()
    except redis.RedisError as error:
        message = f"Redis is not reachable at {REDIS} ({error}): make services starts it"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    name = f"palabra-test-{uuid.uuid4().hex[:12]}"
    return f"{REDIS}?channel={name}&client_name={name}"


def seed(database_url: str) -> Event:
    """The small test event and a facilitator account, written before any server starts."""
    database = Database(database_url)
    try:
        with database.writing() as db:
            make_account(db, username=FACILITATOR)
            return make_event(db)
    finally:
        database.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """One ``python -m app run``, serving from ``workers`` processes."""

    process: subprocess.Popen[bytes]
    port: int
    workers: int
    log: Path

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_until_ready(self) -> None:
        """Until every worker has started and /healthz answers 200 (the broadcast listens)."""
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server exited with {self.process.returncode}:\n{self.output()}")
            if self._healthy() and self.output().count(STARTED) == self.workers:
                return
            time.sleep(0.05)
        pytest.fail(f"the server was not ready in {STARTUP_TIMEOUT_S:.0f} s:\n{self.output()}")

    def _healthy(self) -> bool:
        try:
            return httpx.get(f"{self.http}/healthz", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, nothing the process could still do."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=SHUTDOWN_TIMEOUT_S)

    def stop(self) -> None:
        """SIGTERM, which uvicorn passes on to its workers; if that hangs, SIGKILL them all."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=SHUTDOWN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # the session of this server only
            self.process.wait(timeout=SHUTDOWN_TIMEOUT_S)


class Servers:
    """Starts servers on one database and stops every one of them at the end."""

    def __init__(self, database_url: str, logs: Path) -> None:
        self.database_url = database_url
        self.logs = logs
        self.started: list[Server] = []

    def start(
        self, count: int = 1, *, broadcast_url: str = "memory://", workers: int = 1
    ) -> list[Server]:
        """``count`` servers, all started at once; returned once each one is ready."""
        servers = [self._spawn(broadcast_url, workers) for _ in range(count)]
        for server in servers:
            server.wait_until_ready()
        return servers

    def stop_all(self) -> None:
        for server in self.started:
            server.stop()
            print(f"--- output of the server on port {server.port} ---\n{server.output()}")

    def _spawn(self, broadcast_url: str, workers: int) -> Server:
        port = free_port()
        log = self.logs / f"server-{len(self.started) + 1}-port-{port}.log"
        env = {
            **os.environ,
            "PALABRA_ENV": "test",
            "PALABRA_DATABASE_URL": self.database_url,
            "PALABRA_BROADCAST_URL": broadcast_url,
            "PALABRA_SECRET_KEY": SECRET_KEY,
            "PALABRA_HOST": "127.0.0.1",
            "PALABRA_PORT": str(port),
            "PALABRA_PUBLIC_URL": "",
            "PALABRA_WORKERS": str(workers),
            "PALABRA_RATE_JOIN_PER_ADDRESS": NO_LIMIT,
            "PALABRA_RATE_FAILED_JOIN_PER_ADDRESS": NO_LIMIT,
            "PALABRA_RATE_FLOOR_PER_ADDRESS": NO_LIMIT,
            "PALABRA_RATE_FLOOR_PER_DEVICE": NO_LIMIT,
            "PALABRA_RATE_LOGIN_PER_ADDRESS": NO_LIMIT,
            "PALABRA_RATE_LOGIN_PER_ACCOUNT": NO_LIMIT,
            "PYTHONUNBUFFERED": "1",
        }
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "app", "run"],
                cwd=REPO_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its workers can be stopped with it, and only they
            )
        server = Server(process, port, workers, log)
        self.started.append(server)
        return server


def browser(base_url: str) -> httpx.Client:
    """A browser that has opened a page, so it sends the anti-forgery token with each post."""
    client = httpx.Client(
        base_url=base_url, headers={"HX-Request": "true"}, timeout=10, verify=TLS_CONTEXT
    )
    return with_token(client)


def signed_in(base_url: str) -> httpx.Client:
    client = browser(base_url)
    response = client.post("/login", data={"username": FACILITATOR, "password": PASSWORD})
    assert response.status_code == 303, response.text
    return client


def joined(base_url: str, event: Event, name: str) -> httpx.Client:
    client = browser(base_url)
    response = client.post("/join", data={"code": event.join_code, "name": name})
    assert response.status_code == 303, response.text
    return client


def cookie_header(client: httpx.Client) -> dict[str, str]:
    """The client's cookies, for a websocket opened beside it."""
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in client.cookies.items())}


def next_message(socket: ClientConnection, containing: str) -> str:
    """The first message that contains ``containing``; earlier ones are older states."""
    deadline = time.monotonic() + MESSAGE_TIMEOUT_S
    while (left := deadline - time.monotonic()) > 0:
        try:
            message = str(socket.recv(timeout=left))
        except TimeoutError:
            break
        if containing in message:
            return message
    raise AssertionError(f"no message with {containing!r} in {MESSAGE_TIMEOUT_S:.0f} s")
