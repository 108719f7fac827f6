"""Exports of a service's assessment (JSON and CSV) and the JSON import for resuming.

The JSON export is also the file a Binder learner downloads and uploads again to resume,
so the importer refuses anything it cannot trust: malformed JSON, another format, another
planner version, unknown statements, impossible scores.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

import jsonschema

from course.content import Planner, load_schema
from course.privacy import redact as redact_text
from course.scoring import MAX_TEXT, Answer, check_score, flags_for
from course.store import Service, clean_service_name, now

FORMAT = "online-lives-assessment"
FORMAT_VERSION = 1
MAX_IMPORT_BYTES = 2_000_000

CSV_COLUMNS = (
    "section",
    "statement_id",
    "statement",
    "score",
    "score_descriptor",
    "evidence",
    "qa_score",
    "qa_note",
    "flags",
    "updated_at",
)


def _free_text(text: str, redact: bool) -> str:
    """Evidence or a QA note as exported: with probable personal data replaced by labels when
    `redact` is set (cut to the longest text an import accepts, as labels can be longer)."""
    return redact_text(text)[:MAX_TEXT] if redact else text


def assessment_dict(
    planner: Planner, service: Service, answers: dict[str, Answer], redact: bool = False
) -> dict[str, Any]:
    """The whole assessment as plain data: every statement, answered or not. With `redact`,
    evidence and QA notes have probable personal data replaced by labels ("[name removed]")."""
    rows = []
    for section in planner.sections:
        for statement in section.statements:
            answer = answers.get(statement.id) or Answer(statement.id)
            rows.append(
                {
                    "statement_id": statement.id,
                    "section": section.title,
                    "statement": statement.text,
                    "score": answer.score,
                    "evidence": _free_text(answer.evidence, redact),
                    "qa_score": answer.qa_score,
                    "qa_note": _free_text(answer.qa_note, redact),
                    "updated_at": answer.updated_at,
                }
            )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": now(),
        "planner": {"id": planner.id, "version": planner.version, "credit": planner.source.credit},
        "service": {"name": service.name},
        "answers": rows,
    }


def to_json(planner: Planner, service: Service, answers: dict[str, Answer], redact: bool = False) -> str:
    """The JSON export (also the file uploaded to resume); `redact` as in `assessment_dict`."""
    return json.dumps(assessment_dict(planner, service, answers, redact), indent=2, ensure_ascii=False) + "\n"


def _csv_safe(value: object) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def to_csv(planner: Planner, service: Service, answers: dict[str, Answer], redact: bool = False) -> str:
    """The CSV export, one row per statement; `redact` as in `assessment_dict`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for section in planner.sections:
        for statement in section.statements:
            answer = answers.get(statement.id) or Answer(statement.id)
            writer.writerow(
                [
                    _csv_safe(section.title),
                    statement.id,
                    _csv_safe(statement.text),
                    "" if answer.score is None else answer.score,
                    "" if answer.score is None else _csv_safe(planner.descriptor(answer.score)),
                    _csv_safe(_free_text(answer.evidence, redact)),
                    "" if answer.qa_score is None else answer.qa_score,
                    _csv_safe(_free_text(answer.qa_note, redact)),
                    _csv_safe(" ".join(f.message for f in flags_for(answer))),
                    answer.updated_at or "",
                ]
            )
    return out.getvalue()


# --- import -------------------------------------------------------------------------------


class ImportRefused(ValueError):
    """An uploaded assessment cannot be used; the message says why, for the person."""


@dataclass(frozen=True)
class ImportedAssessment:
    service_name: str
    answers: list[Answer]

    @property
    def answered(self) -> int:
        return sum(1 for a in self.answers if not a.is_empty)


def parse_assessment(raw: bytes | str, planner: Planner, filename: str = "the file") -> ImportedAssessment:
    """Parse and check an exported assessment; raises ImportRefused with a clear reason."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_IMPORT_BYTES:
            raise ImportRefused(f"{filename} is too large ({len(raw):,} bytes) to be an assessment export.")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused(f"{filename} is not a text file. Choose the .json file you downloaded.") from None
    else:
        text = raw
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            f"{filename} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}). "
            "It may have been edited or damaged."
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused(f"{filename} is not an Online Lives assessment export.")
    if data.get("format_version") != FORMAT_VERSION:
        raise ImportRefused(
            f"{filename} uses export format version {data.get('format_version')!r}; "
            f"this course reads version {FORMAT_VERSION}."
        )
    found = data.get("planner") if isinstance(data.get("planner"), dict) else {}
    if found.get("id") != planner.id or found.get("version") != planner.version:
        raise ImportRefused(
            f"{filename} was made for planner version {found.get('version')!r} "
            f"({found.get('id')!r}); this course uses version {planner.version!r}. "
            "It cannot be loaded here, so nothing was changed."
        )
    errors = sorted(
        jsonschema.Draft202012Validator(load_schema("assessment.schema.json")).iter_errors(data),
        key=lambda e: list(e.absolute_path),
    )
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "the top level"
        raise ImportRefused(f"{filename} is damaged at {where}: {errors[0].message}")
    try:
        service_name = clean_service_name(data["service"]["name"])
    except ValueError as exc:
        raise ImportRefused(f"{filename}: {exc}") from None
    known = {s.id for s in planner.statements}
    answers: dict[str, Answer] = {}
    for row in data["answers"]:
        sid = row["statement_id"]
        if sid not in known:
            raise ImportRefused(f"{filename} has an answer for statement {sid}, which this planner does not have.")
        if sid in answers:
            raise ImportRefused(f"{filename} has two answers for statement {sid}.")
        try:  # the schema lets 3.0 through as an integer; the store does not
            score, qa_score = check_score(row.get("score")), check_score(row.get("qa_score"))
        except ValueError as exc:
            raise ImportRefused(f"{filename} is damaged at statement {sid}: {exc}") from None
        answers[sid] = Answer(
            statement_id=sid,
            score=score,
            evidence=row.get("evidence", ""),
            qa_score=qa_score,
            qa_note=row.get("qa_note", ""),
            updated_at=row.get("updated_at"),
        )
    return ImportedAssessment(service_name, [a for a in answers.values() if not a.is_empty])
