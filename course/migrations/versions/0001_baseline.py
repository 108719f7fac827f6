"""Baseline: the store as it was at store schema 3, before Alembic.

meta, services and answers (schema 1), the quiz's rounds and answers (schema 2) and case
study drafts (schema 3). A store made before Alembic is brought to this point by
`course.store`, then stamped with this revision.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA_VERSION = "3"


def upgrade() -> None:
    meta = op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(256), nullable=False),
    )
    op.create_table(
        "services",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("slug", sa.String(140), nullable=False, unique=True),
        sa.Column("name", sa.String(120), nullable=False, unique=True),
        sa.Column("planner_version", sa.String(32), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "answers",
        sa.Column("service_id", sa.Integer, sa.ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("statement_id", sa.String(16), primary_key=True),
        sa.Column("score", sa.SmallInteger, nullable=True),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("qa_score", sa.SmallInteger, nullable=True),
        sa.Column("qa_note", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "quiz_rounds",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("context", sa.String(64), nullable=False),
        sa.Column("service_id", sa.Integer, sa.ForeignKey("services.id", ondelete="SET NULL"), nullable=True),
        sa.Column("seed", sa.BigInteger, nullable=True),
        sa.Column("item_ids", sa.Text, nullable=False),
        sa.Column("bank_version", sa.String(32), nullable=False),
        sa.Column("started_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "quiz_answers",
        sa.Column("round_id", sa.String(36), sa.ForeignKey("quiz_rounds.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("item_id", sa.String(80), primary_key=True),
        sa.Column("chosen", sa.String(64), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("answered_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "case_drafts",
        sa.Column("learner", sa.String(64), primary_key=True),
        sa.Column("case_id", sa.String(80), primary_key=True),
        sa.Column("question_id", sa.String(80), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.bulk_insert(meta, [{"key": "schema_version", "value": SCHEMA_VERSION}])


def downgrade() -> None:
    for table in ("case_drafts", "quiz_answers", "quiz_rounds", "answers", "services", "meta"):
        op.drop_table(table)
