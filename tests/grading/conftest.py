"""Fixtures for the nbgrader side: a course folder built once by real nbgrader, copied
fresh for each test, and helpers that make submissions the way the exercise page does."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from course.cases import Case, Question, case_bank
from grading import build, submission

CASE = "case-1-shared-images"


@pytest.fixture(scope="session")
def built_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course folder made by `grading.build.build` (nbgrader generate_assignment): once."""
    return build.build(tmp_path_factory.mktemp("built") / "grading")


@pytest.fixture
def course_dir(built_course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh copy of the built course folder, set as this process's grading folder."""
    target = tmp_path / "grading"
    shutil.copytree(built_course, target)
    monkeypatch.setenv("ONLINE_LIVES_GRADING", str(target))
    monkeypatch.setenv("ONLINE_LIVES_DATA", str(tmp_path / "data"))
    yield target


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
