"""Translations. Code and templates carry English message ids; catalogues live in app/locales."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DEFAULT_LOCALE = "en"
# The interface's languages, each named in itself (a chooser is read by who needs it).
LANGUAGES = {"es": "Español", "pt": "Português", "en": "English", "fr": "Français"}


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated later, where the reader's language is known."""
    return message


@lru_cache
def translations(locale: str) -> NullTranslations:
    return Translations.load(LOCALES_DIR, [locale, DEFAULT_LOCALE])


def translate(locale: str, message_id: str, params: dict[str, object]) -> str:
    """A message with ``{name}`` fields, translated along with any message ids among its values."""
    gettext = translations(locale).gettext
    values = {k: gettext(v) if isinstance(v, str) else v for k, v in params.items()}
    return gettext(message_id).format(**values)
