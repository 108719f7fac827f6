"""Independent QA checks: random samples of scored statements, the checker's verdicts, and
where the self-assessment and QA differ.

The planner asks for "quality assurance checks by an independent person" and "regular random
checks". A check is a `QASample`: statements drawn at random (with a seed, so the same draw
can be repeated and no one can say the statements were picked by hand), spread across the
planner's sections, and recorded in the `qa_samples` table with who checked, when and in which
round. The checker's verdict on each statement goes into that answer's own QA score and QA
note (`answers.qa_score`, `answers.qa_note`) through `Store.save`, the same fields the section
pages show, so the profile, the report and the radar chart all see it.

Nothing here logs what people type.
"""

from __future__ import annotations

import random
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from course import settings
from course.content import Planner, load_yaml, planner, validate
from course.scoring import QA_GAP, Answer, check_score, check_text
from course.store import Store, clean_label, now, qa_samples_table

QA_GUIDE_FILE = "qa-guide.yaml"
MIN_SAMPLE = 1
MAX_SAMPLE = 36  # every statement of the planner
DEFAULT_SAMPLE = 6  # one from each section
MAX_SEED = 999_999_999  # seeds are typed and read aloud: at most nine digits
MAX_CHECKER = 120  # the qa_samples.checker column
HIGHER = "▲"  # QA higher than the self-assessment
LOWER = "▼"  # QA lower than the self-assessment


class QAError(ValueError):
    """A plain message for the person doing the check."""


# --- the guidance, as data -------------------------------------------------------------------


def load_qa_guide(path: Path | None = None) -> dict[str, Any]:
    """The QA page's guidance (`datasets/qa-guide.yaml`), validated against its schema."""
    path = path or settings.content_dir() / QA_GUIDE_FILE
    data, node = load_yaml(path)
    validate(path, data, node, "qa-guide.schema.json")
    return data


@cache
def qa_guide() -> dict[str, Any]:
    """The guidance, loaded once per process."""
    return load_qa_guide()


# --- drawing a sample ------------------------------------------------------------------------


def check_sample_size(n: object) -> int:
    """A sample size from MIN_SAMPLE to MAX_SAMPLE; QAError (a ValueError) otherwise."""
    if isinstance(n, bool) or not isinstance(n, int) or not MIN_SAMPLE <= n <= MAX_SAMPLE:
        raise QAError(f"The number of statements must be a whole number from {MIN_SAMPLE} to {MAX_SAMPLE}.")
    return n


def check_seed(seed: object) -> int:
    """A seed from 0 to MAX_SEED; QAError otherwise. Text of digits is accepted (a typed seed)."""
    if isinstance(seed, str) and seed.strip().isdigit():
        seed = int(seed.strip())
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= MAX_SEED:
        raise QAError(f"The seed must be a whole number from 0 to {MAX_SEED:,}, or left empty for a new one.")
    return seed


def new_seed() -> int:
    """A fresh seed for a new sample: six digits, easy to write down and type again."""
    return 100_000 + secrets.randbelow(900_000)


def draw_sample(planner: Planner, answers: dict[str, Answer], n: int, seed: int) -> list[str]:
    """`n` statement ids drawn at random from the statements that have a self score.

    The draw is spread across the sections: the sections that have scored statements are put
    in a random order, then one statement is drawn at random from each in turn until `n` are
    drawn (so 6 from a fully scored planner gives one per section). With fewer scored
    statements than `n`, all of them are drawn. The same seed and the same scored statements
    give the same sample, in the same order. ValueError (QAError) when `n` is not 1 to 36 or
    the seed is not 0 to MAX_SEED.
    """
    n = check_sample_size(n)
    rng = random.Random(check_seed(seed))  # noqa: S311 - a repeatable draw, not security
    pools = [
        [s.id for s in section.statements if (a := answers.get(s.id)) is not None and a.score is not None]
        for section in planner.sections
    ]
    pools = [pool for pool in pools if pool]
    rng.shuffle(pools)
    for pool in pools:
        rng.shuffle(pool)
    drawn: list[str] = []
    while len(drawn) < n and any(pools):
        for pool in pools:
            if pool and len(drawn) < n:
                drawn.append(pool.pop())
    return drawn


