"""Live workshops (issue 5): join codes, the room's answers pooled, what the trainer sees.

A trainer creates a workshop and gets a short join code and a trainer token. Only the
token's SHA-256 is stored, and it is checked in constant time. Participants join with the
code and an optional pseudonym, and their answers are pooled by kind and item, one row per
participant and item, the latest answer winning:

- "statement": a planner statement id, the self-assessed score 0 to 4;
- "quiz": a four Cs item id, the Cs ticked;
- "case": "<case id>/<question id>", the option(s) chosen;
- "text": "<kind>/<item>" naming what it answers, free text the participant chose to share.

No distribution is shown for fewer than `MIN_GROUP` answers, so no one's answer can be read
off a chart; exports number participants and never name them. Nothing here logs what people
type. The tables are defined in `course/store.py`.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import secrets
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from course.cases import case_bank
from course.content import planner
from course.exports import _csv_safe
from course.privacy import find_personal_data
from course.quiz import CATEGORY_IDS, item_bank
from course.store import (
    Store,
    clean_label,
    workshop_answers_table,
    workshop_participants_table,
    workshop_reveals_table,
    workshops_table,
)

MIN_GROUP = 3  # no distribution is shown for fewer answers than this
KINDS = ("statement", "quiz", "case", "text")
ACTIVE_SECONDS = 300  # a participant seen within this many seconds is "active"

# No 0/O, 1/I/L: a code read aloud or off a projector cannot be mistyped into another one.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
MAX_TITLE = 120
MAX_PSEUDONYM = 40
MAX_TEXT = 2000
SCORES = ("0", "1", "2", "3", "4")
HIDDEN_NOTE = "fewer than 3 answers"
EXPORT_COLUMNS = ("participant", "kind", "item", "value", "answered_at")


class WorkshopError(ValueError):
    """A plain message for a person; never contains a token."""


@dataclass(frozen=True)
class Workshop:
    id: str
    code: str
    title: str
    created_at: str
    closed_at: str | None

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@dataclass(frozen=True)
class Participant:
    id: str
    workshop_id: str
    pseudonym: str
    joined_at: str


@dataclass(frozen=True)
class Distribution:
    n: int  # how many answered
    counts: dict[str, int] | None  # option/score -> count; None when n < MIN_GROUP (hidden)

    @property
    def hidden(self) -> bool:
        return self.counts is None


@dataclass(frozen=True)
class WorkshopSummary:
    workshop: Workshop
    joined: int
    active: int
    statements: dict[str, Distribution]  # statement id -> counts of "0".."4"
    quiz: dict[str, Distribution]  # item id -> counts of each C chosen
    confusion: dict[str, dict[str, int]] | None  # true C -> chosen C -> count; None below MIN_GROUP participants
    cases: dict[str, Distribution]  # "<case>/<question>" -> counts per option id
    texts: dict[str, list[str]]  # "<kind>/<item>" -> shared texts; an empty list when fewer than MIN_GROUP shared
    revealed: frozenset[tuple[str, str]]  # (kind, item) revealed by the trainer


# --- codes and tokens -----------------------------------------------------------------------


def now() -> str:
    """A UTC timestamp to the microsecond: participants who join in the same second keep their order."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def normalise_code(raw: object) -> str:
    """A join code as stored: "k7m q2p" -> "K7MQ2P". WorkshopError if it cannot be a code."""
    if not isinstance(raw, str):
        raise WorkshopError("Type the workshop's join code.")
    code = "".join(ch for ch in raw.upper() if not ch.isspace() and ch != "-")
    if not code:
        raise WorkshopError("Type the workshop's join code.")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        raise WorkshopError(
            f"A join code is {CODE_LENGTH} letters and digits, for example K7M Q2P (there is no 0, O, 1, I or L "
            "in a code). Check the code you were given."
        )
    return code


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _clean_title(title: object) -> str:
    try:
        example = "title for the workshop, for example \u201cStaff training, 3 March\u201d"
        return clean_label(title, "workshop title", example, MAX_TITLE)
    except ValueError as exc:
        raise WorkshopError(str(exc)) from None


def _workshop(row: sa.Row) -> Workshop:
    m = row._mapping
    return Workshop(m["id"], m["code"], m["title"], m["created_at"], m["closed_at"])


