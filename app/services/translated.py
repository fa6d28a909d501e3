"""Agenda texts in the reader's language: the one way screens show what an agenda says.

Each agenda part keeps its original text in its own field and its translations beside it
(``translations = {language: {field: text}}``, loaded from the agenda file). A screen asks
for a text in its page's language and gets the translation, or else the original. A text
shown in another language than the page's says so with its own ``lang`` attribute (WCAG
3.1.2, "Language of Parts"), so a screen reader reads Spanish as Spanish on an English page.
Cf. pretalx's translated fields (``i18nfield``: every language of a text in one field, with
a fallback to the original).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from babel import Locale, UnknownLocaleError
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from app.i18n import N_
from app.models import Event


class Translatable(Protocol):
    translations: dict[str, dict[str, str]]


def _primary(language: str) -> str:
    """ "pt" of "pt-BR", "pt_BR" or "pt": the language, whatever its country."""
    return language.replace("_", "-").split("-")[0].lower()


def same_language(a: str, b: str) -> bool:
    """Whether two language codes name the same language ("pt-BR" and "pt_BR", or "pt")."""
    return _primary(a) == _primary(b)


def translation_key(language: str, translations: dict[str, Any]) -> str | None:
    """The key of ``translations`` for ``language``: the same code, else the same language."""
    wanted = language.replace("_", "-")
    if wanted in translations:
        return wanted
    return next((key for key in translations if same_language(key, language)), None)


@dataclass(frozen=True)
class Shown:
    """A text as a page shows it: in ``language``, on a page in ``page``.

    In a template, ``{{ shown }}`` is the escaped text, in a ``<span lang>`` when its language
    is not the page's; ``shown.text`` is the bare text (for an attribute or a ``<title>``) and
    ``shown.lang`` the `` lang="…"`` attribute an element holding it needs (an ``<option>``).
    """

    text: str
    language: str
    page: str
    working: bool = False

    @property
    def foreign(self) -> bool:
        return not same_language(self.language, self.page)

    @property
    def lang(self) -> Markup:
        return Markup(' lang="{}"').format(self.language) if self.foreign else Markup("")

    def __html__(self) -> str:
        if self.foreign:
            return Markup('<span lang="{}">{}</span>').format(self.language, self.text)
        return str(escape(self.text))

    def __str__(self) -> str:
        return self.text


def text_in(
    part: Translatable, field: str, *, event: Event, page: str, language: str | None = None
) -> Shown:
    """``part``'s ``field`` in ``language`` (default: the page's), else in the original.

    ``part`` is the event or one of its agenda parts (segment, topic, guiding question, actor
    type, focus group); ``event`` is its event, whose ``language`` is the original's.
    """
    wanted = language or page
    original = Shown(getattr(part, field), event.language, page)
    if same_language(wanted, event.language):
        return original
    key = translation_key(wanted, part.translations or {})
    text = (part.translations or {}).get(key or "", {}).get(field)
    if key is None or not text:
        return original
    return Shown(text, key, page, working=key in event.working_translations)


def is_working_translation(event: Event, page: str) -> bool:
    """Whether a page in ``page`` shows ``event``'s agenda in a working translation."""
    if same_language(page, event.language):
        return False
    return translation_key(page, dict.fromkeys(event.working_translations)) is not None


DEFAULT_WORDS = {"segment": N_("Segment {number}"), "topic": N_("Topic {number}")}


def _event_of(context: Context) -> Event:
    """The event a template shows: its ``event``, ``room.event`` or ``mine.event``."""
    for found in (
        context.get("event"),
        getattr(context.get("room"), "event", None),
        getattr(context.get("mine"), "event", None),
    ):
        if isinstance(found, Event):
            return found
    raise LookupError("a template showing agenda text needs its event, room or mine")


@pass_context
def t(context: Context, part: Translatable, field: str, language: str | None = None) -> Shown:
    """Jinja: ``{{ t(topic, "title") }}`` in the page's language; ``language=`` for another."""
    event = part if isinstance(part, Event) else _event_of(context)
    return text_in(part, field, event=event, page=context["locale"], language=language)


@pass_context
def working_translation(context: Context) -> bool:
    """Jinja: whether this page shows its agenda in a working translation."""
    return is_working_translation(_event_of(context), context["locale"])


@pass_context
def part_label(context: Context, kind: str, number: int) -> Markup:
    """Jinja: "Segment 2", or what the agenda calls its segments ("Sesión 2"); same for topics.

    ``kind`` is "segment" or "topic"; the agenda's word in the page's language, else in the
    original's, else the interface's word.
    """
    event = _event_of(context)
    if getattr(event, f"{kind}_word"):
        word = text_in(event, f"{kind}_word", event=event, page=context["locale"])
        return Markup("{} {}").format(word, number)
    gettext: Callable[..., str] = context.environment.globals["gettext"]  # type: ignore[assignment]
    return Markup(escape(context.call(gettext, DEFAULT_WORDS[kind], number=number)))


@pass_context
def language_name(context: Context, code: str) -> str:
    """Jinja: a language's name in the page's language ("espanhol" for "es" on a pt page)."""
    try:
        return Locale.parse(code, sep="-").get_display_name(context["locale"]) or code
    except (ValueError, UnknownLocaleError):
        return code


GLOBALS = {
    "t": t,
    "working_translation": working_translation,
    "part_label": part_label,
    "language_name": language_name,
}
