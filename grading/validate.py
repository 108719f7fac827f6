"""Checking every submission before any kernel or grader touches it.

Each submission is compared with the released notebook of its case:

- it must be a readable notebook of a sensible size (else **corrupt**);
- every released cell must be there once, locked cells and test cells exactly as released,
  no cell added, no cell's type or nbgrader metadata changed (else **tampered**);
- every autograded answer cell must be empty or one assignment of a literal of the
  expected shape to the expected name, parsed with `ast` and never executed (anything
  else is **unsafe**; a literal naming options the question does not have is tampered).

Only submissions found **ok** go on to be graded.
"""

from __future__ import annotations

import ast
import json
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

from course.cases import Case, case_bank
from grading.build import release_path
from grading.notebooks import answer_cell_id, answer_variable
from grading.submission import MAX_WRITTEN_ANSWER, METADATA_KEY

OK, CORRUPT, TAMPERED, UNSAFE = "ok", "corrupt", "tampered", "unsafe"
MAX_FILE_BYTES = 5 * 1024 * 1024
# Escaping can make written text up to 5 times longer (`<` becomes `&lt;`).
MAX_WRITTEN_SOURCE = 5 * MAX_WRITTEN_ANSWER
VERDICTS_FILE = "validation.json"


@dataclass(frozen=True)
class Verdict:
    learner: str
    assignment: str
    status: str
    reason: str

    @property
    def ok(self) -> bool:
        return self.status == OK


class _Refused(Exception):
    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def _grade_id(cell: NotebookNode) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta.get("grade_id") if isinstance(meta, dict) else None