_WORKSHOP_COLUMNS = (
    workshops_table.c.id,
    workshops_table.c.code,
    workshops_table.c.title,
    workshops_table.c.created_at,
    workshops_table.c.closed_at,
)


def create_workshop(store: Store, title: str) -> tuple[Workshop, str]:
    """A new workshop and its trainer token, which is shown once and only hashed in the store."""
    cleaned = _clean_title(title)
    token = secrets.token_urlsafe(18)
    for _attempt in range(20):
        workshop = Workshop(str(uuid.uuid4()), _new_code(), cleaned, now(), None)
        row = {
            "id": workshop.id,
            "code": workshop.code,
            "title": workshop.title,
            "token_hash": _hash_token(token),
            "created_at": workshop.created_at,
            "closed_at": None,
        }
        try:
            store.write(lambda conn, row=row: conn.execute(sa.insert(workshops_table).values(**row)))
        except sa.exc.IntegrityError:
            continue  # that code is taken: draw another
        return workshop, token
    raise WorkshopError("Could not find a free join code: the store is very busy. Try again.")


def workshop_by_code(store: Store, code: str) -> Workshop:
    code = normalise_code(code)
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(*_WORKSHOP_COLUMNS).where(workshops_table.c.code == code)).first()
    if row is None:
        raise WorkshopError(f"No workshop has the code {code}. Check the code you were given.")
    return _workshop(row)


def open_as_trainer(store: Store, code: str, token: str) -> Workshop:
    """The workshop, if `token` is its trainer token (compared in constant time)."""
    code = normalise_code(code)
    if not isinstance(token, str) or not token.strip():
        raise WorkshopError("Type the trainer token you were given when the workshop was created.")
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(*_WORKSHOP_COLUMNS, workshops_table.c.token_hash).where(workshops_table.c.code == code)
        ).first()
    if row is None:
        raise WorkshopError(f"No workshop has the code {code}. Check the code you were given.")
    if not hmac.compare_digest(_hash_token(token.strip()), row.token_hash):
        raise WorkshopError(
            f"That trainer token does not match the workshop {code}. Check it: it was shown once, "
            "when the workshop was created."
        )
    return _workshop(row)


def workshops(store: Store) -> list[Workshop]:
    """Every workshop, newest first."""
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(*_WORKSHOP_COLUMNS).order_by(workshops_table.c.created_at.desc())).all()
    return [_workshop(row) for row in rows]


def participant_counts(store: Store) -> dict[str, int]:
    """How many participants joined each workshop, by workshop id."""
    table = workshop_participants_table
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(table.c.workshop_id, sa.func.count()).group_by(table.c.workshop_id)).all()
    return {workshop_id: count for workshop_id, count in rows}


def close_workshop(store: Store, workshop: Workshop) -> Workshop:
    """Stop accepting answers and joins; the data is kept."""

    def _work(conn: sa.Connection) -> sa.Row | None:
        conn.execute(
            sa.update(workshops_table)
            .where(workshops_table.c.id == workshop.id, workshops_table.c.closed_at.is_(None))
            .values(closed_at=now())
        )
        row = conn.execute(sa.select(*_WORKSHOP_COLUMNS).where(workshops_table.c.id == workshop.id)).first()
        return row

    row = store.write(_work)
    if row is None:
        raise WorkshopError("That workshop is no longer in the store.")
    return _workshop(row)


def _closed_message(code: str) -> str:
    return f"The workshop {code} is closed: it no longer takes answers. Ask the trainer for the code of a new one."


# --- participants ---------------------------------------------------------------------------


def _clean_pseudonym(pseudonym: object) -> str:
    if pseudonym is None:
        return ""
    if not isinstance(pseudonym, str):
        raise WorkshopError("A pseudonym must be text.")
    cleaned = " ".join(pseudonym.split())
    if len(cleaned) > MAX_PSEUDONYM:
        raise WorkshopError(f"A pseudonym can be at most {MAX_PSEUDONYM} characters.")
    if any(unicodedata.category(ch).startswith("C") for ch in cleaned):
        raise WorkshopError("The pseudonym contains characters that cannot be shown.")
    kinds = {f.kind for f in find_personal_data(cleaned)}
    if kinds & {"an email address", "a UK phone number"}:
        raise WorkshopError(
            "A pseudonym must not be an email address or a phone number: choose a made-up name, or leave it empty."
        )
    return cleaned


