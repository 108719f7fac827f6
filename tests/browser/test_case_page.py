"""A learner works through a case study in Chromium: picks it from the list, gives a learner
id, answers by clicking, typing and the keyboard alone, comes back to find the answers kept,
and submits a real nbgrader submission."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from browser_support import (
    assert_no_error_output,
    describe,
    open_course_page,
    run_axe,
    screenshot,
    serious,
    tab_to,
)

from course.cases import case_bank

BANK = case_bank()
CASE = BANK.case("case-4-counting-what-we-see")
LEARNER = "browser-learner-1"


def _option(question_id: str, option_id: str) -> str:
    question = next(q for q in CASE.questions if q.id == question_id)
    return next(o.label for o in question.options if o.id == option_id)


def _checkbox(page, question_id: str, option_id: str):  # type: ignore[no-untyped-def]
    return page.locator(f".ol-question-{question_id}").get_by_role("checkbox", name=_option(question_id, option_id))


def _wait_for_drafts(server_store, expected: dict) -> None:  # type: ignore[no-untyped-def]
    import time

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        drafts = server_store.case_drafts(LEARNER, CASE.id)
        if all(drafts.get(k) == v for k, v in expected.items()):
            return
        time.sleep(0.2)
    raise AssertionError(f"not saved: {expected} vs {server_store.case_drafts(LEARNER, CASE.id)}")


def test_the_case_list_links_every_case(page, course_server):
    open_course_page(page, course_server.page_url("case-studies.ipynb"))
    listing = page.locator(".ol-case-list")
    listing.wait_for(timeout=60_000)
    for case in BANK.cases:
        assert listing.get_by_role("link", name=case.title).count() == 1, case.id
    assert listing.get_by_text("Fictional").count() == sum(c.fictional for c in BANK.cases)
    assert page.locator("h1").count() == 1
    assert_no_error_output(page)
    violations = run_axe(page)
    assert not serious(violations), describe(serious(violations))
    screenshot(page, "case-list")
    listing.get_by_role("link", name=CASE.title).click()
    page.get_by_role("heading", name=f"Case {CASE.number}: {CASE.title}").wait_for(timeout=90_000)
    assert f"case={CASE.id}" in page.url
    assert page.watch.problems() == []


def test_answer_come_back_and_submit_a_case(page, course_server, server_store):
    url = course_server.page_url("case-studies.ipynb", case=CASE.id)
    open_course_page(page, url)
    page.get_by_role("heading", name=f"Case {CASE.number}: {CASE.title}").wait_for(timeout=60_000)
    page.get_by_text("Enter your learner id to start").wait_for()
    assert _checkbox(page, "four-cs", "contact").is_disabled()

    # A learner id, then answers by clicking and typing.
    page.get_by_label("Your learner id").fill(LEARNER)
    page.get_by_role("button", name="Use this learner id").click()
    page.get_by_text(f"Answering as {LEARNER}").wait_for(timeout=15_000)
    _checkbox(page, "four-cs", "contact").check()
    _checkbox(page, "four-cs", "conduct").check()
    page.locator(".ol-question-first-step").get_by_role("radio", name=_option("first-step", "listen-record")).check()
    text = "Ask about her streaks, her sleep and the <b>rating</b> chat."
    page.get_by_label("Your answer to question 6").fill(text)
    _wait_for_drafts(
        server_store, {"four-cs": ["contact", "conduct"], "first-step": "listen-record", "reflection": text}
    )

    # Back again with the learner id in the address: every answer is restored from the store.
    open_course_page(page, course_server.page_url("case-studies.ipynb", case=CASE.id, learner=LEARNER))
    page.get_by_text(f"Answering as {LEARNER}").wait_for(timeout=60_000)
    assert _checkbox(page, "four-cs", "contact").is_checked()
    assert _checkbox(page, "four-cs", "conduct").is_checked()
    assert not _checkbox(page, "four-cs", "content").is_checked()
    radio = page.locator(".ol-question-first-step").get_by_role("radio", name=_option("first-step", "listen-record"))
    assert radio.is_checked()
    assert page.get_by_label("Your answer to question 6").input_value() == text
    assert page.locator(".ol-question-reflection b").count() == 0

    # The rest by keyboard alone: the first two options of each tick-all question.
    page.locator("body").focus()
    for question_id in ("vulnerabilities", "statements", "signpost"):
        for n in (1, 2):
            tab_to(page, f".ol-question-{question_id} .widget-checkbox:nth-child({n + 1}) input[type=checkbox]")
            page.keyboard.press("Space")
    question = {q.id: q for q in CASE.questions}
    expected = {qid: [o.id for o in question[qid].options[:2]] for qid in ("vulnerabilities", "statements", "signpost")}
    _wait_for_drafts(server_store, expected)

    violations = run_axe(page)
    assert not serious(violations), describe(serious(violations))
    screenshot(page, "case-exercise")

    # Submit: every question is answered, so it goes straight through.
    page.get_by_role("button", name="Submit your answers").click()
    done = page.locator(".ol-submitted")
    done.wait_for(timeout=180_000)  # the first submission builds the nbgrader release
    assert "Submitted at" in done.inner_text()
    assert "Binder forgets your work when the session ends" in done.inner_text()
    link = done.get_by_role("link", name="Download your submission")
    assert link.get_attribute("download") == f"{CASE.id}.ipynb"
    with page.expect_download() as download_info:
        link.click()
    downloaded = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert json.loads(downloaded)["cells"]
    href = link.get_attribute("href")
    assert href.startswith("data:application/x-ipynb+json;charset=utf-8;base64,")
    assert base64.b64decode(href.split(",", 1)[1]).decode("utf-8") == downloaded
    page.get_by_text("Last submitted:").wait_for()
    screenshot(page, "case-submitted")

    folder = Path(course_server.env["ONLINE_LIVES_DATA"]) / "grading" / "submitted" / LEARNER / CASE.id
    assert (folder / f"{CASE.id}.ipynb").is_file()
    assert (folder / "timestamp.txt").is_file()
    submitted = json.loads((folder / f"{CASE.id}.ipynb").read_text(encoding="utf-8"))
    sources = "\n".join("".join(c["source"]) for c in submitted["cells"])
    assert "rating" in sources  # the written answer is in the submitted notebook
    assert page.watch.problems() == []


def test_from_a_learners_click_to_feedback_and_the_assessors_csv(page, course_server):
    """The whole flow: a learner answers and submits in Voila; the assessor autogrades with
    nbgrader, marks the written answer, generates feedback and exports; the learner sees
    the feedback on the exercise page."""
    from nbgrader.api import Gradebook

    from grading import pipeline

    case = BANK.case("case-1-shared-images")
    learner = "browser-learner-2"
    open_course_page(page, course_server.page_url("case-studies.ipynb", case=case.id, learner=learner))
    page.get_by_text(f"Answering as {learner}").wait_for(timeout=60_000)
    for question in case.questions:
        box = page.locator(f".ol-question-{question.id}")
        for option in question.options:
            if option.id in question.answer:
                role = "checkbox" if question.kind == "multi" else "radio"
                box.get_by_role(role, name=option.label, exact=True).check()
    page.get_by_label("Your answer to question 6").fill(
        "Who holds the images, is she safe, and what does the school know?"
    )
    page.get_by_role("button", name="Submit your answers").click()
    page.locator(".ol-submitted").wait_for(timeout=180_000)
    assert page.get_by_text("Your feedback").count() == 0

    course_dir = Path(course_server.env["ONLINE_LIVES_DATA"]) / "grading"
    run = pipeline.autograde(course_dir)
    assert (learner, case.id) in run.graded
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", "online-lives") as gb:
        grade = gb.find_grade("reflection-answer", case.id, case.id, learner)
        grade.manual_score, grade.needs_manual_grade = 5, False  # as formgrader saves a mark
        gb.find_comment("reflection-answer", case.id, case.id, learner).manual_comment = "Say more about safeguarding."
        gb.db.commit()
    assert (learner, case.id) in pipeline.feedback(course_dir)
    rows = {(r.learner, r.assignment): r for r in pipeline.grade_rows(course_dir)}
    assert (rows[(learner, case.id)].status, rows[(learner, case.id)].score) == ("graded", 13.0)

    page.get_by_role("button", name="Check for feedback").click()
    page.get_by_role("heading", name="Your feedback").wait_for(timeout=15_000)
    frame = page.frame_locator("iframe[title='Feedback from your assessor']")
    frame.get_by_text("Say more about safeguarding.").wait_for(timeout=15_000)
    assert "13.0 / 16.0" in frame.locator("body").inner_text()
    screenshot(page, "case-feedback")
    assert page.watch.problems() == []
