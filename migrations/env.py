"""Alembic environment: the URL comes from Palabra's settings, the schema from its models."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from app.config import get_settings
from app.db import make_engine
from app.models import Base

config = context.config
target_metadata = Base.metadata

# Any fixed number: PostgreSQL's advisory lock that lets one process migrate at a time.
MIGRATION_LOCK = 0x70616C61


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Two processes starting at once (workers, containers) migrate one after the other.
            # As long as the other's migration takes: not the writers' lock timeout.
            connection.execute(text("SET LOCAL lock_timeout = 0"))
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            run_migrations(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Palabra runs migrations online only: python -m app migrate")
run_migrations_online()
