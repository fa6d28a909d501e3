"""A realistic simulated day on the bundled agenda, played through the services, and its
outcome report written as HTML and PDF (``make simulated-day``).

Every topic of the five segments is opened in turn; people of every actor type ask for the
floor choosing guiding questions and a kind of turn, are called in order, sometimes pause
their clock, and write their summaries in Spanish, Portuguese, English or French; on two
topics the facilitator adds a speaker from the room (no phone) and writes the record's
summary of their turn. After each topic a rapporteur tags its turns by what they said: good
practices, commitments (some with a Global Refugee Forum pledge), groups in focus. The clock
is simulated: the days are 16 and 17 May 2024, whatever the time now. What is played is
decided by a seeded random generator, so two runs give one report.

``python -m app.simulation [--out DIR] [--language LANG]`` plays the day on a new SQLite
database in DIR (default ``var/report``) and writes DIR/report.html and DIR/report.pdf.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from app.config import ROOT
from app.db import Database
from app.migrate import upgrade
from app.models import Event, FloorRequest, Participant, Topic, TurnKind
from app.routes.report import printable
from app.services import (
    agenda,
    audit,
    floor,
    participants,
    record,
    record_tags,
    report,
    screens,
    timer,
    turns,
)
from app.services.agenda_file import read_agenda

BUNDLED_AGENDA = ROOT / "app" / "agendas" / "cartagena40-brasilia-2024.toml"
DAY_ONE = datetime(2024, 5, 16, 12, 0, tzinfo=UTC)  # 9:00 in Brasilia
DAY_TWO = datetime(2024, 5, 17, 12, 0, tzinfo=UTC)
# Segments from this number on are played on the second day.
SECOND_DAY_FROM = 4
SEED = 40
# The facilitator's username, as the record's summaries and the audit log name them; the
# rapporteur's (an account of the rapporteur's role), who tags the record.
FACILITATOR = "facilitator"
RAPPORTEUR = "rapporteur"


@dataclass(frozen=True)
class Person:
    """Someone in the hall with a phone: who they are and the language they write in."""

    name: str
    organisation: str
    actor_type: str
    country: str
    language: str


# Two people of every actor type of the bundled agenda, writing in the four languages.
CAST = (
    Person(
        "María Fernanda Rojas", "Ministerio de Relaciones Exteriores", "state", "Colombia", "es"
    ),
    Person(
        "João Batista Lima", "Ministério da Justiça e Segurança Pública", "state", "Brasil", "pt"
    ),
    Person("Jean-Baptiste Joseph", "Office National de la Migration", "state", "Haïti", "fr"),
    Person(
        "Patricia Campbell", "Ministry of National Security", "state", "Trinidad and Tobago", "en"
    ),
    Person("Lucía Benítez", "Municipalidad de Asunción", "local_authority", "Paraguay", "es"),
    Person("Ana Paula Souza", "Prefeitura de Boa Vista", "local_authority", "Brasil", "pt"),
    Person(
        "Diego Salazar",
        "Secretaría Técnica del Proceso de Quito",
        "regional_mechanism",
        "Ecuador",
        "es",
    ),
    Person("Keisha Thompson", "CARICOM Secretariat", "regional_mechanism", "Guyana", "en"),
    Person("Claire Dubois", "ACNUR", "international_organisation", "Panamá", "fr"),
    Person("Roberto Méndez", "OIM", "international_organisation", "Costa Rica", "es"),
    Person(
        "Valentina Herrera", "Servicio Jesuita a Refugiados", "civil_society", "Venezuela", "es"
    ),
    Person("Mariana Costa", "Cáritas Brasileira", "civil_society", "Brasil", "pt"),
    Person(
        "Yusuf Haddad",
        "Red de Personas Refugiadas de las Américas",
        "refugee_led_organisation",
        "México",
        "es",
    ),
    Person(
        "Nadège Pierre",
        "Collectif des réfugiés haïtiens",
        "refugee_led_organisation",
        "Chile",
        "fr",
    ),
    Person("Thomas Wright", "University of the West Indies", "academia", "Jamaica", "en"),
    Person("Camila Andrade", "Universidade de Brasília", "academia", "Brasil", "pt"),
    Person(
        "Sofía Guerrero", "Defensoría del Pueblo", "national_human_rights_institution", "Perú", "es"
    ),
    Person("Rafael Ortiz", "Cámara de Comercio de Lima", "private_sector", "Perú", "es"),
    Person(
        "Emily Carter", "Tent Partnership for Refugees", "private_sector", "Estados Unidos", "en"
    ),
    Person(
        "Hélène Martin",
        "Banque interaméricaine de développement",
        "development_finance",
        "Argentina",
        "fr",
    ),
)

# Speakers the facilitator adds from the room on the first topic of a segment (by its
# number): they have no phone and write no summary, the facilitator writes the record's.
FROM_THE_ROOM = {
    1: Person("Carmen Quispe", "Asociación de Mujeres Migrantes", "civil_society", "Bolivia", "es"),
    4: Person("Samuel Baptiste", "", "refugee_led_organisation", "República Dominicana", "fr"),
}


@dataclass(frozen=True)
class Said:
    """A summary a speaker writes, and what the rapporteur notes of such a turn: the good
    practice it presented (title, description), the commitment it offered (what, the Global
    Refugee Forum pledge's reference or ""), the keys of the groups in focus it addressed."""

    text: str
    practice: tuple[str, str] | None = None
    commitment: tuple[str, str] | None = None
    groups: tuple[str, ...] = ()


SUMMARIES = {
    "es": (
        Said(
            "Presentamos el programa municipal de acogida que articula salud, educación y empleo en un solo punto de atención.\n\nPedimos que el plan de acción incluya financiamiento estable para los gobiernos locales.",
            practice=(
                "Programa municipal de acogida",
                "Salud, educación y empleo en un solo punto de atención.",
            ),
        ),
        Said(
            "Los procesos de regularización deben ser gratuitos y rápidos; sin documentos no hay acceso a servicios ni a empleo formal."
        ),
        Said(
            "Compartimos la experiencia de mesas de diálogo con comunidades de acogida para prevenir la xenofobia en los barrios.",
            practice=(
                "Mesas de diálogo con las comunidades de acogida",
                "Prevención de la xenofobia en los barrios.",
            ),
        ),
        Said(
            "Solicitamos datos desagregados por género y edad para diseñar políticas que lleguen a niñas, niños y adolescentes.",
            groups=("children", "women"),
        ),
        Said(
            "El acceso al crédito sigue cerrado para las personas refugiadas: los bancos no reconocen sus documentos de identidad."
        ),
        Said(
            "Proponemos un fondo regional de respuesta que combine recursos de los Estados y de la banca de desarrollo.",
            commitment=(
                "Promover un fondo regional de respuesta con recursos de los Estados y de la banca de desarrollo.",
                "",
            ),
        ),
        Said(
            "Las organizaciones lideradas por personas refugiadas deben participar en el diseño, no solo en la consulta."
        ),
        Said(
            "Recordamos que la protección internacional es un derecho y que las fronteras no pueden cerrarse a quien la solicita."
        ),
    ),
    "pt": (
        Said(
            "A Operação Acolhida mostrou que a interiorização voluntária funciona quando há emprego esperando a família no destino.",
            practice=(
                "Interiorização voluntária da Operação Acolhida",
                "Famílias interiorizadas com emprego à espera no destino.",
            ),
        ),
        Said(
            "Precisamos de validação rápida de diplomas: médicos e professores refugiados trabalham hoje fora da sua área."
        ),
        Said(
            "Os municípios de fronteira estão sobrecarregados; pedimos cofinanciamento federal e internacional."
        ),
        Said(
            "Apresentamos um programa de microcrédito com garantia solidária que já atendeu mil famílias.",
            practice=("Microcrédito com garantia solidária", "Mil famílias atendidas."),
            commitment=(
                "Ampliar o programa de microcrédito a mais duas mil famílias até 2026.",
                "GRF-02187",
            ),
        ),
        Said(
            "A saúde mental precisa estar na atenção primária, com intérpretes e atendimento culturalmente adequado."
        ),
        Said(
            "Propomos que o plano de ação reconheça as mulheres refugiadas como lideranças comunitárias.",
            groups=("women",),
        ),
    ),
    "en": (
        Said(
            "Caribbean states need technical support to build asylum systems; our capacity is small and arrivals by sea are growing."
        ),
        Said(
            "We presented a corporate hiring pledge: three hundred refugees employed across the region by next year.",
            commitment=(
                "Employ three hundred refugees across the region by next year.",
                "GRF-00732",
            ),
        ),
        Said(
            "Research shows that inclusion in national education systems costs less than parallel schools and works better.",
            practice=(
                "Inclusion in national education systems",
                "Costs less than parallel schools and works better.",
            ),
            groups=("children",),
        ),
        Said(
            "We ask for a regional mechanism to share data on disappearances along the migratory routes."
        ),
        Said(
            "Climate displacement must be part of the plan of action; hurricanes already force people to move every season."
        ),
        Said(
            "Access to bank accounts is the first step to self-reliance; digital identity can open it."
        ),
    ),
    "fr": (
        Said(
            "Les personnes haïtiennes rencontrent encore des obstacles pour obtenir un statut ; nous demandons des voies légales durables.",
            groups=("afro_descendant",),
        ),
        Said(
            "Nous avons présenté un programme d'apprentissage de l'espagnol et du portugais pour les familles francophones et créolophones.",
            practice=(
                "Apprentissage de l'espagnol et du portugais",
                "Pour les familles francophones et créolophones.",
            ),
        ),
        Said(
            "Le financement doit suivre les engagements : nous proposons des prêts concessionnels pour les pays d'accueil.",
            commitment=("Proposer des prêts concessionnels aux pays d'accueil.", "GRF-01456"),
        ),
        Said(
            "Les enfants non accompagnés ont besoin d'une prise en charge spécialisée dès la frontière.",
            groups=("children",),
        ),
        Said(
            "La cohésion sociale se construit dans les écoles et les quartiers, avec les associations locales."
        ),
        Said(
            "Nous appelons à reconnaître les diplômes et les compétences des personnes réfugiées dans toute la région."
        ),
    ),
}

# What the facilitator writes for the record of a turn given from the room.
ROOM_SAID = Said(
    "Habló desde la sala sobre el acceso de las personas migrantes a la salud y a la documentación.",
    groups=("women",),
)
# What was said, by the summary's text.
SAID = {said.text: said for said in (*(s for t in SUMMARIES.values() for s in t), ROOM_SAID)}


@dataclass
class Clock:
    """The simulated time: moves only forward, by the seconds the day takes."""

    now: datetime

    def passes(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


@dataclass
class Day:
    """What was played: the event, when the day ended, and how many turns, pauses and
    summaries (by language) it had."""

    event: Event
    ended: datetime = DAY_ONE
    turns: int = 0
    pauses: int = 0
    summaries: dict[str, int] = field(default_factory=dict)


def play_day(*, db: Session, event: Event, segments: int | None = None) -> Day:
    """Play the day on ``event`` (the bundled agenda): every topic of its first ``segments``
    segments (default all), one after another. Returns what was played."""
    chance = random.Random(SEED)
    day = Day(event)
    clock = Clock(DAY_ONE)
    people = [
        (person, _join(db, event, person, clock.passes(chance.uniform(5, 40)))) for person in CAST
    ]
    played = event.segments[:segments] if segments else event.segments
    for segment in played:
        if segment.number == SECOND_DAY_FROM:
            clock.now = max(clock.now, DAY_TWO)
        for topic in segment.topics:
            _open(db, event, topic, clock.passes(120))
            _play_topic(db, day, topic, chance.sample(people, chance.randint(3, 5)), chance, clock)
    day.ended = clock.now
    return day


def _play_topic(
    db: Session,
    day: Day,
    topic: Topic,
    speakers: list[tuple[Person, Participant]],
    chance: random.Random,
    clock: Clock,
) -> None:
    """People ask for the floor on the open ``topic`` and speak in turn; most then write
    their summary. On a topic of ``FROM_THE_ROOM`` someone speaks from the room too."""
    event = day.event
    requests: list[tuple[Person, Participant, FloorRequest]] = []
    for person, participant in speakers:
        questions = chance.sample(topic.questions, min(len(topic.questions), chance.randint(0, 2)))
        kind = chance.choices(list(TurnKind), weights=(12, 5, 1, 3))[0]
        request = floor.request_floor(
            db=db,
            event=event,
            participant=participant,
            kind=kind,
            question_ids=[q.id for q in questions],
            now=clock.passes(chance.uniform(5, 60)),
        )
        requests.append((person, participant, request))
    from_the_room = FROM_THE_ROOM.get(topic.segment.number) if topic.position == 0 else None
    if from_the_room is not None:
        person = from_the_room
        floor.add_from_room(
            db=db,
            event=event,
            name=person.name,
            organisation=person.organisation,
            actor_type_id=_actor_type(event, person),
            country=person.country,
            kind=TurnKind.INTERVENTION,
            now=clock.passes(20),
        )
    while floor.waiting_list(db=db, topic_id=topic.id):
        _speak(db, day, chance, clock)
    turns.finish(db=db, event=event, seen_speaker=_speaker(db, event), now=clock.passes(2))
    for person, participant, request in requests:
        if chance.random() < 0.85:
            texts = SUMMARIES[person.language]
            floor.save_summary(
                db=db,
                event=event,
                participant=participant,
                request_id=request.id,
                summary=texts[day.summaries.get(person.language, 0) % len(texts)].text,
                now=clock.passes(chance.uniform(20, 90)),
            )
            day.summaries[person.language] = day.summaries.get(person.language, 0) + 1
    write_up(db=db, event=event, topic=topic, clock=clock)


def _speak(db: Session, day: Day, chance: random.Random, clock: Clock) -> None:
    """The next speaker is called and speaks for one to four minutes, now and then with
    the clock paused a while (a question from the chair, a microphone that fails)."""
    event = day.event
    state = screens.room(db=db, event_id=event.id)
    turns.call_next(
        db=db,
        event=event,
        seen_first=state.waiting[0].id,
        seen_speaker=state.speaker.id if state.speaker else None,
        now=clock.passes(chance.uniform(5, 20)),
    )
    day.turns += 1
    clock.passes(chance.uniform(40, 120))
    if chance.random() < 0.2:
        speaker = _speaker(db, event)
        timer.pause(db=db, event=event, seen_speaker=speaker, now=clock.now)
        timer.start(
            db=db, event=event, seen_speaker=speaker, now=clock.passes(chance.uniform(10, 50))
        )
        day.pauses += 1
    clock.passes(chance.uniform(20, 120))


def write_up(*, db: Session, event: Event, topic: Topic, clock: Clock) -> None:
    """What the record's keepers write once ``topic``'s turns are given: the facilitator, the
    record's summary of each turn given from the room; the rapporteur, the tags of each turn
    by what it said (``SAID``): the groups in focus it addressed, and a good practice or a
    commitment the first time the segment hears it (by the speaker's country and organisation)."""
    given = [
        t
        for t in record.turns(db=db, event_id=event.id, segment_id=topic.segment_id)
        if t.topic_id == topic.id
    ]
    for turn in given:
        if turn.participant.from_the_room:
            record.write_summary(
                db=db, event=event, turn_id=turn.id, summary=ROOM_SAID.text, now=clock.passes(30)
            )
    keeper = db.info.get(audit.ACTOR, audit.SYSTEM)
    audit.act_as(db, RAPPORTEUR)
    segment = topic.segment_id
    practices = {
        p.title for p in record_tags.good_practices(db=db, event_id=event.id, segment_id=segment)
    }
    offered = {
        c.what for c in record_tags.commitments(db=db, event_id=event.id, segment_id=segment)
    }
    groups = {group.key: group.id for group in event.focus_groups}
    for turn in given:
        said = SAID.get(turn.summary or turn.record_summary)
        if said is None:
            continue
        who = turn.participant
        if said.practice and said.practice[0] not in practices:
            title, description = said.practice
            practices.add(title)
            record_tags.add_good_practice(
                db=db,
                event=event,
                turn_id=turn.id,
                country=who.country,
                title=title,
                description=description,
                now=clock.passes(40),
            )
        if said.commitment and said.commitment[0] not in offered:
            what, pledge = said.commitment
            offered.add(what)
            record_tags.add_commitment(
                db=db,
                event=event,
                turn_id=turn.id,
                what=what,
                by_whom=who.organisation or who.name,
                pledge=pledge,
                now=clock.passes(40),
            )
        for key in said.groups:
            record_tags.add_focus_group(
                db=db,
                event=event,
                turn_id=turn.id,
                focus_group_id=groups[key],
                now=clock.passes(10),
            )
    audit.act_as(db, keeper)


def _open(db: Session, event: Event, topic: Topic, now: datetime) -> None:
    state = screens.room(db=db, event_id=event.id, now=now)
    agenda.open_topic(
        db=db,
        event=event,
        topic_id=topic.id,
        seen_topic=state.topic.id if state.topic else None,
        now=now,
    )


def _speaker(db: Session, event: Event) -> int | None:
    speaker = screens.room(db=db, event_id=event.id).speaker
    return speaker.id if speaker else None


def _join(db: Session, event: Event, person: Person, now: datetime) -> Participant:
    return participants.join(
        db=db,
        event=event,
        name=person.name,
        organisation=person.organisation,
        actor_type_id=_actor_type(event, person),
        country=person.country,
        now=now,
    )


def _actor_type(event: Event, person: Person) -> int:
    return next(kind.id for kind in event.actor_types if kind.key == person.actor_type)


def write_report(
    *,
    db: Session,
    event: Event,
    out: Path,
    locale: str,
    now: datetime,
    segment_number: int | None = None,
) -> list[Path]:
    """The outcome report in ``locale`` of the event (or of its segment numbered
    ``segment_number``) as ``out``/report.html (its stylesheets linked from the app's
    ``static/`` folder, to open from disk) and ``out``/report.pdf."""
    built = report.build(db=db, event_id=event.id, now=now, segment_number=segment_number)
    html = printable(built, locale=locale)
    out.mkdir(parents=True, exist_ok=True)
    static = Path(os.path.relpath(report.STATIC_DIR, out.resolve())).as_posix()
    page, document = out / "report.html", out / "report.pdf"
    page.write_text(re.sub(r'"/static/', f'"{static}/', html), encoding="utf-8")
    document.write_bytes(report.pdf(html, locale=locale))
    return [page, document]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.simulation", description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "report")
    parser.add_argument("--language", default="en", choices=["es", "pt", "en", "fr"])
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    database_file = out / "simulated-day.db"
    database_file.unlink(missing_ok=True)
    url = f"sqlite:///{database_file}"
    upgrade(url)
    database = Database(url)
    with database.writing() as db:
        audit.act_as(db, FACILITATOR)
        event = agenda.load(
            db=db, spec=read_agenda(BUNDLED_AGENDA), now=DAY_ONE - timedelta(days=1)
        )
        day = play_day(db=db, event=event)
        written = write_report(db=db, event=event, out=out, locale=args.language, now=day.ended)
    database.dispose()
    languages = ", ".join(f"{n} in {lang}" for lang, n in sorted(day.summaries.items()))
    print(f"Played {day.turns} turns with {day.pauses} pauses; summaries: {languages}.")
    for path in written:
        print(f"Wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
