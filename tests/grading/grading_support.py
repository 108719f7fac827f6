"""Helpers for the nbgrader tests: submissions made the way the exercise page makes them,
and edits of submitted notebooks for the tampered fixtures."""

from __future__ import annotations

import json
from pathlib import Path

from course.cases import Case, Question, case_bank
from grading import submission

CASE = "case-1-shared-images"


def right_answers(case: Case) -> dict[str, list[str] | str]:
    return {q.id: sorted(q.answer) if q.kind == "multi" else next(iter(q.answer)) for q in case.questions}


def wrong_option(question: Question) -> str:
    return next(o.id for o in question.options if o.id not in question.answer)


def wrong_answers(case: Case) -> dict[str, list[str] | str]:
    return {q.id: [wrong_option(q)] if q.kind == "multi" else wrong_option(q) for q in case.questions}


def submit(course_dir: Path, learner: str, choices: dict, free: dict | None = None, case_id: str = CASE):  # type: ignore[no-untyped-def]
    case = case_bank().case(case_id)
    return submission.submit(case, learner, choices, free or {}, course_dir)


def notebook_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def rewrite(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Edit a submitted notebook's JSON in place (to make tampered fixtures)."""
    nb = notebook_json(path)
    change(nb)
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def cell(nb: dict, grade_id: str) -> dict:
    return next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)
