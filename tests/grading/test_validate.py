"""`validate`: every submission gets a verdict (ok, corrupt, tampered, unsafe) with its
reason, before any kernel starts; nothing in a submission is ever executed."""

from __future__ import annotations

import pytest
from grading_support import CASE, cell, rewrite, right_answers, submit

from course.cases import case_bank
from grading.validate import CORRUPT, OK, TAMPERED, UNSAFE, load_verdicts, validate_all, validate_submission


def _one(course_dir, learner, case_id=CASE):  # type: ignore[no-untyped-def]
    return validate_submission(course_dir, learner, case_id)


def _set_answer(source):  # type: ignore[no-untyped-def]
    return lambda nb: cell(nb, "four-cs-answer").update(source=source)


def test_a_page_submission_is_ok(course_dir):
    submit(course_dir, "ok-1", right_answers(case_bank().case(CASE)), {"reflection": "Zoë's worker: ça va, 日本語 ✓"})
    submit(course_dir, "ok-2", {})
    assert _one(course_dir, "ok-1").status == OK
    assert _one(course_dir, "ok-2").status == OK


BAD = [
    ("not json", lambda p: p.write_text("{not json", encoding="utf-8"), CORRUPT, "not valid JSON"),
    ("binary", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00"), CORRUPT, "not UTF-8"),
    ("empty file", lambda p: p.write_text("", encoding="utf-8"), CORRUPT, "not valid JSON"),
    (
        "json, not a notebook",
        lambda p: p.write_text('{"cells": 3}', encoding="utf-8"),
        CORRUPT,
        "not a Jupyter notebook",
    ),
    ("too large", lambda p: p.write_bytes(b" " * (5 * 1024 * 1024 + 1)), CORRUPT, "MB"),
    (
        "test cell edited to pass",
        lambda p: rewrite(p, lambda nb: cell(nb, "four-cs-test").update(source="2.0")),
        TAMPERED,
        "test cell four-cs-test was changed",
    ),
    (
        "test cell deleted",
        lambda p: rewrite(p, lambda nb: nb["cells"].remove(cell(nb, "four-cs-test"))),
        TAMPERED,
        "test cell four-cs-test was deleted",
    ),
    (
        "locked cell edited",
        lambda p: rewrite(p, lambda nb: cell(nb, "case-text").update(source="Nothing to see")),
        TAMPERED,
        "locked cell case-text was changed",
    ),
    (
        "metadata changed",
        lambda p: rewrite(p, lambda nb: cell(nb, "four-cs-test")["metadata"]["nbgrader"].update(points=200)),
        TAMPERED,
        "metadata",
    ),
    (
        "cell added",
        lambda p: rewrite(
            p,
            lambda nb: nb["cells"].append(
                {
                    "cell_type": "code",
                    "metadata": {},
                    "source": "print(1)",
                    "outputs": [],
                    "execution_count": None,
                    "id": "x",
                }
            ),
        ),
        TAMPERED,
        "a cell was added",
    ),
    (
        "always-equal object",
        lambda p: rewrite(
            p,
            _set_answer("class A(list):\n    def __eq__(self, other):\n        return True\nanswer_four_cs = A()"),
        ),
        UNSAFE,
        "holds code",
    ),
    (
        "a call that writes a file",
        lambda p: rewrite(p, _set_answer("answer_four_cs = [open('pwned.txt', 'w').write('x') and 'contact']")),
        UNSAFE,
        "not a list of option ids",
    ),
    ("an import", lambda p: rewrite(p, _set_answer("import os\nanswer_four_cs = []")), UNSAFE, "holds code"),
    ("syntax error", lambda p: rewrite(p, _set_answer("answer_four_cs = [")), UNSAFE, "does not parse"),
    ("another name", lambda p: rewrite(p, _set_answer('answer_signpost = ["contact"]')), UNSAFE, "holds code"),
    ("unknown option", lambda p: rewrite(p, _set_answer('answer_four_cs = ["everything"]')), TAMPERED, "does not have"),
    (
        "answer cell made code",
        lambda p: rewrite(
            p, lambda nb: cell(nb, "reflection-answer").update(cell_type="code", outputs=[], execution_count=None)
        ),
        UNSAFE,
        "changed from markdown to code",
    ),
    (
        "huge written answer",
        lambda p: rewrite(p, lambda nb: cell(nb, "reflection-answer").update(source="word " * 300_000)),
        TAMPERED,
        "more than the exercise page allows",
    ),
]


@pytest.mark.parametrize(("name", "spoil", "status", "reason"), BAD, ids=[b[0] for b in BAD])
def test_each_kind_of_bad_submission_gets_its_verdict(course_dir, name, spoil, status, reason):
    made = submit(course_dir, "bad-1", right_answers(case_bank().case(CASE)))
    spoil(made.path)
    verdict = _one(course_dir, "bad-1")
    assert (verdict.status, reason in verdict.reason) == (status, True), verdict
    assert not (made.path.parent / "pwned.txt").exists() and not (course_dir / "pwned.txt").exists()


def test_a_notebook_of_another_case_in_the_wrong_folder_is_tampered(course_dir):
    other = submit(course_dir, "mixed-1", {}, case_id="case-2-anonymous-app")
    target = course_dir / "submitted" / "mixed-1" / CASE
    target.mkdir(parents=True)
    (target / f"{CASE}.ipynb").write_bytes(other.notebook_bytes)
    verdict = _one(course_dir, "mixed-1")
    assert verdict.status == TAMPERED and "case-2-anonymous-app" in verdict.reason


def test_a_missing_notebook_and_an_unknown_case(course_dir):
    (course_dir / "submitted" / "lost-1" / CASE).mkdir(parents=True)
    assert _one(course_dir, "lost-1").status == CORRUPT
    (course_dir / "submitted" / "lost-1" / "case-99").mkdir(parents=True)
    assert _one(course_dir, "lost-1", "case-99").status == TAMPERED


def test_verdicts_are_recorded_for_the_export(course_dir):
    submit(course_dir, "rec-1", {})
    made = submit(course_dir, "rec-2", {})
    made.path.write_text("{", encoding="utf-8")
    verdicts = validate_all(course_dir)
    assert [(v.learner, v.status) for v in verdicts] == [("rec-1", OK), ("rec-2", CORRUPT)]
    assert load_verdicts(course_dir)[("rec-2", CASE)].status == CORRUPT
