from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from tests.console import as_console
from tests.http.helpers import (
    HTMX,
    another_phone,
    facilitator,
    join,
    open_first_topic,
    seeded_event,
)


def test_the_audit_log_needs_a_signed_in_facilitator(client: TestClient) -> None:
    event = seeded_event(client)
    for path in (f"/f/{event.slug}/audit", f"/f/{event.slug}/audit.csv"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")


def test_a_participant_cannot_read_the_audit_log(client: TestClient) -> None:
    event = seeded_event(client)
    join(client, event)
    log = client.get(f"/f/{event.slug}/audit")
    assert log.url.path == "/login" and "Ana" not in log.text
    assert client.get(f"/f/{event.slug}/audit.csv").url.path == "/login"


def test_the_console_links_to_the_audit_log(client: TestClient) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    assert f'href="/f/{event.slug}/audit"' in client.get(f"/f/{event.slug}").text


def test_the_log_shows_what_the_facilitator_did_newest_first(client: TestClient) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    as_console(client, f"/f/{event.slug}/topics/next", headers=HTMX)
    join(another_phone(client), event, name="María Pérez").post(
        f"/e/{event.slug}/floor", data={"kind": "intervention"}
    )
    as_console(client, f"/f/{event.slug}/floor/next", headers=HTMX)
    page = client.get(f"/f/{event.slug}/audit")
    assert page.status_code == 200
    called, opened = page.text.index("Called the next speaker"), page.text.index("Moved to the")
    assert called < opened
    assert "María Pérez (request" in page.text
    assert page.text.count('<tr id="audit-') == 2  # the participant's request is not logged


def test_an_empty_log_says_so(client: TestClient) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    assert "Nothing has been recorded yet." in client.get(f"/f/{event.slug}/audit").text


def test_names_are_escaped_in_the_log(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    client.post(
        f"/f/{event.slug}/floor/add", data={"name": "<script>alert(1)</script>", "kind": "reply"}
    )
    page = client.get(f"/f/{event.slug}/audit").text
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_log_downloads_as_csv(client: TestClient) -> None:
    event = seeded_event(client)
    facilitator(client, event)
    as_console(client, f"/f/{event.slug}/topics/next", headers=HTMX)
    as_console(client, f"/f/{event.slug}/floor/list/close", headers=HTMX)
    response = client.get(f"/f/{event.slug}/audit.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert (
        response.headers["content-disposition"] == f'attachment; filename="{event.slug}-audit.csv"'
    )
    header, *rows = csv.reader(io.StringIO(response.text))
    assert header == ["at", "actor", "action", "subject", "before", "after", "version"]
    assert [row[2] for row in rows] == ["floor.close_list", "agenda.next_topic"]
    assert rows[0][4:] == ['{"list_open":true}', '{"list_open":false}', "2"]


def test_a_formula_typed_as_a_name_stays_text_in_the_csv(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    client.post(
        f"/f/{event.slug}/floor/add",
        data={"name": '=HYPERLINK("x")', "kind": "reply"},
        headers=HTMX,
    )
    _, added, *_ = csv.reader(io.StringIO(client.get(f"/f/{event.slug}/audit.csv").text))
    assert added[2] == "floor.add_from_room"
    assert added[3].startswith('\'=HYPERLINK("x") (request ')


def test_nothing_in_the_log_can_be_changed_over_http(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        for path in ("/audit", "/audit.csv"):
            assert client.request(method, f"/f/{event.slug}{path}").status_code == 405
