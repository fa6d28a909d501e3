"""A real Palabra server in a subprocess, and Debian's Chromium driven by Playwright."""

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
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives a browser (``pytest -m "not browser"`` leaves them out)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


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


@dataclass(frozen=True)
class Server:
    """A running ``python -m app run`` and the links it printed."""

    base_url: str
    facilitator_url: str
    username: str
    password: str
    projector_url: str
    join_code: str
    output: OutputBuffer

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


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
            pytest.fail(
                f"the server exited with code {process.returncode} before answering /healthz;"
                f" its output:\n{output.text()}"
            )
        if is_healthy(base_url):
            return
        time.sleep(0.1)
    pytest.fail(
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


@pytest.fixture
def server(database_url: str) -> Iterator[Server]:
    """``python -m app run`` on a free port with its own database, stopped afterwards."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PALABRA_DATABASE_URL": database_url,
        "PALABRA_SECRET_KEY": SECRET_KEY,
        "PALABRA_HOST": "127.0.0.1",
        "PALABRA_PORT": str(port),
        # As on a newcomer's machine: the first run makes a facilitator and prints its password.
        "PALABRA_ENV": "development",
        "PALABRA_PUBLIC_URL": "",
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "run"],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    assert process.stdout is not None
    output = OutputBuffer(process.stdout)
    try:
        wait_until_healthy(process, base_url, output)
        printed = output.text()  # the links are printed before uvicorn starts serving
        yield Server(
            base_url=base_url,
            facilitator_url=printed_link(printed, "Facilitator console"),
            username=printed_link(printed, "Username"),
            password=printed_link(printed, "Password (shown once)"),
            projector_url=printed_link(printed, "Projector"),
            join_code=printed_link(printed, "Join code"),
            output=output,
        )
    finally:
        stop(process)
        output.join(timeout=SHUTDOWN_TIMEOUT_S)
        print(f"--- output of python -m app run ---\n{output.text()}")  # shown if a test fails


# Package scope, not session: while Playwright's sync API is open it keeps an asyncio loop
# running in the main thread, and the tests collected after this folder (TestClient, anyio)
# would fail with "Cannot run the event loop while another loop is running".
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless. Missing Chromium is a failure: ``make test`` installs it."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (`make browser` does it)"
            " before running the browser tests."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def devices(browser: Browser) -> Iterator[list[BrowserContext]]:
    """The browser contexts a test opens, one per device (each its own cookies), closed after."""
    opened: list[BrowserContext] = []
    yield opened
    for context in opened:
        context.close()
