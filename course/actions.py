"""The action plan: for any planner statement, an action, who owns it, a deadline and a status.

A service records what it will do to move up a level on a statement. The profile page
suggests actions for the lowest-scored statements, with the course team's guidance for each
statement (`datasets/next-steps.yaml`, loaded here). The plan exports to a formatted xlsx
workbook (a summary sheet and one sheet per planner section) and to CSV; every text cell is
neutralised so that a spreadsheet never runs it as a formula.

Plain functions taking a `Store`, as in `course/workshops.py`. The table is `actions` in
`course/store.py`. Nothing here logs what people type.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path
from statistics import mean

import sqlalchemy as sa

from course import settings
from course.content import ContentError, Planner, load_yaml, planner, validate
from course.exports import _csv_safe
from course.rounds import current_round
from course.scoring import Answer
from course.store import Service, Store, _upsert_row, actions_table, now, services_table

STATUSES = ("not started", "in progress", "done")
MAX_ACTION = 2000  # characters of one action
MAX_OWNER = 120  # characters of an owner's name or role (the column's size)
NEXT_STEPS_FILE = "next-steps.yaml"
CSV_COLUMNS = ("section", "statement_id", "statement", "score", "action", "owner", "deadline", "status", "updated_at")
SHEET_COLUMNS = ("Statement", "Statement text", "Score", "Action", "Owner", "Deadline", "Status")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_MESSAGE = "The deadline must be a real date written as YYYY-MM-DD, for example 2027-03-31."


@dataclass(frozen=True)
class PlannedAction:
    """One statement's planned action as stored.

    `deadline` is an ISO date (YYYY-MM-DD) or None; `status` is one of `STATUSES`;
    `updated_at` is the UTC time of the last save."""

    statement_id: str
    action: str
    owner: str
    deadline: str | None
    status: str
    updated_at: str

    @property
    def deadline_date(self) -> date | None:
        return date.fromisoformat(self.deadline) if self.deadline else None


# --- checking what arrives ----------------------------------------------------------------------


def check_statement(statement_id: object) -> str:
    """A statement id of the planner; ValueError otherwise."""
    known = {s.id for s in planner().statements}
    if not isinstance(statement_id, str) or statement_id not in known:
        raise ValueError(f"There is no statement {statement_id!r} in the planner.")
    return statement_id


def check_action(value: object) -> str:
    """The action text, trimmed; ValueError if it is not text or longer than `MAX_ACTION`."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError("The action must be text.")
    text = value.strip()
    if len(text) > MAX_ACTION:
        raise ValueError(f"An action can be at most {MAX_ACTION:,} characters; this one has {len(text):,}.")
    return text


