"""Submitting from the exercise page: a real nbgrader submission, only answer cells changed,
an earlier one kept aside, bad input refused with a plain message."""

from __future__ import annotations

import json

import nbformat
import pytest
from grading_support import CASE, cell, right_answers, submit

from course.cases import case_bank
from grading import submission
from grading.submission import SubmissionError, clean_learner_id


@pytest.mark.parametrize("raw", ["jsmith", "staff-0042", "A.B_c-9", "x" * 64, "  padded  "])
def test_usable_learner_ids(raw):
    assert clean_learner_id(raw) == raw.strip()


@pytest.mark.parametrize(
    "raw", ["", "   ", "x" * 65, "../etc", ".hidden", "a/b", "a,b", "name with space", "Zoë", "*", None, 42]
)
def test_unusable_learner_ids_get_a_plain_message(raw):
    with pytest.raises(ValueError) as caught:
        clean_learner_id(raw)
    assert "learner id" in str(caught.value).lower()


def test_learner_from_a_hub(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "jsmith")
    assert submission.learner_from_environment() == "jsmith"
    monkeypatch.setenv("JUPYTERHUB_USER", "not/usable")
    assert submission.learner_from_environment() is None
    monkeypatch.setenv("JUPYTERHUB_USER", "jovyan-a1b2c3")
    monkeypatch.setenv("BINDER_LAUNCH_HOST", "https://mybinder.org/")
    assert submission.learner_from_environment() is None  # Binder's names are throwaway


def test_submission_is_the_release_with_only_its_answer_cells_changed(course_dir):
    case = case_bank().case(CASE)
    made = submit(
        course_dir, "learner-1", right_answers(case), {"reflection": "Ask who has the images.\n\nThen ask more."}
    )
    assert made.path == course_dir / "submitted" / "learner-1" / CASE / f"{CASE}.ipynb"
    assert made.path.read_bytes() == made.notebook_bytes
    assert (made.path.parent / "timestamp.txt").read_text() == made.timestamp
    released = nbformat.read(course_dir / "release" / CASE / f"{CASE}.ipynb", as_version=4)
    sent = nbformat.reads(made.notebook_bytes.decode(), as_version=4)
    assert len(released.cells) == len(sent.cells)
    answer_ids = {f"{q.id}-answer" for q in case.questions} | {f"{f.id}-answer" for f in case.free_text}
    for before, after in zip(released.cells, sent.cells, strict=True):
        assert before.metadata == after.metadata  # checksums included
        grade_id = before.metadata["nbgrader"]["grade_id"]
        if grade_id not in answer_ids:
            assert before.source == after.source, grade_id
    assert (
        "".join(cell(json.loads(made.notebook_bytes), "four-cs-answer")["source"])
        == 'answer_four_cs = ["conduct", "contact"]'
    )
    assert "Ask who has the images" in "".join(cell(json.loads(made.notebook_bytes), "reflection-answer")["source"])
    assert sent.metadata["online_lives"]["learner"] == "learner-1"


def test_a_blank_written_answer_stays_as_released(course_dir):
    made = submit(course_dir, "learner-2", {}, {"reflection": "   "})
    assert "".join(cell(json.loads(made.notebook_bytes), "reflection-answer")["source"]) == "YOUR ANSWER HERE"


def test_resubmitting_keeps_the_earlier_submission_aside(course_dir):
    first = submit(course_dir, "learner-3", {"four-cs": ["content"]})
    second = submit(course_dir, "learner-3", {"four-cs": ["contact"]})
    assert first.kept_aside is None
    assert second.kept_aside is not None and second.kept_aside.is_relative_to(course_dir / "previous" / "learner-3")
    assert (second.kept_aside / f"{CASE}.ipynb").read_bytes() == first.notebook_bytes
    assert (second.path.parent / f"{CASE}.ipynb").read_bytes() == second.notebook_bytes
    assert submission.latest_submission(CASE, "learner-3") == second.timestamp
    assert not any(p.name.startswith(".incoming") for p in (course_dir / "submitted" / "learner-3").iterdir())


@pytest.mark.parametrize(
    ("choices", "free"),
    [
        ({"four-cs": ["not-an-option"]}, {}),
        ({"first-step": "not-an-option"}, {}),
        ({"first-step": ["tell-dsl"]}, {}),
        ({}, {"reflection": "x" * (submission.MAX_WRITTEN_ANSWER + 1)}),
        ({}, {"reflection": 42}),
    ],
)
def test_answers_the_page_could_not_have_sent_are_refused(course_dir, choices, free):
    with pytest.raises(SubmissionError):
        submit(course_dir, "learner-4", choices, free)
    assert not (course_dir / "submitted" / "learner-4").exists()


def test_feedback_is_found_only_once_generated(course_dir):
    assert submission.feedback_for(CASE, "learner-5") is None
    folder = course_dir / "feedback" / "learner-5" / CASE
    folder.mkdir(parents=True)
    (folder / f"{CASE}.html").write_text("<html><body>Score: 3.0 / 16.0</body></html>", encoding="utf-8")
    (folder / "timestamp.txt").write_text("2026-11-26 10:00:00.000000 UTC", encoding="utf-8")
    found = submission.feedback_for(CASE, "learner-5")
    assert found is not None and "3.0 / 16.0" in found.html
    assert found.submitted_at == "2026-11-26 10:00:00.000000 UTC"
