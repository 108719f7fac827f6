"""Manual grading in nbgrader's formgrader (issue 4): an assessor starts it with
`online-lives grade formgrader`, opens it in JupyterLab, marks one written answer, and the
total, the gradebook and the learner's feedback all change."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import screenshot
from nbgrader.api import Gradebook
from playwright.sync_api import Browser, expect

from course import devserver
from course.cases import case_bank
from grading import build, pipeline, submission

CASE_ID = "case-1-shared-images"
LEARNER = "learner-1"
COMMENT = "Names the worry clearly; say who you would tell first."
UI_TIMEOUT = 60_000  # ms; JupyterLab's first load on a small machine takes 10 s or more


def gradebook_score(course_dir: Path) -> tuple[float, float]:
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", "online-lives") as gb:
        found = gb.find_submission(CASE_ID, LEARNER)
        return found.score, found.max_score


@pytest.fixture
def graded_course(tmp_path: Path) -> tuple[Path, str]:
    """A course folder with one autograded submission whose written answer awaits marking."""
    course_dir = build.build(tmp_path / "grading")
    case = case_bank().case(CASE_ID)
    choices = {q.id: sorted(q.answer) if q.kind == "multi" else next(iter(q.answer)) for q in case.questions}
    written = case.free_text[0].id
    submission.submit(case, LEARNER, choices, {written: "some written answer"}, course_dir)
    run = pipeline.autograde(course_dir)
    assert run.graded == [(LEARNER, CASE_ID)], run
    assert gradebook_score(course_dir) == (8.0, 16.0)
    return course_dir, written


@pytest.fixture
def formgrader(graded_course: tuple[Path, str], tmp_path: Path) -> Iterator[devserver.FormgraderServer]:
    server = devserver.start_formgrader(graded_course[0], tmp_path / "formgrader")
    yield server
    server.stop()


def test_marking_a_written_answer_in_formgrader_changes_the_total(
    browser: Browser, graded_course: tuple[Path, str], formgrader: devserver.FormgraderServer
) -> None:
    course_dir, written = graded_course
    score_box = f"#{written}-answer"  # formgrader names the inputs by the cell's grade_id
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    failed: list[str] = []
    context.on(
        "response",
        lambda r: failed.append(f"{r.url} HTTP {r.status}") if "/formgrader/" in r.url and r.status >= 400 else None,
    )
    try:
        page = context.new_page()
        # `online-lives grade formgrader` prints an address that opens formgrader itself; the
        # assessor can also reach it from JupyterLab's Nbgrader menu, as here.
        assert "/formgrader?token=" in formgrader.log()  # (the token itself is masked there)
        page.goto(formgrader.url("/lab"), timeout=UI_TIMEOUT)
        page.get_by_role("menuitem", name="Nbgrader").click(timeout=UI_TIMEOUT)
        page.get_by_role("menuitem", name="Formgrader").click()
        grader = page.frame_locator("iframe[src*='formgrader']")

        # Manual Grading > the case > its notebook (same name): each link is picked by where it
        # leads, so that a click never lands on the page that is being left.
        assignment_link = f"a[href$='/formgrader/gradebook/{CASE_ID}']"
        notebook_link = f"a[href$='/formgrader/gradebook/{CASE_ID}/{CASE_ID}']"
        grader.get_by_role("link", name="Manual Grading", exact=True).first.click(timeout=UI_TIMEOUT)
        grader.locator(assignment_link).filter(has_text=CASE_ID).click(timeout=UI_TIMEOUT)
        grader.locator(notebook_link).filter(has_text=CASE_ID).click(timeout=UI_TIMEOUT)
        # The rows arrive after the page; names are hidden until asked for ("Submission #1").
        row = grader.locator("tbody tr", has_text=LEARNER)
        expect(row.locator(".score")).to_have_text("8 / 16", timeout=UI_TIMEOUT)
        grader.get_by_role("button", name="Show All Names").click()
        expect(row.locator(".needs-manual-grade")).to_have_attribute("data-search", "needs manual grade")
        row.get_by_role("link", name=LEARNER, exact=True).click()

        # The submission: the written answer as the learner wrote it, with a score box and a
        # comment box; formgrader saves each on change (Tab, Enter, or leaving the box).
        expect(grader.get_by_text("some written answer")).to_be_visible(timeout=UI_TIMEOUT)
        score = grader.locator(score_box)
        # formgrader marks the box once it has loaded the grade (and so can save it)
        expect(score).to_have_class(re.compile(r"\bneeds_manual_grade\b"), timeout=UI_TIMEOUT)
        with page.expect_response(lambda r: "/formgrader/api/grade/" in r.url and r.request.method == "PUT") as saved:
            score.fill("6")
            score.press("Tab")
        assert saved.value.ok, saved.value.status
        comment = grader.locator(f"{score_box}-comment")
        with page.expect_response(lambda r: "/formgrader/api/comment/" in r.url and r.request.method == "PUT") as saved:
            comment.fill(COMMENT)
            comment.press("Tab")
        assert saved.value.ok, saved.value.status
        screenshot(page, "formgrader-manual-grade")

        # Back to the list of submissions, as the breadcrumb leads: the total has changed.
        grader.locator(f".breadcrumb {notebook_link}").click()
        row = grader.locator("tbody tr", has_text=LEARNER)
        expect(row.locator(".score")).to_have_text("14 / 16", timeout=UI_TIMEOUT)
        grader.get_by_role("button", name="Show All Names").click()
        expect(row.get_by_role("link", name=LEARNER, exact=True)).to_be_visible()
        expect(row.locator(".written-score")).to_have_text("6 / 8")
        expect(row.locator(".needs-manual-grade")).to_have_attribute("data-search", "")
        screenshot(page, "formgrader-total-after-marking")
        assert failed == []
    finally:
        context.close()

    assert gradebook_score(course_dir) == (14.0, 16.0)
    assert (LEARNER, CASE_ID) in pipeline.feedback(course_dir)
    page_html = (course_dir / "feedback" / LEARNER / CASE_ID / f"{CASE_ID}.html").read_text(encoding="utf-8")
    assert "14.0 / 16.0" in page_html
    assert COMMENT in page_html