def check_owner(value: object) -> str:
    """An owner's name or role with its white space tidied ("" for none); ValueError if unusable.

    The rules of `course.store.clean_label`, except that an empty owner is allowed."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError("The owner must be text.")
    cleaned = " ".join(value.split())
    if len(cleaned) > MAX_OWNER:
        raise ValueError(f"An owner can be at most {MAX_OWNER} characters: give a name or a role.")
    if any(unicodedata.category(ch).startswith("C") for ch in cleaned):
        raise ValueError("The owner contains characters that cannot be shown.")
    return cleaned


def check_deadline(value: object) -> str | None:
    """An ISO date YYYY-MM-DD that exists (a `date` is accepted too), or None for none."""
    if value is None:
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):  # a date, not a datetime
        return value.isoformat()
    if not isinstance(value, str):
        raise ValueError(DATE_MESSAGE)
    text = value.strip()
    if not text:
        return None
    if not _ISO_DATE.fullmatch(text):
        raise ValueError(DATE_MESSAGE)
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError(f"{text} is not a real date. {DATE_MESSAGE}") from None


def check_status(value: object) -> str:
    if not isinstance(value, str) or value not in STATUSES:
        raise ValueError(f"The status must be one of: {', '.join(STATUSES)}.")
    return value


# --- storage ------------------------------------------------------------------------------------


def save_action(
    store: Store,
    service_id: int,
    statement_id: str,
    *,
    action: object,
    owner: object,
    deadline: object,
    status: object,
) -> PlannedAction:
    """Save one statement's action (an upsert), checking everything first.

    ValueError with a plain message, and nothing written, if anything is wrong. A row whose
    action, owner and deadline are all empty is deleted (the statement leaves the plan);
    the returned `PlannedAction` then has empty fields."""
    sid = check_statement(statement_id)
    values = {
        "action": check_action(action),
        "owner": check_owner(owner),
        "deadline": check_deadline(deadline),
        "status": check_status(status),
        "updated_at": now(),
    }
    keys = {"service_id": service_id, "statement_id": sid}
    empty = not values["action"] and not values["owner"] and values["deadline"] is None

    def _work(conn: sa.Connection) -> None:
        found = conn.execute(sa.select(services_table.c.id).where(services_table.c.id == service_id)).first()
        if found is None:
            raise ValueError("That service is no longer in the store.")
        if empty:
            conn.execute(
                sa.delete(actions_table).where(
                    actions_table.c.service_id == service_id, actions_table.c.statement_id == sid
                )
            )
        else:
            _upsert_row(conn, actions_table, keys, values)

    store.write(_work)
    return PlannedAction(statement_id=sid, **values)  # type: ignore[arg-type]


def planned_actions(store: Store, service_id: int) -> dict[str, PlannedAction]:
    """A service's planned actions by statement id, in planner order."""
    table = actions_table
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                table.c.statement_id,
                table.c.action,
                table.c.owner,
                table.c.deadline,
                table.c.status,
                table.c.updated_at,
            ).where(table.c.service_id == service_id)
        ).all()
    found = {row.statement_id: PlannedAction(*row) for row in rows}
    order = {s.id: i for i, s in enumerate(planner().statements)}
    return dict(sorted(found.items(), key=lambda item: (order.get(item[0], len(order)), item[0])))


def current_round_number(store: Store, service_id: int) -> int:
    """The number of the service's current round (course/rounds.py)."""
    return current_round(store, service_id).number


# --- the course team's guidance on moving up a level --------------------------------------------


@dataclass(frozen=True)
class NextStep:
    """The course team's guidance for one statement: how a service moves up a level
    (`guidance`, 2-4 sentences) and a one-line `first_action` to start with."""

    statement_id: str
    guidance: str
    first_action: str


def load_next_steps(path: Path | None = None) -> dict[str, NextStep]:
    """Load and check `datasets/next-steps.yaml`: ContentError naming the file, the line and
    the problem if it breaks its schema, names an unknown statement, repeats one, or leaves
    one of the planner's statements out."""
    path = path or settings.content_dir() / NEXT_STEPS_FILE
    data, node = load_yaml(path)
    validate(path, data, node, "next-steps.schema.json")
    known = [s.id for s in planner().statements]
    steps: dict[str, NextStep] = {}
    for i, raw in enumerate(data["steps"]):
        sid = raw["statement"]
        line = _line(node, i)
        if sid not in known:
            raise ContentError(path, line, f"statement {sid!r} is not in the planner")
        if sid in steps:
            raise ContentError(path, line, f"statement {sid!r} has guidance twice")
        steps[sid] = NextStep(sid, " ".join(raw["guidance"].split()), " ".join(raw["first_action"].split()))
    missing = [sid for sid in known if sid not in steps]
    if missing:
        raise ContentError(path, None, f"no guidance for statements {', '.join(missing)}")
    return {sid: steps[sid] for sid in known}


def _line(node: object, index: int) -> int | None:
    """The line of the `index`-th entry of `steps` in the YAML node tree."""
    from course.content import _node_line

    return _node_line(node, ["steps", index, "statement"])  # type: ignore[arg-type]


