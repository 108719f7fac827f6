"""A service lead builds an action plan on the profile page, by clicking and typing, sees it
kept after a reload, and downloads it as a workbook."""

from __future__ import annotations

from datetime import datetime

import openpyxl
from browser_support import (
    ARTIFACTS,
    describe,
    new_service,
    open_course_page,
    run_axe,
    screenshot,
    serious,
    tab_to,
)

from course.actions import next_steps, planned_actions
from course.content import load_planner
from widgets.action_plan import option_label

PLANNER = load_planner()
SCORES = {"1.1": 0, "2.3": 1, "4.6": 2, "1.2": 4, "3.1": 3, "5.3": 2}


def _row(page, statement_id: str):  # type: ignore[no-untyped-def]
    return page.locator(f".ol-action-{statement_id.replace('.', '-')}")


def _wait_message(row, text: str) -> None:  # type: ignore[no-untyped-def]
    row.locator(".ol-status, .ol-error", has_text=text).first.wait_for(timeout=15_000)


def _screenshot_part(page, name: str, selector: str = ".ol-action-plan") -> None:  # type: ignore[no-untyped-def]
    """A picture of one part of the page, with the window tall enough to hold it all."""
    size = page.viewport_size or {"width": 1280, "height": 900}
    plan = page.locator(selector)
    page.set_viewport_size({"width": size["width"], "height": 8000})
    page.wait_for_timeout(300)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    plan.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.set_viewport_size(size)


def test_edit_the_action_plan_reload_and_download(page, course_server, server_store, tmp_path):  # type: ignore[no-untyped-def]
    service = new_service(server_store, "Action Plan Browser Service")
    for sid, score in SCORES.items():
        server_store.save(service.id, sid, score=score)
    open_course_page(page, course_server.page_url("profile.ipynb", service=service.slug))
    page.get_by_text("Assessing: Action Plan Browser Service").wait_for(timeout=60_000)

    # Suggestions: the lowest statements, lowest first, each with our guidance.
    plan = page.locator(".ol-action-plan")
    plan.get_by_role("heading", name="Action plan: where to act first").wait_for()
    order = plan.locator(".ol-action-row h3").all_inner_texts()
    assert [text.split(" ", 1)[0] for text in order] == ["1.1", "2.3", "4.6", "5.3"]
    assert "30 of 36 statements are not scored yet" in plan.inner_text()
    row = _row(page, "2.3")
    suggestion = next_steps()["2.3"].first_action
    assert suggestion in row.inner_text()

    # Use the suggestion, type an owner and a deadline, choose a status by keyboard.
    row.get_by_role("button", name="Use the suggested action for 2.3").click()
    _wait_message(row, "Saved at")
    assert row.get_by_label("Action for 2.3").input_value() == suggestion
    row.get_by_label("Owner for 2.3").fill("Training lead")
    row.get_by_label("Deadline for 2.3 (YYYY-MM-DD)").fill("31/02/2027")
    _wait_message(row, "is not a real date")
    row.get_by_label("Deadline for 2.3 (YYYY-MM-DD)").fill("2027-03-31")
    _wait_message(row, "due 2027-03-31")
    tab_to(page, ".ol-action-2-3 select")
    page.keyboard.press("ArrowDown")  # "Not started" -> "In progress"
    _wait_message(row, "in progress, due 2027-03-31")
    saved = planned_actions(server_store, service.id)["2.3"]
    assert (saved.action, saved.owner, saved.deadline, saved.status) == (
        suggestion,
        "Training lead",
        "2027-03-31",
        "in progress",
    )

    # Another statement, added from the dropdown, by clicking.
    page.get_by_label("Add an action for another statement").select_option(label=option_label(PLANNER.statement("6.6")))
    other = _row(page, "6.6")
    other.get_by_label("Action for 6.6").fill("Monthly update on what young people tell us")
    other.get_by_label("Status for 6.6").select_option(label="Done")
    _wait_message(other, "Saved at")
    page.wait_for_timeout(1000)
    assert planned_actions(server_store, service.id)["6.6"].status == "done"
    screenshot(page, "action-plan-edited")
    _screenshot_part(page, "action-plan-editor")

    violations = run_axe(page)
    assert not serious(violations), describe(serious(violations))

    # A reload shows everything kept.
    open_course_page(page, course_server.page_url("profile.ipynb", service=service.slug))
    row = _row(page, "2.3")
    row.get_by_label("Owner for 2.3").wait_for(timeout=60_000)
    page.wait_for_function(
        "() => { const b = document.querySelector('.ol-action-2-3 textarea'); return b && b.value.length > 0; }",
        timeout=30_000,
    )
    assert row.get_by_label("Action for 2.3").input_value() == suggestion
    assert row.get_by_label("Owner for 2.3").input_value() == "Training lead"
    assert row.get_by_label("Deadline for 2.3 (YYYY-MM-DD)").input_value() == "2027-03-31"
    assert row.get_by_label("Status for 2.3").input_value() == "In progress"  # the option shown
    assert _row(page, "6.6").get_by_label("Action for 6.6").input_value().startswith("Monthly update")

    # The workbook, downloaded and read back.
    with page.expect_download() as info:
        page.get_by_role("link", name="Action plan (xlsx)").click()
    download = info.value
    assert download.suggested_filename.startswith("online-lives-action-plan-action-plan-browser-service-")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "Summary" and len(book.sheetnames) == 7
    assert book["Summary"]["B3"].value == "Action Plan Browser Service"
    training = book["2. Staff training"]
    assert [c.value for c in training[4]] == [
        "2.3",
        training["B4"].value,
        1,
        suggestion,
        "Training lead",
        datetime(2027, 3, 31),
        "in progress",
    ]
    assert training["F4"].is_date
    assert book["6. Parents and carers"]["G7"].value == "done"
    with page.expect_download() as info:
        page.get_by_role("link", name="Action plan (CSV)").click()
    assert info.value.suggested_filename.endswith(".csv")
    screenshot(page, "action-plan-reloaded")
    _screenshot_part(page, "action-plan-downloads", ".ol-action-downloads")
    # plotly's FigureWidgets (the radar and trend charts, not this editor) can log "[anywidget] Failed to
    # initialize model." on a loaded machine; anything else is a problem of this page.
    problems = [p for p in page.watch.problems() if "[anywidget] Failed to initialize model" not in p]
    assert not problems, problems
