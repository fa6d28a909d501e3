"""The agenda file format (TOML, format 1): parsing and validation with readable errors.

See docs/agenda-format.md for the format as users read it.
"""

from __future__ import annotations

import os
import re
import stat
import sys
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
    TypeAdapter,
    ValidationError,
    field_validator,
)
from pydantic_core import ErrorDetails

from app.i18n import N_
from app.services.agenda_languages import LANGUAGE_PATTERN, language_problems
from app.services.agenda_messages import at, describe, location
from app.services.agenda_schedule import DEFAULT_TIME_ZONE, ClockTime, TimeZone, schedule_problems
from app.services.text import SPACE, SPACE_CLASS

FORMAT_VERSION = 1
MAX_FILE_BYTES = 2_000_000
# A refused file's problems printed at once; the rest are counted. Only the first
# MAX_PROBLEMS_DESCRIBED are put in words: 150,000 unknown fields are counted, not spelled out.
MAX_PROBLEMS_SHOWN = 10
MAX_PROBLEMS_DESCRIBED = 1_000
# A problem quotes what the file says (an unknown key, a value): a line to read, not a page.
MAX_PROBLEM_CHARACTERS = 300
# Bounds of one agenda. The bundled consultation has 5 segments, 17 topics (5 at most in a
# segment) and 53 guiding questions (7 at most to a topic), 10 actor types and 6 focus groups:
# these leave room for a conference of several days, and keep loading under a second.
MAX_SEGMENTS = 50
MAX_TOPICS_PER_SEGMENT = 30
MAX_TOPICS = 200
MAX_QUESTIONS_PER_TOPIC = 20
MAX_QUESTIONS = 1_000
MAX_ACTOR_TYPES = 50
MAX_FOCUS_GROUPS = 20
MAX_ORGANISERS = 50
# Languages of one agenda: the room in Brasilia speaks 4; a UN meeting, 6.
MAX_LANGUAGES = 20
# Breaks of one agenda: the bundled one has 5 (coffee and lunch over two days).
MAX_BREAKS = 100


def _no_controls(value: str) -> str:
    """Text on every screen: no control characters (NUL, bell…), line breaks and tabs aside."""
    for ch in value:
        if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r":
            raise ValueError(
                N_("contains an invisible control character (U+{code:04X}); delete it").format(
                    code=ord(ch)
                )
            )
    return value


NoControls = AfterValidator(_no_controls)
# Stripped, 1 character or more, and no longer than its database column or than a screen
# shows in one piece (a topic's title or a guiding question: the longest bundled is 342).
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1_000), NoControls
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
LongText = Annotated[str, Field(max_length=20_000), NoControls]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Language = Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)]
# What an agenda calls its segments or topics ("Sesión", "Mesa redonda"), shown with a number.
Word = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60), NoControls
]
SegmentNumber = Annotated[int, Field(ge=1, le=999)]


class AgendaFileError(ValueError):
    """The file cannot be loaded; ``problems`` lists the reasons, one line each.

    ``count`` is how many there are, when ``problems`` lists only the first of very many.
    """

    def __init__(self, source: str, problems: list[str], *, count: int | None = None) -> None:
        self.source = source
        self.problems = problems
        self.count = len(problems) if count is None else count
        shown, more = self.first_problems()
        super().__init__(f"{source}: " + "; ".join(shown + ([more] if more else [])))

    def first_problems(self) -> tuple[list[str], str]:
        """The problems to print (MAX_PROBLEMS_SHOWN), and "… and N more" if there are more."""
        shown = [_shortened(p) for p in self.problems[:MAX_PROBLEMS_SHOWN]]
        hidden = self.count - len(shown)
        more = N_("… and {count} more").format(count=f"{hidden:,}") if hidden > 0 else ""
        return shown, more


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NameTranslation(_Strict):
    name: Name | None = None


class TopicTranslation(_Strict):
    title: Text | None = None
    questions: list[Text] | None = Field(default=None, max_length=MAX_QUESTIONS_PER_TOPIC)


class SegmentTranslation(_Strict):
    title: Line | None = None
    framing: LongText | None = None


class EventTranslation(_Strict):
    title: Title | None = None
    theme: Annotated[str, Field(max_length=300), NoControls] | None = None
    place: Annotated[str, Field(max_length=200), NoControls] | None = None
    objective: LongText | None = None
    segment_word: Word | None = None
    topic_word: Word | None = None


def _by_language() -> Any:
    """A part's ``translations``: a table per language, of the part's own translatable fields."""
    return Field(default_factory=dict, max_length=MAX_LANGUAGES)


class NamedItem(_Strict):
    key: Key
    name: Name
    translations: dict[Language, NameTranslation] = _by_language()


