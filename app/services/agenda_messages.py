"""What is wrong with an agenda file, in words its author can act on.

Pydantic's own wording ("String should match pattern '^[a-z0-9]…'", "Input should be a valid
date…", "Field required") never reaches the person: each kind of error, and each field where
the kind alone says too little, has a sentence saying what to write instead, in the terms of
docs/agenda-format.md. Messages are English message ids (``N_``), like the rest of the app's.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from app.i18n import N_

Location = tuple[str | int, ...]

# What to write, for a field whose value is of the wrong kind or shape.
HOW_TO_WRITE = {
    "slug": N_(
        "write the address with lower-case letters (a-z), digits and hyphens, 2 to 80"
        ' characters, starting with a letter or a digit, such as "my-consultation-2025"'
    ),
    "language": N_(
        "write a language code of 2 or 3 lower-case letters, with a country in capitals"
        ' if needed, such as "es", "pt" or "pt-BR"'
    ),
    "key": N_(
        "write the key with lower-case letters (a-z), digits and underscores, up to 40"
        ' characters, starting with a letter, such as "civil_society"'
    ),
    "number": N_("write a whole number from 1 to 999, without quotes"),
    "format": N_("write format = 1"),
    "event": N_("write the event as an [event] table"),
    "segments": N_("write each segment as a [[segments]] table"),
    "topics": N_("write each topic as a [[segments.topics]] table with its title"),
    "actor_types": N_("write each actor type as an [[actor_types]] table with a key and a name"),
    "focus_groups": N_("write each focus group as a [[focus_groups]] table with a key and a name"),
    "breaks": N_("write each break as a [[breaks]] table with its title, day, starts and ends"),
    "questions": N_('write the guiding questions as a list of texts, such as ["¿…?", "¿…?"]'),
    "organisers": N_('write the organisers as a list of texts, such as ["ACNUR", "…"]'),
    "languages": N_(
        "write the languages as a list of language codes, the original's first, such as"
        ' ["es", "pt", "en"]'
    ),
    "working_translations": N_(
        'write the languages of working translations as a list of codes, such as ["pt", "en"]'
    ),
    "translations": N_(
        "write the translations as a table per language, such as [segments.translations.pt]"
        ' with title = "…"'
    ),
}
TABLES = frozenset({"segments", "topics", "actor_types", "focus_groups", "breaks"})
LANGUAGE_LISTS = frozenset({"languages", "working_translations"})
# The same, for a value whose field says nothing more than its kind.
BY_KIND = {
    "string": N_('write text in quotes, such as "…"'),
    "int": N_("write a whole number, without quotes"),
    "list": N_('write a list in square brackets, such as ["…", "…"]'),
    "model": N_('write a table, such as { title = "…" }'),
    "dict": N_('write a table, such as { title = "…" }'),
}
MISSING = {
    "format": N_("missing; the file starts with format = 1"),
    "event": N_("missing; the file needs an [event] table"),
    "segments": N_("an agenda needs at least one segment: add a [[segments]] table"),
    "topics": N_(
        "a segment needs at least one topic: add a [[segments.topics]] table with its title"
    ),
}
TOO_MANY = {
    "segments": N_("{count} segments; an agenda has at most {limit}"),
    "topics": N_("{count} topics; a segment has at most {limit}"),
    "questions": N_("{count} guiding questions; a topic has at most {limit}"),
    "organisers": N_("{count} organisers; an event has at most {limit}"),
    "actor_types": N_("{count} actor types; an agenda has at most {limit}"),
    "focus_groups": N_("{count} focus groups; an agenda has at most {limit}"),
    "breaks": N_("{count} breaks; an agenda has at most {limit}"),
    "languages": N_("{count} languages; an agenda has at most {limit}"),
    "working_translations": N_("{count} languages; an agenda has at most {limit}"),
    "translations": N_("{count} languages; an agenda has at most {limit}"),
}
DATE_EXAMPLE = "2024-05-16"

# Month names a programme is likely to be written with: English, Spanish, Portuguese, French.
MONTHS = [
    ("january", "enero", "janeiro", "janvier"),
    ("february", "febrero", "fevereiro", "février"),
    ("march", "marzo", "março", "mars"),
    ("april", "abril", "avril"),
    ("may", "mayo", "maio", "mai"),
    ("june", "junio", "junho", "juin"),
    ("july", "julio", "julho", "juillet"),
    ("august", "agosto", "août"),
    ("september", "septiembre", "setiembre", "setembro", "septembre"),
    ("october", "octubre", "outubro", "octobre"),
    ("november", "noviembre", "novembro", "novembre"),
    ("december", "diciembre", "dezembro", "décembre"),
]
_DAY_MONTH_YEAR = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th|º|°)?\.?\s+(?:de\s+)?(\w+)\.?,?\s+(?:de\s+|del\s+)?(\d{4})$"
)
_MONTH_DAY_YEAR = re.compile(r"^(\w+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_YEAR_MONTH_DAY = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


def location(loc: Location) -> str:
    """``("segments", 0, "title")`` as the person finds it in the file: ``segments[1].title``.

    A table's key is a place, not a field: ``("translations", "pt_BR", "[key]")`` is
    ``translations.pt_BR``.
    """
    parts = (p for p in loc if p != _KEY)
    return "".join(f"[{p + 1}]" if isinstance(p, int) else f".{p}" for p in parts).lstrip(".")


# Where pydantic puts a table's key that is not valid (a language code, in ``translations``).
_KEY = "[key]"


def at(where: str, problem: str) -> str:
    """A problem said of one place in the file (``where`` as ``location`` writes it)."""
    return N_("{where}: {problem}").format(where=where, problem=problem)


def describe(error: ErrorDetails, *, schema: type[BaseModel]) -> str:
    """One problem as ``where: what to write instead``; ``schema`` is the file's model."""
    return at(location(error["loc"]) or N_("file"), _message(error, schema))