@cache
def next_steps() -> dict[str, NextStep]:
    """The guidance for every statement, loaded once per process."""
    return load_next_steps()


# --- exports --------------------------------------------------------------------------------------


def _score_of(answers: dict[str, Answer], statement_id: str) -> int | None:
    answer = answers.get(statement_id)
    return answer.score if answer else None


def _redacted(actions: dict[str, PlannedAction]) -> dict[str, PlannedAction]:
    """The actions with probable personal data in their text replaced by labels ("[name removed]")."""
    from course.privacy import redact

    return {sid: replace(a, action=redact(a.action)) for sid, a in actions.items()}


def action_plan_csv(
    planner: Planner,
    service: Service,
    answers: dict[str, Answer],
    actions: dict[str, PlannedAction],
    *,
    redact: bool = False,
) -> str:
    """One row per planned action, in planner order; text neutralised against formulas. With
    `redact`, probable personal data in the actions is replaced by labels."""
    if redact:
        actions = _redacted(actions)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for section in planner.sections:
        for statement in section.statements:
            planned = actions.get(statement.id)
            if planned is None:
                continue
            score = _score_of(answers, statement.id)
            writer.writerow(
                [
                    _csv_safe(section.title),
                    statement.id,
                    _csv_safe(statement.text),
                    "" if score is None else score,
                    _csv_safe(planned.action),
                    _csv_safe(planned.owner),
                    planned.deadline or "",
                    planned.status,
                    planned.updated_at,
                ]
            )
    return out.getvalue()


