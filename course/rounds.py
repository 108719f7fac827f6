"""Rounds of self-assessment over time: each year's round compared with the last.

Every service starts in round 1 (`Store.create_service`). The current round's answers live
in the `answers` table. Starting a new round (`start_new_round`), in one transaction:

- copies every answer of the current round into `round_answers` (its snapshot: score,
  evidence, QA score, QA note, and the wording of the statement it answered), and closes it;
- opens round n+1 under the planner's version now in use;
- carries every answer forward: its score and evidence are kept and it is marked
  `carried_forward` until someone confirms or changes it. Its QA score and QA note are
  cleared: a QA check belongs to its own round (the old ones stay in the snapshot);
- drops answers to statements the planner no longer has (they stay in the snapshot);
- flags for review (`answers.review_note`) every carried answer whose statement changed:
  either the planner says so (a statement's `revised` version is newer than the round being
  closed) or its wording differs from the wording recorded in the snapshot.

The wording recorded in a snapshot is the wording the answer was judged against: for an
answer still carried forward and never confirmed, the wording of the round it came from; for
any other answer, the planner's wording when the round closes. A planner whose wording
changes while a round is open is therefore caught by `revised`; without it, only answers
still carried forward are caught. Nothing here logs what people typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from course.content import Planner, version_key
from course.scoring import Answer, SectionSummary, summarise
from course.store import (
    Store,
    answer_from_row,
    answers_table,
    now,
    round_answers_table,
    rounds_table,
    services_table,
)

CARRIED_NOTE = "Carried forward from round {number}: confirm it or change it."
QA_CLEARED_NOTE = (
    "The QA score and QA note were cleared when the round started: a QA check belongs to its own round. "
    "The earlier ones are kept in the copy of round {number}."
)
REVIEW_NOTE = (
    "The planner's wording of {statement} changed in version {version} since your last round: "
    "read it again and confirm or change your score."
)


class RoundError(ValueError):
    """A plain message for a person (for example: that round has already been started)."""


@dataclass(frozen=True)
class Round:
    """One round of a service's self-assessment. `closed_at` is None for the current round."""

    id: int
    service_id: int
    number: int
    planner_version: str
    started_at: str
    closed_at: str | None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def started_on(self) -> str:
        """The start date in words, for example "29 November 2026"."""
        return _day(self.started_at)

    @property
    def closed_on(self) -> str:
        return _day(self.closed_at) if self.closed_at else ""


def _day(stamp: str) -> str:
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return f"{when.day} {when:%B %Y}"


def _round(row: Any) -> Round:
    return Round(
        id=row.id,
        service_id=row.service_id,
        number=row.number,
        planner_version=row.planner_version,
        started_at=row.started_at,
        closed_at=row.closed_at,
    )


def _same_wording(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


# --- reading -------------------------------------------------------------------------------


def rounds(store: Store, service_id: int) -> list[Round]:
    """Every round of a service, oldest first (round 1 is made if it somehow has none)."""
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(rounds_table).where(rounds_table.c.service_id == service_id).order_by(rounds_table.c.number)
        ).all()
    if not rows:
        return [current_round(store, service_id)]
    return [_round(row) for row in rows]


def current_round(store: Store, service_id: int) -> Round:
    """The service's current round: the one with the highest number. A service with no round
    (which `create_service` and the migration never leave) gets round 1, begun now."""
    query = (
        sa.select(rounds_table)
        .where(rounds_table.c.service_id == service_id)
        .order_by(rounds_table.c.number.desc())
        .limit(1)
    )
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    if row is not None:
        return _round(row)

    def first(conn: sa.Connection) -> Round:
        found = conn.execute(query).first()
        if found is not None:
            return _round(found)
        version = conn.execute(
            sa.select(services_table.c.planner_version).where(services_table.c.id == service_id)
        ).scalar()
        if version is None:
            raise RoundError("That service is not in the store.")
        conn.execute(
            sa.insert(rounds_table).values(service_id=service_id, number=1, planner_version=version, started_at=now())
        )
        return _round(conn.execute(query).one())

    try:
        return store.write(first)
    except sa.exc.IntegrityError:  # another page made it a moment ago
        with store.engine.connect() as conn:
            return _round(conn.execute(query).one())


