"""Jinja2 environments (one per language) and the helpers templates use."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import segno
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup

from app.i18n import N_, count_in, local_day, local_time, moment_in, translations
from app.models import TurnKind
from app.services import speaking_order, translated
from app.services.clock import epoch_ms

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

TURN_KINDS = {
    TurnKind.INTERVENTION: N_("Intervention"),
    TurnKind.GOOD_PRACTICE: N_("Good practice"),
    TurnKind.POINT_OF_ORDER: N_("Point of order"),
    TurnKind.REPLY: N_("Reply"),
}


def clock(milliseconds: int) -> str:
    """m:ss, with a leading + for overtime."""
    sign = "+" if milliseconds < 0 else ""
    seconds = abs(milliseconds) // 1000 if milliseconds < 0 else -(-milliseconds // 1000)
    return f"{sign}{seconds // 60}:{seconds % 60:02d}"


def duration(milliseconds: int) -> str:
    """Time used, m:ss (H:MM:SS from an hour on), rounded down to the second.

    Not a countdown (``clock`` rounds up, so a clock never shows 0:00 while time is left):
    time used is cut to the second, so the shown parts of a whole never add to more than the
    whole shows, and fall short of it by less than a second each.
    """
    minutes, seconds = divmod(max(0, milliseconds) // 1000, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def minutes(seconds: int) -> int:
    """Whole minutes, rounded up: an estimate never says 0 while someone is ahead."""
    return max(1, -(-seconds // 60))


PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def lead(text: str, limit: int) -> list[str]:
    """The opening of a long text in at most about ``limit`` characters, as paragraphs.

    Whole paragraphs while they fit; when not even the first does, its whole sentences that
    fit (at least one). What is left out is marked with an ellipsis at the end. An empty
    text is no paragraph.
    """
    paragraphs = [p.strip() for p in PARAGRAPH_BREAK.split(text.strip()) if p.strip()]
    shown: list[str] = []
    for paragraph in paragraphs:
        if sum(map(len, shown)) + len(paragraph) > limit:
            break
        shown.append(paragraph)
    if len(shown) == len(paragraphs):
        return shown
    if not shown:
        first, *sentences = SENTENCE_END.split(paragraphs[0])
        for sentence in sentences:
            if len(first) + 1 + len(sentence) > limit:
                break
            first = f"{first} {sentence}"
        shown = [first]
    return [*shown[:-1], f"{shown[-1]} …"]


def fitting(texts: Iterable[str], limit: int) -> int:
    """How many of ``texts``, from the first, fit in ``limit`` characters together."""
    count = used = 0
    for text in texts:
        used += len(text)
        if used > limit:
            break
        count += 1
    return count


@lru_cache(maxsize=64)
def qr_svg(data: str) -> Markup:
    """An inline SVG QR code, one unit per module with its quiet zone, that scales to the box
    it is drawn in: a ``viewBox`` and no width or height (segno escapes nothing we give it
    but a URL we built)."""
    svg = segno.make(data, error="m").svg_inline(
        scale=1, dark="#000", light="#fff", border=2, omitsize=True
    )
    return Markup(svg)


def _gettext_callables(locale: str) -> tuple[Any, Any]:
    """``_`` and ``ngettext`` with ``{name}`` fields, like the messages in code.

    Jinja's own new-style gettext fills ``%(name)s`` fields; ours fill ``{name}`` ones, and
    escape the values when the template is escaped. ``ngettext`` gives its count as ``{count}``,
    written as the language writes numbers.
    """
    catalogue = translations(locale)

    def fill(context: Context, text: str, values: dict[str, Any]) -> str:
        if context.eval_ctx.autoescape:
            return Markup(text).format(**values)
        return text.format(**values)

    @pass_context
    def gettext(context: Context, message: str, **values: Any) -> str:
        return fill(context, catalogue.gettext(message), values)

    @pass_context
    def ngettext(context: Context, singular: str, plural: str, count: int, **values: Any) -> str:
        return fill(
            context,
            catalogue.ngettext(singular, plural, count),
            {"count": count_in(locale, count), **values},
        )

    return gettext, ngettext


@pass_context
def csrf_field(context: Context) -> Markup:
    """A form's anti-forgery field, on a page drawn for one browser: so that its plain form
    posts work without JavaScript. Regions drawn for every screen at once carry none: htmx
    sends the token in a header (base.html)."""
    token = context.get("csrf_token")
    if not token:
        return Markup("")
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(token)


@pass_context
def at_time(context: Context, moment: datetime, time_zone: str) -> str:
    """A moment's time of day in the reader's language (the template's ``locale``)."""
    return local_time(context["locale"], moment, time_zone)


@pass_context
def on_day(context: Context, moment: datetime, time_zone: str) -> str:
    """A moment's day in the reader's language (the template's ``locale``)."""
    return local_day(context["locale"], moment, time_zone)


@lru_cache
def environment(locale: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    gettext, ngettext = _gettext_callables(locale)
    env.install_gettext_callables(gettext, ngettext)  # type: ignore[attr-defined]
    env.globals.update(
        locale=locale,
        turn_kinds=TURN_KINDS,
        order_rules=speaking_order.RULE_TEXTS,
        order_reasons=speaking_order.REASON_TEXTS,
        epoch_ms=epoch_ms,
        qr_svg=qr_svg,
        csrf_field=csrf_field,
        at_time=at_time,
        on_day=on_day,
    )
    env.globals.update(translated.GLOBALS)
    env.filters.update(
        clock=clock,
        duration=duration,
        minutes=minutes,
        lead=lead,
        fitting=fitting,
        moment=lambda value: moment_in(locale, value),
    )
    return env


def render(name: str, *, locale: str, **context: Any) -> str:
    return environment(locale).get_template(name).render(**context)
