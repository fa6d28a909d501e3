"""Initial schema: events, agenda, participants, floor requests and the countdown.

Revision ID: 0001
Revises:
Create Date: 2026-11-27 21:30:58.935590
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("theme", sa.String(length=300), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("organisers", sa.JSON(), nullable=False),
        sa.Column("objective", sa.Text(), nullable=False),
        sa.Column("speaking_seconds", sa.Integer(), nullable=False),
        sa.Column("join_code", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("join_code", name=op.f("uq_events_join_code")),
        sa.UniqueConstraint("slug", name=op.f("uq_events_slug")),
    )
    op.create_table(
        "actor_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_actor_types_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actor_types")),
    )
    with op.batch_alter_table("actor_types", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actor_types_event_id"), ["event_id"], unique=False)

    op.create_table(
        "countdowns",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("allotted_ms", sa.Integer(), nullable=False),
        sa.Column("remaining_ms", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_countdowns_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_countdowns")),
    )
    op.create_table(
        "focus_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_focus_groups_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_focus_groups")),
    )
    with op.batch_alter_table("focus_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_focus_groups_event_id"), ["event_id"], unique=False)

    op.create_table(
        "segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("framing", sa.Text(), nullable=False),
        sa.Column("speaking_seconds", sa.Integer(), nullable=True),
        sa.Column(
            "stage",
            sa.Enum("pending", "open", "closed", name="stage", native_enum=False, length=10),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_segments_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segments")),
    )
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_segments_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            "uq_segments_open_per_event",
            ["event_id"],
            unique=True,
            sqlite_where=sa.text("stage = 'open'"),
            postgresql_where=sa.text("stage = 'open'"),
        )

    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("actor_type_id", sa.Integer(), nullable=True),
        sa.Column("country", sa.String(length=100), nullable=False),
        sa.Column("from_the_room", sa.Boolean(), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_type_id"],
            ["actor_types.id"],
            name=op.f("fk_participants_actor_type_id_actor_types"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_participants_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participants")),
    )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_participants_event_id"), ["event_id"], unique=False)

    op.create_table(
        "topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum("pending", "open", "closed", name="stage", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("list_open", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_topics_event_id_events"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["segments.id"],
            name=op.f("fk_topics_segment_id_segments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topics")),
    )
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_topics_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            "uq_topics_open_per_event",
            ["event_id"],
            unique=True,
            sqlite_where=sa.text("stage = 'open'"),
            postgresql_where=sa.text("stage = 'open'"),
        )

    op.create_table(
        "floor_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
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
        sa.Column(
            "status",
            sa.Enum(
                "waiting",
                "speaking",
                "done",
                "withdrawn",
                "skipped",
                "removed",
                name="turnstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("called_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("summary_updated_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_floor_requests_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_floor_requests_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_floor_requests_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_floor_requests")),
    )
    with op.batch_alter_table("floor_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_floor_requests_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(
            "ix_floor_requests_topic_status", ["topic_id", "status", "position"], unique=False
        )
        batch_op.create_index(
            "uq_floor_requests_active_per_participant",
            ["topic_id", "participant_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('waiting', 'speaking')"),
            postgresql_where=sa.text("status IN ('waiting', 'speaking')"),
        )
        batch_op.create_index(
            "uq_floor_requests_one_speaker_per_event",
            ["event_id"],
            unique=True,
            sqlite_where=sa.text("status = 'speaking'"),
            postgresql_where=sa.text("status = 'speaking'"),
        )

    op.create_table(
        "guiding_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_guiding_questions_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guiding_questions")),
    )
    with op.batch_alter_table("guiding_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_guiding_questions_topic_id"), ["topic_id"], unique=False
        )

    op.create_table(
        "floor_request_questions",
        sa.Column("floor_request_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["floor_request_id"],
            ["floor_requests.id"],
            name=op.f("fk_floor_request_questions_floor_request_id_floor_requests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["guiding_questions.id"],
            name=op.f("fk_floor_request_questions_question_id_guiding_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "floor_request_id", "question_id", name=op.f("pk_floor_request_questions")
        ),
    )


def downgrade() -> None:
    op.drop_table("floor_request_questions")
    with op.batch_alter_table("guiding_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guiding_questions_topic_id"))

    op.drop_table("guiding_questions")
    with op.batch_alter_table("floor_requests", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_floor_requests_one_speaker_per_event",
            sqlite_where=sa.text("status = 'speaking'"),
            postgresql_where=sa.text("status = 'speaking'"),
        )
        batch_op.drop_index(
            "uq_floor_requests_active_per_participant",
            sqlite_where=sa.text("status IN ('waiting', 'speaking')"),
            postgresql_where=sa.text("status IN ('waiting', 'speaking')"),
        )
        batch_op.drop_index("ix_floor_requests_topic_status")
        batch_op.drop_index(batch_op.f("ix_floor_requests_participant_id"))

    op.drop_table("floor_requests")
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_topics_open_per_event",
            sqlite_where=sa.text("stage = 'open'"),
            postgresql_where=sa.text("stage = 'open'"),
        )
        batch_op.drop_index(batch_op.f("ix_topics_event_id"))

    op.drop_table("topics")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participants_event_id"))

    op.drop_table("participants")
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_segments_open_per_event",
            sqlite_where=sa.text("stage = 'open'"),
            postgresql_where=sa.text("stage = 'open'"),
        )
        batch_op.drop_index(batch_op.f("ix_segments_event_id"))

    op.drop_table("segments")
    with op.batch_alter_table("focus_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_focus_groups_event_id"))

    op.drop_table("focus_groups")
    op.drop_table("countdowns")
    with op.batch_alter_table("actor_types", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actor_types_event_id"))

    op.drop_table("actor_types")
    op.drop_table("events")
