"""The agenda file format (TOML, format 1): parsing and validation with readable errors.

See docs/agenda-format.md for the format as users read it.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from app.services.text import SPACE, SPACE_CLASS

FORMAT_VERSION = 1
MAX_FILE_BYTES = 2_000_000


def _no_controls(value: str) -> str:
    """Text on every screen: no control characters (NUL, bell…), line breaks and tabs aside."""
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in value):
        raise ValueError("contains a control character")
    return value


NoControls = AfterValidator(_no_controls)
# Stripped, 1 character or more, and no longer than its database column.
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10_000), NoControls
]
Line = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500), NoControls
]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), NoControls
]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NoControls
]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class AgendaFileError(ValueError):
    """The file cannot be loaded; ``problems`` lists every reason, one line each."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NamedItem(_Strict):
    key: Key
    name: Name


class TopicSpec(_Strict):
    title: Text
    questions: list[Text] = Field(default_factory=list, max_length=50)


class SegmentSpec(_Strict):
    number: int = Field(ge=1, le=999)
    title: Line
    framing: Annotated[str, Field(max_length=20_000), NoControls] = ""
    speaking_time: int | None = None
    topics: list[TopicSpec] = Field(min_length=1, max_length=100)

    @field_validator("speaking_time", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> int | None:
        return None if value is None else parse_speaking_time(value)


class EventSpec(_Strict):
    slug: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{1,79}$")]
    title: Title
    theme: Annotated[str, Field(max_length=300), NoControls] = ""
    place: Annotated[str, Field(max_length=200), NoControls] = ""
    starts_on: date
    ends_on: date
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]
    # None: the server's default (PALABRA_SPEAKING_TIME_SECONDS).
    speaking_time: int | None = None
    organisers: list[Line] = Field(default_factory=list, max_length=50)
    objective: Annotated[str, Field(max_length=20_000), NoControls] = ""

    @field_validator("speaking_time", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> int | None:
        return None if value is None else parse_speaking_time(value)

    @model_validator(mode="after")
    def _dates_in_order(self) -> EventSpec:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on is before starts_on")
        return self


class AgendaSpec(_Strict):
    format: int
    event: EventSpec
    actor_types: list[NamedItem] = Field(default_factory=list, max_length=100)
    focus_groups: list[NamedItem] = Field(default_factory=list, max_length=100)
    segments: list[SegmentSpec] = Field(min_length=1, max_length=100)

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value != FORMAT_VERSION:
            raise ValueError(f"this Palabra reads agenda format {FORMAT_VERSION}, not {value}")
        return value

    @model_validator(mode="after")
    def _unique_names(self) -> AgendaSpec:
        named: list[tuple[str, list[str]]] = [
            ("segment number", [str(s.number) for s in self.segments]),
            ("actor type key", [a.key for a in self.actor_types]),
            ("focus group key", [g.key for g in self.focus_groups]),
        ]
        for label, values in named:
            repeated = sorted({v for v in values if values.count(v) > 1})
            if repeated:
                raise ValueError(f"repeated {label}: {', '.join(repeated)}")
        return self


_TIME = re.compile(r"^([0-9]{1,2}):([0-5][0-9])$")
# What parse_speaking_time accepts from a form, as one pattern for the form's schema:
# seconds from 10 to 3600 (leading zeros allowed), or minutes:seconds from 0:10 to 60:00.
SPEAKING_TIME = (
    rf"^{SPACE_CLASS}*(?:0*(?:[1-9][0-9]|[1-9][0-9]{{2}}|[12][0-9]{{3}}|3[0-5][0-9]{{2}}|3600)"
    rf"|0?0:[1-5][0-9]|0?[1-9]:[0-5][0-9]|[1-5][0-9]:[0-5][0-9]|60:00){SPACE_CLASS}*$"
)


def parse_speaking_time(value: Any) -> int:
    """Seconds from ``"3:00"`` (minutes:seconds) or a whole number of seconds."""
    if isinstance(value, bool):
        raise ValueError('speaking time must be "m:ss" or seconds')
    if isinstance(value, int):
        seconds = value
    elif isinstance(value, str) and (match := _TIME.match(value.strip(SPACE))):
        seconds = int(match[1]) * 60 + int(match[2])
    else:
        raise ValueError('speaking time must be "m:ss" or seconds')
    if not 10 <= seconds <= 3600:
        raise ValueError("speaking time must be between 0:10 and 60:00")
    return seconds


def parse_agenda(content: bytes, *, source: str = "agenda") -> AgendaSpec:
    """Validate an agenda file's bytes; raise AgendaFileError naming every problem."""
    if len(content) > MAX_FILE_BYTES:
        raise AgendaFileError(source, [f"the file is larger than {MAX_FILE_BYTES} bytes"])
    try:
        data = tomllib.loads(content.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise AgendaFileError(source, [f"not UTF-8 text (byte {error.start})"]) from None
    except tomllib.TOMLDecodeError as error:
        raise AgendaFileError(source, [f"not valid TOML: {error}"]) from None
    try:
        return AgendaSpec.model_validate(data)
    except ValidationError as error:
        raise AgendaFileError(source, [_describe(e) for e in error.errors()]) from None


def read_agenda(path: Path) -> AgendaSpec:
    try:
        content = path.read_bytes()
    except OSError as error:
        raise AgendaFileError(str(path), [error.strerror or str(error)]) from None
    return parse_agenda(content, source=str(path))


def _describe(error: Any) -> str:
    where = "".join(
        f"[{part + 1}]" if isinstance(part, int) else f".{part}" for part in error["loc"]
    ).lstrip(".")
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown field"
    return f"{where or 'file'}: {message}"
