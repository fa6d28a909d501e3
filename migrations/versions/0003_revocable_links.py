"""Revocable links: the projector's token and the join code's generation live in the event.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 23:15:00.000000
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("join_generation", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("projector_token", sa.String(length=64), nullable=True))
    events = sa.table("events", sa.column("id", sa.Integer), sa.column("projector_token"))
    connection = op.get_bind()
    for (event_id,) in connection.execute(sa.select(events.c.id)):
        connection.execute(
            events.update()
            .where(events.c.id == event_id)
            .values(projector_token=secrets.token_urlsafe(24))
        )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.alter_column("projector_token", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("join_generation", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("projector_token")
        batch_op.drop_column("join_generation")