# --- samples in the store --------------------------------------------------------------------


@dataclass(frozen=True)
class QASample:
    """One QA check: the statements drawn (in the order drawn), its seed, the round it checks,
    who checked ("" if not given), when it was drawn and when it was marked complete."""

    id: str
    service_id: int
    round_number: int
    seed: int
    statement_ids: tuple[str, ...]
    checker: str
    drawn_at: str
    completed_at: str | None

    @property
    def completed(self) -> bool:
        return self.completed_at is not None


def clean_checker(checker: object) -> str:
    """The checker's name with its white space tidied; "" when none was given."""
    if isinstance(checker, str) and not checker.strip():
        return ""
    return clean_label(checker, "checker's name", "checker's name", MAX_CHECKER)


def _round_number(store: Store, service_id: int) -> int:
    """The service's current round (course/rounds.py), or 1 where rounds are not available."""
    try:
        from course.rounds import current_round
    except ImportError:
        return 1
    return current_round(store, service_id).number


def _sample(row: sa.Row) -> QASample:
    return QASample(
        id=row.id,
        service_id=row.service_id,
        round_number=row.round_number,
        seed=row.seed,
        statement_ids=tuple(row.statement_ids.split()),
        checker=row.checker,
        drawn_at=row.drawn_at,
        completed_at=row.completed_at,
    )


def _known_statements(statement_ids: Iterable[str]) -> tuple[str, ...]:
    known = {s.id for s in planner().statements}
    ids = tuple(statement_ids)
    if not ids:
        raise QAError("A sample needs at least one statement.")
    unknown = [sid for sid in ids if sid not in known]
    if unknown:
        raise QAError(f"These are not statements of the planner: {', '.join(map(str, unknown))}.")
    if len(set(ids)) != len(ids):
        raise QAError("A statement is in the sample twice.")
    return ids


def record_sample(
    store: Store, service_id: int, statement_ids: Iterable[str], seed: int, checker: str = ""
) -> QASample:
    """Record a drawn sample for the service's current round; returns it."""
    sample = QASample(
        id=str(uuid.uuid4()),
        service_id=service_id,
        round_number=_round_number(store, service_id),
        seed=check_seed(seed),
        statement_ids=_known_statements(statement_ids),
        checker=clean_checker(checker),
        # To the microsecond (32 characters, the column's width): two samples drawn in the same
        # second still sort in the order they were drawn.
        drawn_at=datetime.now(UTC).isoformat(timespec="microseconds"),
        completed_at=None,
    )
    store.write(
        lambda conn: conn.execute(
            sa.insert(qa_samples_table).values(
                id=sample.id,
                service_id=sample.service_id,
                round_number=sample.round_number,
                seed=sample.seed,
                statement_ids=" ".join(sample.statement_ids),
                checker=sample.checker,
                drawn_at=sample.drawn_at,
                completed_at=None,
            )
        )
    )
    return sample


def samples(store: Store, service_id: int) -> list[QASample]:
    """Every sample of the service, newest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(qa_samples_table)
            .where(qa_samples_table.c.service_id == service_id)
            .order_by(qa_samples_table.c.drawn_at.desc(), qa_samples_table.c.id)
        ).all()
    return [_sample(row) for row in rows]


def sample(store: Store, sample_id: str) -> QASample | None:
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(qa_samples_table).where(qa_samples_table.c.id == sample_id)).first()
    return _sample(row) if row else None


def open_sample(store: Store, service_id: int) -> QASample | None:
    """The latest sample not yet marked complete, or None."""
    return next((s for s in samples(store, service_id) if not s.completed), None)


def set_checker(store: Store, sample_id: str, checker: str) -> QASample:
    """Change the checker's name on a sample (typed after the draw)."""
    cleaned = clean_checker(checker)
    found = sample(store, sample_id)
    if found is None:
        raise QAError("That QA sample is not in the store.")
    store.write(
        lambda conn: conn.execute(
            sa.update(qa_samples_table).where(qa_samples_table.c.id == sample_id).values(checker=cleaned)
        )
    )
    return replace(found, checker=cleaned)


