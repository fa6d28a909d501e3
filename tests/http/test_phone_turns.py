"""The phone tells its participant, plainly, what became of each of their requests."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.db import Database
from app.models import Event, FloorRequest, Participant
from app.services import agenda, floor, turns
from tests.factories import seen
from tests.http.helpers import HTMX, another_phone, join, open_first_topic, seeded_event

SKIPPED = "The facilitator skipped you; you may ask again."
REMOVED = "The facilitator removed your request from the list."
WITHDRAWN = "You withdrew your request."
SAVED = "Saved. You can edit it until the topic closes."


def act(client: TestClient, action: Callable[..., Any], **arguments: Any) -> None:
    """Run a facilitator's service ``action`` on the event, as the console would."""
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.writing() as db:
        event = db.scalars(select(Event)).one()
        action(db=db, event=event, **arguments)


def console(client: TestClient, *parts: str) -> dict[str, int | None]:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.reading() as db:
        return seen(db, db.scalars(select(Event)).one(), *parts)


def requests_of(client: TestClient, name: str) -> list[FloorRequest]:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.reading() as db:
        query = select(FloorRequest).join(Participant).where(Participant.name == name)
        return list(db.scalars(query.order_by(FloorRequest.id)))


def read(html: str) -> str:
    """The page's text as a person reads it: without tags (a ``<span lang>`` around a title)."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def ask(phone: TestClient, event: Event, kind: str = "intervention") -> str:
    response = phone.post(f"/e/{event.slug}/floor", data={"kind": kind}, headers=HTMX)
    assert response.status_code == 200, response.text
    return response.text


def speak(client: TestClient) -> None:
    """The facilitator calls the first one waiting, and their turn ends."""
    act(client, turns.call_next, **console(client, "first", "speaker"))
    act(client, turns.finish, **console(client, "speaker"))


def withdraw(phone: TestClient, event: Event, name: str) -> None:
    request_id = requests_of(phone, name)[-1].id
    response = phone.post(f"/e/{event.slug}/floor/{request_id}/withdraw", headers=HTMX)
    assert response.status_code == 200, response.text


def summary_forms(html: str) -> dict[int, str]:
    """Each summary form on the page: the request it is for, and the text it holds."""
    found = re.findall(
        r'action="/e/[^"]+/floor/(\d+)/summary".*?<textarea[^>]*>([^<]*)</textarea>', html, re.S
    )
    return {int(request_id): text for request_id, text in found}


def later(client: TestClient, phone: TestClient, event: Event, fate: str) -> None:
    """After speaking once, what the participant's second request goes through."""
    ask(phone, event)
    second = requests_of(client, "Ana")[-1].id
    if fate == "withdrawn":
        withdraw(phone, event, "Ana")
    elif fate == "skipped":
        act(client, floor.skip, request_id=second)
    elif fate == "removed":
        act(client, floor.remove, request_id=second)
    elif fate == "put back":
        act(client, floor.skip, request_id=second)
        act(client, floor.put_back, request_id=second)
    elif fate == "speaking":
        act(client, turns.call_next, **console(client, "first", "speaker"))
    elif fate == "spoken again":
        speak(client)


FATES = ["waiting", "withdrawn", "skipped", "removed", "put back", "speaking", "spoken again"]


@pytest.mark.parametrize("fate", FATES)
def test_every_turn_given_keeps_its_summary_whatever_later_requests_do(
    client: TestClient, fate: str
) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    phone = join(client, event)
    ask(phone, event)
    speak(client)
    first = requests_of(client, "Ana")[0].id
    saved = phone.post(
        f"/e/{event.slug}/floor/{first}/summary", data={"summary": "Acceso a salud"}, headers=HTMX
    )
    assert SAVED in saved.text
    later(client, phone, event, fate)
    page = phone.get(f"/e/{event.slug}").text
    forms = summary_forms(page)
    assert forms[first] == "Acceso a salud"
    spoken = [r.id for r in requests_of(client, "Ana") if r.status.value == "done"]
    assert sorted(forms) == spoken
    # The form it shows can still be saved, and says so.
    again = phone.post(
        f"/e/{event.slug}/floor/{first}/summary",
        data={"summary": "Acceso y barreras"},
        headers=HTMX,
    )
    assert again.status_code == 200
    assert summary_forms(again.text)[first] == "Acceso y barreras"
    assert SAVED in again.text


