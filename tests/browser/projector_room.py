"""The projector in each state of the room, at the sizes of a hall's projectors.

The room is set through the services, on the database of the server under test; the projector
page is then loaded, and drawn by the same partials a push would send (principle 5).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

from playwright.sync_api import Browser, Page, ViewportSize
from sqlalchemy.orm import Session

from app.db import Database
from app.models import Event, Segment, Topic, TurnKind
from app.services import agenda, events, floor, screens, timer, turns
from app.services.clock import utcnow
from tests.factories import seen

SIZES: list[ViewportSize] = [{"width": 1920, "height": 1080}, {"width": 1280, "height": 720}]
REGIONS = ["projector-event", "projector-stage", "projector-speaker", "projector-next"]
REGIONS += ["projector-join"]
# Names, organisations and countries as long as a list of speakers gets.
SPEAKERS = [
    (
        "María Fernanda Rodríguez de la Cruz",
        "Red de Ciudades Solidarias de América Latina",
        "Brasil",
    ),
    ("Jean-Baptiste Dupont-Moreau", "Institution nationale des droits humains", "Haïti"),
    ("Ana Lucía Gómez", "Organización de Personas Refugiadas Venezolanas", "Colombia"),
    ("Pedro Alves", "Defensoria Pública da União", "Brasil"),
    ("Carmen Ruiz", "Banco Interamericano de Desarrollo (BID)", "Estados Unidos"),
    ("Luis Herrera", "ACNUR", "Costa Rica"),
    ("Sofía Martínez", "Universidad Nacional Autónoma", "México"),
    ("Rosa Quispe Mamani", "Asociación de Mujeres Indígenas", "Bolivia"),
]
WARNING_LEFT_SECONDS = 25
OVERTIME_SECONDS = 20


class Room:
    """The server's event, moved from state to state as a facilitator would."""

    def __init__(self, database_url: str) -> None:
        self.database = Database(database_url)

    def close(self) -> None:
        self.database.dispose()

    def act(self, action: Callable[[Session, Event], object]) -> None:
        with self.database.writing() as db:
            event = events.only_one(db=db)
            assert event is not None, "the server loads the bundled agenda on its first run"
            action(db, event)

    def longest_topic(self, event: Event) -> Topic:
        """The topic with the most text to show: its title and its guiding questions."""
        topics = [topic for segment in event.segments for topic in segment.topics]
        return max(topics, key=lambda t: len(t.title) + sum(len(q.text) for q in t.questions))

    def longest_framing(self, event: Event) -> Segment:
        return max(event.segments, key=lambda segment: len(segment.framing))

    def set_languages(self, languages: list[str]) -> None:
        self.act(
            lambda db, event: events.set_projector_languages(
                db=db, event=event, languages=languages
            )
        )

    def open_segment_with_the_longest_framing(self) -> None:
        self.act(
            lambda db, event: agenda.open_segment(
                db=db,
                event=event,
                segment_id=self.longest_framing(event).id,
                **seen(db, event, "segment"),
            )
        )

    def open_the_longest_topic_with_a_long_list(self) -> None:
        def action(db: Session, event: Event) -> None:
            topic = self.longest_topic(event)
            agenda.open_topic(db=db, event=event, topic_id=topic.id, **seen(db, event, "topic"))
            for name, organisation, country in SPEAKERS:
                floor.add_from_room(
                    db=db,
                    event=event,
                    name=name,
                    organisation=organisation,
                    actor_type_id=event.actor_types[-1].id,
                    country=country,
                    kind=TurnKind.INTERVENTION,
                )

        self.act(action)

    def call_next(self, *, seconds_left: int | None = None) -> None:
        """The next speaker gets the floor, their clock started so as to have that much left."""

        def action(db: Session, event: Event) -> None:
            room = screens.room(db=db, event_id=event.id)
            if room.speaker is not None:
                # Now: a turn ends after it began, though the next one's clock began earlier.
                turns.finish(db=db, event=event, **seen(db, event, "speaker"))
            elapsed = 0 if seconds_left is None else room.speaking_seconds - seconds_left
            started = utcnow() - timedelta(seconds=elapsed)
            turns.call_next(db=db, event=event, now=started, **seen(db, event, "first", "speaker"))

        self.act(action)

    def pause(self) -> None:
        self.act(lambda db, event: timer.pause(db=db, event=event, **seen(db, event, "speaker")))

    def every_topic(self) -> Iterator[str]:
        """Opens each topic of the agenda in turn, nobody waiting, naming each once it is open."""
        with self.database.reading() as db:
            event = events.only_one(db=db)
            assert event is not None
            topics = [(t.id, t.title) for segment in event.segments for t in segment.topics]
        for topic_id, title in topics:

            def action(db: Session, event: Event, topic_id: int = topic_id) -> None:
                agenda.open_topic(db=db, event=event, topic_id=topic_id, **seen(db, event, "topic"))

            self.act(action)
            yield f"topic {title[:40]}"

    def close_the_list(self) -> None:
        self.act(
            lambda db, event: floor.set_list_open(
                db=db, event=event, is_open=False, **seen(db, event, "topic")
            )
        )


def states(room: Room) -> Iterator[str]:
    """Moves the room through every state the projector shows, naming each once it is set."""
    yield "no segment open"
    room.open_segment_with_the_longest_framing()
    yield "a segment open with no topic"
    room.open_the_longest_topic_with_a_long_list()
    yield "nobody speaking"
    room.call_next()
    yield "speaking"
    room.pause()
    yield "paused"
    room.call_next(seconds_left=WARNING_LEFT_SECONDS)
    yield "last 30 seconds"
    room.call_next(seconds_left=-OVERTIME_SECONDS)
    yield "overtime"
    room.close_the_list()
    yield "list closed"


def open_projector(browser: Browser, url: str, size: ViewportSize) -> Page:
    """The projector at ``size``, loaded, with its fonts ready and its socket's snapshot in
    (nothing received for 300 ms): a region measured while the snapshot swaps it is no box."""
    context = browser.new_context(viewport=size)
    context.set_default_timeout(10_000)
    context.add_init_script(QUIET_AFTER_SNAPSHOT)
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("document.fonts.status === 'loaded'")
    page.wait_for_function(
        "() => window.__lastMessage !== undefined && performance.now() - window.__lastMessage > 300",
        polling=50,
    )
    return page


QUIET_AFTER_SNAPSHOT = (
    "document.addEventListener('htmx:wsAfterMessage',"
    " () => { window.__lastMessage = performance.now(); });"
)
