"""Acting as each role through HTTP, the way the screens do."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.csrf import SAFE_METHODS
from app.db import Database
from app.models import Account, Event
from app.routes.deps import current_account
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


def forget_joins(phone: TestClient) -> TestClient:
    """The phone forgets every event it joined (its participant cookies), as when someone
    else takes it: its next join is a new participant. Its anti-forgery token stays."""
    for name in {cookie.name for cookie in phone.cookies.jar}:
        if "palabra_participant_" in name:
            phone.cookies.delete(name)
    return phone


def another_phone(client: TestClient) -> TestClient:
    """A second device on the same running app, with its own cookies."""
    return with_token(TestClient(client.app))


def app_routes(app: Any, prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """(path, route) of every HTTP route of ``app``, however its routers were included."""
    for route in app.routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):  # FastAPI 0.165 keeps included routers whole
            yield from app_routes(route.original_router, prefix + route.include_context.prefix)


def depends_on(dependant: Dependant, call: Callable[..., Any]) -> bool:
    return any(d.call is call or depends_on(d, call) for d in dependant.dependencies)


def facilitator_routes(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every route that only a signed-in facilitator may use."""
    return sorted(
        (method, path)
        for path, route in app_routes(app)
        if depends_on(route.dependant, current_account)
        for method in route.methods
    )


def state_changing_routes(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every route that changes something."""
    return sorted(
        (method, path)
        for path, route in app_routes(app)
        for method in route.methods
        if method not in SAFE_METHODS
    )


def fill(path: str, event: Event) -> str:
    """``path`` with its parameters filled in: the event's slug, an id of it, a name."""
    topic = event.segments[0].topics[0]
    values = {
        "slug": event.slug,
        "segment_id": str(event.segments[0].id),
        "topic_id": str(topic.id),
        "request_id": "1",
        "turn_id": "1",
        "tag_id": "1",
        "action": "open",
        "state": "close",
        "code": event.join_code,
        "secret": "not-a-link-made-on-the-server",
    }
    return re.sub(r"{(\w+)}", lambda m: values[m.group(1)], path)
