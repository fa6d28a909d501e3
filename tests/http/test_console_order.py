"""The order of the list of speakers through the console: the rule chosen, why each one
waits where they do, and the issue's points of order after a facilitator's moves."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.db import Database
from app.models import ActorType, Event
from tests.console import as_console
from tests.http.helpers import (
    HTMX,
    another_phone,
    facilitator,
    join,
    open_first_topic,
    request_ids,
    seeded_event,
)


def ask(
    client: TestClient, event: Event, name: str, kind: str = "intervention", **fields: str
) -> int:
    phone = join(another_phone(client), event, name=name, **fields)
    response = phone.post(f"/e/{event.slug}/floor", data={"kind": kind})
    assert response.status_code == 200
    return max(request_ids(client.get(f"/f/{event.slug}").text))


def actor_type_ids(client: TestClient, event: Event) -> dict[str, str]:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.writing() as db:
        kinds = db.query(ActorType).filter_by(event_id=event.id)
        return {a.key: str(a.id) for a in kinds}


def queue(client: TestClient, event: Event) -> list[tuple[str, str]]:
    """Each waiting line of the console: the speaker's name and why they are there."""
    html = client.get(f"/f/{event.slug}").text
    rows = re.findall(r'<tr id="request-\d+">(.*?)</tr>', html, re.S)
    return [
        (re.search(r'class="who">(.*?)<', row)[1], re.search(r'class="why">(.*?)<', row)[1])
        for row in rows
    ]


def test_the_facilitator_chooses_alternation_and_the_console_says_why(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    types = actor_type_ids(client, event)
    ask(client, event, "Chile", actor_type_id=types["state"])
    ask(client, event, "Perú", actor_type_id=types["state"])
    ask(client, event, "ACNUR", actor_type_id=types["academia"])
    chosen = as_console(
        client, f"/f/{event.slug}/floor/order-rule", data={"rule": "alternation"}, headers=HTMX
    )
    assert chosen.status_code == 200
    assert queue(client, event) == [
        ("Chile", "alternation: a State's turn · first time in the segment"),
        ("ACNUR", "alternation: another actor's turn · first time in the segment"),
        ("Perú", "arrival · first time in the segment"),
    ]
    assert '<option value="alternation" selected>' in client.get(f"/f/{event.slug}").text
    assert "Chose the order of the list of speakers" in client.get(f"/f/{event.slug}/audit").text


def test_a_point_of_order_after_a_move_goes_behind_the_earlier_ones(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    facilitator(client, event)
    ask(client, event, "Ana", "point_of_order")
    ask(client, event, "Beto", "point_of_order")
    xavi = ask(client, event, "Xavi")
    for _ in range(2):
        as_console(client, f"/f/{event.slug}/floor/{xavi}/up", headers=HTMX)
    ask(client, event, "Cora", "point_of_order")
    assert [name for name, _ in queue(client, event)] == ["Xavi", "Ana", "Beto", "Cora"]
    assert queue(client, event)[0][1].startswith("moved by the facilitator")