def _sheet_title(number: int, title: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", f"{number}. {title}")
    return cleaned[:31].strip()


def action_plan_xlsx(
    planner: Planner,
    service: Service,
    answers: dict[str, Answer],
    actions: dict[str, PlannedAction],
    *,
    round_number: int | None = None,
    on: date | None = None,
    redact: bool = False,
) -> bytes:
    """The action plan as a formatted workbook.

    "Summary": the service, the date (`on`, default today), the round (when given), counts
    of actions by status, and per section the average score and the actions planned. Then one
    sheet per planner section, every statement a row: statement id, statement, score, action,
    owner, deadline (a real date cell), status. Headers bold on a fill, text wrapped, header
    row frozen; every text cell neutralised against formulas. With `redact`, probable personal
    data in the actions is replaced by labels."""
    if redact:
        actions = _redacted(actions)
    from openpyxl import Workbook  # only exports pay for openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="0B4F9C")
    wrap = Alignment(wrap_text=True, vertical="top")

    def header(sheet, row: int, values: tuple[str, ...] | list[str]) -> None:  # type: ignore[no-untyped-def]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.font, cell.fill, cell.alignment = header_font, header_fill, wrap

    book = Workbook()
    summary = book.active
    summary.title = "Summary"
    summary["A1"] = "Online Lives action plan"
    summary["A1"].font = Font(bold=True, size=14)
    facts: list[tuple[str, object]] = [
        ("Service", _csv_safe(service.name)),
        ("Date", on or date.today()),
    ]
    if round_number is not None:
        facts.append(("Round", round_number))
    facts.append(("Planner", _csv_safe(f"{planner.title} (version {planner.version})")))
    row = 3
    for label, value in facts:
        summary.cell(row=row, column=1, value=label).font = bold
        cell = summary.cell(row=row, column=2, value=value)
        cell.alignment = Alignment(horizontal="left", wrap_text=True, vertical="top")
        if isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        row += 1

    row += 1
    header(summary, row, ["Status", "Actions"])
    for status in STATUSES:
        row += 1
        summary.cell(row=row, column=1, value=status)
        summary.cell(row=row, column=2, value=sum(1 for a in actions.values() if a.status == status))
    row += 1
    summary.cell(row=row, column=1, value="All actions").font = bold
    summary.cell(row=row, column=2, value=len(actions)).font = bold

    row += 2
    header(summary, row, ["Section", "Statements scored", "Average score (0-4)", "Actions planned", "Actions done"])
    for section in planner.sections:
        row += 1
        scores = [s for st in section.statements if (s := _score_of(answers, st.id)) is not None]
        planned = [actions[st.id] for st in section.statements if st.id in actions]
        summary.cell(row=row, column=1, value=_csv_safe(f"{section.number}. {section.title}"))
        summary.cell(row=row, column=2, value=f"{len(scores)} of {len(section.statements)}")
        average = summary.cell(row=row, column=3, value=round(mean(scores), 2) if scores else "not scored")
        average.number_format = "0.00"
        summary.cell(row=row, column=4, value=len(planned))
        summary.cell(row=row, column=5, value=sum(1 for a in planned if a.status == "done"))
    row += 2
    credit = summary.cell(row=row, column=1, value=_csv_safe(planner.source.credit))
    credit.alignment = Alignment(wrap_text=True, vertical="top")
    summary.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
    summary.row_dimensions[row].height = 60
    for column, width in zip("ABCDE", (34, 40, 20, 16, 14), strict=True):
        summary.column_dimensions[column].width = width

    widths = (11, 55, 9, 60, 22, 13, 14)
    for section in planner.sections:
        sheet = book.create_sheet(_sheet_title(section.number, section.title))
        header(sheet, 1, SHEET_COLUMNS)
        for i, statement in enumerate(section.statements, start=2):
            planned = actions.get(statement.id)
            score = _score_of(answers, statement.id)
            values: list[object] = [
                statement.id,
                _csv_safe(statement.text),
                "not scored" if score is None else score,
                _csv_safe(planned.action) if planned else "",
                _csv_safe(planned.owner) if planned else "",
                planned.deadline_date if planned else None,
                planned.status if planned else "",
            ]
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=i, column=column, value=value)
                cell.alignment = wrap
                if column == 6:
                    cell.number_format = "yyyy-mm-dd"
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = "A2"
        last = len(section.statements) + 1
        sheet.auto_filter.ref = f"A1:G{last}"
        # The status column offers the three statuses as a list, as the course page does.
        choose = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True)
        choose.error = f"Choose one of: {', '.join(STATUSES)}."
        choose.errorTitle = "Status"
        sheet.add_data_validation(choose)
        choose.add(f"G2:G{last}")
        sheet.print_title_rows = "1:1"
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the command line ---------------------------------------------------------------------------


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register `online-lives action-plan --service NAME --format xlsx|csv -o FILE`."""
    command = sub.add_parser("action-plan", help="export one service's action plan (xlsx or CSV)")
    command.add_argument("--service", required=True, help="the service's name")
    command.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    command.add_argument(
        "--output", "-o", help="file to write (needed for xlsx; CSV goes to standard output without it)"
    )
    command.add_argument(
        "--redact", action="store_true", help="replace probable personal data in the actions with labels"
    )
    command.set_defaults(func=_cli_export)


def _cli_export(args: argparse.Namespace) -> int:
    store = Store()
    service = store.find_service(args.service)
    if args.format == "xlsx" and not args.output:
        print("An xlsx workbook needs a file to go to: add --output FILE.xlsx (or -o).", file=sys.stderr)
        return 2
    answers = store.answers(service.id)
    actions = planned_actions(store, service.id)
    if args.format == "xlsx":
        workbook = action_plan_xlsx(
            planner(),
            service,
            answers,
            actions,
            round_number=current_round_number(store, service.id),
            redact=args.redact,
        )
        Path(args.output).write_bytes(workbook)
    else:
        text = action_plan_csv(planner(), service, answers, actions, redact=args.redact)
        if not args.output:
            sys.stdout.write(text)
            return 0
        Path(args.output).write_text(text, encoding="utf-8", newline="")
    count = f"{len(actions)} planned action{'' if len(actions) == 1 else 's'}"
    print(f"Wrote {args.output}: {count} for {service.name}.", file=sys.stderr)
    return 0
