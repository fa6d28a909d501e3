"""The rules across an agenda file's languages: what its translations may say.

Each value is checked by its field (agenda_file); these rules compare values: a translation
is in a language the event lists, is not in the original's, translates a text the original
has, and gives as many guiding questions as the original. See "Translations" in
docs/agenda-format.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from app.i18n import N_
from app.services.agenda_messages import Location, at, location

LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Z]{2})?$"
# The texts each part translates, as its fields in the file.
TRANSLATED_FIELDS = {
    "event": ("title", "theme", "place", "objective", "segment_word", "topic_word"),
    "actor_types": ("name",),
    "focus_groups": ("name",),
    "segments": ("title", "framing"),
    "topics": ("title", "questions"),
}


def _language(value: Any) -> str | None:
    """``value`` if it is a valid language code, else None: a rule compares valid values."""
    return value if isinstance(value, str) and re.fullmatch(LANGUAGE_PATTERN, value) else None


def _table(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _tables(value: Any) -> list[dict[str, Any]]:
    return [_table(v) for v in value] if isinstance(value, list) else []


def parts(data: dict[str, Any]) -> Iterator[tuple[str, Location, dict[str, Any]]]:
    """Every translatable part of an agenda file: (kind, where it is, its table)."""
    yield "event", ("event",), _table(data.get("event"))
    for kind in ("actor_types", "focus_groups"):
        for i, item in enumerate(_tables(data.get(kind))):
            yield kind, (kind, i), item
    for s, segment in enumerate(_tables(data.get("segments"))):
        yield "segments", ("segments", s), segment
        for t, topic in enumerate(_tables(segment.get("topics"))):
            yield "topics", ("segments", s, "topics", t), topic


def language_problems(data: dict[str, Any]) -> list[str]:
    """What the file's translations say that its languages contradict, one line each.

    ``data`` is the file as TOML reads it. A rule is applied only where the values it
    compares are valid themselves (each value's own problem is told by its field).
    """
    event = _table(data.get("event"))
    original = _language(event.get("language"))
    if original is None:
        return []
    problems = []
    listed = event.get("languages")
    languages = [x for x in listed if _language(x)] if isinstance(listed, list) else []
    if languages and original not in languages:
        message = N_(
            'the original\'s language "{language}" (event.language) is not in the list; add it'
        )
        problems.append(at("event.languages", message.format(language=original)))
    for language in {x for x in languages if languages.count(x) > 1}:
        message = N_('"{language}" comes twice; list each language once')
        problems.append(at("event.languages", message.format(language=language)))
    known = [original, *(x for x in dict.fromkeys(languages) if x != original)]
    working = event.get("working_translations")
    for language in working if isinstance(working, list) else []:
        if language == original:
            message = N_('"{language}" is the original\'s language, not a translation')
        elif _language(language) and language not in known:
            message = N_('"{language}" is not in event.languages; add it there')
        else:
            continue
        problems.append(at("event.working_translations", message.format(language=language)))
    for kind, where, part in parts(data):
        problems += _part_problems(kind, where, part, original=original, known=known)
    return problems


def _part_problems(
    kind: str, where: Location, part: dict[str, Any], *, original: str, known: list[str]
) -> list[str]:
    translations = part.get("translations")
    if not isinstance(translations, dict):
        return []
    problems = []
    for language, translated in translations.items():
        place = (*where, "translations", language)
        if language == original:
            message = N_(
                '"{language}" is the original\'s language: the original texts are the'
                " fields above, not a translation"
            ).format(language=language)
        elif _language(language) and language not in known:
            message = N_(
                'the event does not list "{language}"; write languages = [{listed}] in [event]'
            ).format(language=language, listed=", ".join(f'"{x}"' for x in [*known, language]))
        else:
            problems += _text_problems(kind, place, part, _table(translated))
            continue
        problems.append(at(location(place), message))
    return problems


def _text_problems(
    kind: str, place: Location, part: dict[str, Any], translated: dict[str, Any]
) -> list[str]:
    problems = []
    for field in TRANSLATED_FIELDS[kind]:
        text, source = translated.get(field), part.get(field)
        if text is None:
            continue
        if source in (None, "", []):
            message = N_("the original has no {field} to translate; write the original's first")
            problems.append(at(location((*place, field)), message.format(field=field)))
        elif isinstance(text, list) and isinstance(source, list) and len(text) != len(source):
            message = N_(
                "{count} guiding questions here and {original} in the original; translate"
                " each question once, in the original's order"
            )
            problems.append(
                at(location((*place, field)), message.format(count=len(text), original=len(source)))
            )
    return problems
