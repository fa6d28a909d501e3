"""Facilitators sign in with an account; sessions are signed cookies that can be ended."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from itsdangerous import URLSafeSerializer

from app import access
from app.config import Settings
from app.db import Database
from app.main import create_app
from app.services import accounts
from tests.console import as_console
from tests.factories import PASSWORD
from tests.http.helpers import (
    HTMX,
    another_phone,
    ensure_account,
    facilitator,
    open_first_topic,
    seeded_event,
    sign_in,
)
from tests.tokens import with_token


def database_of(client: TestClient) -> Database:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    return database


def session_cookie(response_headers: list[str]) -> str:
    (cookie,) = [c for c in response_headers if "palabra_session=" in c]
    return cookie


def test_signing_in_sends_the_facilitator_back_to_the_screen_they_asked_for(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    to_login = client.get(f"/f/{event.slug}")
    assert to_login.url.path == "/login"
    assert f'value="/f/{event.slug}"' in to_login.text
    ensure_account(client)
    response = client.post(
        "/login",
        data={"username": "ana", "password": PASSWORD, "next": f"/f/{event.slug}"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/f/{event.slug}"
    console = client.get(f"/f/{event.slug}")
    assert console.status_code == 200 and "Ana" in console.text


@pytest.mark.parametrize("screen", ["/audit", "/audit.csv", ""])
def test_signing_in_from_any_facilitator_screen_comes_back_to_it(
    client: TestClient, screen: str
) -> None:
    event = seeded_event(client)
    asked = f"/f/{event.slug}{screen}"
    to_login = client.get(asked)
    assert to_login.url.path == "/login"
    assert f'name="next" value="{asked}"' in to_login.text


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(client: TestClient) -> None:
    ensure_account(client)
    wrong = client.post("/login", data={"username": "ana", "password": "not-the-password"})
    unknown = client.post("/login", data={"username": "nobody", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    message = "That username and password do not match an active account."
    assert message in wrong.text and message in unknown.text
    assert "palabra_session" not in wrong.headers.get("set-cookie", "")
    assert client.get("/f", follow_redirects=False).status_code == 303


def test_usernames_are_not_case_sensitive(client: TestClient) -> None:
    ensure_account(client)
    response = client.post(
        "/login", data={"username": " ANA ", "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 303


def test_the_session_cookie_is_http_only_and_same_site_lax_on_a_developers_machine(
    client: TestClient,
) -> None:
    ensure_account(client)
    response = client.post(
        "/login", data={"username": "ana", "password": PASSWORD}, follow_redirects=False
    )
    cookie = session_cookie(response.headers.get_list("set-cookie"))
    assert cookie.startswith("palabra_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie


@pytest.fixture
def https_client(settings: Settings) -> Iterator[TestClient]:
    served = settings.model_copy(update={"public_url": "https://palabra.example.org"})
    with TestClient(create_app(served), base_url="https://palabra.example.org") as client:
        yield with_token(client)


def test_over_https_the_session_cookie_is_secure_and_host_only(https_client: TestClient) -> None:
    ensure_account(https_client)
    response = https_client.post(
        "/login", data={"username": "ana", "password": PASSWORD}, follow_redirects=False
    )
    cookie = session_cookie(response.headers.get_list("set-cookie"))
    assert cookie.startswith("__Host-palabra_session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "Domain" not in cookie
    assert https_client.get("/f").status_code == 200


def test_in_production_every_cookie_is_secure_even_behind_a_plain_http_hop(
    settings: Settings,
) -> None:
    production = settings.model_copy(update={"env": "production"})
    with TestClient(create_app(production)) as client:
        anti_forgery = client.get("/").headers["set-cookie"]
    assert anti_forgery.startswith("__Host-palabra_csrf=") and "; Secure" in anti_forgery


def test_signing_out_ends_the_session_in_this_browser(client: TestClient) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    response = client.post("/logout", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert client.get(f"/f/{event.slug}").url.path == "/login"


def test_a_forged_session_cookie_signs_nobody_in(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    secret = access.session_secret(settings.secret_key, client.cookies["palabra_session"])
    assert secret is not None
    forged = URLSafeSerializer("another-secret", salt=access.SESSION).dumps(secret)
    client.cookies.set("palabra_session", forged)
    assert client.get(f"/f/{event.slug}").url.path == "/login"

    unchecked = URLSafeSerializer("another-secret", salt=access.SESSION)
    monkeypatch.setattr(access, "URLSafeSerializer", lambda *_, **__: unchecked)
    assert client.get(f"/f/{event.slug}").status_code == 200  # the defence off: forged works


def test_disabling_an_account_ends_its_open_sessions(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    assert client.get(f"/f/{event.slug}").status_code == 200
    with database_of(client).writing() as db:
        accounts.set_active(db=db, username="ana", active=False)
    assert as_console(client, f"/f/{event.slug}/floor/list/close", headers=HTMX).status_code == 401
    again = client.post("/login", data={"username": "ana", "password": PASSWORD})
    assert again.status_code == 401


def test_a_new_password_ends_the_old_sessions_and_replaces_the_old_password(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    with database_of(client).writing() as db:
        accounts.reset_password(db=db, username="ana", password="a brand new passphrase")
    assert client.get(f"/f/{event.slug}").url.path == "/login"
    assert client.post("/login", data={"username": "ana", "password": PASSWORD}).status_code == 401
    sign_in(client, "ana", "a brand new passphrase")
    assert client.get(f"/f/{event.slug}").status_code == 200


def test_after_signing_in_nobody_is_sent_to_another_site(client: TestClient) -> None:
    ensure_account(client)
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example", "javascript:x"):
        response = client.post(
            "/login",
            data={"username": "ana", "password": PASSWORD, "next": target},
            follow_redirects=False,
        )
        assert response.headers["location"] == "/f", target


def test_two_facilitators_run_one_event_and_the_log_names_each(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event, "ana")
    colleague = facilitator(another_phone(client), event, "bruno")
    assert as_console(client, f"/f/{event.slug}/floor/list/close", headers=HTMX).status_code == 200
    assert (
        as_console(colleague, f"/f/{event.slug}/floor/list/open", headers=HTMX).status_code == 200
    )
    rows = client.get(f"/f/{event.slug}/audit.csv").text.splitlines()[1:]
    assert [row.split(",")[1] for row in rows] == ["bruno", "ana", "system"]  # newest first


def test_a_signed_in_facilitator_chooses_among_the_events(client: TestClient) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    events_page = client.get("/f")
    assert f'href="/f/{event.slug}"' in events_page.text
    assert event.title in events_page.text