def round_answers(store: Store, round_id: int) -> dict[str, Answer]:
    """A closed round's answers as they were when it closed (its snapshot), by statement id."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(round_answers_table).where(round_answers_table.c.round_id == round_id)).all()
    return {row.statement_id: answer_from_row(row) for row in rows}


def round_wording(store: Store, round_id: int) -> dict[str, str]:
    """The statements' wording recorded in a closed round's snapshot, by statement id."""
    table = round_answers_table
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(table.c.statement_id, table.c.statement_text).where(table.c.round_id == round_id))
    return {row.statement_id: row.statement_text for row in rows}


def carried_counts(store: Store, service_id: int) -> tuple[int, int]:
    """(answers still carried forward, of which flagged for review) in the current round."""
    answers = store.answers(service_id).values()
    carried = [a for a in answers if a.carried_forward]
    return len(carried), sum(1 for a in carried if a.review_note)


def trend(store: Store, planner: Planner, service_id: int) -> list[tuple[Round, list[SectionSummary]]]:
    """Every round with its section summaries, oldest first: closed rounds from their
    snapshots, the current round from the answers as they stand."""
    found = []
    for r in rounds(store, service_id):
        answers = round_answers(store, r.id) if r.closed else store.answers(service_id)
        found.append((r, summarise(planner, answers)))
    return found


# --- changing ------------------------------------------------------------------------------


def confirm(store: Store, service_id: int, statement_id: str) -> bool:
    """Someone has looked at a carried-forward answer again and keeps it: clear its mark and
    any review note. Returns whether there was a mark to clear."""
    if not isinstance(statement_id, str) or not statement_id:
        raise ValueError("a statement id must be text")

    def clear(conn: sa.Connection) -> bool:
        result = conn.execute(
            sa.update(answers_table)
            .where(
                answers_table.c.service_id == service_id,
                answers_table.c.statement_id == statement_id,
                answers_table.c.carried_forward == sa.true(),
            )
            .values(carried_forward=False, review_note="", updated_at=now())
        )
        return result.rowcount > 0

    return store.write(clear)


def start_new_round(store: Store, planner: Planner, service_id: int, expected: int | None = None) -> Round:
    """Close the current round and open the next one, in one transaction (see the module's
    docstring for what is kept, cleared, dropped and flagged). `expected` is the number of
    the round the person is starting, as a page showed it: if someone else started it a
    moment ago, RoundError says so and nothing changes."""
    return store.write(lambda conn: _start(conn, planner, service_id, expected))


def _start(conn: sa.Connection, planner: Planner, service_id: int, expected: int | None) -> Round:
    service = conn.execute(sa.select(services_table.c.id).where(services_table.c.id == service_id)).first()
    if service is None:
        raise RoundError("That service is not in the store.")
    current = _current_for_update(conn, service_id)
    if current is None:  # a service with no round at all: its answers belong to round 1
        conn.execute(
            sa.insert(rounds_table).values(
                service_id=service_id, number=1, planner_version=planner.version, started_at=now()
            )
        )
        current = _current_for_update(conn, service_id)
        assert current is not None
    if expected is not None and expected != current.number + 1:
        raise RoundError(
            f"Round {current.number} is the current round now (someone may have just started it), "
            f"so round {expected} cannot be started. Nothing was changed."
        )
    answers = _answers_for_update(conn, service_id)
    previous = _previous_wording(conn, service_id, current.number)
    wording = _snapshot(conn, planner, current, answers, previous)
    stamp = now()
    _close(conn, current, stamp)
    new = _open_next(conn, planner, current, stamp)
    _carry_forward(conn, planner, service_id, current, answers, wording, stamp)
    return new


def _current_for_update(conn: sa.Connection, service_id: int) -> Round | None:
    row = conn.execute(
        sa.select(rounds_table)
        .where(rounds_table.c.service_id == service_id)
        .order_by(rounds_table.c.number.desc())
        .limit(1)
        .with_for_update()
    ).first()
    return _round(row) if row is not None else None


def _answers_for_update(conn: sa.Connection, service_id: int) -> list[Any]:
    return list(
        conn.execute(sa.select(answers_table).where(answers_table.c.service_id == service_id).with_for_update()).all()
    )


def _previous_wording(conn: sa.Connection, service_id: int, number: int) -> dict[str, str]:
    """The wording recorded in the snapshot of the round before round `number` (empty for round 1)."""
    table = round_answers_table
    rows = conn.execute(
        sa.select(table.c.statement_id, table.c.statement_text)
        .join(rounds_table, rounds_table.c.id == table.c.round_id)
        .where(rounds_table.c.service_id == service_id, rounds_table.c.number == number - 1)
    ).all()
    return {row.statement_id: row.statement_text for row in rows}


def _snapshot(
    conn: sa.Connection, planner: Planner, current: Round, answers: list[Any], previous: dict[str, str]
) -> dict[str, str]:
    """Copy the current answers into `round_answers`; returns the wording recorded for each."""
    texts = {s.id: s.text for s in planner.statements}
    wording: dict[str, str] = {}
    rows = []
    for a in answers:
        if a.score is None and not a.evidence and a.qa_score is None and not a.qa_note:
            continue
        if a.carried_forward and a.statement_id in previous:
            text = previous[a.statement_id]  # never looked at again: judged against the old wording
        else:
            text = texts.get(a.statement_id, previous.get(a.statement_id, ""))
        wording[a.statement_id] = text
        rows.append(
            {
                "round_id": current.id,
                "statement_id": a.statement_id,
                "statement_text": text,
                "score": a.score,
                "evidence": a.evidence,
                "qa_score": a.qa_score,
                "qa_note": a.qa_note,
                "updated_at": a.updated_at,
            }
        )
    # A retried transaction starts again from nothing, but a snapshot is never written twice.
    conn.execute(sa.delete(round_answers_table).where(round_answers_table.c.round_id == current.id))
    if rows:
        conn.execute(sa.insert(round_answers_table), rows)
    return wording


def _close(conn: sa.Connection, current: Round, stamp: str) -> None:
    conn.execute(sa.update(rounds_table).where(rounds_table.c.id == current.id).values(closed_at=stamp))


def _open_next(conn: sa.Connection, planner: Planner, current: Round, stamp: str) -> Round:
    conn.execute(
        sa.insert(rounds_table).values(
            service_id=current.service_id,
            number=current.number + 1,
            planner_version=planner.version,
            started_at=stamp,
        )
    )
    conn.execute(
        sa.update(services_table)
        .where(services_table.c.id == current.service_id)
        .values(planner_version=planner.version)
    )
    row = conn.execute(
        sa.select(rounds_table).where(
            rounds_table.c.service_id == current.service_id, rounds_table.c.number == current.number + 1
        )
    ).one()
    return _round(row)


def review_note(planner: Planner, statement_id: str, old_wording: str | None, since_version: str) -> str:
    """Why a carried answer needs a fresh look ("" if it does not): the statement was revised
    in a planner version newer than `since_version`, or its wording differs from `old_wording`."""
    statement = next((s for s in planner.statements if s.id == statement_id), None)
    if statement is None:
        return ""
    if statement.revised is not None and version_key(statement.revised) > version_key(since_version):
        return REVIEW_NOTE.format(statement=statement_id, version=statement.revised)
    if old_wording and not _same_wording(old_wording, statement.text):
        return REVIEW_NOTE.format(statement=statement_id, version=planner.version)
    return ""


def _carry_forward(
    conn: sa.Connection,
    planner: Planner,
    service_id: int,
    current: Round,
    answers: list[Any],
    wording: dict[str, str],
    stamp: str,
) -> None:
    """Keep score and evidence, mark them carried, clear QA, flag changed wording, drop the rest."""
    known = {s.id for s in planner.statements}
    for a in answers:
        where = (answers_table.c.service_id == service_id, answers_table.c.statement_id == a.statement_id)
        if a.statement_id not in known or (a.score is None and not a.evidence):
            # No longer in the planner, or nothing of the person's own to carry (kept in the snapshot).
            conn.execute(sa.delete(answers_table).where(*where))
            continue
        note = review_note(planner, a.statement_id, wording.get(a.statement_id), current.planner_version)
        if not note and a.carried_forward:
            note = a.review_note  # a flag nobody has dealt with yet stays
        conn.execute(
            sa.update(answers_table)
            .where(*where)
            .values(qa_score=None, qa_note="", carried_forward=True, review_note=note, updated_at=stamp)
        )


# The trend chart across rounds is drawn by `course.charts.rounds_trend_svg` from `trend()`.


# --- the command line: `online-lives round list|new --service NAME` ----------------------------


def add_parser(sub: Any) -> None:
    """Register `online-lives round` with the CLI's subcommands (course/cli.py)."""
    command = sub.add_parser("round", help="rounds of self-assessment: list them, or start the next one")
    commands = command.add_subparsers(dest="round_command", required=True)
    listing = commands.add_parser("list", help="a service's rounds, with each section's average in each")
    listing.add_argument("--service", required=True, help="the service's name")
    listing.set_defaults(func=_cli_list)
    new = commands.add_parser(
        "new", help="close the current round and start the next: scores and evidence carried forward, QA cleared"
    )
    new.add_argument("--service", required=True, help="the service's name")
    new.set_defaults(func=_cli_new)


