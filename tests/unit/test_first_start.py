"""``python -m app run`` on a port it cannot serve on: it says so and creates nothing, so the
first facilitator's once-only password is not shown for a server that never starts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.config import ROOT
from app.db import Database
from app.migrate import upgrade
from app.services import accounts
from tests.conftest import SECRET

HOST = "127.0.0.1"


@pytest.fixture
def held_port() -> Iterator[socket.socket]:
    """A port of this machine, held listening as another server would."""
    with socket.socket() as held:
        held.bind((HOST, 0))
        held.listen()
        yield held


def palabra_run(database: Path, port: int) -> subprocess.Popen[str]:
    """``python -m app run`` in development on its own SQLite database, as ``make run`` does."""
    environment = {
        **os.environ,
        "PALABRA_ENV": "development",
        "PALABRA_DATABASE_URL": f"sqlite:///{database}",
        "PALABRA_SECRET_KEY": SECRET,
        "PALABRA_HOST": HOST,
        "PALABRA_PORT": str(port),
        "PYTHONPATH": str(ROOT),  # this tree's app, wherever the package is installed from
    }
    environment.pop("PALABRA_PUBLIC_URL", None)
    return subprocess.Popen(
        [sys.executable, "-m", "app", "run"],
        cwd=database.parent,  # no .env of the project's
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def account_names(database: Path) -> list[str]:
    url = f"sqlite:///{database}"
    upgrade(url)
    db = Database(url)
    try:
        with db.reading() as session:
            return [account.username for account in accounts.list_all(db=session)]
    finally:
        db.dispose()


def test_a_port_in_use_is_named_and_nothing_is_created(
    tmp_path: Path, held_port: socket.socket
) -> None:
    number = held_port.getsockname()[1]
    database = tmp_path / "palabra.db"
    run = palabra_run(database, number)
    out, err = run.communicate(timeout=60)

    assert run.returncode != 0
    assert f"{HOST}:{number}" in err
    assert "PALABRA_PORT" in err
    assert "Password" not in out
    assert account_names(database) == []


def test_a_free_port_serves_and_shows_the_first_password(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        number = probe.getsockname()[1]
    database = tmp_path / "palabra.db"
    run = palabra_run(database, number)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://{HOST}:{number}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                assert run.poll() is None, run.communicate()
                assert time.monotonic() < deadline, "the server did not answer in 60 s"
                time.sleep(0.2)
    finally:
        run.terminate()
        out, _ = run.communicate(timeout=30)
    assert "Password (shown once)" in out
    assert account_names(database) == ["facilitator"]


def test_a_port_taken_after_the_check_is_met_with_the_way_in(tmp_path: Path) -> None:
    """Another program takes the port between the check and the bind: the password is out,
    so the message says how to sign in anyway. The port is taken as soon as the password is
    printed, well before the server has imported its app and binds (tried thrice, in case)."""
    for attempt in range(3):
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            number = probe.getsockname()[1]
        run = palabra_run(tmp_path / f"palabra-{attempt}.db", number)
        assert run.stdout is not None
        printed = ""
        while "Password (shown once)" not in printed:
            line = run.stdout.readline()
            assert line, run.communicate()
            printed += line
        with socket.socket() as taker:
            try:
                taker.bind((HOST, number))
            except OSError:
                run.terminate()  # the server was first this time
                run.communicate(timeout=30)
                continue
            taker.listen()
            _, err = run.communicate(timeout=60)
        break
    else:
        pytest.fail("the server bound before the port could be taken, three times")
    assert run.returncode != 0
    assert "python -m app facilitator reset facilitator" in err
