"""Nothing invisible in what identifies a person, through every form that takes it.

A name with a zero-width space, a word joiner or a byte order mark in it looks exactly like
another person's. Every format character (Unicode category Cf) and every filler goes from
names, organisations and countries, as the phone sends them and as the facilitator adds a
speaker from the room; a summary keeps the joiners a script needs and loses the rest.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import Event
from app.services.text import clean_line
from tests.http.helpers import HTMX, seeded_event
from tests.http.hostile_inputs import INVISIBLE_IN_A_NAME, stray_format_characters
from tests.http.test_hostile_input import (
    LINE_LIMITS,
    TEXT_FIELDS,
    Problems,
    a_phone,
    newest_participant,
    newest_request,
    request_of,
    room_with_an_open_topic,
    speaker_who_has_spoken,
)

# Several invisible characters per request, in the middle of each field's visible text.
CHUNKS = [
    "".join(sorted(INVISIBLE_IN_A_NAME)[start : start + 8])
    for start in range(0, len(INVISIBLE_IN_A_NAME), 8)
]
VISIBLE_PARTS = {"name": ("A", "na"), "organisation": ("AC", "NUR"), "country": ("Chi", "le")}


def hidden_in_every_field(chunk: str) -> dict[str, str]:
    return {field: f"{head}{chunk}{tail}" for field, (head, tail) in VISIBLE_PARTS.items()}


def as_seen(field: str) -> str:
    return "".join(VISIBLE_PARTS[field])


def test_the_sweep_covers_every_format_character() -> None:
    assert len(INVISIBLE_IN_A_NAME) > 400
    assert {"\u200b", "\u200d", "\ufeff", "\u2060", "\U000e007f"} <= INVISIBLE_IN_A_NAME


def test_no_invisible_character_stays_in_a_participant_who_joins(client: TestClient) -> None:
    event = room_with_an_open_topic(client)
    phone = a_phone(client)  # joins as each participant in turn
    problems = Problems()
    for chunk in CHUNKS:
        with problems.about(chunk):
            data = {"code": event.join_code, **hidden_in_every_field(chunk)}
            response = phone.post("/join", data=data, follow_redirects=False)
            assert response.status_code == 303, response.status_code
            person = newest_participant(client, event)
            stored = {field: getattr(person, field) for field in TEXT_FIELDS}
            assert stored == {field: as_seen(field) for field in TEXT_FIELDS}, stored
    problems.assert_none()


def test_no_invisible_character_stays_in_a_speaker_added_from_the_room(
    client: TestClient,
) -> None:
    event = room_with_an_open_topic(client)
    problems = Problems()
    for chunk in CHUNKS:
        with problems.about(chunk):
            data = {**hidden_in_every_field(chunk), "kind": "intervention"}
            response = client.post(f"/f/{event.slug}/floor/add", data=data, headers=HTMX)
            assert response.status_code == 200, response.status_code
            request = newest_request(client, event)
            stored = {field: getattr(request.participant, field) for field in TEXT_FIELDS}
            assert stored == {field: as_seen(field) for field in TEXT_FIELDS}, stored
            # Whom it looks like is whom it is: the same person, hidden characters and all,
            # is not listed twice.
            again = client.post(f"/f/{event.slug}/floor/add", data=data, headers=HTMX)
            assert again.status_code == 409 and "already waiting" in again.text
            removed = client.post(f"/f/{event.slug}/floor/{request.id}/remove", headers=HTMX)
            assert removed.status_code == 200
    problems.assert_none()


# Text as a phone may send it, with the invisible characters far more often than by chance.
ANY_LINE = st.text(
    st.one_of(st.characters(), st.sampled_from(sorted(INVISIBLE_IN_A_NAME))), max_size=40
)


@pytest.fixture
def event(client: TestClient) -> Event:
    return seeded_event(client)


# The event is set up once for all the examples, which Hypothesis would otherwise flag.
@settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=ANY_LINE, organisation=ANY_LINE, country=ANY_LINE)
def test_whatever_a_phone_sends_is_stored_without_anything_invisible(
    client: TestClient, event: Event, name: str, organisation: str, country: str
) -> None:
    sent = {"name": name, "organisation": organisation, "country": country}
    response = a_phone(client).post(
        "/join", data={"code": event.join_code, **sent}, follow_redirects=False
    )
    assert response.status_code in (303, 422), response.status_code
    if response.status_code == 422:
        return
    person = newest_participant(client, event)
    for field in TEXT_FIELDS:
        stored = getattr(person, field)
        assert stored == clean_line(sent[field], limit=LINE_LIMITS[field], field=field)
        assert not INVISIBLE_IN_A_NAME & set(stored), f"{field}: {stored!r}"


# Where a script needs a joiner, a summary keeps it; anywhere else it goes, with the rest.
SUMMARIES = {
    "family \U0001f469\u200d\U0001f469\u200d\U0001f467": "family \U0001f469\u200d\U0001f469\u200d\U0001f467",
    "\U0001f3f3\ufe0f\u200d\U0001f308 pride": "\U0001f3f3\ufe0f\u200d\U0001f308 pride",
    "\u0915\u094d\u200d\u0937 Hindi": "\u0915\u094d\u200d\u0937 Hindi",
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 Persian": (
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 Persian"
    ),
    "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f Scotland": (
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f Scotland"
    ),
    "Dije\u200b algo": "Dije algo",
    "\ufeffDije \u2060algo\u200d": "Dije algo",
    "Dije \u200d algo\u2061": "Dije algo",
    "Di\u00adje al\u180ego \U000e0067": "Dije algo",
}


def test_a_summary_keeps_the_joiners_a_script_needs_and_nothing_else_invisible(
    client: TestClient,
) -> None:
    event = room_with_an_open_topic(client)
    phone, request_id = speaker_who_has_spoken(client, event, "Ana")
    problems = Problems()
    for typed, expected in SUMMARIES.items():
        with problems.about(typed):
            response = phone.post(
                f"/e/{event.slug}/floor/{request_id}/summary",
                data={"summary": typed},
                headers=HTMX,
            )
            assert response.status_code == 200, response.status_code
            stored = request_of(client, request_id).summary
            assert stored == expected, f"stored {stored!r}"
            assert not stray_format_characters(stored)
    problems.assert_none()
