"""Translations. Code and templates carry English message ids with ``{name}`` fields;
the catalogues are app/locales/LANG/LC_MESSAGES/messages.po, compiled to .mo by the install.

A message id filled in before the reader's language is known (``N_("…{count}…").format(count=3)``)
stays a ``Message`` that remembers its id and values, so that it is translated when shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LOCALE = "en"
# The languages with a catalogue, each named in itself (a chooser is read by who needs it),
# in the order a chooser lists them.
LANGUAGES = {"es": "Español", "pt": "Português", "en": "English", "fr": "Français"}
LOCALES = tuple(LANGUAGES)


class MessageId(str):
    """An English message id; filling its fields in gives a ``Message``, translated later."""

    __slots__ = ()

    def format(self, /, **params: object) -> Message:  # type: ignore[override]
        return Message(self, params)


class Message(str):
    """A message id with its values, reading as the English text until translated.

    A message with a count has a plural id too: each language picks its form for ``count``.
    """

    __slots__ = ("message_id", "number", "params", "plural_id")

    message_id: str
    plural_id: str | None
    number: int
    params: dict[str, object]

    def __new__(
        cls,
        message_id: str,
        params: Mapping[str, object],
        *,
        plural_id: str | None = None,
        count: int = 1,
    ) -> Message:
        english = plural_id if plural_id is not None and count != 1 else message_id
        text = super().__new__(cls, str.format(english, **params))
        text.message_id, text.plural_id, text.number = message_id, plural_id, count
        text.params = dict(params)
        return text


def N_(message: str) -> MessageId:
    """Marks a message for extraction; it is translated later, where the reader's language is known."""
    return MessageId(message)


def plural_message(singular: str, plural: str, count: int, **params: object) -> Message:
    """A message whose form depends on ``count`` (``{count}`` in it), translated later."""
    return Message(singular, {"count": count, **params}, plural_id=plural, count=count)


# A test registers the catalogue of a made-up language here (see tests/http/test_pseudo_locale.py).
Loader = Callable[[str], NullTranslations | None]
extra_loaders: list[Loader] = []


@lru_cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalogue of ``locale``, falling back to the English message ids."""
    for loader in extra_loaders:
        found = loader(locale)
        if found is not None:
            return found
    return Translations.load(LOCALES_DIR, [locale, DEFAULT_LOCALE])


def translate(locale: str, message_id: str, params: Mapping[str, object] | None = None) -> str:
    """A message with ``{name}`` fields, translated along with the messages among its values.

    ``message_id`` may be a ``Message`` (its own values are used), a message id, or text that is
    no message id at all, such as a reason a library gave: that is shown as it is.
    """
    catalogue = translations(locale)
    translated = None
    if isinstance(message_id, Message):
        message = message_id
        if message.plural_id is not None:
            translated = catalogue.ngettext(message.message_id, message.plural_id, message.number)
        message_id, params = message.message_id, {**message.params, **(params or {})}
    values = {k: _value(locale, v) for k, v in (params or {}).items()}
    count = values.get("count")
    if isinstance(count, int):
        values["count"] = count_in(locale, count)
    translated = translated or catalogue.gettext(message_id)
    if not values and not isinstance(message_id, MessageId) and translated == message_id:
        return message_id
    return translated.format(**values)


def _value(locale: str, value: object) -> object:
    if isinstance(value, Message | MessageId):
        return translate(locale, value)
    return value


def count_in(locale: str, count: int) -> str:
    """A count as ``locale`` writes it: 1,200 in English, 1.200 in Spanish, 1 200 in French."""
    return format_decimal(count, locale=locale)


def moment_in(locale: str, moment: datetime) -> str:
    """A moment to the second, in UTC, as ``locale`` writes a short date and a time
    (``29/11/26, 20:21:23`` in Spanish, ``11/29/26, 8:21:23 PM`` in English)."""
    time = format_time(moment, "medium", tzinfo=UTC, locale=locale)
    date = format_date(moment.astimezone(UTC), "short", locale=locale)
    pattern: str = Locale.parse(locale).datetime_formats["short"]
    return pattern.format(time, date)


def local_time(locale: str, moment: datetime, time_zone: str) -> str:
    """A moment's time of day as ``locale`` writes it ("9:30 AM", "09:30"), in ``time_zone``."""
    return format_time(moment, format="short", tzinfo=ZoneInfo(time_zone), locale=locale)


def local_day(locale: str, moment: datetime, time_zone: str) -> str:
    """A moment's day, weekday and month as ``locale`` writes it ("Thu, May 16"), in ``time_zone``."""
    return format_skeleton("MMMEd", moment.astimezone(ZoneInfo(time_zone)), locale=locale)
