"""The nbgrader source notebook of each case study, generated from `datasets/cases.yaml`.

One assignment per case, named by the case id, holding one notebook of the same name:

- the case text and what to do (locked markdown);
- for each autograded question: the prompt with its options (locked markdown), an answer
  cell holding one assignment of a Python literal (`answer_four_cs = ["contact"]`), and a
  locked test cell whose hidden part prints the points earned (nbgrader reads a number as
  partial credit);
- for each free-text question: the prompt and its rubric (locked markdown), and a manually
  graded markdown answer cell. In the source (instructor's) version that cell holds the
  assessor notes inside the solution region, so they never reach a learner's release.

Learners never see these notebooks: the exercise page writes their answers into the
released copy (`grading.submission`). Assessors see them in formgrader.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import nbformat
from nbformat.notebooknode import NotebookNode

from course.cases import Case, FreeText, Question

NBGRADER_SCHEMA = 3
CASE_TEXT_ID = "case-text"
INSTRUCTIONS = (
    "This notebook is an Online Lives case-study exercise. Learners answer it on the course's "
    "case-studies page, which writes their answers into the answer cells below; nobody needs "
    "to edit it by hand. Choices are marked automatically; written answers are marked by an "
    "assessor against the rubric shown with each question."
)


def answer_variable(question_id: str) -> str:
    """The name an autograded answer is assigned to in its answer cell."""
    return "answer_" + question_id.replace("-", "_")


def answer_cell_id(question_id: str) -> str:
    return f"{question_id}-answer"


def marking_cell_id(question_id: str) -> str:
    return f"{question_id}-test"


def prompt_cell_id(question_id: str) -> str:
    return f"{question_id}-question"


def answer_source(question: Question, chosen: Iterable[str] | str | None) -> str:
    """An answer cell's source: one assignment of a literal (a list of option ids for a
    tick-all question, one option id or None for a single choice)."""
    name = answer_variable(question.id)
    if question.kind == "multi":
        ids = sorted({str(c) for c in (chosen or ())})  # type: ignore[union-attr]
        return f"{name} = {json.dumps(ids)}"
    if chosen is None:
        return f"{name} = None"
    return f"{name} = {json.dumps(str(chosen))}"


def _meta(
    grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False, points: float = 0
) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": NBGRADER_SCHEMA,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _markdown(source: str, grade_id: str, **flags: object) -> NotebookNode:
    cell = nbformat.v4.new_markdown_cell(source, metadata=_meta(grade_id, **flags))  # type: ignore[arg-type]
    cell.id = grade_id
    return cell


def _code(source: str, grade_id: str, **flags: object) -> NotebookNode:
    cell = nbformat.v4.new_code_cell(source, metadata=_meta(grade_id, **flags))  # type: ignore[arg-type]
    cell.id = grade_id
    return cell


def _md_text(text: str) -> str:
    """Our own content as markdown: paragraphs kept, characters that markdown or HTML would
    read as markup escaped."""
    return "\n\n".join(quote_markdown(" ".join(p.split())) for p in text.split("\n\n") if p.strip())


def quote_markdown(text: str) -> str:
    """Text shown literally in a markdown cell: HTML and markdown syntax escaped, line
    breaks kept. Used for everything a learner types, so that formgrader and the feedback
    file show it as written and never run it as HTML."""
    out = []
    for ch in text.replace("\r\n", "\n").replace("\r", "\n"):
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch in "\\`*_{}[]()#+-.!|~$":
            out.append("\\" + ch)
        else:
            out.append(ch)
    lines = "".join(out).split("\n")
    # A single line break would be folded into the paragraph: keep it as a hard break.
    return "\n".join(line + ("  " if i < len(lines) - 1 and line.strip() else "") for i, line in enumerate(lines))


def _test_source(question: Question) -> str:
    name = answer_variable(question.id)
    options = sorted(o.id for o in question.options)
    key = sorted(question.answer)
    visible = (
        f"# Marks {name}. The marking is hidden from learners; when graded, this cell shows the\n"
        f"# points earned out of {question.points}."
    )
    if question.kind == "multi":
        rule = (
            "# Each right option ticked earns its share of the points and each wrong one takes its\n"
            "# share away, never below 0 (the course's partial-credit rule, course/quiz.py).\n"
            f"_options = set({json.dumps(options)})\n"
            f"_key = set({json.dumps(key)})\n"
            f"_given = {name}\n"
            "_ok = type(_given) is list and all(type(_x) is str for _x in _given)\n"
            "_ok = _ok and set(_given) <= _options\n"
            "_picked = set(_given) if _ok else set()\n"
            "_wrong = _options - _key\n"
            "_share = len(_picked & _key) / len(_key) - (len(_picked & _wrong) / len(_wrong) if _wrong else 0.0)\n"
            f"round({question.points} * max(0.0, _share), 4)"
        )
    else:
        rule = (
            "# One choice: all the points for the right one, none otherwise.\n"
            f"_given = {name}\n"
            f"_right = type(_given) is str and _given == {json.dumps(key[0])}\n"
            f"{float(question.points)} if _right else 0.0"
        )
    return f"{visible}\n### BEGIN HIDDEN TESTS\n{rule}\n### END HIDDEN TESTS"


def _question_markdown(number: int, question: Question) -> str:
    how = "Tick every option that applies." if question.kind == "multi" else "Choose one option."
    options = "\n".join(f"- `{o.id}`: {quote_markdown(o.label)}" for o in question.options)
    plural = "point" if question.points == 1 else "points"
    return (
        f"### Question {number} ({question.points} {plural})\n\n{quote_markdown(question.prompt)}\n\n"
        f"{how} Options:\n\n{options}"
    )


def _rubric_markdown(number: int, free: FreeText) -> str:
    rows = []
    for criterion in free.rubric:
        levels = "<br>".join(f"{lv.points}: {quote_markdown(lv.descriptor)}" for lv in criterion.levels)
        rows.append(f"| {quote_markdown(criterion.criterion)} | {levels} |")
    return (
        f"### Question {number}: written answer ({free.points} points, marked by an assessor)\n\n"
        f"{quote_markdown(free.prompt)}\n\n**How it is marked**\n\n| Criterion | Points for each level |\n"
        "| --- | --- |\n" + "\n".join(rows)
    )


def _assessor_notes_markdown(free: FreeText) -> str:
    notes = "\n".join(f"- {quote_markdown(line.strip())}" for line in free.assessor_notes.splitlines() if line.strip())
    return f"### BEGIN SOLUTION\n**Assessor notes: what a strong answer covers**\n\n{notes}\n### END SOLUTION"


def source_notebook(case: Case, credit: str) -> NotebookNode:
    """The nbgrader source notebook of one case."""
    header = f"# Case {case.number}: {quote_markdown(case.title)}\n\n"
    if case.fictional:
        header += "_A fictional case written for this course._\n\n"
    header += _md_text(case.text)
    if case.origin == "seed":
        header += f"\n\n_{quote_markdown(credit)}_"
    header += f"\n\n---\n\n{INSTRUCTIONS}"
    cells = [_markdown(header, CASE_TEXT_ID, locked=True)]
    number = 0
    for question in case.questions:
        number += 1
        cells.append(_markdown(_question_markdown(number, question), prompt_cell_id(question.id), locked=True))
        key = question.answer if question.kind == "multi" else next(iter(question.answer))
        solution = f"### BEGIN SOLUTION\n{answer_source(question, key)}\n### END SOLUTION"
        cells.append(_code(solution, answer_cell_id(question.id), solution=True))
        cells.append(
            _code(_test_source(question), marking_cell_id(question.id), grade=True, locked=True, points=question.points)
        )
    for free in case.free_text:
        number += 1
        cells.append(_markdown(_rubric_markdown(number, free), prompt_cell_id(free.id), locked=True))
        cells.append(
            _markdown(
                _assessor_notes_markdown(free), answer_cell_id(free.id), grade=True, solution=True, points=free.points
            )
        )
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "online_lives": {"case_id": case.id},
    }
    return nb


def notebook_text(nb: NotebookNode) -> str:
    """A notebook as the text we write to disk (stable, so committed copies can be compared)."""
    return nbformat.writes(nb) + "\n"