def missing_verdicts(the_sample: QASample, answers: dict[str, Answer]) -> list[str]:
    """The sample's statements that have no verdict (no QA score) yet, in the order drawn."""
    return [sid for sid in the_sample.statement_ids if (a := answers.get(sid)) is None or a.qa_score is None]


def complete_sample(store: Store, sample_id: str) -> QASample:
    """Mark a sample complete; QAError naming what is missing unless every drawn statement has
    a verdict. Completing a completed sample keeps its first date."""
    found = sample(store, sample_id)
    if found is None:
        raise QAError("That QA sample is not in the store.")
    if found.completed:
        return found
    missing = missing_verdicts(found, store.answers(found.service_id))
    if missing:
        raise QAError(
            f"Give a verdict on every statement first. Still to check: {', '.join(missing)}. "
            "Choose “Agree with the score”, or “Record a different score” and a score."
        )
    completed = now()
    store.write(
        lambda conn: conn.execute(
            sa.update(qa_samples_table).where(qa_samples_table.c.id == sample_id).values(completed_at=completed)
        )
    )
    return replace(found, completed_at=completed)


# --- verdicts --------------------------------------------------------------------------------


def record_check(
    store: Store,
    service_id: int,
    statement_id: str,
    *,
    agree: bool,
    qa_score: int | None = None,
    note: str = "",
) -> int:
    """Record the checker's verdict on one statement; returns the QA score saved.

    Agreeing saves the self score as the QA score (QAError if there is no self score, or if a
    different `qa_score` is given as well). Otherwise `qa_score`, the checker's own 0-4 score,
    is required. The note is saved as the answer's QA note in the same write.
    """
    _known_statements([statement_id])
    if not isinstance(agree, bool):
        raise QAError("Choose whether you agree with the score.")
    note = check_text(note)
    if agree:
        answer = store.answers(service_id).get(statement_id)
        if answer is None or answer.score is None:
            raise QAError(f"Statement {statement_id} has no self score to agree with.")
        if qa_score is not None and check_score(qa_score) != answer.score:
            raise QAError(f"Agreeing with statement {statement_id} gives QA score {answer.score}, not {qa_score}.")
        value = answer.score
    else:
        if qa_score is None:
            raise QAError(f"Choose your own score for statement {statement_id}, from 0 to 4.")
        try:
            value = check_score(qa_score)
        except ValueError as exc:
            raise QAError(f"Your score for statement {statement_id} must be a whole number from 0 to 4.") from exc
        assert value is not None
    store.save(service_id, statement_id, qa_score=value, qa_note=note)
    return value


def clear_check(store: Store, service_id: int, statement_id: str) -> None:
    """Remove the verdict (the QA score) on one statement, keeping its note."""
    _known_statements([statement_id])
    store.save(service_id, statement_id, qa_score=None)


def record_note(store: Store, service_id: int, statement_id: str, note: str) -> None:
    """Save the checker's note on one statement (typed text, saved as it is typed)."""
    _known_statements([statement_id])
    store.save(service_id, statement_id, qa_note=check_text(note))


# --- where self and QA differ ---------------------------------------------------------------


@dataclass(frozen=True)
class Discrepancy:
    """A statement whose QA score differs from its self score. `difference` is QA minus self
    (negative: QA is lower); `flagged` when they are `QA_GAP` or more apart."""

    statement_id: str
    section_id: str
    self_score: int
    qa_score: int
    difference: int
    flagged: bool

    @property
    def symbol(self) -> str:
        return HIGHER if self.difference > 0 else LOWER

    @property
    def direction(self) -> str:
        return "higher" if self.difference > 0 else "lower"

    @property
    def label(self) -> str:
        """In words, e.g. "QA is 2 lower than the self-assessment"."""
        return f"QA is {abs(self.difference)} {self.direction} than the self-assessment"


