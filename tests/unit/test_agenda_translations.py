"""An agenda in several languages: the file's translations, what they may say, and how a
screen shows a text in its page's language."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape
from sqlalchemy.orm import Session

from app.db import Database
from app.live import frames
from app.models import Event
from app.services import agenda, screens
from app.services.agenda_file import AgendaFileError, AgendaSpec, read_agenda, validate_agenda
from app.services.translated import is_working_translation, text_in
from app.templating import environment
from tests.factories import T0, agenda_data, make_event, open_first_topic

BUNDLED = Path("app/agendas/cartagena40-brasilia-2024.toml")
LANGUAGES = ("pt", "en", "fr")


def texts_by_kind(spec: AgendaSpec, language: str | None) -> Counter[str]:
    """How many texts of each kind the agenda gives in ``language`` (None: the original)."""
    counts: Counter[str] = Counter()

    def count(kind: str, original: Any, translations: dict[str, Any], field: str) -> None:
        value = getattr(translations[language], field) if language in translations else None
        value = original if language is None else value
        if isinstance(value, list):
            counts[kind] += sum(1 for text in value if text.strip())
        elif value and value.strip():
            counts[kind] += 1

    event = spec.event
    for field in ("title", "theme", "place", "objective", "segment_word", "topic_word"):
        count(f"event {field}", getattr(event, field), event.translations, field)
    for kind in ("actor_types", "focus_groups"):
        for item in getattr(spec, kind):
            count(kind, item.name, item.translations, "name")
    for segment in spec.segments:
        count("segment titles", segment.title, segment.translations, "title")
        count("segment framings", segment.framing, segment.translations, "framing")
        for topic in segment.topics:
            count("topics", topic.title, topic.translations, "title")
            count("guiding questions", topic.questions, topic.translations, "questions")
    return counts


def test_the_bundled_agenda_is_in_spanish_with_working_translations_into_pt_en_and_fr() -> None:
    spec = read_agenda(BUNDLED)
    original = texts_by_kind(spec, None)
    assert original["segment titles"] == 5 and original["topics"] == 17
    assert original["guiding questions"] == 53
    assert original["actor_types"] == 10 and original["focus_groups"] == 6
    assert spec.event.language == "es"
    assert spec.event.all_languages == ["es", *LANGUAGES]
    assert spec.event.working_translations == list(LANGUAGES)
    for language in LANGUAGES:
        assert texts_by_kind(spec, language) == original, language


def test_each_bundled_translation_differs_from_the_spanish_where_the_words_do() -> None:
    """A text copied untranslated is caught: only names the languages share may repeat."""
    spec = read_agenda(BUNDLED)
    shared = {"Academia", "Brasilia", "Mujeres", "Indígenas", "Segment", "Tema", "Segmento"}
    for segment in spec.segments:
        for topic in segment.topics:
            for language in LANGUAGES:
                translated = topic.translations[language]
                assert translated.title != topic.title
                assert translated.questions is not None
                for question, text in zip(topic.questions, translated.questions, strict=True):
                    assert question != text
    for item in [*spec.actor_types, *spec.focus_groups]:
        for language in LANGUAGES:
            name = item.translations[language].name
            assert name != item.name or name in shared, (language, name)


def test_a_file_in_one_language_loads_as_before(db: Session) -> None:
    event = make_event(db)
    assert event.languages == ["es"] and event.working_translations == []
    assert event.translations == {} and event.segment_word == ""
    topic = event.segments[0].topics[0]
    assert topic.translations == {} and topic.questions[0].translations == {}
    shown = text_in(topic, "title", event=event, page="pt")
    assert (shown.text, shown.language, shown.foreign) == ("Salud", "es", True)


def translated_agenda() -> dict[str, Any]:
    data = agenda_data(languages=["es", "pt"], working_translations=["pt"])
    topic = data["segments"][0]["topics"][0]
    topic["translations"] = {
        "pt": {"title": "Saúde", "questions": ["Como assegurar o acesso?", "Que barreiras?"]}
    }
    data["actor_types"][0]["translations"] = {"pt": {"name": "Estados"}}
    return data


def test_load_keeps_each_translation_beside_its_original(db: Session) -> None:
    spec = AgendaSpec.model_validate(translated_agenda())
    event = agenda.load(db=db, spec=spec, now=T0)
    topic = event.segments[0].topics[0]
    assert topic.title == "Salud" and topic.translations == {"pt": {"title": "Saúde"}}
    assert [q.text for q in topic.questions] == ["¿Cómo asegurar el acceso?", "¿Qué barreras?"]
    assert [q.translations for q in topic.questions] == [
        {"pt": {"text": "Como assegurar o acesso?"}},
        {"pt": {"text": "Que barreiras?"}},
    ]
    assert event.languages == ["es", "pt"] and event.working_translations == ["pt"]


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(AgendaFileError) as raised:
        validate_agenda(data)
    return raised.value.problems


def spoil(change: Any) -> dict[str, Any]:
    data = translated_agenda()
    change(data)
    return data


WHERE = "segments[1].topics[1].translations"


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (
            lambda d: d["event"].pop("languages"),
            f'{WHERE}.pt: the event does not list "pt"; write languages = ["es", "pt"] in [event]',
        ),
        (
            lambda d: d["event"].update(languages=["pt"]),
            'event.languages: the original\'s language "es" (event.language) is not in the list;'
            " add it",
        ),
        (
            lambda d: d["event"].update(working_translations=["fr"]),
            'event.working_translations: "fr" is not in event.languages; add it there',
        ),
        (
            lambda d: d["event"].update(working_translations=["es"]),
            'event.working_translations: "es" is the original\'s language, not a translation',
        ),
        (
            lambda d: d["segments"][0]["topics"][0]["translations"]["pt"]["questions"].pop(),
            f"{WHERE}.pt.questions: 1 guiding questions here and 2 in the original; translate"
            " each question once, in the original's order",
        ),
        (
            lambda d: d["segments"][0]["topics"][0]["translations"].update(es={"title": "Salud"}),
            f'{WHERE}.es: "es" is the original\'s language: the original texts are the fields'
            " above, not a translation",
        ),
        (
            lambda d: d["segments"][0]["topics"][1].update(
                translations={"pt": {"questions": ["Que iniciativas?", "E mais?"]}}
            ),
            "segments[1].topics[2].translations.pt.questions: 2 guiding questions here and 1 in"
            " the original; translate each question once, in the original's order",
        ),
        (
            lambda d: d["segments"][1].update(translations={"pt": {"framing": "Texto"}}),
            "segments[2].translations.pt.framing: the original has no framing to translate;"
            " write the original's first",
        ),
        (
            lambda d: d["segments"][0]["topics"][0]["translations"]["pt"].update(titel="x"),
            f'{WHERE}.pt.titel: unknown field; did you mean "title"?',
        ),
        (
            lambda d: d["segments"][0]["topics"][0]["translations"].update(
                pt_BR={"title": "Saúde"}
            ),
            f"{WHERE}.pt_BR: write a language code of 2 or 3 lower-case letters, with a country"
            ' in capitals if needed, such as "es", "pt" or "pt-BR"',
        ),
        (
            lambda d: d["event"].update(languages=["es", "pt", "pt"]),
            'event.languages: "pt" comes twice; list each language once',
        ),
    ],
)
def test_a_translation_the_agenda_contradicts_is_told_where_and_what_to_write(
    change: Any, says: str
) -> None:
    assert says in problems(spoil(change))


def make_translated(db: Session) -> Event:
    return agenda.load(db=db, spec=AgendaSpec.model_validate(translated_agenda()), now=T0)


def render(source: str, locale: str, **context: Any) -> str:
    return environment(locale).from_string(source).render(**context)


def test_the_helper_gives_the_page_language_and_marks_the_original_it_falls_back_to(
    db: Session,
) -> None:
    event = make_translated(db)
    health, housing = event.segments[0].topics
    source = '{{ t(topic, "title") }}|{{ t(topic, "title", "es") }}|{{ t(topic, "title").text }}'
    assert render(source, "pt", event=event, topic=health) == (
        'Saúde|<span lang="es">Salud</span>|Saúde'
    )
    assert render(source, "pt", event=event, topic=housing) == (
        '<span lang="es">Vivienda</span>|<span lang="es">Vivienda</span>|Vivienda'
    )
    assert render(source, "es", event=event, topic=health) == "Salud|Salud|Salud"
    # A page in Brazilian Portuguese reads the "pt" translation; English falls back.
    assert render('{{ t(topic, "title") }}', "pt_BR", event=event, topic=health) == "Saúde"
    assert render('{{ t(topic, "title") }}', "en", event=event, topic=health) == (
        '<span lang="es">Salud</span>'
    )


def test_the_helper_escapes_agenda_text(db: Session) -> None:
    event = make_translated(db)
    topic = event.segments[0].topics[0]
    topic.translations = {"pt": {"title": '<b>"Saúde"</b> & co'}}
    assert render('{{ t(topic, "title") }}', "pt", event=event, topic=topic) == str(
        escape('<b>"Saúde"</b> & co')
    )
    topic.title = "<i>Salud</i>"
    assert render('{{ t(topic, "title", "es") }}', "pt", event=event, topic=topic) == (
        '<span lang="es">&lt;i&gt;Salud&lt;/i&gt;</span>'
    )


def test_a_working_translation_is_known_by_its_page_language(db: Session) -> None:
    event = make_translated(db)
    assert is_working_translation(event, "pt") and is_working_translation(event, "pt_BR")
    assert not is_working_translation(event, "es") and not is_working_translation(event, "en")


def test_the_agenda_names_its_segments_and_topics_in_each_language(db: Session) -> None:
    data = agenda_data(languages=["es", "en"], segment_word="Sesión", topic_word="Mesa")
    data["event"]["translations"] = {"en": {"segment_word": "Session"}}
    event = agenda.load(db=db, spec=AgendaSpec.model_validate(data), now=T0)
    source = '{{ part_label("segment", 2) }}|{{ part_label("topic", 3) }}'
    assert render(source, "es", event=event) == "Sesión 2|Mesa 3"
    assert render(source, "en", event=event) == 'Session 2|<span lang="es">Mesa</span> 3'
    plain = make_event(db, slug="plain-words")
    assert render(source, "en", event=plain) == "Segment 2|Topic 3"


def test_a_phone_region_rendered_after_its_session_shows_the_questions_translated(
    database: Database,
) -> None:
    """The live hub reads the room, closes its session, then renders once per language."""
    with database.writing() as db:
        event = make_translated(db)
        open_first_topic(db, event)
    with database.reading() as db:
        room = screens.room(db=db, event_id=event.id)
    mine = screens.my_turn(room=room, participant_id=None)
    region = frames.my_turn(mine, slug=event.slug, locale="pt")
    assert "Como assegurar o acesso?" in region and "¿Cómo asegurar" not in region
