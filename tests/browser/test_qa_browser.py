"""The QA check page in real Chromium: a checker draws a seeded sample, gives verdicts (one by
keyboard alone), marks the check complete, and finds it all kept after a reload."""

from __future__ import annotations

import time

from browser_support import (
    assert_no_error_output,
    describe,
    new_service,
    open_course_page,
    run_axe,
    screenshot,
    serious,
    tab_to,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from course.content import load_planner
from course.qa import draw_sample, samples

PLANNER = load_planner()
NOTE = "Plan seen; not yet signed off by the board"


def _row(statement_id: str) -> str:
    return f".ol-qa-{statement_id.replace('.', '-')}"


def _wait_for(check, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    """Poll the store until `check()` is truthy (saves arrive over the widget websocket)."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _open(page, url: str) -> None:  # type: ignore[no-untyped-def]
    """Open the page; once more if the first try times out. The server starts a preheated kernel
    for every page at once, which on a loaded 2-core machine can take longer than one timeout."""
    try:
        open_course_page(page, url)
    except PlaywrightTimeout:
        open_course_page(page, url)


def test_a_qa_check_is_completed_and_kept(page, course_server, server_store):  # type: ignore[no-untyped-def]
    service = new_service(server_store, "QA Browser Service")
    for i, statement in enumerate(PLANNER.statements):
        server_store.save(service.id, statement.id, score=1 + i % 4, evidence=f"Evidence {statement.id} <i>as text</i>")
    answers = server_store.answers(service.id)
    expected = draw_sample(PLANNER, answers, 3, 4821)
    first, second, third = expected
    own = (answers[second].score + 2) % 5  # the checker's own, different score for the second

    url = course_server.page_url("qa-check.ipynb", service=service.slug)
    _open(page, url)
    page.get_by_text("Assessing: QA Browser Service").wait_for(timeout=60_000)
    assert page.get_by_role("heading", name="What an independent QA check is").is_visible()

    page.get_by_label("Checker's name").fill("Sam Patel")
    size = page.get_by_label("How many statements")
    size.fill("3")
    size.press("Tab")
    page.get_by_label("Seed (optional)").fill("4821")
    page.get_by_role("button", name="Draw a sample").click()
    page.get_by_text("Drew 3 statements with seed 4821").wait_for(timeout=30_000)
    page.locator(".ol-qa-row").nth(2).wait_for(timeout=30_000)
    assert page.locator(".ol-qa-row").count() == 3
    for sid in expected:
        assert page.locator(_row(sid)).get_by_role("heading").inner_text().startswith(f"{sid} ")
    # Evidence is shown as text, never as markup.
    assert f"Evidence {first} <i>as text</i>" in page.locator(_row(first)).inner_text()
    recorded = samples(server_store, service.id)
    assert [(s.statement_ids, s.seed, s.checker) for s in recorded] == [(tuple(expected), 4821, "Sam Patel")]

    # 1. Agree, with the mouse.
    page.locator(_row(first)).get_by_label("Agree with the score").check()

    # 2. A different score and a note, with the keyboard alone.
    page.locator(_row(first)).get_by_label("Agree with the score").focus()
    tab_to(page, f"{_row(second)} input[type=radio][value='1']")  # "Record a different score"
    page.keyboard.press("Space")
    page.wait_for_function("(s) => !document.querySelector(s).disabled", arg=f"{_row(second)} select", timeout=30_000)
    tab_to(page, f"{_row(second)} select")
    for _ in range(own + 1):  # from "Choose a score" down to the checker's own score
        page.keyboard.press("ArrowDown")
    tab_to(page, f"{_row(second)} textarea")
    page.keyboard.type(NOTE)

    # 3. Agree.
    page.locator(_row(third)).get_by_label("Agree with the score").check()

    def verdicts():  # type: ignore[no-untyped-def]
        stored = server_store.answers(service.id)
        got = {sid: (stored[sid].qa_score, stored[sid].qa_note) for sid in expected}
        want = {first: (answers[first].score, ""), second: (own, NOTE), third: (answers[third].score, "")}
        return got if got == want else None

    assert _wait_for(verdicts), server_store.answers(service.id)

    screenshot(page, "qa-check-verdicts")
    page.get_by_role("button", name="Mark this check complete").click()
    page.get_by_text("Check complete.").wait_for(timeout=30_000)
    assert _wait_for(lambda: samples(server_store, service.id)[0].completed)

    # Reload: everything is kept.
    _open(page, url)
    page.get_by_text("This check was marked complete on").wait_for(timeout=60_000)
    page.locator(".ol-qa-row").nth(2).wait_for(timeout=30_000)
    page.locator("table.ol-qa-discrepancies").wait_for(timeout=30_000)
    assert page.locator(_row(first)).get_by_label("Agree with the score").is_checked()
    assert page.locator(_row(third)).get_by_label("Agree with the score").is_checked()
    assert page.locator(_row(second)).get_by_label("Record a different score").is_checked()
    chosen = page.locator(_row(second)).get_by_label(f"QA score for {second}").input_value()
    assert chosen == f"{own}: {PLANNER.scale[own].label}"
    assert page.locator(_row(second)).get_by_label(f"QA note for {second}").input_value() == NOTE
    assert page.get_by_label("Checker's name").input_value() == "Sam Patel"

    table = page.locator("table.ol-qa-discrepancies")
    assert "Statements where the QA score differs from the self score" in table.locator("caption").inner_text()
    difference = own - answers[second].score
    words = f"QA is {abs(difference)} {'higher' if difference > 0 else 'lower'} than the self-assessment"
    row = table.locator("tbody tr", has_text=words)
    assert row.count() == 1
    assert row.locator("th").inner_text() == second
    assert ("▲" if difference > 0 else "▼") in row.inner_text()
    history = page.locator("table.ol-qa-history").inner_text()
    assert "Sam Patel" in history and "Complete (" in history

    assert_no_error_output(page)
    violations = run_axe(page)
    assert serious(violations) == [], describe(serious(violations))
    screenshot(page, "qa-check-complete")
    assert page.watch.problems() == []
