"""What the services count on from the database, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from app import db as app_db
from app.db import Database, DatabaseBusy
from app.models import Base, Event, Participant, TurnKind
from app.models.floor import TurnStatus
from app.services import changes, events, floor
from tests.databases import postgresql_only, sqlite_only
from tests.factories import make_event, make_participant, open_first_topic

THREADS = 8


@pytest.fixture
def room(database: Database) -> tuple[Event, list[Participant]]:
    """An event with its first topic open and eight participants."""
    with database.writing() as db:
        event = make_event(db)
        open_first_topic(db, event)
        people = [make_participant(db, event, f"Phone {i}") for i in range(THREADS)]
    return event, people


def at_once(calls: list[Callable[[], int]]) -> list[int]:
    """Run each call in a thread of its own, all released together; their results in order."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], int]) -> int:
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result(timeout=30) for future in futures]


def tap(database: Database, event: Event, participant: Participant) -> Callable[[], int]:
    def call() -> int:
        with database.writing() as db:
            request = floor.request_floor(
                db=db, event=event, participant=participant, kind=TurnKind.REPLY, question_ids=[]
            )
            return request.id

    return call


def waiting(database: Database, event: Event) -> list[floor.FloorRequest]:
    with database.reading() as db:
        topic = events.open_topic(db=db, event_id=event.id)
        assert topic is not None
        return floor.waiting_list(db=db, topic_id=topic.id)


def test_one_participant_tapping_from_many_threads_at_once_is_on_the_list_once(
    database: Database, room: tuple[Event, list[Participant]]
) -> None:
    event, people = room
    ids = at_once([tap(database, event, people[0]) for _ in range(THREADS)])
    assert len(set(ids)) == 1
    assert [r.id for r in waiting(database, event)] == ids[:1]


def test_participants_tapping_at_once_each_get_a_place_of_their_own(
    database: Database, room: tuple[Event, list[Participant]]
) -> None:
    event, people = room
    at_once([tap(database, event, person) for person in people])
    queue = waiting(database, event)
    assert sorted(r.participant_id for r in queue) == sorted(p.id for p in people)
    assert [r.position for r in queue] == list(range(1, THREADS + 1))
    assert all(r.status is TurnStatus.WAITING for r in queue)


def test_a_writer_of_an_event_waits_for_the_one_before_it(
    database: Database, room: tuple[Event, list[Participant]]
) -> None:
    event, people = room
    with ThreadPoolExecutor(1) as pool, database.writing() as first:
        changes.lock(db=first, event=event)
        second: Future[int] = pool.submit(tap(database, event, people[0]))
        time.sleep(0.3)
        assert not second.done()
        first.commit()
        second.result(timeout=10)
    assert len(waiting(database, event)) == 1


def test_a_reader_sees_the_room_as_it_was_while_a_write_is_under_way(
    database: Database, room: tuple[Event, list[Participant]]
) -> None:
    event, _ = room
    with database.writing() as writer:
        changes.lock(db=writer, event=event).version += 100
        writer.flush()
        with database.reading() as reader:
            assert events.get(db=reader, event_id=event.id).version == event.version
        writer.commit()
    with database.reading() as reader:
        assert events.get(db=reader, event_id=event.id).version == event.version + 100


@pytest.fixture
def impatient_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """A database whose writers give up after 0.3 s in the queue."""
    monkeypatch.setattr(app_db, "BUSY_TIMEOUT_MS", 300)
    database = Database(database_url)
    yield database
    database.dispose()


def test_a_writer_kept_waiting_too_long_is_told_the_room_is_busy(
    impatient_database: Database, room: tuple[Event, list[Participant]]
) -> None:
    event, people = room
    with impatient_database.writing() as first:
        changes.lock(db=first, event=event)
        with pytest.raises(DatabaseBusy):
            tap(impatient_database, event, people[0])()


def test_the_migrations_make_exactly_the_schema_of_the_models(database: Database) -> None:
    with database.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


@sqlite_only("PostgreSQL has no journal mode; the reader test above covers the behaviour")
def test_sqlite_runs_in_wal_mode_with_foreign_keys(database: Database) -> None:
    with database.reading() as db:
        assert db.scalar(text("PRAGMA journal_mode")) == "wal"
        assert db.scalar(text("PRAGMA foreign_keys")) == 1


@postgresql_only("SQLite has no deadlocks or serialization failures")
@pytest.mark.parametrize(
    "sqlstate", ["40P01", "40001", "55P03"], ids=["deadlock", "serialization", "lock timeout"]
)
def test_a_write_that_lost_a_race_is_told_the_room_is_busy(
    database: Database, sqlstate: str
) -> None:
    lost = f"DO $$ BEGIN RAISE EXCEPTION 'lost a race' USING ERRCODE = '{sqlstate}'; END $$"
    with database.writing() as db, pytest.raises(DatabaseBusy):
        db.execute(text(lost))


@postgresql_only("a SQLite file has no server to drop its connections")
def test_a_connection_the_server_dropped_is_replaced_unnoticed(database: Database) -> None:
    with database.engine.connect() as other:
        with database.reading() as db:
            pid = db.scalar(text("SELECT pg_backend_pid()"))
        assert other.scalar(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    with database.reading() as db:
        assert db.scalar(text("SELECT pg_backend_pid()")) != pid
