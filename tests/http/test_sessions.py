"""A facilitator's session lives on the server: signing out ends it everywhere at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from app.config import Settings
from app.csrf import HEADER
from app.db import Database
from app.main import create_app
from app.models import AccountSession, AuditEntry
from app.services import accounts, sessions
from app.services.clock import utcnow
from tests.console import as_console
from tests.factories import PASSWORD
from tests.http.helpers import (
    HTMX,
    another_phone,
    ensure_account,
    facilitator,
    facilitator_routes,
    fill,
    open_first_topic,
    seeded_event,
)
from tests.tokens import with_token


def database_of(client: TestClient) -> Database:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    return database


def audit_rows(client: TestClient) -> int:
    with database_of(client).reading() as db:
        return db.scalar(select(func.count()).select_from(AuditEntry)) or 0


def replaying(client: TestClient) -> TestClient:
    """Another machine holding a copy of ``client``'s cookies and token, as they are now."""
    copy = TestClient(client.app, cookies=dict(client.cookies.items()))
    copy.headers[HEADER] = client.headers[HEADER]
    return copy


def test_a_signed_out_session_replayed_gets_nothing_and_changes_nothing(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    assert as_console(client, f"/f/{event.slug}/timer/start", headers=HTMX).status_code == 200
    stolen = replaying(client)
    pages = ["/f", f"/f/{event.slug}", f"/f/{event.slug}/audit", f"/f/{event.slug}/audit.csv"]
    assert [stolen.get(p).status_code for p in pages] == [200] * 4

    assert client.post("/logout", follow_redirects=False).status_code == 303
    before = audit_rows(client)
    for path in pages:
        refused = stolen.get(path, follow_redirects=False)
        assert refused.status_code == 303, path
        assert refused.headers["location"].startswith("/login"), path
    assert as_console(stolen, f"/f/{event.slug}/timer/pause", headers=HTMX).status_code == 401
    assert audit_rows(client) == before


def test_a_signed_out_session_is_refused_by_every_facilitator_route(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    routes = facilitator_routes(client.app)
    assert len(routes) > 15 and ("GET", "/f/{slug}/audit.csv") in routes
    stolen = replaying(client)
    signed_in = {
        r: stolen.request(r[0], fill(r[1], event), headers=HTMX).status_code for r in routes
    }
    assert 401 not in signed_in.values(), signed_in
    client.post("/logout")
    signed_out = {
        r: stolen.request(r[0], fill(r[1], event), headers=HTMX).status_code for r in routes
    }
    assert set(signed_out.values()) == {401}, signed_out


def test_signing_out_everywhere_ends_the_sessions_of_every_browser(client: TestClient) -> None:
    event = seeded_event(client)
    laptop = facilitator(client, event)
    lost = facilitator(another_phone(client), event)
    assert lost.get("/f").status_code == 200
    everywhere = laptop.get("/f").text
    assert 'action="/logout/everywhere"' in everywhere
    assert laptop.post("/logout/everywhere", follow_redirects=False).status_code == 303
    assert lost.get("/f").url.path == "/login"
    assert laptop.get("/f").url.path == "/login"
    facilitator(laptop, event)
    assert laptop.get("/f").status_code == 200
    assert lost.get("/f").url.path == "/login"


def test_a_session_ends_when_its_time_is_up_whatever_the_cookie_says(client: TestClient) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    assert client.get(f"/f/{event.slug}").status_code == 200
    with database_of(client).writing() as db:
        db.execute(update(AccountSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.commit()
    assert client.get(f"/f/{event.slug}").url.path == "/login"


def test_each_sign_in_is_a_session_of_its_own_that_remembers_the_browser(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    lost = another_phone(client)
    lost.headers["User-Agent"] = "Lost laptop"
    facilitator(lost, event)
    with database_of(client).reading() as db:
        sessions = list(db.scalars(select(AccountSession).order_by(AccountSession.id)))
    assert len(sessions) == 2 and sessions[1].user_agent == "Lost laptop"
    assert all(client.cookies.get("palabra_session", "") not in s.token_hash for s in sessions)


def test_strangers_guessing_a_password_lock_the_facilitator_out_but_not_their_link(
    settings: Settings,
) -> None:
    defaults = Settings(env="test", secret_key=settings.secret_key)
    limited = settings.model_copy(
        update={
            name: getattr(defaults, name)
            for name in Settings.model_fields
            if name.startswith("rate_login_")
        }
    )
    app = create_app(limited)
    with TestClient(app):
        event = seeded_event(with_token(TestClient(app)))
        ensure_account(TestClient(app), "facilitator")
        for address in range(12):
            stranger = with_token(TestClient(app, client=(f"198.51.100.{address}", 40000)))
            for _ in range(10):
                stranger.post("/login", data={"username": "facilitator", "password": "guess-guess"})
        rightful = with_token(TestClient(app, client=("203.0.113.9", 40000)))
        locked = rightful.post("/login", data={"username": "facilitator", "password": PASSWORD})
        assert locked.status_code == 429

        with database_of(rightful).writing() as db:
            secret = sessions.new_link(db=db, account=accounts.get(db=db, username="facilitator"))
        link = f"/login/link/{secret}"
        assert "Sign in" in rightful.get(link).text
        used = rightful.post(link, follow_redirects=False)
        assert used.status_code == 303 and used.headers["location"] == "/f"
        assert rightful.get(f"/f/{event.slug}").status_code == 200
        again = with_token(TestClient(app)).post(link, follow_redirects=False)
        assert again.status_code == 403 and "not valid" in again.text


@pytest.mark.parametrize("what", ["password reset", "disabled and enabled again"])
def test_a_one_time_link_ends_with_the_accounts_sessions(client: TestClient, what: str) -> None:
    """Resetting a password or disabling an account is what follows a leak: links end too."""
    username = ensure_account(client, "lucia")
    with database_of(client).writing() as db:
        secret = sessions.new_link(db=db, account=accounts.get(db=db, username=username))
        if what == "password reset":
            accounts.reset_password(db=db, username=username, password="another long passphrase")
        else:
            accounts.set_active(db=db, username=username, active=False)
            accounts.set_active(db=db, username=username, active=True)
    refused = client.post(f"/login/link/{secret}", follow_redirects=False)
    assert refused.status_code == 403
