"""Every form also works as a plain form, with no JavaScript: it carries its anti-forgery
field and what its action depends on, and answers by going back to its page."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.csrf import HEADER
from tests.http.helpers import another_phone, facilitator, join, open_first_topic, seeded_event


def plain_form(html: str, action: str) -> dict[str, str]:
    """What a browser without JavaScript posts for the form that posts to ``action``: its
    hidden fields and its checked choices."""
    for form in re.finditer(r'<form\b[^>]*\baction="([^"]+)"[^>]*>(.*?)</form>', html, re.S):
        if form[1] == action:
            inputs = re.findall(r"<input\b[^>]*>", form[2])
            fields = {}
            for field in inputs:
                name = re.search(r'name="([^"]+)"', field)
                value = re.search(r'value="([^"]*)"', field)
                checked = 'type="hidden"' in field or " checked" in field
                if name and value and checked:
                    fields[name[1]] = value[1]
            return fields
    raise AssertionError(f"no form posts to {action}")


def without_javascript(client: TestClient) -> TestClient:
    """No htmx: nothing sends the anti-forgery header; only the form's own fields go."""
    client.headers.pop(HEADER)
    return client


def test_a_phone_asks_for_the_floor_and_withdraws_with_plain_forms(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    phone = without_javascript(join(another_phone(client), event))
    page = phone.get(f"/e/{event.slug}").text
    asked = phone.post(
        f"/e/{event.slug}/floor",
        data={**plain_form(page, f"/e/{event.slug}/floor"), "kind": "intervention"},
        follow_redirects=False,
    )
    assert asked.status_code == 303
    page = phone.get(f"/e/{event.slug}").text
    withdraw = re.search(r'action="(/e/[^"]+/withdraw)"', page)
    assert withdraw is not None, "the phone is not on the list"
    gone = phone.post(withdraw[1], data=plain_form(page, withdraw[1]), follow_redirects=False)
    assert gone.status_code == 303


def test_a_facilitator_runs_the_list_with_plain_forms(client: TestClient) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    join(another_phone(client), event, name="Ana").post(
        f"/e/{event.slug}/floor", data={"kind": "intervention"}
    )
    console = without_javascript(facilitator(client, event))
    for action in ("/floor/next", "/timer/pause", "/timer/add", "/floor/finish"):
        page = console.get(f"/f/{event.slug}").text
        path = f"/f/{event.slug}{action}"
        answer = console.post(path, data=plain_form(page, path), follow_redirects=False)
        assert answer.status_code == 303, (action, answer.text[-300:])
    assert "Nobody has the floor." in console.get(f"/f/{event.slug}").text