def join(store: Store, code: str, pseudonym: str = "") -> Participant:
    """Join an open workshop; WorkshopError (and nothing written) otherwise."""
    workshop = workshop_by_code(store, code)
    if workshop.closed:
        raise WorkshopError(_closed_message(workshop.code))
    cleaned = _clean_pseudonym(pseudonym)
    stamp = now()
    joined = Participant(str(uuid.uuid4()), workshop.id, cleaned, stamp)

    def _work(conn: sa.Connection) -> None:
        conn.execute(
            sa.insert(workshop_participants_table).values(
                id=joined.id, workshop_id=workshop.id, pseudonym=cleaned, joined_at=stamp, last_seen_at=stamp
            )
        )

    store.write(_work)
    return joined


def participant(store: Store, participant_id: str) -> Participant | None:
    if not isinstance(participant_id, str):
        return None
    table = workshop_participants_table
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(table.c.id, table.c.workshop_id, table.c.pseudonym, table.c.joined_at).where(
                table.c.id == participant_id
            )
        ).first()
    return Participant(row.id, row.workshop_id, row.pseudonym, row.joined_at) if row else None


def touch(store: Store, participant_id: str) -> None:
    """The participant is here now (`last_seen_at`)."""
    table = workshop_participants_table

    def _work(conn: sa.Connection) -> None:
        conn.execute(sa.update(table).where(table.c.id == participant_id).values(last_seen_at=now()))

    store.write(_work)


# --- what may be recorded -------------------------------------------------------------------


def _unknown(kind: str, item: object) -> WorkshopError:
    return WorkshopError(f"{item!r} is not a {kind} question of this course.")


def _case_question(item: str):  # type: ignore[no-untyped-def]
    case_id, _, question_id = item.partition("/")
    try:
        case = case_bank().case(case_id)
    except KeyError:
        raise _unknown("case", item) from None
    question = next((q for q in case.questions if q.id == question_id), None)
    if question is None:
        raise _unknown("case", item)
    return question


def _check_item(kind: object, item: object) -> None:
    """WorkshopError unless `item` is an item of `kind` in the course's content."""
    if kind not in KINDS:
        raise WorkshopError(f"Unknown kind of answer {kind!r}: expected one of {', '.join(KINDS)}.")
    if not isinstance(item, str) or not item or len(item) > 120:
        raise WorkshopError("Every answer must name the question it answers.")
    if kind == "statement":
        if item not in {s.id for s in planner().statements}:
            raise _unknown("statement", item)
    elif kind == "quiz":
        if item not in {i.id for i in item_bank().items}:
            raise _unknown("quiz", item)
    elif kind == "case":
        _case_question(item)
    else:
        about, _, rest = item.partition("/")
        if about == "case":
            case_id, _, question_id = rest.partition("/")
            try:
                case = case_bank().case(case_id)
            except KeyError:
                raise _unknown("text", item) from None
            if question_id not in {q.id for q in case.questions} | {f.id for f in case.free_text}:
                raise _unknown("text", item)
        elif about in ("statement", "quiz"):
            _check_item(about, rest)
        else:
            raise _unknown("text", item)


def _check_value(kind: str, item: str, value: object) -> object:
    """The value to store (JSON data), or None to delete the answer. WorkshopError if refused."""
    if kind == "statement":
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 4:
            raise WorkshopError("A score must be a whole number from 0 to 4.")
        return value
    if kind == "quiz":
        if not isinstance(value, list | tuple | set | frozenset):
            raise WorkshopError("A four Cs answer must be a list of the Cs ticked.")
        chosen = set(value)
        if not all(isinstance(c, str) and c in CATEGORY_IDS for c in chosen):
            raise WorkshopError(f"Choices must be among {', '.join(CATEGORY_IDS)}.")
        return [c for c in CATEGORY_IDS if c in chosen] or None
    if kind == "case":
        question = _case_question(item)
        options = [o.id for o in question.options]
        if question.kind == "single":
            if value is None:
                return None
            if not isinstance(value, str) or value not in options:
                raise WorkshopError(f"That is not one of the choices for {item}.")
            return value
        if not isinstance(value, list | tuple | set | frozenset):
            raise WorkshopError(f"The answer to {item} must be a list of the options ticked.")
        chosen = set(value)
        if not all(isinstance(o, str) and o in options for o in chosen):
            raise WorkshopError(f"That is not one of the choices for {item}.")
        return [o for o in options if o in chosen] or None
    if value is None:
        return None
    if not isinstance(value, str):
        raise WorkshopError("Shared text must be text.")
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise WorkshopError(f"Shared text can be at most {MAX_TEXT} characters.")
    return text or None


