"""Every language's catalogue says every message of the interface, with the same fields.

A message added to the code or a template and not translated, a translation left fuzzy or
empty, or one that drops, adds or renames a ``{field}`` (in any plural form) fails here.
"""

from __future__ import annotations

import string
import subprocess

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from app.config import ROOT
from app.i18n import DEFAULT_LOCALE, LOCALES, LOCALES_DIR, translate, translations
from tests.extraction import extracted


def catalogue(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as file:
        return read_po(file, locale=locale)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def ids(message: Message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def test_every_message_has_named_fields_in_braces() -> None:
    """``{name}``, as the code fills them in; a ``%(name)s`` would be shown as it is."""
    old_style = [m.id for m in extracted() if m.id and "python-format" in m.flags]
    assert old_style == []


def test_the_template_is_what_the_code_and_templates_say_now() -> None:
    with (LOCALES_DIR / "messages.pot").open("rb") as file:
        template = read_po(file)
    now = {m.id for m in extracted() if m.id}
    kept = {m.id for m in template if m.id}
    assert sorted(now - kept, key=str) == [], "new messages: run make i18n"
    assert sorted(kept - now, key=str) == [], "messages no longer used: run make i18n"


@pytest.mark.parametrize("locale", LOCALES)
def test_a_catalogue_translates_every_message(locale: str) -> None:
    translated = catalogue(locale)
    missing = [m.id for m in extracted() if m.id and m.id not in translated]
    assert missing == [], f"{locale} lacks these: run make i18n and translate them"
    obsolete = [m.id for m in translated if m.id and m.id not in extracted()]
    assert obsolete == [], f"{locale} keeps messages no longer used: run make i18n"


@pytest.mark.parametrize("locale", LOCALES)
def test_no_translation_is_fuzzy_or_empty(locale: str) -> None:
    translated = catalogue(locale)
    forms = translated.num_plurals
    unfinished = []
    for message in translated:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        plural_ok = not message.pluralizable or len(strings) == forms
        if message.fuzzy or not all(s.strip() for s in strings) or not plural_ok:
            unfinished.append(message.id)
    assert unfinished == [], f"{locale}: fuzzy, empty or missing a plural form"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_translation_keeps_the_fields_of_its_message(locale: str) -> None:
    wrong = []
    for message in catalogue(locale):
        if not message.id:
            continue
        wanted = set().union(*(fields(i) for i in ids(message)))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for form, text in enumerate(strings):
            if text and fields(text) != wanted:
                wrong.append((message.id, form, sorted(fields(text)), sorted(wanted)))
    assert wrong == []


def test_plural_forms_follow_each_language() -> None:
    """1 and 3 differ everywhere; 0 is singular in French and Brazilian Portuguese."""
    waiting = ("{count} person waiting", "{count} people waiting")
    for locale in LOCALES:
        catalogue = translations(locale)
        one, three = (catalogue.ngettext(*waiting, n) for n in (1, 3))
        assert one != three, locale
        zero = catalogue.ngettext(*waiting, 0)
        assert (zero == one) == (locale in {"fr", "pt"}), locale


def test_each_language_is_served_from_its_compiled_catalogue() -> None:
    for locale in set(LOCALES) - {DEFAULT_LOCALE}:
        said = translate(locale, "Request the floor")
        assert said != "Request the floor", f"{locale}: not compiled? run make catalogues"


def test_editing_a_catalogue_compiles_it_again() -> None:
    po = LOCALES_DIR / "fr" / "LC_MESSAGES" / "messages.po"
    what_if = subprocess.run(
        ["make", "--dry-run", f"--what-if={po.relative_to(ROOT)}", "catalogues"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "pybabel compile" in what_if.stdout
    assert "fr/LC_MESSAGES/messages.mo" in what_if.stdout
