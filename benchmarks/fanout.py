"""Fan-out latency: one facilitator action reaching every open screen.

Starts Palabra on a free port (SQLite and one process, or the database, broadcast and
workers given), opens N projector sockets and P phone
sockets (each phone joined and on the list), then presses "call next speaker" (or "+30 s"
once nobody waits) and measures, for each action, the time from sending the request until
the last socket has received the new state. Only loopback traffic, bounded in count and time.

    .venv/bin/python -m benchmarks.fanout --projectors 50 --phones 300 --actions 20
    .venv/bin/python -m benchmarks.fanout --postgres postgresql+psycopg://postgres@127.0.0.1/test \
        --broadcast redis://127.0.0.1:6379/0 --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
HTMX = {"HX-Request": "true"}
FACILITATOR, PASSWORD = "bench", "a benchmark's passphrase"


@dataclass(frozen=True)
class Setup:
    """Where the server under measure keeps its state, and how many processes serve."""

    postgres: str | None = None  # a PostgreSQL server's URL; a fresh database is made on it
    broadcast: str = "memory://"
    workers: int = 1

    def describe(self) -> str:
        database = "PostgreSQL" if self.postgres else "SQLite"
        broadcast = "Redis" if self.broadcast.startswith("redis") else "memory"
        return f"{database}, {broadcast} broadcast, {self.workers} worker(s)"


def add_setup_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--postgres", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--broadcast", default="memory://", help="PALABRA_BROADCAST_URL")
    parser.add_argument("--workers", type=int, default=1)


def setup_from(args: argparse.Namespace) -> Setup:
    return Setup(postgres=args.postgres, broadcast=args.broadcast, workers=args.workers)


@contextmanager
def database(setup: Setup, workdir: str) -> Iterator[str]:
    """The URL of an empty database for one run, dropped afterwards on PostgreSQL."""
    if setup.postgres is None:
        yield f"sqlite:///{workdir}/palabra.db"
        return
    server = make_url(setup.postgres)
    name = f"palabra_bench_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    port: int, database_url: str, setup: Setup
) -> tuple[subprocess.Popen[str], dict[str, str]]:
    env = dict(
        os.environ,
        PALABRA_DATABASE_URL=database_url,
        PALABRA_BROADCAST_URL=setup.broadcast,
        PALABRA_SECRET_KEY="benchmark-secret-key-0123456789abcdef",
        PALABRA_PORT=str(port),
        PALABRA_ENV="test",
        # All the benchmark's phones come from one address.
        PALABRA_RATE_JOIN_PER_ADDRESS="100000/minute",
        PALABRA_RATE_FLOOR_PER_ADDRESS="100000/minute",
    )
    create = ["facilitator", "create", FACILITATOR, "--name", "Benchmark", "--password-stdin"]
    subprocess.run(
        [sys.executable, "-m", "app", *create],
        cwd=ROOT,
        env=env,
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "run", "--workers", str(setup.workers)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert server.stdout is not None
    printed = ""
    while "Join code" not in printed:
        line = server.stdout.readline()
        if not line:
            raise RuntimeError(f"the server stopped:\n{printed}")
        printed += line
    # Keep reading the server's log so that a full pipe never blocks it.
    threading.Thread(target=server.stdout.read, daemon=True).start()
    links = {
        "facilitator": re.search(r"Facilitator console: \S+(/f/\S+)", printed)[1],  # type: ignore[index]
        "projector": re.search(r"Projector: +\S+?(/projector/\S+)", printed)[1],  # type: ignore[index]
        "code": re.search(r"Join code: +(\S+)", printed)[1],  # type: ignore[index]
    }
    return server, links


async def with_token(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """Open a page first, as a browser does, and send its anti-forgery token from then on."""
    await client.get("/")
    client.headers["X-CSRF-Token"] = client.cookies["palabra_csrf"]
    return client


async def signed_in(client: httpx.AsyncClient) -> httpx.AsyncClient:
    await with_token(client)
    response = await client.post("/login", data={"username": FACILITATOR, "password": PASSWORD})
    assert response.status_code == 303, response.text
    # A facilitator's token is bound to the session: take the new one from a page.
    page = (await client.get("/f")).text
    client.headers["X-CSRF-Token"] = page.split('"X-CSRF-Token": "', 1)[1].split('"', 1)[0]
    return client


async def wait_until_up(base: str) -> None:
    async with httpx.AsyncClient(base_url=base) as client:
        for _ in range(200):
            try:
                if (await client.get("/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError("the server did not answer /healthz")


async def drain_until(socket: ClientConnection, marker: str) -> float:
    while marker not in str(await socket.recv()):
        pass
    return time.perf_counter()


async def run(setup: Setup, projectors: int, phones: int, actions: int) -> dict[str, object]:
    port = free_port()
    base, ws = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as workdir, database(setup, workdir) as url:
        server, links = start_server(port, url, setup)
        try:
            await wait_until_up(base)
            return await measure(base, ws, links, projectors, phones, actions)
        finally:
            server.terminate()
            server.wait(timeout=10)


async def measure(
    base: str, ws: str, links: dict[str, str], projectors: int, phones: int, actions: int
) -> dict[str, object]:
    limits = httpx.Limits(max_connections=50)
    facilitator = await signed_in(httpx.AsyncClient(base_url=base, headers=HTMX))
    slug = links["facilitator"].split("/")[2]
    await facilitator.post(f"/f/{slug}/topics/next")

    phone_cookies = []
    async with httpx.AsyncClient(base_url=base, limits=limits) as anonymous:
        for i in range(phones):
            anonymous.cookies.clear()
            await with_token(anonymous)
            await anonymous.post("/join", data={"code": links["code"], "name": f"Phone {i}"})
            await anonymous.post(f"/e/{slug}/floor", data={"kind": "intervention"})
            phone_cookies.append("; ".join(f"{k}={v}" for k, v in anonymous.cookies.items()))

    sockets = [
        await connect(
            ws + links["projector"].replace("/projector/", "/ws/projector/"), compression=None
        )
        for _ in range(projectors)
    ] + [
        await connect(
            f"{ws}/ws/participant/{slug}",
            compression=None,
            additional_headers={"Cookie": cookie},
            max_size=None,
        )
        for cookie in phone_cookies
    ]
    for s in sockets:
        await s.recv()  # the snapshot
    latencies = []
    for i in range(actions):
        # Call the next phone while anyone waits; then give the speaker more time.
        path = f"/f/{slug}/floor/next" if i < phones else f"/f/{slug}/timer/add"
        version, seen = await console_state(facilitator, slug, path)
        marker = f'data-version="{version + 1}"'
        started = time.perf_counter()
        waiters = [asyncio.create_task(drain_until(s, marker)) for s in sockets]
        response = await facilitator.post(path, data=seen)
        response.raise_for_status()
        arrivals = await asyncio.wait_for(asyncio.gather(*waiters), timeout=30)
        latencies.append(max(arrivals) - started)
    for s in sockets:
        await s.close()
    await facilitator.aclose()
    ordered = sorted(latencies)
    return {
        "sockets": len(sockets),
        "actions": actions,
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


async def console_state(
    client: httpx.AsyncClient, slug: str, action: str
) -> tuple[int, dict[str, str]]:
    """The console's version, and what its form for ``action`` says the action depends on."""
    html = (await client.get(f"/f/{slug}")).text
    version = int(re.search(r'id="fac-floor" class="floor" data-version="(\d+)"', html)[1])  # type: ignore[index]
    form = re.search(rf'action="{re.escape(action)}">(.*?)</form>', html, re.S)
    hidden = r'<input type="hidden" name="([^"]+)" value="([^"]*)">'
    return version, dict(re.findall(hidden, form[1])) if form else {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--projectors", type=int, default=20)
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--actions", type=int, default=20)
    add_setup_arguments(parser)
    args = parser.parse_args()
    setup = setup_from(args)
    result = asyncio.run(run(setup, args.projectors, args.phones, args.actions))
    print({"setup": setup.describe(), **result})


if __name__ == "__main__":
    main()
