"""Which database the tests run on: ``PALABRA_TEST_DATABASE_URL``, or SQLite when unset."""

from __future__ import annotations

import os

import pytest
from sqlalchemy.engine import make_url

TEST_DATABASE_URL = os.environ.get("PALABRA_TEST_DATABASE_URL", "")
ON_POSTGRESQL = bool(TEST_DATABASE_URL)

if ON_POSTGRESQL and make_url(TEST_DATABASE_URL).get_backend_name() != "postgresql":
    raise pytest.UsageError(
        "PALABRA_TEST_DATABASE_URL must be a postgresql+psycopg:// URL (unset, tests use SQLite)"
    )


def sqlite_only(reason: str) -> pytest.MarkDecorator:
    """Skip on PostgreSQL a test of SQLite's own machinery."""
    return pytest.mark.skipif(ON_POSTGRESQL, reason=f"SQLite only: {reason}")


def postgresql_only(reason: str) -> pytest.MarkDecorator:
    """Skip on SQLite a test of PostgreSQL's own machinery."""
    return pytest.mark.skipif(not ON_POSTGRESQL, reason=f"PostgreSQL only: {reason}")
