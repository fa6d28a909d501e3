"""The three servers under measure, each pinned to core 0, and what is read from outside them.

Palabra (``python -m app run``, one worker), the bare broadcaster and the typical loop. The
generator and the benchmark itself run on core 1. CPU and resident memory come from /proc.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
SERVER_CORE, CLIENT_CORE = 0, 1
FACILITATOR, PASSWORD = "bench", "a benchmark's passphrase"
SECRET = "benchmark-secret-key-0123456789abcdef"
UNLIMITED = "1000000/minute"  # every client of the benchmark comes from one address


def pin_to_client_core() -> None:
    """The benchmark's own process runs beside the generator, off the server's core."""
    if len(os.sched_getaffinity(0)) > 1:
        os.sched_setaffinity(0, {CLIENT_CORE})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Running:
    """A server process on core 0 and the port it listens on."""

    process: subprocess.Popen[str]
    port: int
    links: dict[str, str]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        """User and system time of the server process so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_bytes(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status)[1]) * 1024  # type: ignore[index]

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM; after ``timeout`` seconds (a profiled server writes its profile), SIGKILL."""
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)


def _spawn(
    command: list[str], env: dict[str, str], ready: str, core: int = SERVER_CORE
) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=lambda: os.sched_setaffinity(0, {core}),
    )
    assert process.stdout is not None
    printed = ""
    while ready not in printed:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"{command} stopped:\n{printed}")
        printed += line
    # Keep reading its output so that a full pipe never blocks it.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return process, printed


def wait_until_up(url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer")


def reference(module: str) -> Running:
    """One of the two reference servers (benchmarks.bare_server, benchmarks.typical_server)."""
    port = free_port()
    ready = "ready" if module.endswith("bare_server") else ""
    command = [sys.executable, "-m", module, str(port)]
    process, _ = _spawn(command, dict(os.environ), ready)
    running = Running(process, port, {})
    try:
        wait_until_up(f"http://127.0.0.1:{port}/")
    except RuntimeError:
        running.stop()
        raise
    return running


@contextmanager
def database(postgres: str | None, workdir: str) -> Iterator[str]:
    """The URL of an empty database for one run, dropped afterwards on PostgreSQL."""
    if postgres is None:
        yield f"sqlite:///{workdir}/palabra.db"
        return
    server = make_url(postgres)
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


def palabra(
    database_url: str,
    module: str = "app",
    extra: dict[str, str] | None = None,
    core: int = SERVER_CORE,
) -> Running:
    """``python -m app run`` with one worker, the bundled agenda and a facilitator account.

    ``module`` is run in place of ``app`` (a wrapper such as benchmarks.profile), with the
    environment ``extra`` added, on ``core``.
    """
    port = free_port()
    env = dict(
        os.environ,
        PALABRA_DATABASE_URL=database_url,
        PALABRA_BROADCAST_URL="memory://",
        PALABRA_SECRET_KEY=SECRET,
        PALABRA_PORT=str(port),
        PALABRA_ENV="test",
        PALABRA_WORKERS="1",
        PALABRA_RATE_JOIN_PER_ADDRESS=UNLIMITED,
        PALABRA_RATE_FLOOR_PER_ADDRESS=UNLIMITED,
        PALABRA_RATE_FLOOR_PER_DEVICE=UNLIMITED,
        PALABRA_RATE_LOGIN_PER_ADDRESS=UNLIMITED,
        PALABRA_LOG_FORMAT="text",
        **(extra or {}),
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
    command = [sys.executable, "-m", module, "run", "--workers", "1"]
    process, printed = _spawn(command, env, "Application startup complete.", core)
    links = {
        "slug": re.search(r"Facilitator console: \S+/f/(\S+)", printed)[1],  # type: ignore[index]
        "projector": re.search(r"Projector: +\S+?(/projector/\S+)", printed)[1],  # type: ignore[index]
        "code": re.search(r"Join code: +(\S+)", printed)[1],  # type: ignore[index]
    }
    running = Running(process, port, links)
    try:
        wait_until_up(f"{running.base}/healthz")
    except RuntimeError:
        running.stop()
        raise
    return running