def record(store: Store, participant_id: str, kind: str, item: str, value: object) -> None:
    """Pool one answer (latest wins; None, an empty list or empty text removes it)."""
    _check_item(kind, item)
    checked = _check_value(kind, item, value)
    people = workshop_participants_table

    def _work(conn: sa.Connection) -> None:
        row = conn.execute(
            sa.select(people.c.workshop_id, workshops_table.c.code, workshops_table.c.closed_at)
            .join(workshops_table, workshops_table.c.id == people.c.workshop_id)
            .where(people.c.id == (participant_id if isinstance(participant_id, str) else ""))
        ).first()
        if row is None:
            raise WorkshopError("You are not in this workshop (any more): join it again with its code.")
        if row.closed_at is not None:
            raise WorkshopError(_closed_message(row.code))
        stamp = now()
        answers = workshop_answers_table
        key = (answers.c.participant_id == participant_id, answers.c.kind == kind, answers.c.item == item)
        if checked is None:
            conn.execute(sa.delete(answers).where(*key))
        else:
            values = {"value": json.dumps(checked, ensure_ascii=False), "answered_at": stamp}
            updated = conn.execute(sa.update(answers).where(*key).values(**values))
            if updated.rowcount == 0:
                conn.execute(
                    sa.insert(answers).values(
                        participant_id=participant_id, kind=kind, item=item, workshop_id=row.workshop_id, **values
                    )
                )
        conn.execute(sa.update(people).where(people.c.id == participant_id).values(last_seen_at=stamp))

    store.write(_work)


# --- what the room answered -------------------------------------------------------------------


def _distribution(n: int, counts: dict[str, int]) -> Distribution:
    return Distribution(n, counts if n >= MIN_GROUP else None)


def summary(store: Store, workshop: Workshop, *, at: datetime | None = None) -> WorkshopSummary:
    """Everything the dashboard shows, from three queries on one connection."""
    cutoff = ((at or datetime.now(UTC)) - timedelta(seconds=ACTIVE_SECONDS)).isoformat(timespec="microseconds")
    people = workshop_participants_table
    answers = workshop_answers_table
    with store.engine.connect() as conn:
        joined, active = conn.execute(
            sa.select(
                sa.func.count(),
                sa.func.coalesce(sa.func.sum(sa.case((people.c.last_seen_at >= cutoff, 1), else_=0)), 0),
            ).where(people.c.workshop_id == workshop.id)
        ).one()
        rows = conn.execute(
            sa.select(answers.c.participant_id, answers.c.kind, answers.c.item, answers.c.value).where(
                answers.c.workshop_id == workshop.id
            )
        ).all()
        shown = conn.execute(
            sa.select(workshop_reveals_table.c.kind, workshop_reveals_table.c.item).where(
                workshop_reveals_table.c.workshop_id == workshop.id
            )
        ).all()

    statement_counts: dict[str, dict[str, int]] = {}
    statement_n: dict[str, int] = defaultdict(int)
    quiz_counts: dict[str, dict[str, int]] = {}
    quiz_n: dict[str, int] = defaultdict(int)
    case_counts: dict[str, dict[str, int]] = {}
    case_n: dict[str, int] = defaultdict(int)
    texts: dict[str, list[str]] = defaultdict(list)
    bank = item_bank()
    quiz_items = {i.id: i for i in bank.items}
    matrix = {true: dict.fromkeys(CATEGORY_IDS, 0) for true in CATEGORY_IDS}
    quiz_people: set[str] = set()
    options_of: dict[str, list[str]] = {}

    for participant_id, kind, item, raw in rows:
        try:
            value = json.loads(raw)
        except ValueError:
            continue
        if kind == "statement" and isinstance(value, int) and str(value) in SCORES:
            counts = statement_counts.setdefault(item, dict.fromkeys(SCORES, 0))
            counts[str(value)] += 1
            statement_n[item] += 1
        elif kind == "quiz" and isinstance(value, list):
            counts = quiz_counts.setdefault(item, dict.fromkeys(CATEGORY_IDS, 0))
            chosen = [c for c in value if c in counts]
            for c in chosen:
                counts[c] += 1
            quiz_n[item] += 1
            if item in quiz_items:
                quiz_people.add(participant_id)
                for true in quiz_items[item].categories:
                    for c in chosen:
                        matrix[true][c] += 1
        elif kind == "case":
            if item not in options_of:
                try:
                    options_of[item] = [o.id for o in _case_question(item).options]
                except WorkshopError:
                    options_of[item] = []
            counts = case_counts.setdefault(item, dict.fromkeys(options_of[item], 0))
            for option in value if isinstance(value, list) else [value]:
                if isinstance(option, str):
                    counts[option] = counts.get(option, 0) + 1
            case_n[item] += 1
        elif kind == "text" and isinstance(value, str):
            texts[item].append(value)

    return WorkshopSummary(
        workshop=workshop,
        joined=int(joined),
        active=int(active),
        statements={k: _distribution(statement_n[k], v) for k, v in statement_counts.items()},
        quiz={k: _distribution(quiz_n[k], v) for k, v in quiz_counts.items()},
        confusion=matrix if len(quiz_people) >= MIN_GROUP else None,
        cases={k: _distribution(case_n[k], v) for k, v in case_counts.items()},
        # Sorted, not in the order given: the order must not tell who wrote what.
        texts={k: sorted(v) if len(v) >= MIN_GROUP else [] for k, v in texts.items()},
        revealed=frozenset((kind, item) for kind, item in shown),
    )


