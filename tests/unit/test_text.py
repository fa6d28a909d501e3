"""What people type is cleaned before it is stored; a required field must show something."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services.errors import InvalidInput
from app.services.text import clean_line, clean_text
from tests.http.hostile_inputs import INVISIBLE_IN_A_NAME, stray_format_characters


@pytest.mark.parametrize(
    "invisible",
    [
        " ",
        "\u200b\u200b",
        "\u202e",
        "\x00\x07",
        "\ufeff",
        "\u2060 \u200d",
        "\u061c",
        "\u3164",
        "\u00ad\u034f",
        "\ufe0f\U000e0100",
        "\u00a0\u3000",
    ],
)
def test_a_required_line_of_nothing_visible_is_refused(invisible: str) -> None:
    with pytest.raises(InvalidInput):
        clean_line(invisible, limit=120, field="Name", required=True)
    with pytest.raises(InvalidInput):
        clean_text(invisible, limit=120, field="Summary", required=True)


def test_controls_and_overrides_go_and_what_shows_stays() -> None:
    assert clean_line("  Ana\u202e \x00 Pérez\u200b ", limit=120, field="Name") == "Ana Pérez"
    assert clean_text("Uno\r\n\r\n\r\n\r\nDos\x07", limit=120, field="Summary") == "Uno\n\nDos"


def test_a_line_longer_than_its_limit_as_typed_is_refused_even_if_it_folds_shorter() -> None:
    with pytest.raises(InvalidInput, match="at most 5"):
        clean_line("a" + " " * 10 + "b", limit=5, field="Name")
    assert clean_line("a   b", limit=5, field="Name") == "a b"


def test_no_format_character_or_filler_stays_in_a_line() -> None:
    kept = [
        f"U+{ord(ch):04X}"
        for ch in sorted(INVISIBLE_IN_A_NAME)
        if clean_line(f"A{ch}na {ch}P\u00e9rez{ch}", limit=120, field="Name") != "Ana P\u00e9rez"
    ]
    assert not kept, f"kept in a name: {kept}"


# Any text, with the invisible characters and the joiners far more often than by chance.
ANY_TEXT = st.text(
    st.one_of(st.characters(), st.sampled_from(sorted(INVISIBLE_IN_A_NAME))), max_size=60
)


@given(ANY_TEXT)
def test_a_line_keeps_nothing_invisible_whatever_is_typed(typed: str) -> None:
    line = clean_line(typed, limit=1000, field="Name")
    assert not INVISIBLE_IN_A_NAME & set(line)
    assert clean_line(line, limit=1000, field="Name") == line


@given(ANY_TEXT)
def test_a_text_keeps_only_the_format_characters_a_script_needs(typed: str) -> None:
    text = clean_text(typed, limit=1000, field="Summary")
    assert not stray_format_characters(text)
    assert clean_text(text, limit=1000, field="Summary") == text


@pytest.mark.parametrize("marks", ["\u0301", "\u0301\u0301", "\u20dd", "\u0301 \u0308"])
def test_a_name_of_marks_alone_is_refused(marks: str) -> None:
    with pytest.raises(InvalidInput):
        clean_line(marks, limit=120, field="Name", required=True)


def test_a_letter_keeps_at_most_four_marks_and_a_mark_needs_a_letter() -> None:
    stacked = clean_line("Z" + "\u0300" * 90 + " \u0301Ana", limit=200, field="Name")
    assert stacked == "Z" + "\u0300" * 4 + " Ana"


def test_a_name_is_stored_as_one_form_however_it_was_typed() -> None:
    composed = clean_line("Nguye\u0302\u0303n Jose\u0301", limit=120, field="Name")
    assert composed == "Nguyễn José"
    assert composed == clean_line("Nguyễn José", limit=120, field="Name")
