"""The response store: every answer, saved the moment it is given.

One small interface over SQLAlchemy Core. The default is a SQLite file (WAL journal, so
many Voila kernels on one server can read and write at once); any SQLAlchemy URL works,
PostgreSQL included, for deployments that outgrow one machine.

Nothing here logs what people type.
"""

from __future__ import annotations

import json
import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from course import settings
from course.scoring import FIELDS, Answer, check_field

SCHEMA_VERSION = 3  # 2: quiz rounds and answers; 3: case study drafts
MAX_SERVICE_NAME = 120

metadata = sa.MetaData()

meta_table = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(256), nullable=False),
)

services_table = sa.Table(
    "services",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("slug", sa.String(140), nullable=False, unique=True),
    sa.Column("name", sa.String(MAX_SERVICE_NAME), nullable=False, unique=True),
    sa.Column("planner_version", sa.String(32), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
)

answers_table = sa.Table(
    "answers",
    metadata,
    sa.Column("service_id", sa.Integer, sa.ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("statement_id", sa.String(16), primary_key=True),
    sa.Column("score", sa.SmallInteger, nullable=True),
    sa.Column("evidence", sa.Text, nullable=False, default=""),
    sa.Column("qa_score", sa.SmallInteger, nullable=True),
    sa.Column("qa_note", sa.Text, nullable=False, default=""),
    sa.Column("updated_at", sa.String(32), nullable=False),
)


quiz_rounds_table = sa.Table(
    "quiz_rounds",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("context", sa.String(64), nullable=False),  # "four-cs-quiz" or a planner section id
    sa.Column("service_id", sa.Integer, sa.ForeignKey("services.id", ondelete="SET NULL"), nullable=True),
    sa.Column("seed", sa.BigInteger, nullable=True),
    sa.Column("item_ids", sa.Text, nullable=False),  # space-separated, in the order shown
    sa.Column("bank_version", sa.String(32), nullable=False),
    sa.Column("started_at", sa.String(32), nullable=False),
)

quiz_answers_table = sa.Table(
    "quiz_answers",
    metadata,
    sa.Column("round_id", sa.String(36), sa.ForeignKey("quiz_rounds.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("item_id", sa.String(80), primary_key=True),
    sa.Column("chosen", sa.String(64), nullable=False),  # space-separated category ids
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("answered_at", sa.String(32), nullable=False),
)


# Answers to a case study while they are being written, before (and after) submission:
# one row per learner, case and question. `value` is JSON text (a list of option ids, one
# option id or null, or the typed text).
case_drafts_table = sa.Table(
    "case_drafts",
    metadata,
    sa.Column("learner", sa.String(64), primary_key=True),
    sa.Column("case_id", sa.String(80), primary_key=True),
    sa.Column("question_id", sa.String(80), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)


class StoreError(RuntimeError):
    """The store cannot be used (for example, it was written by a newer version)."""


@dataclass(frozen=True)
class Service:
    id: int
    slug: str
    name: str
    planner_version: str
    created_at: str


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def clean_service_name(name: object) -> str:
    """A service name with its white space tidied; raises ValueError if unusable."""
    if not isinstance(name, str):
        raise ValueError("The service name must be text.")
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ValueError("Type a name for the service, for example \u201cRiverside CAMHS\u201d.")
    if len(cleaned) > MAX_SERVICE_NAME:
        raise ValueError(f"A service name can be at most {MAX_SERVICE_NAME} characters.")
    if any(unicodedata.category(ch).startswith("C") for ch in cleaned):
        raise ValueError("The service name contains characters that cannot be shown.")
    return cleaned


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:60].strip("-") or "service"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    import sqlite3
    import time

    cursor = dbapi_connection.cursor()
    # Turning a new file to WAL fails at once with "database is locked", without waiting for
    # busy_timeout, while another process is creating the same file: try again for a while.
    for attempt in range(200):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 199:
                raise
            time.sleep(0.05)
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        database = sa.engine.make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


class Store:
    """Services and their answers."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or settings.database_url()
        self.engine = make_engine(self.url)
        self._prepare()

    def _prepare(self) -> None:
        # Several kernels may open a new store at the same moment: one then finds a table, or
        # the schema version, just created by another. Looking again settles it; each such
        # failure means one more table, index or row now exists, so this many attempts suffice.
        attempts = sum(1 + len(table.indexes) for table in metadata.tables.values()) + 2
        for attempt in range(attempts):
            try:
                return self._create_and_check()
            except sa.exc.DBAPIError as exc:
                racing = isinstance(exc, sa.exc.IntegrityError) or "already exists" in str(exc.orig)
                if not racing or attempt == attempts - 1:
                    raise

    def _create_and_check(self) -> None:
        metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            found = conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")).scalar()
            if found is None:
                conn.execute(sa.insert(meta_table).values(key="schema_version", value=str(SCHEMA_VERSION)))
            elif int(found) < SCHEMA_VERSION:
                # Every change so far only adds tables, which create_all has just made.
                conn.execute(
                    sa.update(meta_table).where(meta_table.c.key == "schema_version").values(value=str(SCHEMA_VERSION))
                )
            elif int(found) > SCHEMA_VERSION:
                raise StoreError(
                    f"This store was written by a newer version of Online Lives (store schema {found}, "
                    f"this version understands {SCHEMA_VERSION}). Update the course before using it."
                )

    def close(self) -> None:
        self.engine.dispose()

    # --- services -------------------------------------------------------------------------

    def services(self) -> list[Service]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(services_table).order_by(services_table.c.name)).all()
        return [Service(**row._mapping) for row in rows]

    def service(self, slug: str) -> Service | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(services_table).where(services_table.c.slug == slug)).first()
        return Service(**row._mapping) if row else None

    def service_by_name(self, name: str) -> Service | None:
        cleaned = clean_service_name(name)
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(services_table)).all()
        for row in rows:
            if row.name.casefold() == cleaned.casefold():
                return Service(**row._mapping)
        return None

    def create_service(self, name: str, planner_version: str) -> Service:
        """Create a service, or return the existing one of that name (case-insensitive)."""
        cleaned = clean_service_name(name)
        existing = self.service_by_name(cleaned)
        if existing:
            return existing
        base = slugify(cleaned)
        for _attempt in range(5):
            try:
                with self.engine.begin() as conn:
                    taken = set(conn.execute(sa.select(services_table.c.slug)).scalars())
                    slug, n = base, 2
                    while slug in taken:
                        slug, n = f"{base}-{n}", n + 1
                    conn.execute(
                        sa.insert(services_table).values(
                            slug=slug, name=cleaned, planner_version=planner_version, created_at=now()
                        )
                    )
            except sa.exc.IntegrityError:
                # Someone else created this name, or took this slug, a moment ago.
                existing = self.service_by_name(cleaned)
                if existing:
                    return existing
                continue
            service = self.service(slug)
            assert service is not None
            return service
        raise StoreError(f"Could not add the service {cleaned!r}: the store is very busy. Try again.")

    # --- answers --------------------------------------------------------------------------

    def answers(self, service_id: int) -> dict[str, Answer]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(answers_table).where(answers_table.c.service_id == service_id)).all()
        return {
            row.statement_id: Answer(
                statement_id=row.statement_id,
                score=row.score,
                evidence=row.evidence,
                qa_score=row.qa_score,
                qa_note=row.qa_note,
                updated_at=row.updated_at,
            )
            for row in rows
        }

    def save(self, service_id: int, statement_id: str, **fields: object) -> None:
        """Write one or more fields of one answer at once (an upsert)."""
        if not fields:
            return
        values = {name: check_field(name, value) for name, value in fields.items()}
        values["updated_at"] = now()
        with self.engine.begin() as conn:
            self._upsert(conn, service_id, statement_id, values)

    def _upsert(self, conn: sa.Connection, service_id: int, statement_id: str, values: dict[str, object]) -> None:
        _upsert_row(conn, answers_table, {"service_id": service_id, "statement_id": statement_id}, values)

    def replace_answers(self, service_id: int, answers: Iterable[Answer]) -> int:
        """Replace every stored answer of a service in one transaction; returns the count."""
        rows = []
        for answer in answers:
            row = {name: check_field(name, getattr(answer, name)) for name in FIELDS}
            row.update(service_id=service_id, statement_id=answer.statement_id, updated_at=answer.updated_at or now())
            rows.append(row)
        with self.engine.begin() as conn:
            conn.execute(sa.delete(answers_table).where(answers_table.c.service_id == service_id))
            if rows:
                conn.execute(sa.insert(answers_table), rows)
        return len(rows)

    def count_answers(self, service_id: int) -> int:
        return sum(1 for a in self.answers(service_id).values() if not a.is_empty)

    # --- case study drafts ------------------------------------------------------------------

    def save_case_draft(self, learner: str, case_id: str, question_id: str, value: object) -> None:
        """Save one answer in progress (JSON-encoded), replacing any earlier one."""
        keys = {
            "learner": _key(learner, "learner", 64),
            "case_id": _key(case_id, "case_id", 80),
            "question_id": _key(question_id, "question_id", 80),
        }
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"a case draft must be JSON data, not {type(value).__name__}") from exc
        with self.engine.begin() as conn:
            _upsert_row(conn, case_drafts_table, keys, {"value": text, "updated_at": now()})

    def case_drafts(self, learner: str, case_id: str) -> dict[str, object]:
        """One learner's answers in progress to one case, by question id."""
        table = case_drafts_table
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(table.c.question_id, table.c.value).where(
                    table.c.learner == learner, table.c.case_id == case_id
                )
            ).all()
        return {row.question_id: json.loads(row.value) for row in rows}

    # --- quiz -----------------------------------------------------------------------------

    def start_quiz_round(
        self,
        context: str,
        item_ids: list[str],
        bank_version: str,
        service_id: int | None = None,
        seed: int | None = None,
    ) -> str:
        """Record a new round of quiz items as shown; returns its id."""
        round_id = str(uuid.uuid4())
        with self.engine.begin() as conn:
            conn.execute(
                sa.insert(quiz_rounds_table).values(
                    id=round_id,
                    context=context,
                    service_id=service_id,
                    seed=seed,
                    item_ids=" ".join(item_ids),
                    bank_version=bank_version,
                    started_at=now(),
                )
            )
        return round_id

    def record_quiz_answer(self, round_id: str, item_id: str, chosen: Iterable[str], score: float) -> None:
        """Save one answer the moment it is given (a second answer to the item replaces it)."""
        values = {"chosen": " ".join(sorted(chosen)), "score": float(score), "answered_at": now()}
        with self.engine.begin() as conn:
            updated = conn.execute(
                sa.update(quiz_answers_table)
                .where(quiz_answers_table.c.round_id == round_id, quiz_answers_table.c.item_id == item_id)
                .values(**values)
            )
            if updated.rowcount == 0:
                conn.execute(sa.insert(quiz_answers_table).values(round_id=round_id, item_id=item_id, **values))

    def quiz_answers(self, context: str | None = None, round_ids: Iterable[str] | None = None) -> list[dict]:
        """Stored quiz answers, oldest first, optionally for one context or some rounds."""
        query = sa.select(
            quiz_answers_table.c.round_id,
            quiz_answers_table.c.item_id,
            quiz_answers_table.c.chosen,
            quiz_answers_table.c.score,
            quiz_answers_table.c.answered_at,
            quiz_rounds_table.c.context,
        ).join(quiz_rounds_table, quiz_rounds_table.c.id == quiz_answers_table.c.round_id)
        if context is not None:
            query = query.where(quiz_rounds_table.c.context == context)
        if round_ids is not None:
            query = query.where(quiz_answers_table.c.round_id.in_(list(round_ids)))
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(quiz_answers_table.c.answered_at)).all()
        return [dict(row._mapping) for row in rows]


def _key(value: object, name: str, limit: int) -> str:
    if not isinstance(value, str) or not value or len(value) > limit:
        raise ValueError(f"{name} must be text of 1 to {limit} characters")
    return value


def _upsert_row(conn: sa.Connection, table: sa.Table, keys: dict[str, object], values: dict[str, object]) -> None:
    """Insert a row, or update the one with these primary-key values."""
    dialect = conn.dialect.name
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        statement = insert(table).values(**keys, **values)
        statement = statement.on_conflict_do_update(index_elements=list(keys), set_=values)
        conn.execute(statement)
        return
    updated = conn.execute(
        sa.update(table).where(*(table.c[name] == value for name, value in keys.items())).values(**values)
    )
    if updated.rowcount == 0:
        conn.execute(sa.insert(table).values(**keys, **values))
