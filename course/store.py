"""The response store: every answer, saved the moment it is given.

One small interface over SQLAlchemy Core. The default is a SQLite file (WAL journal, so
many Voila kernels on one server can read and write at once); any SQLAlchemy URL works,
PostgreSQL included, for deployments that outgrow one machine.

Nothing here logs what people type.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
import time
import unicodedata
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from course import settings
from course.scoring import FIELDS, Answer, check_field

# The store's schema is managed by Alembic (course/migrations). `meta.schema_version` still
# says which tables a store has, so that any version can refuse a newer store in plain words:
# 1: meta, services, answers; 2: quiz rounds and answers; 3: case study drafts (the Alembic
# baseline, revision 0001); 4: live workshops (revision 0002); 5: from self-assessment to plan
# (revision 0003): areas, rounds, carried-forward answers, action plans, QA samples, the data
# log and learners' module completions.
SCHEMA_VERSION = 5
SCHEMA_VERSIONS = {"0001": 3, "0002": 4, "0003": 5}  # Alembic revision -> meta.schema_version
BASELINE_REVISION = "0001"
MIGRATIONS = "course:migrations"
MAX_SERVICE_NAME = 120
MAX_AREA_NAME = 120

# How long a write keeps trying while the store is locked or unreachable, in seconds.
RETRY_SECONDS_SETTING = "ONLINE_LIVES_STORE_RETRY_SECONDS"
DEFAULT_RETRY_SECONDS = 30.0
UNREACHABLE_MESSAGE = (
    "The answers could not be saved: the store cannot be reached. Nothing was half-saved: "
    "try again in a minute, and if it keeps happening, tell whoever runs the course."
)

T = TypeVar("T")

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
    # The area (several services in one store, e.g. a local authority's agencies) this service
    # belongs to; "" for none. Services with the same area are compared with each other.
    sa.Column("area", sa.String(MAX_AREA_NAME), nullable=False, server_default=""),
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
    # A new round starts from the last round's answers: each is "carried forward" until someone
    # confirms or changes it. `review_note` says why a carried answer needs a fresh look (the
    # planner's wording of the statement changed); "" when it does not.
    sa.Column("carried_forward", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("review_note", sa.Text, nullable=False, server_default=""),
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
    # The learner who answered (for certificates), when the page knew one; else null.
    sa.Column("learner", sa.String(64), nullable=True),
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


# Live workshops (issue 5). A trainer's workshop has a short join code and a trainer token
# (only its SHA-256 is stored). Participants join with the code and an optional pseudonym;
# their answers are pooled by kind ("statement", "quiz", "case", "text") and item, one row
# per participant and item, the latest answer winning. `value` is JSON text. Reveals are
# the items whose right answer the trainer has shown to the room.
workshops_table = sa.Table(
    "workshops",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("code", sa.String(16), nullable=False, unique=True),
    sa.Column("title", sa.String(120), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.String(32), nullable=False),
    sa.Column("closed_at", sa.String(32), nullable=True),
)

workshop_participants_table = sa.Table(
    "workshop_participants",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("workshop_id", sa.String(36), sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False),
    sa.Column("pseudonym", sa.String(40), nullable=False, default=""),
    sa.Column("joined_at", sa.String(32), nullable=False),
    sa.Column("last_seen_at", sa.String(32), nullable=False),
)

workshop_answers_table = sa.Table(
    "workshop_answers",
    metadata,
    sa.Column(
        "participant_id",
        sa.String(36),
        sa.ForeignKey("workshop_participants.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("item", sa.String(120), primary_key=True),
    sa.Column(
        "workshop_id", sa.String(36), sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("answered_at", sa.String(32), nullable=False),
)

workshop_reveals_table = sa.Table(
    "workshop_reveals",
    metadata,
    sa.Column("workshop_id", sa.String(36), sa.ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("item", sa.String(120), primary_key=True),
    sa.Column("revealed_at", sa.String(32), nullable=False),
)


# --- From self-assessment to plan (issue 6, revision 0003) ---------------------------------

# A service's rounds of self-assessment. The current round's answers live in `answers`; when
# a new round starts, the current one is closed and its answers copied to `round_answers`,
# with the wording of each statement as it was (so a changed statement can be flagged).
rounds_table = sa.Table(
    "rounds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("service_id", sa.Integer, sa.ForeignKey("services.id", ondelete="CASCADE"), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("planner_version", sa.String(32), nullable=False),
    sa.Column("started_at", sa.String(32), nullable=False),
    sa.Column("closed_at", sa.String(32), nullable=True),
    sa.UniqueConstraint("service_id", "number", name="uq_rounds_service_number"),
)

round_answers_table = sa.Table(
    "round_answers",
    metadata,
    sa.Column("round_id", sa.Integer, sa.ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("statement_id", sa.String(16), primary_key=True),
    sa.Column("statement_text", sa.Text, nullable=False),
    sa.Column("score", sa.SmallInteger, nullable=True),
    sa.Column("evidence", sa.Text, nullable=False),
    sa.Column("qa_score", sa.SmallInteger, nullable=True),
    sa.Column("qa_note", sa.Text, nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)

# The action plan: for any statement, an action, its owner, a deadline and a status.
actions_table = sa.Table(
    "actions",
    metadata,
    sa.Column("service_id", sa.Integer, sa.ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("statement_id", sa.String(16), primary_key=True),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("owner", sa.String(120), nullable=False),
    sa.Column("deadline", sa.String(10), nullable=True),  # ISO date, YYYY-MM-DD
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)

# Random QA checks by an independent person: which statements were drawn, when, with what
# seed. The checker's verdicts are the answers' own QA score and QA note.
qa_samples_table = sa.Table(
    "qa_samples",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("service_id", sa.Integer, sa.ForeignKey("services.id", ondelete="CASCADE"), nullable=False),
    sa.Column("round_number", sa.Integer, nullable=False),
    sa.Column("seed", sa.BigInteger, nullable=False),
    sa.Column("statement_ids", sa.Text, nullable=False),  # space-separated, in the order drawn
    sa.Column("checker", sa.String(120), nullable=False, server_default=""),
    sa.Column("drawn_at", sa.String(32), nullable=False),
    sa.Column("completed_at", sa.String(32), nullable=True),
)

# The data log: per service and month, anonymised counts of referrals with an online
# component, by the four Cs and by whether online harm was the reason for referral or was
# found later. Counts only: never a name, never a case.
data_log_table = sa.Table(
    "data_log",
    metadata,
    sa.Column("service_id", sa.Integer, sa.ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("month", sa.String(7), primary_key=True),  # YYYY-MM
    sa.Column("online_referrals", sa.Integer, nullable=False),
    sa.Column("content", sa.Integer, nullable=False),
    sa.Column("contact", sa.Integer, nullable=False),
    sa.Column("conduct", sa.Integer, nullable=False),
    sa.Column("commerce", sa.Integer, nullable=False),
    sa.Column("reason_for_referral", sa.Integer, nullable=False),
    sa.Column("found_later", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.String(32), nullable=False),
)

# A learner's completed modules, for the completion certificate.
module_completions_table = sa.Table(
    "module_completions",
    metadata,
    sa.Column("learner", sa.String(64), primary_key=True),
    sa.Column("module_id", sa.String(80), primary_key=True),
    sa.Column("completed_at", sa.String(32), nullable=False),
)


# The tables of the Alembic baseline (revision 0001): what a store made before Alembic has,
# or gains on its first open by this version, before it is stamped.
BASELINE_TABLES = (
    meta_table,
    services_table,
    answers_table,
    quiz_rounds_table,
    quiz_answers_table,
    case_drafts_table,
)


class StoreError(RuntimeError):
    """The store cannot be used (written by a newer version, or unreachable for too long)."""


class UnknownService(ValueError):
    """No service of that name or slug is in the store; the message lists the ones that are."""


def retry_seconds() -> float:
    """How long writes keep trying (ONLINE_LIVES_STORE_RETRY_SECONDS, default 30)."""
    try:
        return max(0.0, float(os.environ.get(RETRY_SECONDS_SETTING, DEFAULT_RETRY_SECONDS)))
    except ValueError:
        return DEFAULT_RETRY_SECONDS


def is_transient(exc: BaseException) -> bool:
    """Whether a database error means "locked or unreachable for now", worth trying again."""
    if not isinstance(exc, sa.exc.DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if isinstance(exc, sa.exc.IntegrityError | sa.exc.ProgrammingError | sa.exc.DataError):
        return False
    text = str(exc.orig).lower()
    if "database is locked" in text or "database table is locked" in text or "database is busy" in text:
        return True
    # PostgreSQL (psycopg): connection refused, server closed the connection, the server is
    # shutting down or starting up, a serialisation failure or deadlock: all OperationalError.
    module = type(exc.orig).__module__
    if module.startswith(("psycopg", "psycopg2")):
        return isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError)
    return False


@dataclass(frozen=True)
class Service:
    id: int
    slug: str
    name: str
    planner_version: str
    created_at: str
    area: str = ""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def clean_label(value: object, what: str, example: str, limit: int) -> str:
    """A short name a person typed (a service, a workshop title) with its white space tidied;
    ValueError with a plain message if it is not text, empty, too long or unshowable."""
    if not isinstance(value, str):
        raise ValueError(f"The {what} must be text.")
    cleaned = " ".join(value.split())
    if not cleaned:
        raise ValueError(f"Type a {example}.")
    if len(cleaned) > limit:
        raise ValueError(f"A {what} can be at most {limit} characters.")
    if any(unicodedata.category(ch).startswith("C") for ch in cleaned):
        raise ValueError(f"The {what} contains characters that cannot be shown.")
    return cleaned


def clean_service_name(name: object) -> str:
    """A service name with its white space tidied; raises ValueError if unusable."""
    return clean_label(
        name, "service name", "name for the service, for example \u201cRiverside CAMHS\u201d", MAX_SERVICE_NAME
    )


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
    # Wait for another writer's lock for up to 30 s, or less if writes may only try for less.
    cursor.execute(f"PRAGMA busy_timeout={int(min(30.0, retry_seconds()) * 1000)}")
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
        """Create a new store, or bring an older one up to date, one process at a time."""
        with self._migration_lock() as conn:
            _migrate(conn)

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[sa.Connection]:
        """A connection, held while no other process or thread migrates this store.

        SQLite: an OS lock on a file next to the database (released if the process dies).
        PostgreSQL: a session-level advisory lock on the connection the migrations use.
        """
        dialect = self.engine.dialect.name
        if dialect == "postgresql":
            with self.engine.connect() as conn:
                conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
                conn.commit()
                try:
                    with conn.begin():
                        yield conn
                finally:
                    if not conn.invalidated:
                        conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
                        conn.commit()
            return
        with _file_lock(_lock_path(self.engine)), self.engine.begin() as conn:
            yield conn

    def write(self, work: Callable[[sa.Connection], T]) -> T:
        """Run `work(conn)` in one transaction, trying again while the store is locked or unreachable.

        Every write goes through here. A lock, a lost connection or a server that is down is
        retried with growing pauses (0.05 s up to 1 s) for up to ONLINE_LIVES_STORE_RETRY_SECONDS
        (30 s by default); then StoreError with a message a page can show. A failed attempt
        is rolled back whole, so nothing is ever half-written. `work` may run more than once:
        it must only write (upserts, or a delete and its inserts).
        """
        deadline = time.monotonic() + retry_seconds()
        pause = 0.05
        while True:
            try:
                with self.engine.begin() as conn:
                    return work(conn)
            except sa.exc.DBAPIError as exc:
                if not is_transient(exc):
                    raise
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StoreError(UNREACHABLE_MESSAGE) from exc
                time.sleep(min(pause, left))
                pause = min(pause * 2, 1.0)

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

    def find_service(self, name_or_slug: str) -> Service:
        """The service with this name (any case) or slug; UnknownService naming the services
        the store has, for the command line."""
        found = self.service_by_name(name_or_slug) or self.service(name_or_slug)
        if found is None:
            names = ", ".join(s.name for s in self.services()) or "none yet"
            raise UnknownService(f"No service called {name_or_slug!r} in the store. Services: {names}.")
        return found

    def create_service(self, name: str, planner_version: str) -> Service:
        """Create a service, or return the existing one of that name (case-insensitive)."""
        cleaned = clean_service_name(name)
        base = slugify(cleaned)

        def add(conn: sa.Connection) -> Service:
            rows = conn.execute(sa.select(services_table)).all()
            for row in rows:
                if row.name.casefold() == cleaned.casefold():
                    return Service(**row._mapping)  # it exists (perhaps added by an earlier try)
            taken = {row.slug for row in rows}
            slug, n = base, 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            created = now()
            conn.execute(
                sa.insert(services_table).values(
                    slug=slug, name=cleaned, planner_version=planner_version, created_at=created
                )
            )
            row = conn.execute(sa.select(services_table).where(services_table.c.slug == slug)).one()
            # Every service starts in its round 1 of self-assessment (course/rounds.py).
            conn.execute(
                sa.insert(rounds_table).values(
                    service_id=row.id, number=1, planner_version=planner_version, started_at=created
                )
            )
            return Service(**row._mapping)

        for _attempt in range(5):
            try:
                return self.write(add)
            except sa.exc.IntegrityError:
                continue  # someone else created this name, or took this slug, a moment ago
        raise StoreError(f"Could not add the service {cleaned!r}: the store is very busy. Try again.")

    # --- answers --------------------------------------------------------------------------

    def answers(self, service_id: int) -> dict[str, Answer]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(answers_table).where(answers_table.c.service_id == service_id)).all()
        return {row.statement_id: answer_from_row(row) for row in rows}

    def save(self, service_id: int, statement_id: str, **fields: object) -> None:
        """Write one or more fields of one answer at once (an upsert)."""
        if not fields:
            return
        values = {name: check_field(name, value) for name, value in fields.items()}
        values["updated_at"] = now()
        if "score" in values or "evidence" in values:  # a person has looked at it again
            values.update(carried_forward=False, review_note="")
        self.write(lambda conn: self._upsert(conn, service_id, statement_id, values))

    def _upsert(self, conn: sa.Connection, service_id: int, statement_id: str, values: dict[str, object]) -> None:
        _upsert_row(conn, answers_table, {"service_id": service_id, "statement_id": statement_id}, values)

    def replace_answers(self, service_id: int, answers: Iterable[Answer]) -> int:
        """Replace every stored answer of a service in one transaction; returns the count."""
        rows = []
        for answer in answers:
            row = {name: check_field(name, getattr(answer, name)) for name in FIELDS}
            row.update(service_id=service_id, statement_id=answer.statement_id, updated_at=answer.updated_at or now())
            rows.append(row)

        def replace(conn: sa.Connection) -> None:
            conn.execute(sa.delete(answers_table).where(answers_table.c.service_id == service_id))
            if rows:
                conn.execute(sa.insert(answers_table), rows)

        self.write(replace)
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
        values = {"value": text, "updated_at": now()}
        self.write(lambda conn: _upsert_row(conn, case_drafts_table, keys, values))

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
        learner: str | None = None,
    ) -> str:
        """Record a new round of quiz items as shown, with the learner answering when the page
        knows one; returns its id."""
        round_id = str(uuid.uuid4())
        values = {
            "context": context,
            "service_id": service_id,
            "seed": seed,
            "learner": learner,
            "item_ids": " ".join(item_ids),
            "bank_version": bank_version,
            "started_at": now(),
        }
        # An upsert, so that trying again after a lost connection cannot fail on its own row.
        self.write(lambda conn: _upsert_row(conn, quiz_rounds_table, {"id": round_id}, values))
        return round_id

    def record_quiz_answer(self, round_id: str, item_id: str, chosen: Iterable[str], score: float) -> None:
        """Save one answer the moment it is given (a second answer to the item replaces it)."""
        values = {"chosen": " ".join(sorted(chosen)), "score": float(score), "answered_at": now()}
        keys = {"round_id": round_id, "item_id": item_id}
        self.write(lambda conn: _upsert_row(conn, quiz_answers_table, keys, values))

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


# --- migrations ---------------------------------------------------------------------------

MIGRATION_LOCK_KEY = zlib.crc32(b"online-lives store migrations")  # pg_advisory_lock's key
_process_lock = threading.Lock()  # for stores with no file of their own (SQLite in memory)


def alembic_config(conn: sa.Connection | None = None):  # type: ignore[no-untyped-def]
    """Alembic's configuration, in code: the migrations ship in the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.set_main_option("path_separator", "os")
    if conn is not None:
        config.attributes["connection"] = conn
    return config


