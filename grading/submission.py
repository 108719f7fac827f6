"""Turning a learner's answers on the exercise page into a real nbgrader submission.

`submit` takes the released notebook of the case (made by nbgrader's generate_assignment),
writes each answer into its answer cell (choices as a Python literal, written answers as
escaped markdown) and leaves every other cell, checksums included, exactly as released.
The file goes to `submitted/<learner>/<case>/` of the course folder with nbgrader's
`timestamp.txt`; an earlier submission is moved to `previous/`, never destroyed.

Nothing here logs what people type.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

from course import settings
from course.cases import Case, case_bank
from course.learners import MAX_LEARNER_ID, clean_learner_id, learner_from_environment  # noqa: F401 (shared rules)
from grading.build import course_lock, ensure_release
from grading.notebooks import answer_cell_id, answer_source, notebook_text, quote_markdown

MAX_WRITTEN_ANSWER = 20_000  # characters in one written answer
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"
METADATA_KEY = "online_lives"


class SubmissionError(ValueError):
    """The answers cannot be submitted as they are; the message says why, for a person."""


@dataclass(frozen=True)
class Submission:
    learner: str
    assignment: str
    path: Path
    timestamp: str
    notebook_bytes: bytes
    filename: str
    kept_aside: Path | None


@dataclass(frozen=True)
class Feedback:
    html: str
    submitted_at: str | None
    filename: str


def now_timestamp() -> str:
    return datetime.now(UTC).strftime(TIMESTAMP_FORMAT)


def _cell(nb: NotebookNode, grade_id: str) -> NotebookNode:
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return cell
    raise SubmissionError(f"The released exercise has no cell {grade_id!r}: ask your course organiser to rebuild it.")


def fill(
    nb: NotebookNode, case: Case, choices: Mapping[str, Sequence[str] | str | None], free_text: Mapping[str, str]
) -> NotebookNode:
    """Write the answers into the released notebook's answer cells, in place."""
    for number, question in enumerate(case.questions, start=1):
        chosen = choices.get(question.id)
        options = {o.id for o in question.options}
        if question.kind == "multi":
            picked = [] if chosen is None else [chosen] if isinstance(chosen, str) else list(chosen)
            if not all(isinstance(c, str) and c in options for c in picked):
                raise SubmissionError(f"Question {number} has a choice that is not one of its options.")
            value: Sequence[str] | str | None = picked
        else:
            if chosen is not None and not (isinstance(chosen, str) and chosen in options):
                raise SubmissionError(f"Question {number} has a choice that is not one of its options.")
            value = chosen
        _cell(nb, answer_cell_id(question.id)).source = answer_source(question, value)
    for number, free in enumerate(case.free_text, start=len(case.questions) + 1):
        text = free_text.get(free.id) or ""
        if not isinstance(text, str):
            raise SubmissionError(f"The answer to question {number} must be text.")
        if len(text) > MAX_WRITTEN_ANSWER:
            raise SubmissionError(
                f"The answer to question {number} is {len(text):,} characters long; the most is "
                f"{MAX_WRITTEN_ANSWER:,}. Please shorten it."
            )
        if text.strip():  # left blank, the cell stays as released and nbgrader scores it 0
            _cell(nb, answer_cell_id(free.id)).source = quote_markdown(text.strip())
    return nb


def submission_dir(course_dir: Path, learner: str, assignment: str) -> Path:
    return course_dir / "submitted" / learner / assignment


def submit(
    case: Case,
    learner: str,
    choices: Mapping[str, Sequence[str] | str | None],
    free_text: Mapping[str, str],
    course_dir: Path | None = None,
) -> Submission:
    """Write a learner's answers as an nbgrader submission; returns where and what."""
    learner = clean_learner_id(learner)
    course_dir = course_dir or settings.grading_dir()
    released = ensure_release(case.id, course_dir)
    nb = nbformat.read(released, as_version=4)
    fill(nb, case, choices, free_text)
    timestamp = now_timestamp()
    nb.metadata[METADATA_KEY] = {
        "case_id": case.id,
        "learner": learner,
        "submitted_at": timestamp,
        "case_bank_version": case_bank().version,
    }
    text = notebook_text(nb)
    filename = f"{case.id}.ipynb"
    kept_aside = place_submission(course_dir, learner, case.id, {filename: text}, timestamp)
    return Submission(
        learner=learner,
        assignment=case.id,
        path=submission_dir(course_dir, learner, case.id) / filename,
        timestamp=timestamp,
        notebook_bytes=text.encode("utf-8"),
        filename=filename,
        kept_aside=kept_aside,
    )


def place_submission(
    course_dir: Path, learner: str, assignment: str, files: Mapping[str, str], timestamp: str
) -> Path | None:
    """Put a submission's files in place at once; an earlier one goes to `previous/`.
    Returns where the earlier one went, or None."""
    target = submission_dir(course_dir, learner, assignment)
    with course_lock(course_dir):
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=target.parent))
        try:
            for name, text in files.items():
                (staging / name).write_text(text, encoding="utf-8")
            (staging / "timestamp.txt").write_text(timestamp, encoding="utf-8")
            kept_aside = None
            if target.exists():
                earlier = read_timestamp(target) or "unknown-time"
                kept_aside = _unused(course_dir / "previous" / learner / assignment / _safe(earlier))
                kept_aside.parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, kept_aside)
            os.replace(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return kept_aside


def _safe(timestamp: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", timestamp).strip("-")


def _unused(path: Path) -> Path:
    candidate, n = path, 2
    while candidate.exists():
        candidate, n = path.with_name(f"{path.name}-{n}"), n + 1
    return candidate


def read_timestamp(folder: Path) -> str | None:
    try:
        return (folder / "timestamp.txt").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def latest_submission(case_id: str, learner: str, course_dir: Path | None = None) -> str | None:
    """When the learner's current submission of a case was made, or None."""
    course_dir = course_dir or settings.grading_dir()
    return read_timestamp(submission_dir(course_dir, clean_learner_id(learner), case_id))


def feedback_for(case_id: str, learner: str, course_dir: Path | None = None) -> Feedback | None:
    """The feedback nbgrader's generate_feedback made for this learner and case, if any."""
    course_dir = course_dir or settings.grading_dir()
    folder = course_dir / "feedback" / clean_learner_id(learner) / case_id
    page = folder / f"{case_id}.html"
    if not page.is_file():
        return None
    return Feedback(
        html=page.read_text(encoding="utf-8", errors="replace"),
        submitted_at=read_timestamp(folder),
        filename=f"{case_id}-feedback.html",
    )
