"""A page of another site can make a browser post to Palabra, but not with its token."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.csrf import COOKIE, HEADER, require_token
from app.db import Database
from app.models import AuditEntry
from tests.console import as_console
from tests.http.helpers import (
    HTMX,
    facilitator,
    fill,
    join,
    open_first_topic,
    seeded_event,
    state_changing_routes,
)


def forged_list_closing(client: TestClient, slug: str) -> int:
    """What a hidden form on another site gets: the browser's cookies, no token."""
    token = client.headers.pop(HEADER)
    try:
        return as_console(client, f"/f/{slug}/floor/list/close", headers=HTMX).status_code
    finally:
        client.headers[HEADER] = token


def test_a_request_without_the_token_is_refused(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    assert forged_list_closing(client, event.slug) == 403
    assert as_console(client, f"/f/{event.slug}/floor/list/close", headers=HTMX).status_code == 200


def test_the_same_forgery_succeeds_when_the_defence_is_off(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    client.app.dependency_overrides[require_token] = lambda: None  # type: ignore[attr-defined]
    assert forged_list_closing(client, event.slug) == 200


def test_another_browsers_token_does_not_count(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    response = as_console(
        client, f"/f/{event.slug}/floor/list/close", headers={**HTMX, HEADER: "x" * 43}
    )
    assert response.status_code == 403
    assert "Reload it and try again" in response.text


def test_a_post_the_browser_says_comes_from_another_site_is_refused(client: TestClient) -> None:
    event = seeded_event(client)
    response = client.post(
        "/join",
        data={"code": event.join_code, "name": "Ana"},
        headers={"Sec-Fetch-Site": "cross-site"},
        follow_redirects=False,
    )
    assert response.status_code == 403


def test_the_plain_join_form_carries_the_token(client: TestClient) -> None:
    event = seeded_event(client)
    page = client.get(f"/j/{event.join_code}").text
    token = client.cookies[COOKIE]
    assert f'name="csrf_token" value="{token}"' in page
    assert f'"X-CSRF-Token": "{token}"' in page
    anonymous = TestClient(client.app)
    anonymous.get("/")
    form_token = anonymous.cookies[COOKIE]
    joined = anonymous.post(
        "/join",
        data={"code": event.join_code, "name": "Ana", "csrf_token": form_token},
        follow_redirects=False,
    )
    assert joined.status_code == 303


def test_a_participant_request_needs_the_token_too(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    join(client, event)
    token = client.headers.pop(HEADER)
    refused = client.post(f"/e/{event.slug}/floor", data={"kind": "reply"}, headers=HTMX)
    client.headers[HEADER] = token
    assert refused.status_code == 403


def test_a_body_sent_in_chunks_without_a_content_type_is_refused(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    join(client, event)
    response = client.post(f"/e/{event.slug}/floor", content=iter([b"kind=reply"]), headers=HTMX)
    assert response.status_code == 415
    assert "Request the floor" in client.get(f"/e/{event.slug}").text


def audit_rows(client: TestClient) -> int:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.reading() as db:
        return db.scalar(select(func.count()).select_from(AuditEntry)) or 0


def test_a_token_of_the_attackers_choosing_next_to_a_real_session_is_refused(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    session = next(v for k, v in client.cookies.items() if k.endswith("palabra_session"))
    chosen = "A" * 32
    before = audit_rows(client)
    for origin in ({"Origin": "http://evil.example", "Sec-Fetch-Site": "same-site"}, {}):
        forged = TestClient(client.app).post(
            f"/f/{event.slug}/floor/list/close",
            data={"csrf_token": chosen},
            headers={"Cookie": f"palabra_session={session}; palabra_csrf={chosen}", **origin},
            follow_redirects=False,
        )
        assert forged.status_code == 403, origin
    assert audit_rows(client) == before


def test_the_token_is_renewed_at_sign_in(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    anonymous = client.headers[HEADER]
    facilitator(client, event)
    assert client.headers[HEADER] != anonymous
    refused = as_console(
        client, f"/f/{event.slug}/floor/list/close", headers={**HTMX, HEADER: anonymous}
    )
    assert refused.status_code == 403
    assert as_console(client, f"/f/{event.slug}/floor/list/close", headers=HTMX).status_code == 200


FORGED = "was not opened here"
FOREIGN = [
    {"Origin": "http://evil.example"},
    {"Origin": "https://testserver"},  # the same host, another scheme
    {"Origin": "http://testserver:8080"},  # the same host, another port
    {"Origin": "null"},
    {"Referer": "http://evil.example/page"},
]


@pytest.mark.parametrize("foreign", FOREIGN, ids=lambda h: " ".join(h.values()))
def test_every_state_changing_request_from_another_origin_is_refused(
    client: TestClient, foreign: dict[str, str]
) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    join(client, event)
    routes = state_changing_routes(client.app)
    assert ("POST", "/login") in routes and ("POST", "/e/{slug}/floor") in routes
    before = audit_rows(client)
    answers = {
        (method, path): client.request(
            method, fill(path, event), headers={**HTMX, **foreign}, follow_redirects=False
        ).status_code
        for method, path in routes
    }
    assert set(answers.values()) == {403}, answers
    assert audit_rows(client) == before


@pytest.mark.parametrize(
    "own", [{"Origin": "http://testserver"}, {"Referer": "http://testserver/f"}, {}]
)
def test_requests_from_palabras_own_pages_are_not_refused_as_forged(
    client: TestClient, own: dict[str, str]
) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    join(client, event)
    answers = {
        (method, path): client.request(
            method, fill(path, event), headers={**HTMX, **own}, follow_redirects=False
        )
        for method, path in state_changing_routes(client.app)
        if not path.startswith("/logout")
    }
    forged = [route for route, answer in answers.items() if FORGED in answer.text]
    assert forged == [], forged
    assert {answer.status_code for answer in answers.values()} & {200, 303}
