"""A member of staff scores a whole section by clicking and typing, and sees it kept."""

from __future__ import annotations

from browser_support import descriptor, new_service, open_course_page, screenshot, statement_row

from course.content import load_planner

SECTION = load_planner().section("safeguarding")


def chart_values(page) -> list:  # type: ignore[no-untyped-def]
    """The r values of the radar's traces as plotly holds them in the page."""
    return page.evaluate(
        "() => document.querySelector('.js-plotly-plot').data.map(t => t.r.slice(0, 6).concat([t.r[6]]))"
    )


def _wait_saved(row) -> None:  # type: ignore[no-untyped-def]
    row.locator(".ol-status", has_text="Saved at").wait_for(timeout=15_000)


def test_create_service_on_home_and_complete_a_section(page, course_server, server_store):
    # Home: add a service by typing its name.
    open_course_page(page, course_server.page_url("home.ipynb"))
    page.get_by_label("Or add a new service").fill("Riverside CAMHS (browser test)")
    page.get_by_role("button", name="Add service").click()
    page.get_by_text("You are now assessing").wait_for()
    service = server_store.service_by_name("Riverside CAMHS (browser test)")
    assert service is not None

    # Follow the home page's link to the section.
    page.get_by_role("link", name=f"{SECTION.number}. {SECTION.title}").first.click()
    page.wait_for_selector(".ol-section-safeguarding")
    page.get_by_text("Assessing: Riverside CAMHS (browser test)").wait_for(timeout=60_000)
    assert f"service={service.slug}" in page.url

    scores = [4, 3, 2, 1, 0, 3]
    for statement, score in zip(SECTION.statements, scores, strict=True):
        row = statement_row(page, statement.id)
        row.get_by_role("radio", name=descriptor(score)).check()
        _wait_saved(row)
        row.get_by_label(f"Evidence for {statement.id}").fill(f"Evidence {statement.id}: audit <b>2025</b>")
        row.get_by_label(f"QA score for {statement.id}").select_option(label="2: To some extent")
        row.get_by_label(f"QA note for {statement.id}").fill(f"Checked {statement.id}")
    # The last keystrokes are saved without leaving the box.
    page.wait_for_timeout(1500)

    summary = page.locator(".ol-summary")
    assert "6 of 6" in summary.inner_text()
    # The live radar on the section page moved with the clicks: mean of 4, 3, 2, 1, 0, 3.
    radar = page.locator(".ol-section-radar svg")
    assert radar.get_attribute("data-self") == ",,,,2.17,"
    assert radar.get_attribute("data-qa") == ",,,,2,"
    assert radar.locator("circle").count() >= 1 and radar.locator("rect").count() >= 1
    assert "Section average: 2.2 out of 4" in summary.inner_text()
    screenshot(page, "section-safeguarding-completed")

    stored = server_store.answers(service.id)
    for statement, score in zip(SECTION.statements, scores, strict=True):
        answer = stored[statement.id]
        assert answer.score == score
        assert answer.evidence == f"Evidence {statement.id}: audit <b>2025</b>"
        assert answer.qa_score == 2
        assert answer.qa_note == f"Checked {statement.id}"

    # Flags: 5.1 scored 4 with QA 2 differs by 2.
    assert "Self-assessed 4, QA 2" in summary.inner_text()

    # Clearing a score makes it unanswered, not 0.
    row = statement_row(page, "5.6")
    row.get_by_role("button", name="Clear score").click()
    row.locator(".ol-status", has_text="Not yet scored").wait_for()
    assert server_store.answers(service.id)["5.6"].score is None
    assert "5 of 6" in summary.inner_text()

    # Reload: every answer is still there.
    page.reload()
    page.wait_for_selector(".ol-section-safeguarding")
    page.get_by_text("Assessing: Riverside CAMHS (browser test)").wait_for(timeout=60_000)
    row = statement_row(page, "5.1")
    row.get_by_role("radio", name=descriptor(4)).wait_for()
    assert row.get_by_role("radio", name=descriptor(4)).is_checked()
    assert row.get_by_label("Evidence for 5.1").input_value() == "Evidence 5.1: audit <b>2025</b>"
    assert not any(r.is_checked() for r in statement_row(page, "5.6").get_by_role("radio").all())

    # The profile shows the answers, with evidence escaped, never run as HTML.
    page.get_by_role("link", name="Profile and action plan").first.click()
    page.wait_for_selector(".ol-profile")
    page.get_by_role("heading", name="Profile and action plan: Riverside CAMHS (browser test)").wait_for(timeout=60_000)
    table = page.locator(".ol-statements")
    assert "Evidence 5.1: audit <b>2025</b>" in table.inner_text()
    assert table.locator("b").count() == 0
    plan = page.locator(".ol-action-plan")
    assert plan.locator(".ol-action-row h3").first.inner_text().startswith("5.5")  # scored 0, lowest first
    page.locator(".js-plotly-plot").first.wait_for(state="attached")
    # The chart in the page (not only the kernel's copy) holds the section means:
    # 5.1-5.5 scored 4, 3, 2, 1, 0 -> 2.0; QA 2 on all six -> 2.0.
    assert chart_values(page) == [[None, None, None, None, 2.0, None, None], [None, None, None, None, 2.0, None, None]]
    screenshot(page, "profile-after-section")
    w = page.watch
    assert w.problems() == [], (w.failed_local, w.console_errors, w.blocked_external)


def test_typing_is_saved_without_leaving_the_box(page, course_server, server_store):
    service = new_service(server_store, "Typing Check Service")
    open_course_page(page, course_server.page_url("01-data.ipynb", service=service.slug))
    page.get_by_text("Assessing: Typing Check Service").wait_for(timeout=60_000)
    box = statement_row(page, "1.2").get_by_label("Evidence for 1.2")
    box.click()
    page.keyboard.type("Referral log reviewed monthly", delay=20)
    # No blur, no Enter: the debounced save still writes the final keystrokes.
    page.wait_for_timeout(1500)
    assert server_store.answers(service.id)["1.2"].evidence == "Referral log reviewed monthly"


def test_personal_details_in_evidence_are_warned_about(page, course_server, server_store):
    service = new_service(server_store, "Privacy Check Service")
    open_course_page(page, course_server.page_url("04-data-sharing.ipynb", service=service.slug))
    page.get_by_text("Assessing: Privacy Check Service").wait_for(timeout=60_000)
    row = statement_row(page, "4.2")
    row.get_by_label("Evidence for 4.2").fill("Case of a girl called Courtney, DOB 12/03/2010")
    row.get_by_text("check for personal details").wait_for(timeout=10_000)
    assert "a name" in row.inner_text() and "a date of birth" in row.inner_text()
    page.wait_for_timeout(1000)
    # A warning, not a block: the text is saved.
    assert "Courtney" in server_store.answers(service.id)["4.2"].evidence