def _cli_service(store: Store, name: str) -> Any:
    return store.find_service(name)


def _cli_list(args: Any) -> int:
    from course.content import planner

    store = Store()
    service = _cli_service(store, args.service)
    loaded = planner()
    found = trend(store, loaded, service.id)
    print(f"Rounds of {service.name}:")
    print("round\tplanner\tstarted\tclosed\t" + "\t".join(f"{s.number}. {s.title}" for s in loaded.sections))
    for r, summaries in found:
        means = "\t".join("-" if s.self_mean is None else f"{s.self_mean:.2f}" for s in summaries)
        closed = r.closed_on if r.closed else "current"
        print(f"{r.number}\t{r.planner_version}\t{r.started_on}\t{closed}\t{means}")
    carried, review = carried_counts(store, service.id)
    if carried:
        print(f"\n{carried} answers still carried forward ({review} flagged for review).")
    return 0


def _cli_new(args: Any) -> int:
    from course.content import planner

    store = Store()
    service = _cli_service(store, args.service)
    before = current_round(store, service.id)
    new = start_new_round(store, planner(), service.id, expected=before.number + 1)
    carried, review = carried_counts(store, service.id)
    dropped = len(set(round_answers(store, before.id)) - {s.id for s in planner().statements})
    print(
        f"Closed round {before.number} of {service.name} and started round {new.number} "
        f"(planner {new.planner_version})."
    )
    print(f"{carried} answers carried forward: scores and evidence kept, each to be confirmed or changed.")
    if review:
        print(f"{review} of them are flagged for review: the planner's wording of their statement changed.")
    if dropped:
        print(f"{dropped} answers to statements no longer in the planner were left in round {before.number}'s copy.")
    print("QA scores and QA notes were cleared: a QA check belongs to its own round.")
    return 0
