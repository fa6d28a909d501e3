from __future__ import annotations

import fcntl
import os
import re
import threading
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from app.config import DEFAULT_AGENDA
from app.services.agenda_file import (
    MAX_ACTOR_TYPES,
    MAX_FILE_BYTES,
    MAX_FOCUS_GROUPS,
    MAX_ORGANISERS,
    MAX_QUESTIONS,
    MAX_QUESTIONS_PER_TOPIC,
    MAX_SEGMENTS,
    MAX_TOPICS,
    MAX_TOPICS_PER_SEGMENT,
    AgendaFileError,
    parse_agenda,
    read_agenda,
    validate_agenda,
)
from tests.factories import agenda_data

SOURCE = DEFAULT_AGENDA.parent / "sources" / "cartagena40-brasilia-2024.txt"


def normalised_source() -> str:
    """The concept note as one line: page-break links dropped, white space folded."""
    lines = [line for line in SOURCE.read_text().splitlines() if not line.startswith("https://")]
    return " ".join(" ".join(lines).split())


def test_bundled_agenda_has_the_five_segments_of_the_concept_note() -> None:
    spec = read_agenda(DEFAULT_AGENDA)
    assert [len(s.topics) for s in spec.segments] == [5, 3, 3, 2, 4]
    assert spec.event.starts_on.isoformat() == "2024-05-16"
    assert spec.event.place == "Brasilia"
    assert spec.event.speaking_time == 180


def test_every_topic_and_guiding_question_is_verbatim_from_the_note() -> None:
    spec = read_agenda(DEFAULT_AGENDA)
    source = normalised_source()
    for segment in spec.segments:
        assert f"SEGMENTO {segment.number}: {segment.title}" in source
        for topic in segment.topics:
            bullet = " ".join([topic.title, *topic.questions])
            assert f"● {bullet}" in source, topic.title


def test_no_guiding_question_of_the_note_is_missing() -> None:
    spec = read_agenda(DEFAULT_AGENDA)
    segments_part = normalised_source().split("SEGMENTO 1:", 1)[1]
    questions = [q for s in spec.segments for t in s.topics for q in t.questions]
    assert len(questions) == segments_part.count("¿") == 53
    assert all(re.search(r"¿[^?]+\?$", q) for q in questions)


def test_bundled_agenda_names_the_actor_types_and_focus_groups() -> None:
    spec = read_agenda(DEFAULT_AGENDA)
    assert len(spec.actor_types) == 10
    assert {"state", "refugee_led_organisation", "private_sector"} <= {
        a.key for a in spec.actor_types
    }
    assert [g.key for g in spec.focus_groups] == [
        "children",
        "women",
        "lgbtqia",
        "indigenous",
        "afro_descendant",
        "street_situation",
    ]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"format = 1\n[event\n", "not valid TOML"),
        (b"\xff\xfe", "not UTF-8"),
        (b"format = 2", "format: this Palabra reads agenda format 1, not 2"),
        (b"format = 1", "event: missing; the file needs an [event] table"),
        (b'format = 1\n[event]\nslug = "Bad Slug"', "event.slug: write the address with"),
    ],
)
def test_malformed_files_say_what_is_wrong(content: bytes, problem: str) -> None:
    with pytest.raises(AgendaFileError) as raised:
        parse_agenda(content, source="x.toml")
    assert any(problem in p for p in raised.value.problems), raised.value.problems


def test_every_problem_is_listed_with_where_it_is() -> None:
    content = b"""
format = 1
[event]
slug = "ok-slug"
title = "T"
starts_on = 2024-05-17
ends_on = 2024-05-16
language = "es"
speaking_time = "99:99"
[[segments]]
number = 1
title = "S"
topics = [{ title = "" }]
colour = "blue"
"""
    with pytest.raises(AgendaFileError) as raised:
        parse_agenda(content)
    problems = raised.value.problems
    assert (
        'event.speaking_time: write the speaking time as minutes:seconds in quotes, such as "3:00",'
        " or as seconds, such as 180"
    ) in problems
    assert "segments[1].topics[1].title: empty; write the text between the quotes" in problems
    assert "segments[1].colour: unknown field; docs/agenda-format.md lists the fields" in problems
    assert "event.ends_on: the event ends on 2024-05-16, before it starts on 2024-05-17" in problems


def test_what_the_database_cannot_hold_is_refused_before_loading() -> None:
    too_long_title = "T" * 301
    content = f"""
format = 1
actor_types = [{{ key = "state", name = "{"N" * 201}" }}]
[event]
slug = "ok-slug"
title = "{too_long_title}"
starts_on = 2024-05-16
ends_on = 2024-05-17
language = "es"
[[segments]]
number = 1
title = "S\\u0000"
topics = [{{ title = "Topic", questions = ["Why?\\u0007"] }}]
""".encode()
    with pytest.raises(AgendaFileError) as raised:
        parse_agenda(content)
    problems = "\n".join(raised.value.problems)
    assert "event.title: 301 characters; at most 300 fit here" in problems
    assert "actor_types[1].name: 201 characters; at most 200 fit here" in problems
    assert "segments[1].title: contains an invisible control character (U+0000)" in problems
    assert (
        "segments[1].topics[1].questions[1]: contains an invisible control character (U+0007)"
        in problems
    )


