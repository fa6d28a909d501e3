from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.config import DEFAULT_AGENDA
from app.services.agenda_file import AgendaFileError, parse_agenda, read_agenda

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
        (b"format = 1", "event: Field required"),
        (
            b'format = 1\n[event]\nslug = "Bad Slug"',
            "event.slug: String should match pattern",
        ),
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
    assert 'event.speaking_time: speaking time must be "m:ss" or seconds' in problems
    assert "segments[1].topics[1].title: String should have at least 1 character" in problems
    assert "segments[1].colour: unknown field" in problems


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
    assert "event.title: String should have at most 300 characters" in problems
    assert "actor_types[1].name: String should have at most 200 characters" in problems
    assert "segments[1].title: contains a control character" in problems
    assert "segments[1].topics[1].questions[1]: contains a control character" in problems


def test_repeated_segment_numbers_are_refused() -> None:
    segment = b'[[segments]]\nnumber = 1\ntitle = "S"\ntopics = [{ title = "T" }]\n'
    content = (
        b'format = 1\n[event]\nslug = "ok"\ntitle = "T"\nstarts_on = 2024-05-16\n'
        b'ends_on = 2024-05-16\nlanguage = "es"\n' + segment + segment
    )
    with pytest.raises(AgendaFileError, match="repeated segment number: 1"):
        parse_agenda(content)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(AgendaFileError, match="No such file"):
        read_agenda(tmp_path / "missing.toml")
