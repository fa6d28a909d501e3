"""Where the participant stands is one sentence in a polite live region that stays in the
page (only its content is swapped), so screen readers hear "you are next" once, and never
the ticking countdown."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from app.services import turns
from tests.http.helpers import HTMX, join, open_first_topic, seeded_event
from tests.http.test_phone_turns import act, ask, console

# Said once when the state comes, and again when the participant said they are ready.
NEXT = "You are next Get ready to speak."
LIVE = re.compile(r'<div id="p-status"([^>]*)>(.*?)</div>\s*<section id="p-my-turn"', re.S)


def status_of(html: str) -> tuple[str, str, str]:
    """The live region's attributes, its markup, and the words it says."""
    found = LIVE.search(html)
    assert found, "no #p-status before #p-my-turn"
    inner = found.group(2)
    return found.group(1), inner, " ".join(re.sub(r"<[^>]+>", " ", inner).split())


def test_each_state_is_said_once_in_a_polite_live_region_without_the_clock(
    client: TestClient,
) -> None:
    event = seeded_event(client)
    open_first_topic(client, event)
    phone = join(client, event)

    def check(html: str, expected: str, *, answer: bool) -> None:
        attributes, inner, words = status_of(html)
        assert 'aria-live="polite"' in attributes and 'aria-atomic="true"' in attributes
        assert ('hx-swap-oob="innerHTML"' in attributes) is answer
        assert words == expected
        assert "data-countdown" not in inner

    check(phone.get(f"/e/{event.slug}").text, "", answer=False)
    check(ask(phone, event), NEXT, answer=True)
    act(client, turns.call_next, **console(client, "first", "speaker"))
    page = phone.get(f"/e/{event.slug}").text
    check(page, "You have the floor", answer=False)
    assert "data-countdown" in page.split('id="p-my-turn"', 1)[1]  # the clock is on the phone
    act(client, turns.finish, **console(client, "speaker"))
    check(phone.get(f"/e/{event.slug}").text, "Thank you for your intervention", answer=False)
    answer = phone.post(f"/e/{event.slug}/floor", data={"kind": "reply"}, headers=HTMX).text
    check(answer, NEXT, answer=True)
