"""The record of the floor: every turn given, its questions and the pauses of its clock.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("floor_request_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "intervention",
                "good_practice",
                "point_of_order",
                "reply",
                name="turnkind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("spoken_ms", sa.BigInteger(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("summary_at", sa.DateTime(), nullable=True),
        sa.Column("record_summary", sa.Text(), nullable=False),
        sa.Column("record_summary_by", sa.String(length=200), nullable=False),
        sa.Column("record_summary_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "ended_at IS NULL OR ended_at >= started_at", name=op.f("ck_turns_ends_after_start")
        ),
        sa.CheckConstraint("spoken_ms >= 0", name=op.f("ck_turns_spoken_not_negative")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_turns_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["floor_request_id"],
            ["floor_requests.id"],
            name=op.f("fk_turns_floor_request_id_floor_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_turns_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segments.id"],
            name=op.f("fk_turns_segment_id_segments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["topics.id"], name=op.f("fk_turns_topic_id_topics"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turns")),
        sa.UniqueConstraint("floor_request_id", name=op.f("uq_turns_floor_request_id")),
    )
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.create_index("ix_turns_event_started", ["event_id", "started_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_turns_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_turns_topic_id"), ["topic_id"], unique=False)
        batch_op.create_index(
            "uq_turns_one_open_per_event",
            ["event_id"],
            unique=True,
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        )

    op.create_table(
        "turn_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("turn_id", sa.Integer(), nullable=False),
        sa.Column("paused_at", sa.DateTime(), nullable=False),
        sa.Column("resumed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "resumed_at IS NULL OR resumed_at >= paused_at",
            name=op.f("ck_turn_pauses_resumes_after_pause"),
        ),
        sa.ForeignKeyConstraint(
            ["turn_id"], ["turns.id"], name=op.f("fk_turn_pauses_turn_id_turns"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_turn_pauses")),
    )
    with op.batch_alter_table("turn_pauses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_turn_pauses_turn_id"), ["turn_id"], unique=False)

    op.create_table(
        "turn_questions",
        sa.Column("turn_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["guiding_questions.id"],
            name=op.f("fk_turn_questions_question_id_guiding_questions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["turn_id"],
            ["turns.id"],
            name=op.f("fk_turn_questions_turn_id_turns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("turn_id", "question_id", name=op.f("pk_turn_questions")),
    )


def downgrade() -> None:
    op.drop_table("turn_questions")
    with op.batch_alter_table("turn_pauses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_turn_pauses_turn_id"))

    op.drop_table("turn_pauses")
    with op.batch_alter_table("turns", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_turns_one_open_per_event",
            sqlite_where=sa.text("ended_at IS NULL"),
            postgresql_where=sa.text("ended_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_turns_topic_id"))
        batch_op.drop_index(batch_op.f("ix_turns_participant_id"))
        batch_op.drop_index("ix_turns_event_started")

    op.drop_table("turns")
