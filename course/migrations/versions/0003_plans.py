"""From self-assessment to plan (issue 6): areas, rounds, carried-forward answers, action
plans, QA samples, the data log and learners' module completions.

Store schema 5. Every existing service gets its round 1, started when the service was made.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

meta = sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.String))


def _set_schema_version(value: str) -> None:
    op.execute(meta.update().where(meta.c.key == "schema_version").values(value=value))


def _add_column(table: str, column: sa.Column) -> None:
    """Add a column unless the table already has it: a store made before Alembic gains any
    baseline table it lacked from course/store.py's definition, new columns included."""
    existing = {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}
    if column.name not in existing:
        op.add_column(table, column)


def upgrade() -> None:
    _add_column("services", sa.Column("area", sa.String(120), nullable=False, server_default=""))
    _add_column("answers", sa.Column("carried_forward", sa.Boolean, nullable=False, server_default=sa.false()))
    _add_column("answers", sa.Column("review_note", sa.Text, nullable=False, server_default=""))
    _add_column("quiz_rounds", sa.Column("learner", sa.String(64), nullable=True))
    rounds = op.create_table(
        "rounds",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("service_id", sa.Integer, sa.ForeignKey("services.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("planner_version", sa.String(32), nullable=False),
        sa.Column("started_at", sa.String(32), nullable=False),
        sa.Column("closed_at", sa.String(32), nullable=True),
        sa.UniqueConstraint("service_id", "number", name="uq_rounds_service_number"),
    )
    op.create_table(
        "round_answers",
        sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("statement_id", sa.String(16), primary_key=True),
        sa.Column("statement_text", sa.Text, nullable=False),
        sa.Column("score", sa.SmallInteger, nullable=True),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("qa_score", sa.SmallInteger, nullable=True),
        sa.Column("qa_note", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "actions",
        sa.Column("service_id", sa.Integer, sa.ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("statement_id", sa.String(16), primary_key=True),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("owner", sa.String(120), nullable=False),
        sa.Column("deadline", sa.String(10), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "qa_samples",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("service_id", sa.Integer, sa.ForeignKey("services.id", ondelete="CASCADE"), nullable=False),
        sa.Column("round_number", sa.Integer, nullable=False),
        sa.Column("seed", sa.BigInteger, nullable=False),
        sa.Column("statement_ids", sa.Text, nullable=False),
        sa.Column("checker", sa.String(120), nullable=False, server_default=""),
        sa.Column("drawn_at", sa.String(32), nullable=False),
        sa.Column("completed_at", sa.String(32), nullable=True),
    )
    op.create_table(
        "data_log",
        sa.Column("service_id", sa.Integer, sa.ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("online_referrals", sa.Integer, nullable=False),
        sa.Column("content", sa.Integer, nullable=False),
        sa.Column("contact", sa.Integer, nullable=False),
        sa.Column("conduct", sa.Integer, nullable=False),
        sa.Column("commerce", sa.Integer, nullable=False),
        sa.Column("reason_for_referral", sa.Integer, nullable=False),
        sa.Column("found_later", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "module_completions",
        sa.Column("learner", sa.String(64), primary_key=True),
        sa.Column("module_id", sa.String(80), primary_key=True),
        sa.Column("completed_at", sa.String(32), nullable=False),
    )
    # Every service already in the store is in its first round, begun when it was added.
    services = sa.table("services", sa.column("id", sa.Integer), sa.column("planner_version"), sa.column("created_at"))
    bind = op.get_bind()
    existing = bind.execute(sa.select(services.c.id, services.c.planner_version, services.c.created_at)).all()
    if existing:
        op.bulk_insert(
            rounds,
            [
                {
                    "service_id": row.id,
                    "number": 1,
                    "planner_version": row.planner_version,
                    "started_at": row.created_at,
                }
                for row in existing
            ],
        )
    _set_schema_version("5")


def downgrade() -> None:
    for table in ("module_completions", "data_log", "qa_samples", "actions", "round_answers", "rounds"):
        op.drop_table(table)
    for table, column in (
        ("quiz_rounds", "learner"),
        ("answers", "review_note"),
        ("answers", "carried_forward"),
        ("services", "area"),
    ):
        _drop_column(table, column)
    _set_schema_version("4")


def _drop_column(table: str, column: str) -> None:
    """Drop a column in place. On SQLite (3.35 or newer) ALTER TABLE DROP COLUMN, not a batch
    copy: copying `services` would drop the old table, and with foreign keys on that deletes
    every answer by cascade."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    else:
        op.drop_column(table, column)
