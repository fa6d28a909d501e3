"""Each test gets its own migrated SQLite file, copied from one migrated once per run."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import Database
from app.main import create_app
from app.migrate import upgrade
from tests.tokens import with_token

SECRET = "a-test-secret-key-that-is-long-enough-1234"


@pytest.fixture(scope="session")
def migrated_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "palabra.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def database_url(migrated_file: Path, tmp_path: Path) -> str:
    path = tmp_path / "palabra.db"
    shutil.copyfile(migrated_file, path)
    return f"sqlite:///{path}"


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
        rate_floor_per_address="100000/minute",
        rate_floor_per_device="100000/minute",
        rate_login_per_address="100000/minute",
        rate_login_per_account="100000/minute",
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield with_token(client)
