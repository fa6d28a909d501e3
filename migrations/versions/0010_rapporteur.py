"""The rapporteur: an account's role, and the tags the record notes on a turn.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        # Every account so far drove the floor.
        batch_op.add_column(
            sa.Column(
                "role",
                sa.Enum(
                    "facilitator",
                    "rapporteur",
                    "both",
                    name="role",
                    native_enum=False,
                    length=20,
                ),
                nullable=False,
                server_default="facilitator",
            )
        )
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.alter_column("role", server_default=None)

    op.create_table(
        "turn_tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "good_practice",
                "commitment",
                "focus_group",
                name="tagkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("country", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("by_whom", sa.String(length=200), nullable=False),
        sa.Column("pledge", sa.String(length=40), nullable=False),
        sa.Column("focus_group_id", sa.Integer(), nullable=True),
        sa.Column("tagged_by", sa.String(length=200), nullable=False),
        sa.Column("tagged_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(kind = 'focus_group') = (focus_group_id IS NOT NULL)",
            name=op.f("ck_turn_tags_focus_group_named"),
        ),
        sa.ForeignKeyConstraint(
            ["focus_group_id"],
            ["focus_groups.id"],
            name=op.f("fk_turn_tags_focus_group_id_focus_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["turn_id"], ["turns.id"], name=op.f("fk_turn_tags_turn_id_turns"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turn_tags")),
        sa.UniqueConstraint("turn_id", "focus_group_id", name=op.f("uq_turn_tags_turn_id")),
    )
    with op.batch_alter_table("turn_tags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_turn_tags_turn_id"), ["turn_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("turn_tags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_turn_tags_turn_id"))
    op.drop_table("turn_tags")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("role")
