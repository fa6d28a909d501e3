"""What people type is cleaned before it is stored; a required field must show something."""

from __future__ import annotations

import pytest

from app.services.errors import InvalidInput
from app.services.text import clean_line, clean_text


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
    assert clean_line("  Ana\u202e \x00 Pérez\u200b ", limit=120, field="Name") == "Ana Pérez\u200b"
    assert clean_text("Uno\r\n\r\n\r\n\r\nDos\x07", limit=120, field="Summary") == "Uno\n\nDos"


def test_a_line_longer_than_its_limit_as_typed_is_refused_even_if_it_folds_shorter() -> None:
    with pytest.raises(InvalidInput, match="at most 5"):
        clean_line("a" + " " * 10 + "b", limit=5, field="Name")
    assert clean_line("a   b", limit=5, field="Name") == "a b"