def reveal(store: Store, workshop: Workshop, kind: str, item: str, shown: bool = True) -> None:
    """Show (or hide again) the right answer to an item, for the room."""
    _check_item(kind, item)
    table = workshop_reveals_table
    key = (table.c.workshop_id == workshop.id, table.c.kind == kind, table.c.item == item)

    def _work(conn: sa.Connection) -> None:
        conn.execute(sa.delete(table).where(*key))
        if shown:
            conn.execute(sa.insert(table).values(workshop_id=workshop.id, kind=kind, item=item, revealed_at=now()))

    store.write(_work)


def revealed(store: Store, workshop_id: str) -> frozenset[tuple[str, str]]:
    table = workshop_reveals_table
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(table.c.kind, table.c.item).where(table.c.workshop_id == workshop_id)).all()
    return frozenset((kind, item) for kind, item in rows)


def reset(store: Store, workshop: Workshop, kind: str, item: str) -> int:
    """Delete every answer to one item (and its reveal); returns how many answers went."""
    _check_item(kind, item)
    answers = workshop_answers_table

    def _work(conn: sa.Connection) -> int:
        deleted = conn.execute(
            sa.delete(answers).where(
                answers.c.workshop_id == workshop.id, answers.c.kind == kind, answers.c.item == item
            )
        ).rowcount
        conn.execute(
            sa.delete(workshop_reveals_table).where(
                workshop_reveals_table.c.workshop_id == workshop.id,
                workshop_reveals_table.c.kind == kind,
                workshop_reveals_table.c.item == item,
            )
        )
        return deleted

    deleted = store.write(_work)
    return int(deleted or 0)


def _and(words: Iterable[str], last: str = " and ") -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + last + words[-1]


def answer_key(kind: str, item: str) -> str:
    """The right answer in plain words: "Contact and Conduct", a case's option label(s);
    "" for a statement (self-assessment has no right answer) and for free text."""
    _check_item(kind, item)
    if kind == "quiz":
        bank = item_bank()
        correct = bank.item(item).categories
        return _and(bank.label(c) for c in CATEGORY_IDS if c in correct)
    if kind == "case":
        question = _case_question(item)
        return _and((o.label for o in question.options if o.id in question.answer), last="; and ")
    return ""


