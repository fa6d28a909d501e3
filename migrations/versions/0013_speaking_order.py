"""The order of the list of speakers as facts: the rule chosen, and the facilitator's moves.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 20:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RULE = sa.Enum(
    "arrival", "first_time", "alternation", name="orderrule", native_enum=False, length=20
)


def upgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("order_rule", RULE, nullable=False, server_default="arrival"))
    with op.batch_alter_table("segments") as batch:
        batch.add_column(sa.Column("order_rule", RULE, nullable=True))
    op.create_table(
        "floor_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("floor_request_id", sa.Integer(), nullable=False),
        sa.Column("ahead", sa.JSON(), nullable=False),
        sa.Column("moved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["floor_request_id"],
            ["floor_requests.id"],
            name=op.f("fk_floor_moves_floor_request_id_floor_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_floor_moves_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_floor_moves")),
    )
    op.create_index(op.f("ix_floor_moves_topic_id"), "floor_moves", ["topic_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_floor_moves_topic_id"), table_name="floor_moves")
    op.drop_table("floor_moves")
    with op.batch_alter_table("segments") as batch:
        batch.drop_column("order_rule")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("order_rule")
