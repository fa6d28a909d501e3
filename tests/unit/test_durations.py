"""Time used, as the record, the report and the console show it: its parts add up to its whole."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services.record import Balance, Share
from app.templating import environment

# Up to a long day of speaking, in milliseconds, a turn at a time.
TURNS = st.lists(st.integers(min_value=0, max_value=3 * 3_600_000), max_size=6)


def seconds_of(shown: str) -> int:
    total = 0
    for part in shown.split(":"):
        total = total * 60 + int(part)
    return total


def shown_times(html: str) -> list[int]:
    """The speaking times of the balance's rows, in order: each share, States, others, total."""
    times = re.findall(r"<td>(\d+(?::\d\d)+)</td>", html)
    return [seconds_of(t) for t in times]


def share(turns: list[int]) -> Share:
    return Share(actor_type=None, turns=len(turns), spoken_ms=sum(turns))


@given(states=TURNS.filter(bool), others=TURNS)
def test_the_balance_s_shown_parts_add_up_to_its_shown_total(
    states: list[int], others: list[int]
) -> None:
    parts = [share([ms]) for ms in states + others]
    balance = Balance(
        shares=parts,
        states=share(states),
        others=share(others),
        turns=len(parts),
        spoken_ms=sum(states + others),
    )
    html = environment("en").get_template("record/_shares.html").render(balance=balance)
    *rows, states_shown, others_shown, total = shown_times(html)
    # Each part is cut to the second: the parts never show more than the whole, and fall
    # short of it by less than a second each.
    assert total - len(rows) < sum(rows) <= total
    assert total - 2 < states_shown + others_shown <= total


@pytest.mark.parametrize("locale", ["en", "es"])
def test_a_long_speaking_time_reads_in_hours(locale: str) -> None:
    two_hours_49 = ((2 * 60 + 49) * 60 + 55) * 1000 + 999
    shown = environment(locale).from_string("{{ ms|duration }}").render(ms=two_hours_49)
    assert shown == "2:49:55"


def test_a_turn_of_just_over_a_second_shows_one_second() -> None:
    assert environment("en").from_string("{{ 1011|duration }}").render() == "0:01"