def _newer_error(found: str, understood: str) -> StoreError:
    return StoreError(
        f"This store was written by a newer version of Online Lives (store schema {found}, "
        f"this version understands {understood}). Update the course before using it."
    )


def _migrate(conn: sa.Connection) -> None:
    """Bring the store on `conn` to the newest revision; the caller holds the migration lock.

    - a brand-new store: every migration from the baseline;
    - a store made before Alembic (meta.schema_version 1-3, no alembic_version): the baseline
      tables it lacks are created, as earlier versions did, then it is stamped with the
      baseline and upgraded, keeping every row;
    - a store at a revision, or a schema version, this code does not know: StoreError.
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = alembic_config(conn)
    script = ScriptDirectory.from_config(config)
    known = {revision.revision for revision in script.walk_revisions()}
    head = script.get_current_head()
    tables = set(sa.inspect(conn).get_table_names())

    found = None
    if "meta" in tables:
        found = conn.execute(sa.select(meta_table.c.value).where(meta_table.c.key == "schema_version")).scalar()
    heads = MigrationContext.configure(conn).get_current_heads() if "alembic_version" in tables else ()
    unknown = [revision for revision in heads if revision not in known]
    if unknown:
        raise StoreError(
            f"This store was written by a newer version of Online Lives (store revision {', '.join(unknown)}, "
            f"this version knows revisions up to {head}). Update the course before using it."
        )
    if found is not None and (not found.isdigit() or int(found) > SCHEMA_VERSION):
        raise _newer_error(found, str(SCHEMA_VERSION))

    if heads == (head,):
        return
    if not heads and "meta" in tables:
        # Made before Alembic: versions 2 and 3 only added tables, so make the missing ones.
        metadata.create_all(conn, tables=list(BASELINE_TABLES), checkfirst=True)
        baseline = str(SCHEMA_VERSIONS[BASELINE_REVISION])
        if found is None:
            conn.execute(sa.insert(meta_table).values(key="schema_version", value=baseline))
        else:
            conn.execute(sa.update(meta_table).where(meta_table.c.key == "schema_version").values(value=baseline))
        command.stamp(config, BASELINE_REVISION)
    command.upgrade(config, "head")


@contextlib.contextmanager
def _file_lock(path: Path | None) -> Iterator[None]:
    """Hold an exclusive OS lock on `path` (flock: also between threads of one process)."""
    import fcntl

    if path is None:
        with _process_lock:
            yield
        return
    try:
        handle = open(path, "a+b")  # held for the whole block
    except OSError:  # a read-only folder: no other process can be creating tables there either
        with _process_lock:
            yield
        return
    with handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _lock_path(engine: Engine) -> Path | None:
    """The migration lock file of an SQLite store: `<database>-migrations.lock`."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser().with_name(Path(database).name + "-migrations.lock")


def answer_from_row(row: sa.Row) -> Answer:
    """An `Answer` from a row of `answers`, or of `round_answers` (which has no carried-forward mark)."""
    return Answer(
        statement_id=row.statement_id,
        score=row.score,
        evidence=row.evidence,
        qa_score=row.qa_score,
        qa_note=row.qa_note,
        updated_at=row.updated_at,
        carried_forward=bool(getattr(row, "carried_forward", False)),
        review_note=getattr(row, "review_note", ""),
    )


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