def discrepancies(planner: Planner, answers: dict[str, Answer]) -> list[Discrepancy]:
    """Every statement with both scores where they differ, biggest difference first (planner
    order among equals)."""
    found = [
        Discrepancy(
            statement_id=statement.id,
            section_id=section.id,
            self_score=answer.score,
            qa_score=answer.qa_score,
            difference=answer.qa_score - answer.score,
            flagged=abs(answer.qa_score - answer.score) >= QA_GAP,
        )
        for section in planner.sections
        for statement in section.statements
        if (answer := answers.get(statement.id)) is not None
        and answer.score is not None
        and answer.qa_score is not None
        and answer.qa_score != answer.score
    ]
    return sorted(found, key=lambda d: -abs(d.difference))  # stable: planner order among equals


# --- the command: online-lives qa-sample ----------------------------------------------------

QA_PAGE = "qa-check.ipynb"


def qa_page_url(slug: str) -> str:
    """The QA page of a service, as `online-lives serve` serves it on this machine."""
    from urllib.parse import urlencode

    from course.server import DEFAULT_IP, DEFAULT_PORT

    return f"http://{DEFAULT_IP}:{DEFAULT_PORT}/voila/render/{QA_PAGE}?{urlencode({'service': slug})}"


def _qa_sample_command(args: Any) -> int:
    import shlex
    import sys

    store = Store()
    service = store.find_service(args.service)
    the_planner = planner()
    answers = store.answers(service.id)
    scored = sum(1 for s in the_planner.statements if (a := answers.get(s.id)) is not None and a.score is not None)
    if scored == 0:
        print(
            f"{service.name} has no self scores yet, so there is nothing to check. "
            "Score statements on the section pages first.",
            file=sys.stderr,
        )
        return 1
    n = check_sample_size(args.n)
    seed = new_seed() if args.seed is None else check_seed(args.seed)
    checker = clean_checker(args.checker or "")
    earlier = open_sample(store, service.id)
    drawn = draw_sample(the_planner, answers, n, seed)
    recorded = record_sample(store, service.id, drawn, seed, checker)

    print(
        f"QA sample for {service.name}, round {recorded.round_number}: {len(drawn)} of the {scored} "
        "statements with a self score, drawn at random across the sections."
    )
    if len(drawn) < n:
        have = "statement has" if scored == 1 else "statements have"
        print(f"Only {scored} {have} a self score, so all of them are in the sample.")
    again = f"online-lives qa-sample --service {shlex.quote(service.name)} --n {n} --seed {seed}"
    print(f"Seed: {seed}")
    print(f"To draw the same statements again (while the same ones are scored): {again}")
    print(f"Checker: {checker or 'not given (add the name on the QA page)'}")
    sections = {s.id: s for s in the_planner.sections}
    rows = []
    for sid in drawn:
        statement = the_planner.statement(sid)
        section = sections[statement.section_id]
        score = answers[sid].score
        assert score is not None
        level = f"{score} ({the_planner.scale[score].label})"
        rows.append((sid, f"{section.number}. {section.title}", level, statement.text))
    header = ("id", "section", "self score", "statement")
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(3)]
    print()
    for row in (header, *rows):
        print("  ".join(value.ljust(width) for value, width in zip(row[:3], widths, strict=True)) + "  " + row[3])
    print()
    if earlier is not None:
        print(f"The sample drawn on {earlier.drawn_at[:10]} was not marked complete; this one replaces it on the page.")
    print(f"Record the checker's verdicts on the QA page: {qa_page_url(service.slug)}")
    return 0


def add_qa_sample_parser(sub: Any) -> None:
    """Register `online-lives qa-sample` on the command's subparsers."""
    command = sub.add_parser("qa-sample", help="draw a random sample of scored statements for an independent QA check")
    command.add_argument("--service", required=True, help="the service's name")
    command.add_argument(
        "--n", type=int, default=DEFAULT_SAMPLE, help=f"how many statements, {MIN_SAMPLE} to {MAX_SAMPLE} (default 6)"
    )
    command.add_argument("--seed", type=int, help="repeat an earlier draw with its seed (default: a new seed)")
    command.add_argument("--checker", default="", help="the independent checker's name")
    command.set_defaults(func=_qa_sample_command)
