"""Consent and retention: whether a participant's name may be published, whether the event's
public summary is published, and when the event was anonymised.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nobody who joined before was asked: their names stay out of published material.
    with op.batch_alter_table("participants") as batch:
        batch.add_column(
            sa.Column("publish_name", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("summary_published_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("anonymised_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("anonymised_at")
        batch.drop_column("summary_published_at")
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("publish_name")