def item_text(kind: str, item: str) -> str:
    """What the item asks, in the course's words (for headings and exports)."""
    _check_item(kind, item)
    if kind == "statement":
        return planner().statement(item).text
    if kind == "quiz":
        return item_bank().item(item).text
    if kind == "case":
        case_id = item.partition("/")[0]
        return f"{case_bank().case(case_id).title}: {_case_question(item).prompt}"
    about, _, rest = item.partition("/")
    if about == "case":
        case_id, _, question_id = rest.partition("/")
        case = case_bank().case(case_id)
        found = next((f.prompt for f in case.free_text if f.id == question_id), None)
        return f"{case.title}: {found}" if found else item_text("case", rest)
    return item_text(about, rest)


def option_label(kind: str, item: str, option: str) -> str:
    """The words of one option: a score's descriptor, a C's name, a case option's label."""
    if kind == "statement":
        level = planner().scale[int(option)]
        return f"{level.level}: {level.descriptor}"
    if kind == "quiz":
        return item_bank().label(option)
    if kind == "case":
        try:
            question = _case_question(item)
        except WorkshopError:
            return option
        return next((o.label for o in question.options if o.id == option), option)
    return option


# --- exports ----------------------------------------------------------------------------------


def _plain(value: object) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return "" if value is None else str(value)


def export_rows(store: Store, workshop: Workshop) -> list[dict[str, str]]:
    """One row per answer. Participants are numbered in the order they joined, never named."""
    people = workshop_participants_table
    answers = workshop_answers_table
    with store.engine.connect() as conn:
        order = conn.execute(
            sa.select(people.c.id).where(people.c.workshop_id == workshop.id).order_by(people.c.joined_at, people.c.id)
        ).scalars()
        number = {pid: n for n, pid in enumerate(order, start=1)}
        rows = conn.execute(
            sa.select(answers.c.participant_id, answers.c.kind, answers.c.item, answers.c.value, answers.c.answered_at)
            .where(answers.c.workshop_id == workshop.id)
            .order_by(answers.c.kind, answers.c.item, answers.c.answered_at)
        ).all()
    result = []
    for participant_id, kind, item, raw, answered_at in rows:
        try:
            value = _plain(json.loads(raw))
        except ValueError:
            value = ""
        result.append(
            {
                "participant": f"Participant {number.get(participant_id, 0)}",
                "kind": kind,
                "item": item,
                "value": value,
                "answered_at": answered_at,
            }
        )
    result.sort(key=lambda r: (int(r["participant"].rsplit(" ", 1)[1]), KINDS.index(r["kind"]), r["item"]))
    return result


def export_csv(store: Store, workshop: Workshop) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in export_rows(store, workshop):
        writer.writerow([_csv_safe(row[c]) for c in EXPORT_COLUMNS])
    return out.getvalue()


def _summary_rows(result: WorkshopSummary) -> list[list[object]]:
    rows: list[list[object]] = []
    groups = (("statement", result.statements), ("quiz", result.quiz), ("case", result.cases))
    for kind, distributions in groups:
        for item in sorted(distributions):
            dist = distributions[item]
            try:
                question = item_text(kind, item)
                key = answer_key(kind, item)
            except WorkshopError:
                question, key = "", ""
            if dist.counts is None:
                rows.append([kind, item, question, dist.n, HIDDEN_NOTE, "", key])
                continue
            for option, count in dist.counts.items():
                rows.append([kind, item, question, dist.n, option_label(kind, item, option), count, key])
    return rows


def export_xlsx(store: Store, workshop: Workshop) -> bytes:
    """A workbook with a "Summary" sheet (the room's distributions, hidden ones marked
    "fewer than 3 answers") and an "Answers" sheet (one row per answer)."""
    from openpyxl import Workbook  # only exports pay for openpyxl

    result = summary(store, workshop)
    book = Workbook()
    sheet = book.active
    sheet.title = "Summary"
    sheet.append(["Workshop", _csv_safe(workshop.title)])
    sheet.append(["Join code", workshop.code])
    sheet.append(["Created", workshop.created_at])
    sheet.append(["Closed", workshop.closed_at or "open"])
    sheet.append(["Participants", result.joined])
    sheet.append([])
    sheet.append(["kind", "item", "question", "answers", "option", "count", "right answer"])
    for row in _summary_rows(result):
        sheet.append([_csv_safe(v) if isinstance(v, str) else v for v in row])
    answers = book.create_sheet("Answers")
    answers.append(list(EXPORT_COLUMNS))
    for row in export_rows(store, workshop):
        answers.append([_csv_safe(row[c]) for c in EXPORT_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
