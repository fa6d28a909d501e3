"""Cleaning what people type before it is stored."""

from __future__ import annotations

import re
import unicodedata

from app.i18n import N_
from app.services.errors import InvalidInput

# Embedding, override and isolate controls can turn a name around on every screen it is on.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)


# White space as form patterns read it everywhere (Python, pydantic's and schema tools'
# regular expressions agree only on these): what a form's field may be padded with.
SPACE = " \t\n\r\f\v"
SPACE_CLASS = "[ \\t\\n\\r\\f\\v]"

# A character that shows: not white space (Unicode's), a control, a bidirectional control,
# a zero-width or filler character, a soft hyphen or a variation selector. Routes give it to
# forms as a pattern (a required field must hold one); _checked agrees.
VISIBLE = (
    "[^\\t\\n\\v\\f\\r \\x00-\\x1f\\x7f-\\xa0\\xad\\u034f\\u061c\\u115f\\u1160\\u1680\\u180e"
    "\\u2000-\\u200f\\u2028-\\u202f\\u205f-\\u206f\\u3000\\u3164\\ufe00-\\ufe0f\\ufeff\\uffa0"
    "\\U000e0000-\\U000e0fff]"
)


def clean_line(value: str, *, limit: int, field: str, required: bool = False) -> str:
    """One line of text: controls dropped, runs of white space folded to one space.

    No longer than ``limit`` as typed either: a form field's length is its bound.
    """
    if len(value) > limit:
        raise InvalidInput(N_("{field} has at most {limit} characters."), field=field, limit=limit)
    cleaned = " ".join(_printable(value).split())
    return _checked(cleaned, limit=limit, field=field, required=required)


def clean_text(value: str, *, limit: int, field: str, required: bool = False) -> str:
    """Several lines of text: controls dropped, line breaks kept (at most one blank line)."""
    lines = [" ".join(line.split()) for line in _printable(value, keep="\n").split("\n")]
    cleaned = "\n".join(lines).strip()
    while "\n\n\n" in cleaned:
        cleaned = cleaned.replace("\n\n\n", "\n\n")
    return _checked(cleaned, limit=limit, field=field, required=required)


def _printable(value: str, keep: str = "") -> str:
    value = value.replace("\r\n", "\n")
    return "".join(
        ch if ch in keep or unicodedata.category(ch) not in ("Cc", "Zl", "Zp") else " "
        for ch in value
        if ch not in BIDI_CONTROLS
    )


def _checked(cleaned: str, *, limit: int, field: str, required: bool) -> str:
    if required and not re.search(VISIBLE, cleaned):
        raise InvalidInput(N_("{field} is required."), field=field)
    if len(cleaned) > limit:
        raise InvalidInput(N_("{field} has at most {limit} characters."), field=field, limit=limit)
    return cleaned
