"""Each test gets a freshly migrated database of its own.

On SQLite (the default) it is a copy of one file migrated once per run. With
``PALABRA_TEST_DATABASE_URL=postgresql+psycopg://…`` it is one PostgreSQL database made and
migrated once per run, and emptied after each test: far quicker than a database per test.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import Database
from app.main import create_app
from app.migrate import upgrade
from tests.databases import ON_POSTGRESQL, TEST_DATABASE_URL
from tests.tokens import with_token

SECRET = "a-test-secret-key-that-is-long-enough-1234"


class PostgresDatabase:
    """This run's database on the server of ``server_url``: migrated once, emptied per test."""

    def __init__(self, server_url: str) -> None:
        server = make_url(server_url)
        self.name = f"palabra_test_{os.getpid()}"  # runs side by side do not meet
        self.url = server.set(database=self.name).render_as_string(hide_password=False)
        # CREATE and DROP DATABASE run outside a transaction, on the database of the URL.
        self.server = create_engine(
            server, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
        )
        self.engine = create_engine(self.url, pool_size=1, max_overflow=0, pool_pre_ping=True)
        self.emptying = ""

    def create(self) -> None:
        self._on_server(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self._on_server(f'CREATE DATABASE "{self.name}"')
        upgrade(self.url)
        schema = MetaData()
        schema.reflect(self.engine)
        tables = [t for t in reversed(schema.sorted_tables) if t.name != "alembic_version"]
        with self.engine.connect() as connection:
            rows = {t.name: connection.scalar(select(func.count()).select_from(t)) for t in tables}
            if any(rows.values()):
                raise RuntimeError(f"migrations put rows in {rows}: emptying would lose them")
            sequences = connection.scalars(
                text("SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")
            )
            statements = [f'DELETE FROM "{t.name}"' for t in tables]
            statements += [f'ALTER SEQUENCE "{name}" RESTART' for name in sequences]
        self.emptying = "; ".join(statements)

    def empty(self) -> None:
        """Back to just migrated: no rows, ids from 1 again."""
        with self.engine.begin() as connection:
            # As DROP DATABASE ... WITH (FORCE) would: nothing a test left open outlives it.
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            connection.exec_driver_sql(self.emptying)

    def drop(self) -> None:
        self.engine.dispose()
        self._on_server(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.server.dispose()

    def _on_server(self, statement: str) -> None:
        with self.server.connect() as connection:
            connection.execute(text(statement))


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabase]:
    database = PostgresDatabase(TEST_DATABASE_URL)
    try:
        database.create()
    except OperationalError as error:
        pytest.exit(
            f"PostgreSQL is not reachable at {TEST_DATABASE_URL}: {error.orig}",
            pytest.ExitCode.USAGE_ERROR,
        )
    yield database
    database.drop()


@pytest.fixture(scope="session")
def migrated_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "palabra.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if ON_POSTGRESQL:
        postgres: PostgresDatabase = request.getfixturevalue("postgres")
        yield postgres.url
        postgres.empty()
        return
    migrated_file: Path = request.getfixturevalue("migrated_file")
    path = tmp_path / "palabra.db"
    shutil.copyfile(migrated_file, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def db(database: Database) -> Iterator[Session]:
    with database.writing() as session:
        yield session


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        secret_key=SECRET,
        public_url="http://testserver",
        # Every test client comes from one address; limits have tests of their own.
        rate_join_per_address="100000/minute",
        rate_failed_join_per_address="100000/minute",
        rate_floor_per_address="100000/minute",
        rate_floor_per_device="100000/minute",
        rate_login_per_address="100000/minute",
        rate_login_per_account="100000/minute",
        rate_login_per_account_everywhere="100000/minute",
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield with_token(client)
