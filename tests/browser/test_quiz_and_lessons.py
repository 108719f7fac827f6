"""The four Cs quiz by keyboard, lesson parts and the trainer view, and a deployer's own
local services, all in Chromium."""

from __future__ import annotations

import sqlalchemy as sa
from browser_support import new_service, open_course_page, screenshot, tab_to

from course import devserver
from course.quiz import draw, item_bank
from course.store import quiz_rounds_table

QUIZ = "four-cs-quiz.ipynb"


def test_quiz_round_by_keyboard_with_feedback_and_results(page, course_server, server_store):
    service = new_service(server_store, "Quiz Check Service")
    open_course_page(page, course_server.page_url(QUIZ, service=service.slug, seed="11"))
    bank = item_bank()
    expected = draw(bank.items, 10, seed=11)
    quiz = page.locator(".ol-quiz")
    quiz.get_by_text(expected[0].text).wait_for(timeout=60_000)
    # Every choice is a labelled checkbox.
    for category in bank.categories:
        assert quiz.get_by_role("checkbox", name=f"{category.label}: {category.description}").count() == 1

    page.locator("body").focus()
    for n, item in enumerate(expected[:3]):
        quiz.get_by_text(item.text).wait_for()
        for category in sorted(item.categories):
            label = f"{bank.label(category)}: "
            tab_to(page, ".ol-quiz input[type=checkbox]:not(:checked)")
            while not page.evaluate("() => document.activeElement.closest('label').textContent").startswith(label):
                page.keyboard.press("Tab")
            page.keyboard.press("Space")
        tab_to(page, ".ol-quiz button.mod-primary")  # Check answer
        page.keyboard.press("Enter")
        feedback = quiz.locator(".ol-quiz-feedback")
        feedback.wait_for()
        assert "Right." in feedback.inner_text()
        assert item.feedback[:40] in " ".join(feedback.inner_text().split())
        if n == 0:
            screenshot(page, "quiz-feedback")
        tab_to(page, ".ol-quiz button:not(.mod-primary):not([style*='none'])")
        page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    rows = [r for r in server_store.quiz_answers(context="four-cs-quiz") if r["item_id"] in {i.id for i in expected}]
    assert [r["score"] for r in rows[-3:]] == [1.0, 1.0, 1.0]
    assert "3 answered" in page.locator(".ol-category-scores").locator("xpath=..").inner_text()
    page.locator(".ol-quiz-results .js-plotly-plot").wait_for(state="attached")
    assert page.watch.problems() == []


def test_lesson_parts_and_facilitator_notes_only_in_trainer_view(page, course_server):
    open_course_page(page, course_server.page_url("02-staff-training.ipynb"))
    page.get_by_role("heading", name="Questions this module answers").wait_for()
    page.get_by_role("heading", name="Key points").wait_for()
    assert not page.get_by_role("heading", name="Facilitator notes").is_visible()
    open_course_page(page, course_server.page_url("02-staff-training.ipynb", view="trainer"))
    page.get_by_role("heading", name="Facilitator notes").wait_for(timeout=60_000)
    assert page.locator(".ol-facilitator").is_visible()
    screenshot(page, "trainer-view-staff-training")


def test_course_plan_on_home_lists_every_module_with_minutes(page, course_server):
    open_course_page(page, course_server.page_url("home.ipynb"))
    plan = page.locator(".ol-course-plan")
    plan.wait_for()
    for title in ("Introduction: online lives", "1. Data", "6. Parents and carers", "The four Cs"):
        assert plan.get_by_role("link", name=title).count() == 1, title
    assert "min" in plan.inner_text()


def test_a_deployers_local_services_replace_the_defaults(browser, tmp_path, monkeypatch):
    own = tmp_path / "riverside-help.yaml"
    own.write_text(
        "area: Riverside\nnote: Riverside's own list.\ncredit: Riverside Safeguarding Partnership, 2026.\n"
        "services:\n  - name: Riverside Children's Front Door\n    for: [professionals, parents and carers]\n"
        "    what: Where to report a concern about a child in Riverside.\n    phone: 01632 960000\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ONLINE_LIVES_LOCAL_HELP", str(own))
    server = devserver.start(tmp_path / "server", pool_size=0)
    try:
        context = browser.new_context()
        page = context.new_page()
        open_course_page(page, server.page_url("help.ipynb"))
        page.get_by_role("heading", name="Local services: Riverside").wait_for(timeout=60_000)
        assert page.get_by_text("Riverside Children's Front Door").is_visible()
        assert page.get_by_text("Dudley MASH").count() == 0
        assert page.get_by_text("Childline").count() >= 1  # national services stay
        context.close()
    finally:
        server.stop()


def test_section_round_by_clicking_then_retry(page, course_server, server_store):
    service = new_service(server_store, "Section Quiz Service")
    open_course_page(page, course_server.page_url("05-safeguarding.ipynb", service=service.slug))
    page.get_by_text("Assessing: Section Quiz Service").wait_for(timeout=60_000)
    bank = item_bank()
    quiz = page.locator(".ol-quiz")
    first_round = []
    for n in range(5):
        text = quiz.locator(".ol-quiz-item").inner_text().strip()
        item = next(i for i in bank.items if i.text == text)
        assert "safeguarding" in item.sections
        first_round.append(item.id)
        wrong = item.distractors[0].category
        quiz.get_by_role("checkbox", name=f"{bank.label(wrong)}: ").check()
        quiz.get_by_role("button", name="Check answer").click()
        feedback = quiz.locator(".ol-quiz-feedback")
        feedback.wait_for()
        assert f"Why not {bank.label(wrong)}?" in feedback.inner_text()
        assert "Not this time" in feedback.inner_text() or "Partly right" in feedback.inner_text()
        last = n == 4
        quiz.get_by_role("button", name="See how the round went" if last else "Next item").click()
        if not last:
            quiz.locator(".ol-quiz-item", has_not_text=text).wait_for()
    quiz.get_by_text("Round complete").wait_for()
    quiz.get_by_role("button", name="Try another round").click()
    quiz.locator(".ol-quiz-item").wait_for()
    page.wait_for_function("() => document.querySelector('.ol-quiz .ol-quiz-item') !== null")
    second = quiz.locator(".ol-quiz-item").inner_text().strip()
    assert next(i.id for i in bank.items if i.text == second) not in first_round
    # Only this service's rounds: other tests on the same server answer safeguarding items too.
    with server_store.engine.connect() as conn:
        mine = set(
            conn.execute(
                sa.select(quiz_rounds_table.c.id).where(quiz_rounds_table.c.service_id == service.id)
            ).scalars()
        )
    stored = [
        r
        for r in server_store.quiz_answers(context="safeguarding")
        if r["round_id"] in mine and r["item_id"] in first_round
    ]
    assert len(stored) == 5 and all(r["score"] < 1 for r in stored)
    assert page.watch.problems() == []
