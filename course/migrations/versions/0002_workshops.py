"""Live workshops (issue 5): workshops, participants, their pooled answers, reveals.

Store schema 4.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.String))


def _set_schema_version(value: str) -> None:
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value=value))


def upgrade() -> None:
    op.create_table(
        "workshops",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("closed_at", sa.String(32), nullable=True),
    )
    op.create_table(
        "workshop_participants",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("workshop_id", sa.String(36), sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False),
        sa.Column("pseudonym", sa.String(40), nullable=False),
        sa.Column("joined_at", sa.String(32), nullable=False),
        sa.Column("last_seen_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "workshop_answers",
        sa.Column(
            "participant_id",
            sa.String(36),
            sa.ForeignKey("workshop_participants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("item", sa.String(120), primary_key=True),
        sa.Column("workshop_id", sa.String(36), sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("answered_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_workshop_answers_workshop_id", "workshop_answers", ["workshop_id"])
    op.create_table(
        "workshop_reveals",
        sa.Column("workshop_id", sa.String(36), sa.ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("item", sa.String(120), primary_key=True),
        sa.Column("revealed_at", sa.String(32), nullable=False),
    )
    _set_schema_version("4")


def downgrade() -> None:
    op.drop_table("workshop_reveals")
    op.drop_index("ix_workshop_answers_workshop_id", table_name="workshop_answers")
    op.drop_table("workshop_answers")
    op.drop_table("workshop_participants")
    op.drop_table("workshops")
    _set_schema_version("3")