def _message(error: ErrorDetails, schema: type[BaseModel]) -> str:
    kind, loc, value = error["type"], error["loc"], error["input"]
    context: dict[str, Any] = dict(error.get("ctx") or {})
    field = next((part for part in reversed(loc) if isinstance(part, str)), "")
    if kind == "value_error":  # our own validators' messages, already in words
        reason = context["error"].args[0] if context["error"].args else context["error"]
        return reason if isinstance(reason, str) else str(reason)
    if loc and (loc[-1] == _KEY or (field in LANGUAGE_LISTS and isinstance(loc[-1], int))):
        return HOW_TO_WRITE["language"]
    if kind == "extra_forbidden":
        return _unknown_field(loc, schema)
    if kind in {"missing", "too_short"}:
        return _missing(field)
    if kind == "too_long":
        template = TOO_MANY.get(field, N_("{count} items; at most {limit} fit here"))
        return template.format(
            count=f"{context['actual_length']:,}", limit=f"{context['max_length']:,}"
        )
    if kind == "string_too_short":
        return N_("empty; write the text between the quotes")
    if kind == "string_too_long":
        return N_("{length} characters; at most {limit} fit here").format(
            length=f"{len(value.strip()):,}", limit=f"{context['max_length']:,}"
        )
    if kind.startswith(("date", "datetime")):
        return date_advice(value)
    # An item of a list of texts is a text; an item of a list of tables is the table.
    if field in HOW_TO_WRITE and (not isinstance(loc[-1], int) or field in TABLES):
        return HOW_TO_WRITE[field]
    return BY_KIND.get(
        kind.split("_")[0],
        N_("this value cannot be used here; docs/agenda-format.md says what to write"),
    )


def _missing(field: str) -> str:
    if field in MISSING:
        return MISSING[field]
    if field in {"starts_on", "ends_on", "day"}:
        how = date_advice(None)
    else:
        how = HOW_TO_WRITE.get(field) or N_('add {field} = "…"').format(field=field)
    return N_("missing; {how}").format(how=how)


def _unknown_field(loc: Location, schema: type[BaseModel]) -> str:
    """Name the field meant when the unknown one is a near miss ("titel" for "title")."""
    model = _model_at(loc[:-1], schema)
    known = list(model.model_fields) if model else []
    meant = difflib.get_close_matches(str(loc[-1]), known, n=1)
    if meant:
        return N_('unknown field; did you mean "{field}"?').format(field=meant[0])
    return N_("unknown field; docs/agenda-format.md lists the fields")


def _model_at(loc: Location, model: type[BaseModel]) -> type[BaseModel] | None:
    kind: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if get_origin(kind) is dict:  # ``part`` is a key of the table: its value's model
            kind = get_args(kind)[1]
            continue
        if not (isinstance(kind, type) and issubclass(kind, BaseModel)):
            return None
        field = kind.model_fields.get(part)
        if field is None:
            return None
        kind = field.annotation
        while get_origin(kind) is list or _optional(kind):
            kind = get_args(kind)[0]
    return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None


def _optional(kind: Any) -> bool:
    """``X | None``: its model is X's."""
    args = get_args(kind)
    return len(args) == 2 and args[1] is type(None)


def date_advice(value: Any) -> str:
    """How to write a date, with the very date meant when it can be told ("25 October 2011")."""
    if isinstance(value, datetime):
        return N_("write only the date, {date}, without the time").format(
            date=value.date().isoformat()
        )
    meant = _date_meant(value) if isinstance(value, str) else None
    if meant:
        return N_("write the date as {date}, without quotes").format(date=meant.isoformat())
    return N_("write the date as year-month-day, without quotes, such as {example}").format(
        example=DATE_EXAMPLE
    )


def _date_meant(text: str) -> date | None:
    text = " ".join(text.split()).lower()
    parts: tuple[str, str, str] | None = None
    if match := _DAY_MONTH_YEAR.match(text):
        day, month, year = match.groups()
        parts = (year, str(_month(month) or ""), day)
    elif match := _MONTH_DAY_YEAR.match(text):
        month, day, year = match.groups()
        parts = (year, str(_month(month) or ""), day)
    elif match := _YEAR_MONTH_DAY.match(text):
        parts = match.groups()  # type: ignore[assignment]
    if parts is None or not all(parts):
        return None
    try:
        return date(*(int(p) for p in parts))
    except ValueError:  # 31 June, month 13…
        return None


def _month(word: str) -> int | None:
    """The month a name or an abbreviation of 3 letters or more stands for, if only one."""
    if len(word) < 3:
        return None
    months = {n for n, names in enumerate(MONTHS, 1) if any(m.startswith(word) for m in names)}
    return months.pop() if len(months) == 1 else None
