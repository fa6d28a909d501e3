"""Engine and sessions, on SQLite or PostgreSQL.

SQLite runs in WAL mode with a busy timeout, and a write session takes the write lock
when it begins (``BEGIN IMMEDIATE``): two writers queue instead of one failing halfway.
On PostgreSQL the writers of one event queue on its row (``changes.lock``); a writer that
waits past the lock timeout, or loses a deadlock or serialization race, is told the room
is busy, as on SQLite.
After a write session commits, each event it changed is handed to ``on_change`` so the
live layer can tell the screens (principle 3: publish after commit).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, ExceptionContext, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.i18n import N_
from app.models import Event
from app.services.errors import DomainError

ChangeListener = Callable[[int, int], None]

# How long a writer waits for the one before it before the room is "busy".
BUSY_TIMEOUT_MS = 10_000

# lock_not_available (the lock timeout), deadlock_detected, serialization_failure: the
# transaction lost a race and was rolled back; trying again may well succeed.
POSTGRESQL_BUSY_STATES = frozenset({"55P03", "40P01", "40001"})


def make_engine(url: str) -> Engine:
    """An engine for ``url``: a SQLite file or a PostgreSQL database."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        return _postgresql_engine(url)
    if backend != "sqlite":
        raise ValueError(f"Palabra runs on SQLite or PostgreSQL, not {backend}")

    if parsed.database and parsed.database != ":memory:":
        from pathlib import Path

        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        # Up to the 40 threads of the server's pool hold a connection at once; keep that
        # many open, since a fresh SQLite connection starts with a cold cache.
        pool_size=40,
        max_overflow=60,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, say when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    # Writers of this process queue on a lock of their own before BEGIN IMMEDIATE: a waiting
    # writer is woken the moment the lock is free, instead of polling SQLite's busy handler.
    writer_lock = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if not connection.get_execution_options().get("sqlite_immediate", False):
            connection.exec_driver_sql("BEGIN")
            return
        if not writer_lock.acquire(timeout=BUSY_TIMEOUT_MS / 1000):
            raise DatabaseBusy()
        connection.info[_HOLDS_WRITER_LOCK] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as error:
            # Another process (a command-line agenda load) held the file past the timeout.
            _release(connection.info, writer_lock)
            if "locked" in str(error.orig):
                raise DatabaseBusy() from error
            raise
        except BaseException:
            _release(connection.info, writer_lock)
            raise

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(connection: Any) -> None:
        if not connection.invalidated:  # an invalidated one is released at checkin
            _release(connection.info, writer_lock)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        # Whatever happened, a connection back in the pool holds no lock.
        _release(record.info, writer_lock)

    return engine


def _postgresql_engine(url: str) -> Engine:
    engine = create_engine(
        url,
        # A connection the server dropped (a restart) is replaced before it is handed out.
        pool_pre_ping=True,
        # Two cores run a handful of queries at once: keep ten connections open, and let a
        # burst borrow one for each of the server's 40 threads and its event loop; 50 at
        # most per process, half of PostgreSQL's default 100 connections.
        pool_size=10,
        max_overflow=40,
        connect_args={"options": f"-c lock_timeout={BUSY_TIMEOUT_MS}"},
    )

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        if getattr(context.original_exception, "sqlstate", None) in POSTGRESQL_BUSY_STATES:
            raise DatabaseBusy() from context.original_exception

    return engine


_HOLDS_WRITER_LOCK = "palabra_holds_writer_lock"


def _release(info: dict[str, Any], lock: threading.Lock) -> None:
    if info.pop(_HOLDS_WRITER_LOCK, False):
        lock.release()


class DatabaseBusy(DomainError):
    """A writer queued past the busy timeout, or lost a race for a lock: say so, not fail."""

    status_code = 503
    message = N_("The room is very busy right now. Please try again in a moment.")


class Database:
    """Hands out read sessions and write sessions on one engine."""

    def __init__(self, url: str, *, on_change: ChangeListener | None = None) -> None:
        self.engine = make_engine(url)
        self.on_change = on_change
        writer = self.engine.execution_options(sqlite_immediate=True)
        # A read of the room is one snapshot: SQLite's read transactions are; PostgreSQL's
        # are at REPEATABLE READ, not READ COMMITTED, where each statement sees the latest.
        reader = (
            self.engine.execution_options(isolation_level="REPEATABLE READ")
            if self.engine.dialect.name == "postgresql"
            else self.engine
        )
        self._read = sessionmaker(reader, expire_on_commit=False)
        self._write = sessionmaker(writer, expire_on_commit=False)
        event.listen(self._write, "after_commit", self._after_commit)
        event.listen(self._write, "after_rollback", _forget_changes)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._read() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        with self._write() as session:
            yield session

    def _after_commit(self, session: Session) -> None:
        changed: dict[int, int] = session.info.pop("changed", {})
        if self.on_change is not None:
            for event_id, version in changed.items():
                self.on_change(event_id, version)

    def dispose(self) -> None:
        self.engine.dispose()


def _forget_changes(session: Session) -> None:
    session.info.pop("changed", None)


def record_change(db: Session, event: Event) -> None:
    """Bump the event's version; the change is published once the transaction commits."""
    event.version += 1
    db.info.setdefault("changed", {})[event.id] = event.version
