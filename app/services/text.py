"""Cleaning what people type before it is stored."""

from __future__ import annotations

import re
import unicodedata

from app.i18n import N_
from app.services.errors import InvalidInput

# Format characters (Unicode category Cf: zero-width spaces and joiners, the word joiner,
# the byte order mark, bidirectional controls, tags...) and the fillers and variation
# selectors that show nothing by themselves. In a name any of them makes it look like another
# person's, so a line loses them all (the identifier profile of UTS #39, "Unicode Security
# Mechanisms", leaves such default-ignorable characters out too).
FILLERS = frozenset(
    # The rest of Unicode's default-ignorable code points that are not Cf (DerivedCoreProperties:
    # Default_Ignorable_Code_Point; Khmer's inherent vowels, Mongolian's variation selectors),
    # and the blank Braille pattern, which shows as a space and is none.
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u2800\u3164\uffa0"
    + "".join(map(chr, [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]))
)
# No script stacks more marks than this on one letter; more is "zalgo" text, made to overflow
# the lines around it (UTS #39, "Unicode Security Mechanisms", 5.4: at most four nonspacing
# marks in a row).
MAX_MARKS = 4
# What a script needs in running text: zero-width joiners and non-joiners inside emoji
# sequences and Indic or Arabic words, and the tags of a subdivision flag after its black flag.
JOINERS = frozenset("\u200c\u200d")
TAGS = frozenset(map(chr, range(0xE0020, 0xE0080)))


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
    """One line of text: controls and invisible characters dropped, white space folded.

    For what names a person (names, organisations, countries): nothing in it is invisible,
    it is in Unicode's composed form (NFC: one "é" however it was typed), and a mark stands
    on a letter, at most ``MAX_MARKS`` of them. No longer than ``limit`` as typed either: a
    form field's length is its bound.
    """
    if len(value) > limit:
        raise InvalidInput(N_("{field} has at most {limit} characters."), field=field, limit=limit)
    composed = unicodedata.normalize("NFC", _printable(value))
    shown = "".join(ch for ch in composed if not _is_format(ch) and ch not in FILLERS)
    cleaned = " ".join(_marks_on_letters(shown).split())
    return _checked(cleaned, limit=limit, field=field, required=required)


def clean_text(value: str, *, limit: int, field: str, required: bool = False) -> str:
    """Several lines of text: controls dropped, line breaks kept (at most one blank line).

    Format characters go too, except a joiner between two characters that show and a tag
    after one (or after a tag): emoji sequences and Indic or Arabic words keep their shape.
    """
    shown = _without_stray_format(_printable(value, keep="\n"))
    lines = [" ".join(line.split()) for line in shown.split("\n")]
    cleaned = "\n".join(lines).strip()
    while "\n\n\n" in cleaned:
        cleaned = cleaned.replace("\n\n\n", "\n\n")
    return _checked(cleaned, limit=limit, field=field, required=required)


def _printable(value: str, keep: str = "") -> str:
    value = value.replace("\r\n", "\n")
    return "".join(
        ch if ch in keep or unicodedata.category(ch) not in ("Cc", "Zl", "Zp") else " "
        for ch in value
    )


def _marks_on_letters(text: str) -> str:
    """``text`` without marks that stand on no letter, or beyond ``MAX_MARKS`` on one."""
    kept: list[str] = []
    run = 0
    for ch in text:
        if unicodedata.category(ch) in ("Mn", "Me"):
            run += 1
            if not kept or kept[-1].isspace() or run > MAX_MARKS:
                continue
        else:
            run = 0
        kept.append(ch)
    return "".join(kept)


def _is_format(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf"


def _without_stray_format(text: str) -> str:
    kept: list[str] = []
    for i, ch in enumerate(text):
        if not _is_format(ch) or _needed(ch, kept[-1] if kept else "", text[i + 1 : i + 2]):
            kept.append(ch)
    return "".join(kept)


def _needed(ch: str, before: str, after: str) -> bool:
    if ch in JOINERS:
        return _shows(before) and _shows(after)
    return ch in TAGS and (_shows(before) or before in TAGS)


def _shows(ch: str) -> bool:
    return bool(ch) and not ch.isspace() and not _is_format(ch)


def _checked(cleaned: str, *, limit: int, field: str, required: bool) -> str:
    if required and not re.search(VISIBLE, cleaned):
        raise InvalidInput(N_("{field} is required."), field=field)
    if len(cleaned) > limit:
        raise InvalidInput(N_("{field} has at most {limit} characters."), field=field, limit=limit)
    return cleaned
