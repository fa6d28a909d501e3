"""Acting as each role through HTTP, the way the screens do."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from app.db import Database
from app.models import Account, Event
from app.services import agenda
from tests.factories import PASSWORD, make_account, make_event, seen
from tests.tokens import with_token

HTMX = {"HX-Request": "true"}


def seeded_event(client: TestClient) -> Event:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.writing() as db:
        event = make_event(db)
        for topic in (t for segment in event.segments for t in segment.topics):
            assert topic.questions is not None  # loaded now, for tests that read them later
        return event


def open_first_topic(client: TestClient, event: Event) -> None:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    topic_id = event.segments[0].topics[0].id
    with database.writing() as db:
        fresh = db.get(Event, event.id)
        assert fresh is not None
        agenda.open_topic(db=db, event=fresh, **seen(db, fresh, "topic"), topic_id=topic_id)


def facilitator(client: TestClient, event: Event, username: str = "ana") -> TestClient:
    """Sign ``client`` in as a facilitator (the account is made on first use)."""
    sign_in(client, ensure_account(client, username))
    return client


def ensure_account(client: TestClient, username: str = "ana") -> str:
    database: Database = client.app.state.database  # type: ignore[attr-defined]
    with database.writing() as db:
        if db.scalar(select(Account).where(Account.username == username)) is None:
            make_account(db, username=username, name=username.title())
    return username


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> None:
    response = client.post(
        "/login", data={"username": username, "password": password}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def projector_key(event: Event) -> str:
    return event.projector_token


def join(client: TestClient, event: Event, name: str = "Ana", **fields: str) -> TestClient:
    response = client.post(
        "/join",
        data={
            "code": event.join_code,
            "name": name,
            "organisation": "ACNUR",
            "country": "Chile",
            **fields,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def request_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'id="request-(\d+)"', html)]


def another_phone(client: TestClient) -> TestClient:
    """A second device on the same running app, with its own cookies."""
    return with_token(TestClient(client.app))
