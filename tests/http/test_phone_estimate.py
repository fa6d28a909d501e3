"""The words a waiting phone reads: its place, its wait, and "you are next" when it is true."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.http.helpers import HTMX, another_phone, join, open_first_topic, seeded_event


def test_the_first_one_waiting_with_nobody_speaking_is_told_they_are_next(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    phones = [join(client, event), join(another_phone(client), event, name="Bruno")]
    answers = [
        phone.post(f"/e/{event.slug}/floor", data={"kind": "intervention"}, headers=HTMX).text
        for phone in phones
    ]
    pages = [phone.get(f"/e/{event.slug}").text for phone in phones]
    for first in (answers[0], pages[0]):
        assert "You are next" in first
        assert "minute" not in first
    for second in (answers[1], pages[1]):
        assert "You are next" not in second
        assert "You are number 2 on the list" in second
        assert "Estimated wait: about 3 minutes" in second  # one full turn of 3:00 ahead
