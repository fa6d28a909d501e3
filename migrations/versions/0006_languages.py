"""Languages: translations of every agenda text, and the projector's languages.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 14:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRANSLATED = ("events", "segments", "topics", "guiding_questions", "actor_types", "focus_groups")


def upgrade() -> None:
    for table in TRANSLATED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("translations", sa.JSON(), nullable=False, server_default="{}")
            )
    with op.batch_alter_table("events") as batch:
        batch.add_column(
            sa.Column("projector_languages", sa.JSON(), nullable=False, server_default="[]")
        )


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("projector_languages")
    for table in TRANSLATED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("translations")
