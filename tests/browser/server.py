"""A real Palabra server in a subprocess, and Debian's Chromium, for tests and scripts."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from playwright.sync_api import Browser, Playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SECRET_KEY = "browser-test-secret-key-that-is-long-enough-0123456789"
STARTUP_TIMEOUT_S = 20.0
SHUTDOWN_TIMEOUT_S = 10.0


class ServerFailed(RuntimeError):
    """The server exited, or did not answer in time; the message holds its output."""


class OutputBuffer:
    """Drains a pipe in a background thread so the server never blocks on a full pipe."""

    def __init__(self, stream: IO[str]) -> None:
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._drain, args=(stream,), daemon=True)
        self._thread.start()

    def _drain(self, stream: IO[str]) -> None:
        for line in stream:
            with self._lock:
                self._lines.append(line)

    def text(self) -> str:
        with self._lock:
            return "".join(self._lines)

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)


class ServerProcess:
    """``python -m app run`` with a fixed environment, started, stopped and restarted at will.

    Every run's output is kept, in order (:meth:`text`).
    """

    def __init__(self, env: dict[str, str], base_url: str) -> None:
        self.env = env
        self.base_url = base_url
        self.runs: list[tuple[subprocess.Popen[str], OutputBuffer]] = []

    def start(self) -> None:
        """Start a run and wait until it answers /healthz; :class:`ServerFailed` if not."""
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "run"],
            cwd=REPO_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        assert process.stdout is not None
        output = OutputBuffer(process.stdout)
        self.runs.append((process, output))
        wait_until_healthy(process, self.base_url, output)

    def stop(self) -> None:
        """Stop the current run (SIGTERM, then SIGKILL after 10 s), as a deploy would."""
        if not self.runs:
            return
        process, output = self.runs[-1]
        stop(process)
        output.join(timeout=SHUTDOWN_TIMEOUT_S)

    def restart(self) -> None:
        """Stop the current run and start another on the same port and database."""
        self.stop()
        self.start()

    def text(self) -> str:
        """Everything every run printed."""
        return "".join(output.text() for _, output in self.runs)


@dataclass(frozen=True)
class Server:
    """A running ``python -m app run`` and the links it printed on its first run."""

    base_url: str
    facilitator_url: str
    username: str
    password: str
    projector_url: str
    join_code: str
    output: ServerProcess

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def restart(self) -> None:
        """Stop the server and start it again on the same port and database."""
        self.output.restart()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def is_healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def printed_link(output: str, label: str) -> str:
    """The value printed after ``label:`` by ``python -m app run``."""
    match = re.search(rf"^\s*{re.escape(label)}:\s+(\S+)\s*$", output, re.MULTILINE)
    if match is None:
        raise AssertionError(f"the server did not print {label!r}; its output:\n{output}")
    return match.group(1)


def wait_until_healthy(process: subprocess.Popen[str], base_url: str, output: OutputBuffer) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output.join(timeout=2)
            raise ServerFailed(
                f"the server exited with code {process.returncode} before answering /healthz;"
                f" its output:\n{output.text()}"
            )
        if is_healthy(base_url):
            return
        time.sleep(0.1)
    raise ServerFailed(
        f"the server did not answer {base_url}/healthz within {STARTUP_TIMEOUT_S:.0f} s;"
        f" its output:\n{output.text()}"
    )


def stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=SHUTDOWN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=SHUTDOWN_TIMEOUT_S)


@contextmanager
def running_server(database_url: str) -> Iterator[Server]:
    """``python -m app run`` on a free port with the database at ``database_url``.

    The run migrates the database and, as on a newcomer's machine, loads the bundled agenda
    and makes a first facilitator whose password it prints. Stopped on leaving; raises
    :class:`ServerFailed` if it does not start.
    """
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PALABRA_DATABASE_URL": database_url,
        "PALABRA_SECRET_KEY": SECRET_KEY,
        "PALABRA_HOST": "127.0.0.1",
        "PALABRA_PORT": str(port),
        "PALABRA_ENV": "development",
        "PALABRA_PUBLIC_URL": "",
        "PYTHONUNBUFFERED": "1",
    }
    process = ServerProcess(env, base_url)
    try:
        process.start()
        printed = process.text()  # the links are printed before uvicorn starts serving
        yield Server(
            base_url=base_url,
            facilitator_url=printed_link(printed, "Facilitator console"),
            username=printed_link(printed, "Username"),
            password=printed_link(printed, "Password (shown once)"),
            projector_url=printed_link(printed, "Projector"),
            join_code=printed_link(printed, "Join code"),
            output=process,
        )
    finally:
        process.stop()


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless (``make browser`` installs it)."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(
            f"{CHROMIUM} is missing: install Debian's chromium (`make browser` does it)"
        )
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
