"""A page of another site can make a browser post to Palabra, but not with its token."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.csrf import COOKIE, HEADER, require_token
from tests.console import as_console
from tests.http.helpers import HTMX, facilitator, join, open_first_topic, seeded_event


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
