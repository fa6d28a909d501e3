"""The schedule: the event's time zone, planned time slots of segments and topics, the chair
of each segment, and the breaks.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 20:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(
            sa.Column("time_zone", sa.String(length=64), nullable=False, server_default="UTC")
        )
    with op.batch_alter_table("segments") as batch:
        batch.add_column(sa.Column("starts_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("ends_at", sa.DateTime(), nullable=True))
        batch.add_column(
            sa.Column("chair", sa.String(length=200), nullable=False, server_default="")
        )
    with op.batch_alter_table("topics") as batch:
        batch.add_column(sa.Column("starts_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("ends_at", sa.DateTime(), nullable=True))
    op.create_table(
        "breaks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_breaks_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breaks")),
    )
    op.create_index(op.f("ix_breaks_event_id"), "breaks", ["event_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_breaks_event_id"), table_name="breaks")
    op.drop_table("breaks")
    with op.batch_alter_table("topics") as batch:
        batch.drop_column("ends_at")
        batch.drop_column("starts_at")
    with op.batch_alter_table("segments") as batch:
        for column in ("chair", "ends_at", "starts_at"):
            batch.drop_column(column)
    with op.batch_alter_table("events") as batch:
        batch.drop_column("time_zone")
