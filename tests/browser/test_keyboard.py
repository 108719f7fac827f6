"""A whole section completed with the keyboard alone, with the focus always visible."""

from __future__ import annotations

from browser_support import new_service, open_course_page, tab_to

from course.content import load_planner

SECTION = load_planner().section("parents-and-carers")


def _focus_is_visible(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }"
    )


def test_complete_a_section_with_the_keyboard_only(page, course_server, server_store):
    service = new_service(server_store, "Keyboard Check Service")
    open_course_page(page, course_server.page_url(SECTION.notebook, service=service.slug))
    page.get_by_text("Assessing: Keyboard Check Service").wait_for(timeout=60_000)
    page.locator("body").focus()

    scores = [2, 3, 1, 4, 0, 2]
    for statement, score in zip(SECTION.statements, scores, strict=True):
        row = f".ol-statement-{statement.id.replace('.', '-')}"
        tab_to(page, f"{row} input[type=radio][value='{score}']")
        assert _focus_is_visible(page)
        page.keyboard.press("Space")
        tab_to(page, f"{row} textarea")
        assert _focus_is_visible(page)
        page.keyboard.type(f"Keyboard evidence {statement.id}")
        tab_to(page, f"{row} select")
        page.keyboard.press("ArrowDown")  # "Not checked" -> "0: Not at all"
        page.keyboard.press("ArrowDown")  # -> "1: Very little"
        tab_to(page, f"{row} .widget-vbox textarea")
        page.keyboard.type("QA by keyboard")
    page.wait_for_timeout(1500)

    stored = server_store.answers(service.id)
    for statement, score in zip(SECTION.statements, scores, strict=True):
        answer = stored[statement.id]
        assert (answer.score, answer.evidence, answer.qa_score, answer.qa_note) == (
            score,
            f"Keyboard evidence {statement.id}",
            1,
            "QA by keyboard",
        )
    assert "6 of 6" in page.locator(".ol-summary").inner_text()
    assert page.watch.problems() == []
