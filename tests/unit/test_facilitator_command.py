"""``python -m app facilitator …``: the accounts are managed from the command line."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.__main__ import main
from app.config import get_settings
from app.db import Database
from app.models import SignInLink
from app.services import accounts, sessions
from app.services.clock import utcnow
from tests.conftest import SECRET
from tests.factories import make_account


@pytest.fixture
def command(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[object]:
    monkeypatch.setenv("PALABRA_DATABASE_URL", database_url)
    monkeypatch.setenv("PALABRA_SECRET_KEY", SECRET)
    monkeypatch.setenv("PALABRA_ENV", "test")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def run(monkeypatch: pytest.MonkeyPatch, *args: str, password: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["facilitator", *args])


def can_sign_in(database: Database, username: str, password: str) -> bool:
    with database.reading() as db:
        return accounts.authenticate(db=db, username=username, password=password) is not None


@pytest.mark.usefixtures("command")
def test_create_then_list_then_sign_in(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], database: Database
) -> None:
    created = run(
        monkeypatch, "create", "Lucia", "--name", "Lucía Gómez", "--password-stdin",
        password="una frase larga de paso",
    )  # fmt: skip
    assert created == 0
    assert run(monkeypatch, "list") == 0
    assert "lucia\tLucía Gómez\tfacilitator\tactive" in capsys.readouterr().out
    assert can_sign_in(database, "lucia", "una frase larga de paso")


@pytest.mark.usefixtures("command")
@pytest.mark.parametrize(
    ("username", "password", "says"),
    [
        ("lucia", "short", "at least 12 characters"),
        ("not a name!", "una frase larga de paso", "A username has 2 to 60 characters"),
    ],
)
def test_create_refuses_a_weak_password_or_a_bad_name(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    database: Database,
    username: str,
    password: str,
    says: str,
) -> None:
    result = run(
        monkeypatch, "create", username, "--name", "L", "--password-stdin", password=password
    )
    assert result == 1
    assert says in capsys.readouterr().err
    with database.reading() as db:
        assert accounts.list_all(db=db) == []


@pytest.mark.usefixtures("command")
def test_a_username_is_taken_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("create", "lucia", "--name", "Lucía", "--password-stdin")
    assert run(monkeypatch, *args, password="una frase larga de paso") == 0
    assert run(monkeypatch, *args, password="otra frase larga de paso") == 1
    assert "already an account named lucia" in capsys.readouterr().err


@pytest.mark.usefixtures("command")
def test_disable_enable_and_reset(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], database: Database
) -> None:
    first, second = "una frase larga de paso", "otra frase larga de paso"
    run(monkeypatch, "create", "lucia", "--name", "Lucía", "--password-stdin", password=first)
    assert run(monkeypatch, "disable", "lucia") == 0
    assert not can_sign_in(database, "lucia", first)
    run(monkeypatch, "list")
    assert "lucia\tLucía\tfacilitator\tdisabled" in capsys.readouterr().out
    assert run(monkeypatch, "enable", "lucia") == 0
    assert can_sign_in(database, "lucia", first)
    assert run(monkeypatch, "reset", "lucia", "--password-stdin", password=second) == 0
    assert not can_sign_in(database, "lucia", first)
    assert can_sign_in(database, "lucia", second)
    assert run(monkeypatch, "disable", "nobody") == 1
    assert "no account named nobody" in capsys.readouterr().err


def printed_link(capsys: pytest.CaptureFixture[str]) -> str:
    (link,) = re.findall(r"http://\S+/login/link/\S+", capsys.readouterr().out)
    return link


@pytest.mark.usefixtures("command")
def test_link_prints_a_one_time_sign_in_link_stored_only_hashed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], database: Database
) -> None:
    with database.writing() as db:
        make_account(db, username="lucia")
    assert run(monkeypatch, "link", "lucia") == 0
    first = printed_link(capsys)
    assert run(monkeypatch, "link", "LUCIA") == 0
    link = printed_link(capsys)
    secret = link.rsplit("/", 1)[1]
    with database.reading() as db:
        (stored,) = db.scalars(select(SignInLink.token_hash))
        assert secret not in stored and first.rsplit("/", 1)[1] not in stored
        with pytest.raises(sessions.LinkNotValid):  # a new link ends the one before
            sessions.link_account(db=db, secret=first.rsplit("/", 1)[1])
        later = utcnow() + timedelta(minutes=sessions.LINK_MINUTES, seconds=1)
        with pytest.raises(sessions.LinkNotValid):
            sessions.link_account(db=db, secret=secret, now=later)
    with database.writing() as db:
        assert sessions.use_link(db=db, secret=secret).username == "lucia"
        with pytest.raises(sessions.LinkNotValid):
            sessions.use_link(db=db, secret=secret)


@pytest.mark.usefixtures("command")
def test_no_link_for_an_unknown_or_disabled_account(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], database: Database
) -> None:
    with database.writing() as db:
        make_account(db, username="lucia")
        accounts.set_active(db=db, username="lucia", active=False)
    assert run(monkeypatch, "link", "lucia") == 1
    assert run(monkeypatch, "link", "nobody") == 1
    errors = capsys.readouterr().err
    assert "lucia is disabled" in errors and "no account named nobody" in errors


@pytest.mark.usefixtures("command")
def test_an_account_is_a_facilitator_a_rapporteur_or_both(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], database: Database
) -> None:
    password = "una frase larga de paso"
    run(monkeypatch, "create", "ana", "--name", "Ana", "--password-stdin", password=password)
    args = ("create", "rui", "--name", "Rui", "--role", "rapporteur", "--password-stdin")
    assert run(monkeypatch, *args, password=password) == 0
    run(monkeypatch, "list")
    listed = capsys.readouterr().out
    assert "ana\tAna\tfacilitator\tactive" in listed
    assert "rui\tRui\trapporteur\tactive" in listed
    assert run(monkeypatch, "role", "rui", "both") == 0
    assert "rui is now both" in capsys.readouterr().out
    with database.reading() as db:
        assert accounts.get(db=db, username="rui").role.facilitates
    with pytest.raises(SystemExit):
        run(monkeypatch, "role", "rui", "chair")
    assert run(monkeypatch, "role", "nobody", "rapporteur") == 1