def read_notebook(path: Path) -> NotebookNode:
    """A submitted notebook, or _Refused(corrupt) saying why it cannot be read."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _Refused(CORRUPT, f"cannot read {path.name}: {exc.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise _Refused(
            CORRUPT, f"{path.name} is {size / 1e6:.1f} MB; a submission is at most {MAX_FILE_BYTES // 2**20} MB"
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Refused(CORRUPT, f"{path.name} is not UTF-8 text (byte {exc.start})") from None
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Refused(
            CORRUPT, f"{path.name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several kinds for a file that is not a notebook
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise _Refused(CORRUPT, f"{path.name} is not a Jupyter notebook: {first[:200]}") from None
    return nb


def _literal_answer(case: Case, question_id: str, source: str) -> None:
    """Refuse an answer cell that is not empty or one assignment of the expected literal."""
    question = next(q for q in case.questions if q.id == question_id)
    name = answer_variable(question_id)
    where = f"the answer cell {answer_cell_id(question_id)}"
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        raise _Refused(UNSAFE, f"{where} is not a Python literal (it does not parse)") from None
    if not tree.body:
        return  # unanswered: nothing assigned, scored 0
    statement = tree.body[0]
    if (
        len(tree.body) != 1
        or not isinstance(statement, ast.Assign)
        or len(statement.targets) != 1
        or not isinstance(statement.targets[0], ast.Name)
        or statement.targets[0].id != name
    ):
        raise _Refused(UNSAFE, f"{where} holds code, not one assignment to {name}")
    value = statement.value
    options = {o.id for o in question.options}
    if question.kind == "multi":
        if not isinstance(value, ast.List) or not all(
            isinstance(e, ast.Constant) and type(e.value) is str for e in value.elts
        ):
            raise _Refused(UNSAFE, f"{where} holds code, not a list of option ids")
        chosen = [e.value for e in value.elts]  # type: ignore[attr-defined]
    else:
        if not isinstance(value, ast.Constant) or not (value.value is None or type(value.value) is str):
            raise _Refused(UNSAFE, f"{where} holds code, not one option id")
        chosen = [] if value.value is None else [value.value]
    unknown = sorted(set(chosen) - options)
    if unknown:
        raise _Refused(TAMPERED, f"{where} names options the question does not have: {', '.join(unknown)[:200]}")


def check(path: Path, case: Case, released: NotebookNode) -> Verdict | None:
    """None if the submission at `path` is fit to grade, else raises _Refused."""
    nb = read_notebook(path)
    named = nb.metadata.get(METADATA_KEY, {})
    if isinstance(named, dict) and named.get("case_id") not in (None, case.id):
        raise _Refused(TAMPERED, f"this is the notebook of {str(named.get('case_id'))[:80]}, not {case.id}")
    expected = {_grade_id(c): c for c in released.cells}
    seen: set[str] = set()
    for cell in nb.cells:
        grade_id = _grade_id(cell)
        if grade_id is None or grade_id not in expected:
            raise _Refused(TAMPERED, f"a cell was added that the released exercise does not have ({cell.cell_type})")
        if grade_id in seen:
            raise _Refused(TAMPERED, f"the cell {grade_id} appears twice")
        seen.add(grade_id)
        original = expected[grade_id]
        if cell.cell_type != original.cell_type:
            status = UNSAFE if cell.cell_type == "code" else TAMPERED
            raise _Refused(status, f"the cell {grade_id} was changed from {original.cell_type} to {cell.cell_type}")
        if cell.metadata.get("nbgrader") != original.metadata.get("nbgrader"):
            raise _Refused(TAMPERED, f"the nbgrader metadata of the cell {grade_id} was changed")
        meta = original.metadata["nbgrader"]
        if not meta.get("solution"):
            if cell.source != original.source:
                kind = "test cell" if meta.get("grade") else "locked cell"
                raise _Refused(TAMPERED, f"the {kind} {grade_id} was changed")
        elif cell.cell_type == "code":
            _literal_answer(case, grade_id.removesuffix("-answer"), cell.source)
        elif len(cell.source) > MAX_WRITTEN_SOURCE:
            raise _Refused(
                TAMPERED,
                f"the written answer {grade_id} is {len(cell.source):,} characters, more than the exercise page allows",
            )
    missing = [g for g in expected if g not in seen]
    if missing:
        tests = [g for g in missing if expected[g].metadata["nbgrader"].get("grade") and g.endswith("-test")]
        what = f"the test cell {tests[0]} was deleted" if tests else f"the cell {missing[0]} was deleted"
        raise _Refused(TAMPERED, what)
    return None


def validate_submission(course_dir: Path, learner: str, assignment: str) -> Verdict:
    folder = course_dir / "submitted" / learner / assignment
    try:
        case = case_bank().case(assignment)
    except KeyError:
        return Verdict(learner, assignment, TAMPERED, f"there is no case study called {assignment[:80]}")
    released_file = release_path(course_dir, assignment)
    released = nbformat.read(released_file, as_version=4)
    path = folder / f"{assignment}.ipynb"
    if not path.is_file():
        others = sorted(p.name for p in folder.glob("*.ipynb"))
        reason = f"no notebook called {path.name}" + (f" (found {', '.join(others)[:200]})" if others else "")
        return Verdict(learner, assignment, CORRUPT, reason)
    try:
        check(path, case, released)
    except _Refused as refused:
        return Verdict(learner, assignment, refused.status, refused.reason)
    return Verdict(learner, assignment, OK, "fit to grade")


def submitted(course_dir: Path) -> list[tuple[str, str]]:
    """(learner, assignment) of every submission in the course folder, sorted."""
    root = course_dir / "submitted"
    if not root.is_dir():
        return []
    return sorted(
        (learner.name, folder.name)
        for learner in root.iterdir()
        if learner.is_dir() and not learner.name.startswith(".")
        for folder in learner.iterdir()
        if folder.is_dir() and not folder.name.startswith(".")
    )


def validate_all(course_dir: Path) -> list[Verdict]:
    """Check every submission and record the verdicts for export (`validation.json`)."""
    verdicts = [validate_submission(course_dir, learner, assignment) for learner, assignment in submitted(course_dir)]
    save_verdicts(course_dir, verdicts)
    return verdicts


def save_verdicts(course_dir: Path, verdicts: list[Verdict]) -> None:
    path = course_dir / VERDICTS_FILE
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps([asdict(v) for v in verdicts], indent=1), encoding="utf-8")
    tmp.replace(path)


def load_verdicts(course_dir: Path) -> dict[tuple[str, str], Verdict]:
    path = course_dir / VERDICTS_FILE
    if not path.exists():
        return {}
    return {(v["learner"], v["assignment"]): Verdict(**v) for v in json.loads(path.read_text(encoding="utf-8"))}