def test_repeated_segment_numbers_are_refused() -> None:
    segment = b'[[segments]]\nnumber = 1\ntitle = "S"\ntopics = [{ title = "T" }]\n'
    content = (
        b'format = 1\n[event]\nslug = "ok"\ntitle = "T"\nstarts_on = 2024-05-16\n'
        b'ends_on = 2024-05-16\nlanguage = "es"\n' + segment + segment
    )
    with pytest.raises(
        AgendaFileError, match=re.escape("segments[2].number: segment 1 comes twice")
    ):
        parse_agenda(content)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(AgendaFileError, match="No such file"):
        read_agenda(tmp_path / "missing.toml")


def test_a_large_file_is_refused_before_any_of_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "large.toml"
    with path.open("wb") as file:
        file.truncate(200_000_000)  # sparse: 200 MB long, nothing on the disk
    tracemalloc.start()
    try:
        with pytest.raises(AgendaFileError, match="larger than 2 MB"):
            read_agenda(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


def test_a_stream_is_read_no_further_than_the_limit_and_one_byte(tmp_path: Path) -> None:
    """A pipe has no size to check first: what the reader takes is what the writer got rid of."""
    fifo = tmp_path / "agenda.toml"
    os.mkfifo(fifo)
    written = 0
    capacity = 0

    def feed() -> None:
        nonlocal written, capacity
        fd = os.open(fifo, os.O_WRONLY)
        capacity = fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ)
        try:
            while written < 20 * MAX_FILE_BYTES:
                written += os.write(fd, b"#" * 65_536)
        except BrokenPipeError:
            pass
        finally:
            os.close(fd)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    with pytest.raises(AgendaFileError, match="larger than 2 MB"):
        read_agenda(fifo)
    writer.join(timeout=30)
    # Whatever the reader did not take still sits in the pipe, at most its capacity.
    assert written <= MAX_FILE_BYTES + 1 + capacity


def agenda_of(questions: list[int], *, per_segment: int = 10) -> dict[str, Any]:
    """Topics with ``questions[i]`` guiding questions each, ``per_segment`` to a segment."""
    topics = [{"title": "Topic", "questions": [f"¿{q}?" for q in range(n)]} for n in questions]
    return {
        "segments": [
            {"number": n, "title": f"Segment {n}", "topics": topics[start : start + per_segment]}
            for n, start in enumerate(range(0, len(topics), per_segment), 1)
        ]
    }


def named(count: int) -> list[dict[str, str]]:
    return [{"key": f"k{n}", "name": f"Name {n}"} for n in range(count)]


# Each bound: the part of an agenda holding n items, and what the message calls them.
BOUNDS: dict[str, tuple[int, Any, str]] = {
    "segments": (MAX_SEGMENTS, lambda n: agenda_of([0] * n, per_segment=1), "segments"),
    "topics in a segment": (
        MAX_TOPICS_PER_SEGMENT,
        lambda n: agenda_of([0] * n, per_segment=n),
        "topics",
    ),
    "topics in all": (MAX_TOPICS, lambda n: agenda_of([0] * n), "topics in all"),
    "questions of a topic": (
        MAX_QUESTIONS_PER_TOPIC,
        lambda n: agenda_of([n]),
        "guiding questions",
    ),
    "questions in all": (
        MAX_QUESTIONS,
        lambda n: agenda_of([10] * (n // 10) + [n % 10] * (n % 10 > 0)),
        "guiding questions in all",
    ),
    "actor types": (MAX_ACTOR_TYPES, lambda n: {"actor_types": named(n)}, "actor types"),
    "focus groups": (MAX_FOCUS_GROUPS, lambda n: {"focus_groups": named(n)}, "focus groups"),
    "organisers": (
        MAX_ORGANISERS,
        lambda n: {"event": {**agenda_data()["event"], "organisers": ["O"] * n}},
        "organisers",
    ),
}


@pytest.mark.parametrize("bound", BOUNDS)
def test_each_bound_is_reached_and_one_more_is_refused_saying_so(bound: str) -> None:
    limit, part, noun = BOUNDS[bound]
    validate_agenda({**agenda_data(), **part(limit)})
    with pytest.raises(AgendaFileError) as raised:
        validate_agenda({**agenda_data(), **part(limit + 1)})
    assert [p for p in raised.value.problems if f"{limit + 1:,} {noun}; " in p], (
        raised.value.problems
    )
    assert f"at most {limit:,}" in "\n".join(raised.value.problems)


def test_an_agenda_with_300000_guiding_questions_is_refused() -> None:
    """1.67 MB of TOML that used to pass the check, then took 32 s and 964 MB to load."""
    topic = "[[segments.topics]]\ntitle = 'T'\nquestions = [" + "'?'," * 30 + "]\n"
    segment = "[[segments]]\nnumber = {n}\ntitle = 'S'\n" + topic * 100
    content = (
        "format = 1\n[event]\nslug = 'big'\ntitle = 'T'\nstarts_on = 2024-05-16\n"
        "ends_on = 2024-05-16\nlanguage = 'es'\n"
        + "".join(segment.format(n=n) for n in range(1, 101))
    ).encode()
    assert len(content) < MAX_FILE_BYTES
    with pytest.raises(AgendaFileError) as raised:
        parse_agenda(content)
    assert any(
        f"300,000 guiding questions in all; an agenda has at most {MAX_QUESTIONS:,}" in p
        for p in raised.value.problems
    ), raised.value.problems[:20]
