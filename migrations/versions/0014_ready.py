"""A floor request's ready_at: the participant, told they are next, said they are ready.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 21:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("floor_requests") as batch:
        batch.add_column(sa.Column("ready_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("floor_requests") as batch:
        batch.drop_column("ready_at")
