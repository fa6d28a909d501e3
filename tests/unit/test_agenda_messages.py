"""What a person reads when an agenda file is refused: every problem at once, in words they
can act on, never the validator's own wording."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Annotated, Any, get_args, get_origin

import pytest
from annotated_types import Ge, Le, MaxLen, MinLen
from pydantic import BaseModel

from app.services.agenda_file import AgendaFileError, AgendaSpec, parse_agenda, validate_agenda
from tests.factories import agenda_data

# Pydantic's own phrases: none of them may reach the person.
RAW_WORDING = (
    "should",
    "Field required",
    "Input",
    "Extra inputs",
    "Value error",
    "pattern",
    "instance of",
    "after validation",
    "[type=",
)

EVENT = b"""format = 1
[event]
slug = "ok-slug"
title = "T"
starts_on = 2024-05-16
ends_on = 2024-05-17
language = "es"
"""
SEGMENT = b'[[segments]]\nnumber = 1\ntitle = "S"\n[[segments.topics]]\ntitle = "T"\n'


def problems_of(content: bytes) -> list[str]:
    with pytest.raises(AgendaFileError) as raised:
        parse_agenda(content)
    problems = raised.value.problems
    assert not [p for p in problems if any(raw in p for raw in RAW_WORDING)], problems
    return problems


def test_a_bad_slug_is_explained_in_words() -> None:
    [problem] = problems_of(EVENT.replace(b'"ok-slug"', b'"Consulta 2011"') + SEGMENT)
    assert problem.startswith("event.slug: ")
    for words in ("lower-case letters", "digits", "hyphens", "2 to 80 characters"):
        assert words in problem


@pytest.mark.parametrize(
    ("written", "says"),
    [
        (b'"25 October 2011"', "write the date as 2011-10-25, without quotes"),
        (b'"October 25, 2011"', "write the date as 2011-10-25, without quotes"),
        (b'"25 de octubre de 2011"', "write the date as 2011-10-25, without quotes"),
        (b"2011-10-25T09:30:00", "write only the date, 2011-10-25, without the time"),
        (b'"next week"', "write the date as year-month-day, without quotes, such as"),
        (b"20111025", "write the date as year-month-day, without quotes, such as"),
    ],
)
def test_a_date_written_otherwise_is_explained(written: bytes, says: str) -> None:
    content = EVENT.replace(b"2024-05-16", written).replace(b"2024-05-17", written) + SEGMENT
    problems = problems_of(content)
    assert f"event.starts_on: {says}" in "\n".join(problems), problems


def test_a_segment_without_topics_is_told_it_needs_one() -> None:
    [problem] = problems_of(EVENT + b'[[segments]]\nnumber = 1\ntitle = "S"\n')
    assert problem.startswith("segments[1].topics: a segment needs at least one topic")


# Problems of one field each, and problems across fields: each pair is listed together.
FIELD_PROBLEMS = {
    "bad slug": (EVENT.replace(b"ok-slug", b"Bad Slug") + SEGMENT, "event.slug"),
    "empty topic title": (EVENT + SEGMENT.replace(b'title = "T"', b'title = ""'), "title"),
    "unknown field": (EVENT + SEGMENT + b"colour = 1\n", "colour"),
}
TWICE = '[{key="a", name="A"}, {key="a", name="B"}]'


def with_twice(name: str) -> Any:
    return lambda c: c.replace(b"[event]", f"{name} = {TWICE}\n[event]".encode())


RULE_PROBLEMS = {
    "dates out of order": (
        lambda c: c.replace(b"2024-05-17", b"2024-05-15"),
        "event.ends_on: the event ends on 2024-05-15, before it starts on 2024-05-16",
    ),
    "repeated segment number": (
        lambda c: c + SEGMENT,
        "segments[2].number: segment 1 comes twice; give each segment a number of its own",
    ),
    "repeated actor type": (
        with_twice("actor_types"),
        'actor_types[2].key: the key "a" comes twice; give each actor type a key of its own',
    ),
    "repeated focus group": (
        with_twice("focus_groups"),
        'focus_groups[2].key: the key "a" comes twice; give each focus group a key of its own',
    ),
}


@pytest.mark.parametrize("rule", RULE_PROBLEMS)
@pytest.mark.parametrize("field", FIELD_PROBLEMS)
def test_every_problem_is_listed_at_once(field: str, rule: str) -> None:
    content, where = FIELD_PROBLEMS[field]
    change, says = RULE_PROBLEMS[rule]
    problems = problems_of(change(content))
    assert says in problems
    assert any(where in p for p in problems if p != says), problems


def unpack(annotation: Any) -> tuple[Any, list[Any]]:
    """A type and its constraints, from ``Annotated[type, constraints…]``."""
    if get_origin(annotation) is not Annotated:
        return annotation, []
    base, *metadata = get_args(annotation)
    return base, [
        m for group in metadata for m in (group if isinstance(group, Iterable) else [group])
    ]


def schema(kind: Any, metadata: list[Any], path: tuple[str | int, ...]) -> Iterator[Any]:
    """Every value the agenda schema describes, however deep: (path, type, constraints)."""
    if _optional(kind):  # ``X | None``: a translation's text, absent when not translated
        yield from schema(*unpack(get_args(kind)[0]), path)
        return
    if path:
        yield path, kind, metadata
    if get_origin(kind) is dict:  # translations: a table per language
        yield from schema(*unpack(get_args(kind)[1]), (*path, "pt"))
    elif get_origin(kind) is list:
        yield from schema(*unpack(get_args(kind)[0]), (*path, 0))
    elif isinstance(kind, type) and issubclass(kind, BaseModel):
        for name, info in kind.model_fields.items():
            yield from schema(info.annotation, info.metadata, (*path, name))


def _optional(kind: Any) -> bool:
    return len(args := get_args(kind)) == 2 and args[1] is type(None)


def bad_values(kind: Any, metadata: list[Any], good: Any) -> Iterator[tuple[str, Any]]:
    """Values of the wrong kind, and one past each of the value's constraints."""
    yield "a table", {"x": 1}
    yield "a list", [[1]]
    yield "a fraction", 12.5
    if kind is not date:
        yield "a date", date(2024, 5, 16)
    for item in metadata:
        if isinstance(item, MaxLen):
            yield (
                "too long",
                [good[0]] * (item.max_length + 1)
                if isinstance(good, list)
                else ("x" * (item.max_length + 1)),
            )
        if isinstance(item, MinLen) and item.min_length:
            yield "too short", [] if isinstance(good, list) else " "
        if isinstance(item, Ge):
            yield "too small", item.ge - 1
        if isinstance(item, Le):
            yield "too large", item.le + 1
        if getattr(item, "pattern", None):
            yield "not matching", "Not Matching!"


