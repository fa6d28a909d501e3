"""Agenda languages: the languages an agenda is written in, its working translations, and
the words it names its segments and topics with.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 15:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("languages", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(
            sa.Column("working_translations", sa.JSON(), nullable=False, server_default="[]")
        )
        batch.add_column(
            sa.Column("segment_word", sa.String(length=60), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("topic_word", sa.String(length=60), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        for column in ("topic_word", "segment_word", "working_translations", "languages"):
            batch.drop_column(column)