def test_summaries_are_no_longer_offered_once_the_topic_closes(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    phone = join(client, event)
    ask(phone, event)
    speak(client)
    assert summary_forms(phone.get(f"/e/{event.slug}").text)
    act(client, agenda.next_topic, **console(client, "topic"))
    assert summary_forms(phone.get(f"/e/{event.slug}").text) == {}


def fate_of_waiting(client: TestClient, phone: TestClient, event: Event, fate: str) -> None:
    request_id = requests_of(client, "Ana")[-1].id
    if fate == "skipped":
        act(client, floor.skip, request_id=request_id)
    elif fate == "removed":
        act(client, floor.remove, request_id=request_id)
    elif fate == "withdrawn":
        withdraw(phone, event, "Ana")
    elif fate == "next topic":
        act(client, agenda.next_topic, **console(client, "topic"))
    elif fate == "topic closed":
        topic = console(client, "topic")["seen_topic"]
        act(client, agenda.close_topic, topic_id=topic)


# What each phone reads after each fate of its waiting request; no two fates read alike.
TOLD = {
    "skipped": [SKIPPED],
    "removed": [REMOVED],
    "withdrawn": [WITHDRAWN],
    "next topic": [
        "Your request was on “Salud”, which is now closed; ask again on this topic if you wish."
    ],
    "topic closed": ["Your request was on “Salud”, which is now closed."],
}


@pytest.mark.parametrize("fate", list(TOLD))
def test_each_phone_is_told_what_happened_to_its_request(client: TestClient, fate: str) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    phone = join(client, event)
    ask(phone, event)
    fate_of_waiting(client, phone, event, fate)
    page = read(phone.get(f"/e/{event.slug}").text)
    for told in TOLD[fate]:
        assert told in page
    others = {text for other, texts in TOLD.items() if other != fate for text in texts}
    assert not any(text in page for text in others - set(TOLD[fate]))
    # Everyone else's phone reads none of it.
    bystander = read(join(another_phone(client), event, name="Bruno").get(f"/e/{event.slug}").text)
    assert not any(text in bystander for texts in TOLD.values() for text in texts)


def test_a_request_left_on_a_closed_topic_is_forgotten_once_asked_again(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    phone = join(client, event)
    ask(phone, event)
    act(client, agenda.next_topic, **console(client, "topic"))
    assert "which is now closed" in phone.get(f"/e/{event.slug}").text
    answer = ask(phone, event)
    assert "You are next" in answer and "which is now closed" not in answer
    assert "which is now closed" not in phone.get(f"/e/{event.slug}").text


def test_a_request_left_on_a_closed_topic_is_forgotten_once_heard_on_a_later_one(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    phone = join(client, event)
    ask(phone, event)
    act(client, agenda.next_topic, **console(client, "topic"))
    ask(phone, event)
    speak(client)
    act(client, agenda.next_topic, **console(client, "topic"))
    page = phone.get(f"/e/{event.slug}").text
    assert "which is now closed" not in page
    assert "Request the floor" in page


def test_a_skipped_phone_put_back_is_waiting_again(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    phone = join(client, event)
    ask(phone, event)
    request_id = requests_of(client, "Ana")[-1].id
    act(client, floor.skip, request_id=request_id)
    assert SKIPPED in phone.get(f"/e/{event.slug}").text
    act(client, floor.put_back, request_id=request_id)
    page = phone.get(f"/e/{event.slug}").text
    assert SKIPPED not in page and "You are next" in page