class TopicSpec(_Strict):
    title: Text
    questions: list[Text] = Field(default_factory=list, max_length=MAX_QUESTIONS_PER_TOPIC)
    translations: dict[Language, TopicTranslation] = _by_language()
    # The topic's time slot, on its segment's day and within its slot: both or neither.
    starts: ClockTime | None = None
    ends: ClockTime | None = None


class BreakTranslation(_Strict):
    title: Line | None = None


class BreakSpec(_Strict):
    """A pause in the programme (coffee, lunch): a time slot and no list of speakers."""

    title: Line
    day: date
    starts: ClockTime
    ends: ClockTime
    translations: dict[Language, BreakTranslation] = _by_language()


class SegmentSpec(_Strict):
    number: SegmentNumber
    title: Line
    framing: LongText = ""
    translations: dict[Language, SegmentTranslation] = _by_language()
    speaking_time: int | None = None
    # The segment's time slot (all three or none) and who chairs or moderates it.
    day: date | None = None
    starts: ClockTime | None = None
    ends: ClockTime | None = None
    chair: Name | None = None
    topics: list[TopicSpec] = Field(min_length=1, max_length=MAX_TOPICS_PER_SEGMENT)

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
    language: Language
    # Every language the agenda is written in, the original's among them; [] for only it.
    languages: list[Language] = Field(default_factory=list, max_length=MAX_LANGUAGES)
    # The languages whose translations are working ones: machine-assisted, not yet reviewed.
    working_translations: list[Language] = Field(default_factory=list, max_length=MAX_LANGUAGES)
    segment_word: Word | None = None
    topic_word: Word | None = None
    # None: the server's default (PALABRA_SPEAKING_TIME_SECONDS).
    speaking_time: int | None = None
    organisers: list[Line] = Field(default_factory=list, max_length=MAX_ORGANISERS)
    objective: LongText = ""
    # Where the planned times of the schedule are read (the tz database's name).
    time_zone: TimeZone = DEFAULT_TIME_ZONE
    translations: dict[Language, EventTranslation] = _by_language()

    @field_validator("speaking_time", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> int | None:
        return None if value is None else parse_speaking_time(value)

    @property
    def all_languages(self) -> list[str]:
        """The original's language first, then each translation's."""
        return [self.language] + [x for x in self.languages if x != self.language]


class AgendaSpec(_Strict):
    """Each value of an agenda file; validate_agenda also checks the rules across values."""

    format: int
    event: EventSpec
    actor_types: list[NamedItem] = Field(default_factory=list, max_length=MAX_ACTOR_TYPES)
    focus_groups: list[NamedItem] = Field(default_factory=list, max_length=MAX_FOCUS_GROUPS)
    segments: list[SegmentSpec] = Field(min_length=1, max_length=MAX_SEGMENTS)
    breaks: list[BreakSpec] = Field(default_factory=list, max_length=MAX_BREAKS)

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value != FORMAT_VERSION:
            message = N_(
                "this Palabra reads agenda format {known}, not {value}: write format = {known}"
            )
            raise ValueError(message.format(known=FORMAT_VERSION, value=value))
        return value


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
        raise ValueError(_SPEAKING_TIME_FORM)
    if isinstance(value, int):
        seconds = value
    elif isinstance(value, str) and (match := _TIME.match(value.strip(SPACE))):
        seconds = int(match[1]) * 60 + int(match[2])
    else:
        raise ValueError(_SPEAKING_TIME_FORM)
    if not 10 <= seconds <= 3600:
        raise ValueError(N_("a speaking time is from 0:10 to 60:00"))
    return seconds


_SPEAKING_TIME_FORM = N_(
    'write the speaking time as minutes:seconds in quotes, such as "3:00", or as seconds,'
    " such as 180"
)


def read_agenda(path: Path) -> AgendaSpec:
    """Read and validate an agenda file; raise AgendaFileError naming every problem.

    Reads at most MAX_FILE_BYTES + 1 bytes, whatever the path is (a pipe, /dev/zero), and
    none of a regular file whose size is already too large.
    """
    try:
        # Unbuffered: a buffer would take a few kilobytes more from a pipe than is asked for.
        with path.open("rb", buffering=0) as file:
            status = os.fstat(file.fileno())
            if stat.S_ISREG(status.st_mode) and status.st_size > MAX_FILE_BYTES:
                raise AgendaFileError(str(path), [_TOO_LARGE])
            chunks: list[bytes] = []
            wanted = MAX_FILE_BYTES + 1
            while wanted and (chunk := file.read(wanted)):
                chunks.append(chunk)
                wanted -= len(chunk)
    except OSError as error:
        raise AgendaFileError(str(path), [error.strerror or str(error)]) from None
    return parse_agenda(b"".join(chunks), source=str(path))


def _shortened(problem: str) -> str:
    if len(problem) <= MAX_PROBLEM_CHARACTERS:
        return problem
    return problem[: MAX_PROBLEM_CHARACTERS - 1] + "…"


def parse_agenda(content: bytes, *, source: str = "agenda") -> AgendaSpec:
    """Validate an agenda file's bytes; raise AgendaFileError naming every problem."""
    if len(content) > MAX_FILE_BYTES:
        raise AgendaFileError(source, [_TOO_LARGE])
    try:
        # "utf-8-sig": a byte order mark, as some editors start a UTF-8 file, is no problem.
        data = tomllib.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise AgendaFileError(
            source, [N_("not UTF-8 text (byte {at}); save it as UTF-8").format(at=error.start)]
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise AgendaFileError(source, [N_("not valid TOML: {error}").format(error=error)]) from None
    except RecursionError:  # the parser recurses once per level of nesting
        raise AgendaFileError(
            source,
            [N_("lists or tables are nested too deeply for an agenda")],
        ) from None
    except ValueError:  # Python reads integers of at most sys.get_int_max_str_digits() digits
        raise AgendaFileError(
            source,
            [
                N_("a number has more than {digits} digits").format(
                    digits=f"{sys.get_int_max_str_digits():,}"
                )
            ],
        ) from None
    return validate_agenda(data, source=source)


def validate_agenda(data: Any, *, source: str = "agenda") -> AgendaSpec:
    """Validate an agenda file's contents (as TOML reads them); raise AgendaFileError.

    Every problem is listed at once: those of each value, and those across values (the dates'
    order, repeated numbers and keys, the numbers of topics and questions in all) wherever the
    values they compare are valid themselves.
    """
    errors: list[ErrorDetails] = []
    try:
        spec = AgendaSpec.model_validate(data)
    except ValidationError as error:
        errors = error.errors(include_url=False)
    across = _problems_across_values(data if isinstance(data, dict) else {})
    if errors or across:
        described = [describe(e, schema=AgendaSpec) for e in errors[:MAX_PROBLEMS_DESCRIBED]]
        raise AgendaFileError(source, described + across, count=len(errors) + len(across))
    return spec


_TOO_LARGE = N_("the file is larger than {size} MB; an agenda is far smaller").format(
    size=MAX_FILE_BYTES // 1_000_000
)
_DATE: TypeAdapter[date] = TypeAdapter(date)
_SEGMENT_NUMBER: TypeAdapter[int] = TypeAdapter(SegmentNumber)
_KEY: TypeAdapter[str] = TypeAdapter(Key)


def _valid(kind: TypeAdapter[Any], value: Any) -> Any:
    """``value`` as its field reads it if it is valid, else None: a rule compares valid values."""
    try:
        return kind.validate_python(value)
    except ValidationError:
        return None


def _items(data: Any, name: str) -> list[dict[str, Any]]:
    value = data.get(name) if isinstance(data, dict) else None
    return [v if isinstance(v, dict) else {} for v in value] if isinstance(value, list) else []


# The values each of which must be unique in its list, and what a repeat is told.
_UNIQUE = (
    ("segments", "number", _SEGMENT_NUMBER, N_("segment {value} comes twice; give each segment a number of its own")),
    ("actor_types", "key", _KEY, N_('the key "{value}" comes twice; give each actor type a key of its own')),
    ("focus_groups", "key", _KEY, N_('the key "{value}" comes twice; give each focus group a key of its own')),
)  # fmt: skip


def _problems_across_values(data: dict[str, Any]) -> list[str]:
    problems = []
    event = data["event"] if isinstance(data.get("event"), dict) else {}
    starts_on, ends_on = (_valid(_DATE, event.get(f)) for f in ("starts_on", "ends_on"))
    if starts_on and ends_on and ends_on < starts_on:
        message = N_("the event ends on {ends_on}, before it starts on {starts_on}")
        problems.append(at("event.ends_on", message.format(ends_on=ends_on, starts_on=starts_on)))
    for name, field, kind, message in _UNIQUE:
        seen = set()
        for position, item in enumerate(_items(data, name)):
            value = _valid(kind, item.get(field))
            if value is not None and value in seen:
                where = location((name, position, field))
                problems.append(at(where, message.format(value=value)))
            seen.add(value)
    topics = [t for s in _items(data, "segments") for t in _items(s, "topics")]
    questions = sum(len(q) for t in topics if isinstance(q := t.get("questions"), list))
    if len(topics) > MAX_TOPICS:
        message = N_("{count} topics in all; an agenda has at most {limit}")
        problems.append(
            at("segments", message.format(count=f"{len(topics):,}", limit=f"{MAX_TOPICS:,}"))
        )
    if questions > MAX_QUESTIONS:
        message = N_("{count} guiding questions in all; an agenda has at most {limit}")
        problems.append(
            at("segments", message.format(count=f"{questions:,}", limit=f"{MAX_QUESTIONS:,}"))
        )
    return problems + language_problems(data) + schedule_problems(data)