def full_agenda() -> dict[str, Any]:
    """agenda_data() with one of every optional list, so that each has an item to spoil."""
    data = agenda_data()
    data["focus_groups"] = [{"key": "children", "name": "Niños"}]
    data["event"]["organisers"] = ["ACNUR"]
    data["event"] |= {
        "theme": "Inclusión",
        "objective": "Objetivo",
        "segment_word": "Sesión",
        "topic_word": "Mesa",
        "languages": ["es", "pt"],
        "working_translations": ["pt"],
        "time_zone": "America/Sao_Paulo",
    }
    data["segments"][0] |= {
        "framing": "Texto",
        "day": date(2024, 5, 16),
        "starts": "09:00",
        "ends": "10:30",
        "chair": "ACNUR",
    }
    data["segments"][0]["topics"][0] |= {"starts": "09:00", "ends": "09:45"}
    data["breaks"] = [
        {"title": "Café", "day": date(2024, 5, 16), "starts": "10:30", "ends": "11:00"}
    ]
    translated = [data["event"], *data["actor_types"], *data["focus_groups"], *data["breaks"]]
    for part in [*translated, *data["segments"], *data["segments"][0]["topics"]]:
        part["translations"] = {"pt": {k: v for k, v in part.items() if k in TRANSLATED}}
    return data


# Every text a translation may give: the event's, a segment's, a topic's, a name.
TRANSLATED = {"title", "theme", "place", "objective", "segment_word", "topic_word"} | {
    "framing",
    "questions",
    "name",
}


def cases() -> Iterator[Any]:
    base = full_agenda()
    for path, kind, metadata in schema(AgendaSpec, [], ()):
        good: Any = base
        for part in path:
            good = good[part] if isinstance(part, int) else good.get(part)
        where = "".join(f"[{p + 1}]" if isinstance(p, int) else f".{p}" for p in path)[1:]
        for label, value in bad_values(kind, metadata, good):
            yield pytest.param(path, value, where, id=f"{where}-{label}")
        if isinstance(path[-1], str):
            yield pytest.param(path, ..., where, id=f"{where}-missing")
    yield pytest.param(("event", "colour"), "blue", "event.colour", id="unknown-field")


@pytest.mark.parametrize(("path", "value", "where"), list(cases()))
def test_each_constraint_is_explained_in_words(
    path: tuple[str | int, ...], value: Any, where: str
) -> None:
    data = full_agenda()
    parent: Any = data
    for part in path[:-1]:
        parent = parent[part]
    if value is ...:
        parent.pop(path[-1], None)
    else:
        parent[path[-1]] = value
    try:
        validate_agenda(data)
    except AgendaFileError as error:
        problems = error.problems
    else:
        # Only an optional field may go missing.
        assert value is ..., f"{where} = {value!r} was taken"
        return
    # An optional value taken away is missed where it is needed (the original of a
    # translation, the languages of translations): the problem there names it.
    told = rf"{re.escape(where)}[:.\[]"
    if value is ...:
        told += rf"|.*: .*\b{path[-1]}\b"
    assert [p for p in problems if re.match(told, p)], problems
    assert not [p for p in problems if any(raw in p for raw in RAW_WORDING)], problems
