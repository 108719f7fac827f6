"""The generated nbgrader sources: committed copy matches the data, hidden tests mark
exactly as the course's rule does, and nothing of the key reaches a learner's release."""

from __future__ import annotations

import itertools
import json
import re

import nbformat
import pytest

from course.cases import case_bank
from grading import build
from grading.literal_execute import SAFE_BUILTINS, bind_literal, run_trusted
from grading.notebooks import answer_source, marking_cell_id, quote_markdown, source_notebook

BANK = case_bank()
QUESTIONS = [(c, q) for c in BANK.cases for q in c.questions]


def test_committed_sources_match_the_data():
    committed = {
        str(p.relative_to(build.COMMITTED_SOURCE)): p.read_text(encoding="utf-8")
        for p in build.COMMITTED_SOURCE.rglob("*.ipynb")
    }
    generated = build.sources()
    assert sorted(committed) == sorted(generated), "run `python -m grading.build` to regenerate grading/source/"
    for name, text in generated.items():
        assert committed[name] == text, f"{name} is out of date: run `python -m grading.build`"


def test_one_assignment_per_case_with_valid_nbgrader_cells():
    from nbgrader.nbgraderformat import MetadataValidator

    for case in BANK.cases:
        nb = source_notebook(case, BANK.credit)
        MetadataValidator().validate_nb(nb)
        ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells]
        assert len(ids) == len(set(ids))
        points = sum(c.metadata["nbgrader"].get("points", 0) for c in nb.cells)
        assert points == case.points


def _hidden_test_score(case, question, chosen) -> float:  # type: ignore[no-untyped-def]
    nb = source_notebook(case, BANK.credit)
    test = next(c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == marking_cell_id(question.id))
    namespace = {"__builtins__": SAFE_BUILTINS}
    bind_literal(answer_source(question, chosen), namespace)
    return run_trusted(test.source, namespace)


@pytest.mark.parametrize(("case", "question"), QUESTIONS, ids=lambda x: getattr(x, "id", None))
def test_hidden_test_marks_every_possible_answer_as_the_course_rule_does(case, question):
    options = [o.id for o in question.options]
    if question.kind == "multi":
        answers = [list(s) for n in range(len(options) + 1) for s in itertools.combinations(options, n)]
    else:
        answers = [None, *options]
    for chosen in answers:
        expected = question.score([] if chosen is None else [chosen] if isinstance(chosen, str) else chosen)
        assert _hidden_test_score(case, question, chosen) == pytest.approx(expected, abs=1e-9), (question.id, chosen)


def test_answer_cells_hold_one_literal():
    case = BANK.case("case-1-shared-images")
    four_cs, first = case.questions[0], next(q for q in case.questions if q.kind == "single")
    assert answer_source(four_cs, ["conduct", "contact", "contact"]) == 'answer_four_cs = ["conduct", "contact"]'
    assert answer_source(first, None) == "answer_first_step = None"
    assert answer_source(first, "tell-dsl") == 'answer_first_step = "tell-dsl"'


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "![](http://x/y.png)",
    ],
)
def test_typed_text_is_shown_literally_never_as_markup(text):
    import mistune  # nbconvert's markdown renderer; raw HTML allowed, as in notebooks

    html = mistune.create_markdown(escape=False)(quote_markdown(text))
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert re.sub(r"<[^>]+>", "", html).strip().replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text


def test_the_release_holds_no_answer_key_and_no_assessor_notes(built_course):
    for case in BANK.cases:
        released = (built_course / "release" / case.id / f"{case.id}.ipynb").read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in released and "_key" not in released
        assert "Assessor notes" not in released and "BEGIN SOLUTION" not in released
        nb = nbformat.reads(released, as_version=4)
        for question in case.questions:
            answer_cell = next(c for c in nb.cells if c.metadata["nbgrader"]["grade_id"] == f"{question.id}-answer")
            assert answer_cell.source == "# YOUR ANSWER HERE"
        assert json.loads(released)["metadata"]["online_lives"]["case_id"] == case.id
