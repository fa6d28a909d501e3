"""A facilitator can change the join code and renew the projector link at any time."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.db import Database
from app.models import Event
from tests.console import as_console, form_fields
from tests.http.helpers import (
    HTMX,
    another_phone,
    facilitator,
    join,
    open_first_topic,
    projector_key,
    seeded_event,
)


def fresh(client: TestClient, event: Event) -> Event:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.reading() as db:
        found = db.get(Event, event.id)
        assert found is not None
        return found


def test_a_new_join_code_keeps_who_joined_and_shuts_the_old_code(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    phone = join(another_phone(client), event, name="Ana")
    response = as_console(client, f"/f/{event.slug}/join-code", headers=HTMX)
    assert response.status_code == 200
    rotated = fresh(client, event)
    assert rotated.join_code != event.join_code
    assert f"<strong>{rotated.join_code}</strong>" in response.text
    assert another_phone(client).get(f"/j/{event.join_code}").status_code == 404
    assert (
        phone.post(f"/e/{event.slug}/floor", data={"kind": "reply"}, headers=HTMX).status_code
        == 200
    )
    join(another_phone(client), rotated, name="Bruno")
    assert (
        rotated.join_code
        in client.get(f"/projector/{event.slug}", params={"key": projector_key(rotated)}).text
    )


def test_a_new_join_code_can_sign_out_every_phone(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    phone = join(another_phone(client), event, name="Ana")
    as_console(client, f"/f/{event.slug}/join-code", data={"end_sessions": "true"}, headers=HTMX)
    refused = phone.post(f"/e/{event.slug}/floor", data={"kind": "reply"}, headers=HTMX)
    assert refused.status_code == 401
    assert phone.get(f"/e/{event.slug}", follow_redirects=False).headers["location"] == "/join"


def test_renewing_the_projector_link_revokes_the_old_one(client: TestClient) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    old = projector_key(event)
    assert client.get(f"/projector/{event.slug}", params={"key": old}).status_code == 200
    as_console(client, f"/f/{event.slug}/projector-link", headers=HTMX)
    new = projector_key(fresh(client, event))
    assert new != old
    assert client.get(f"/projector/{event.slug}", params={"key": old}).status_code == 403
    assert client.get(f"/projector/{event.slug}", params={"key": new}).status_code == 200
    assert f"/projector/{event.slug}?key={new}" in client.get(f"/f/{event.slug}").text


def test_only_a_facilitator_changes_codes_and_links(client: TestClient) -> None:
    event = seeded_event(client)
    phone = join(another_phone(client), event)
    assert as_console(phone, f"/f/{event.slug}/join-code", headers=HTMX).status_code == 401
    assert as_console(phone, f"/f/{event.slug}/projector-link", headers=HTMX).status_code == 401
    assert fresh(client, event).join_code == event.join_code


def test_code_changes_are_in_the_audit_log(client: TestClient) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    as_console(client, f"/f/{event.slug}/join-code", headers=HTMX)
    as_console(client, f"/f/{event.slug}/projector-link", headers=HTMX)
    log = client.get(f"/f/{event.slug}/audit").text
    assert "Gave the event a new join code" in log
    assert "Renewed the projector link" in log


def test_a_console_behind_a_co_facilitators_new_code_is_shown_it_and_can_act_again(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    rotate = f"/f/{event.slug}/join-code"
    drawn = form_fields(client.get(f"/f/{event.slug}").text, rotate)
    assert as_console(client, rotate, headers=HTMX).status_code == 200  # a co-facilitator
    current = fresh(client, event).join_code
    behind = client.post(rotate, data=drawn, headers=HTMX)
    assert behind.status_code == 409
    assert f"<strong>{current}</strong>" in behind.text
    again = form_fields(behind.text, rotate)
    assert again == {"code": current}
    assert client.post(rotate, data=again, headers=HTMX).status_code == 200
