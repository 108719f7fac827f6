"""The data log on the Data page, in real Chromium: a trend question answered, a month's counts
typed by keyboard, an impossible value explained, and everything still there after a reload."""

from __future__ import annotations

import pytest
from browser_support import ARTIFACTS, describe, new_service, open_course_page, run_axe, screenshot, serious, tab_to

from course import devserver
from course.datalog import MonthCounts, month_counts, month_label, recent_months
from course.store import Store

MONTH = recent_months()[1]  # the page's default: last month
TYPED = {
    "online-referrals": "12",
    "content": "5",
    "contact": "4",
    "conduct": "3",
    "commerce": "1",
    "reason-for-referral": "7",
    "found-later": "4",
}


def _open(page, server, service):  # type: ignore[no-untyped-def]
    open_course_page(page, server.page_url("01-data.ipynb", service=service.slug))
    page.get_by_text(f"Assessing: {service.name}").wait_for(timeout=60_000)
    page.locator(".ol-data-log").wait_for(timeout=60_000)


def _shot(page, first: str, last: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """A picture of the part of the page from `first` to `last` (a closer look than `screenshot`)."""
    size = page.viewport_size or {"width": 1280, "height": 900}
    height = page.evaluate("() => Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight || 0))")
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 12_000)})
    page.wait_for_timeout(300)
    top, bottom = page.locator(first).first.bounding_box(), page.locator(last).first.bounding_box()
    assert top and bottom
    clip = {"x": 0, "y": top["y"], "width": size["width"], "height": bottom["y"] + bottom["height"] - top["y"]}
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), clip=clip, full_page=True)
    page.set_viewport_size(size)


def _box(page, field: str):  # type: ignore[no-untyped-def]
    return page.locator(f".ol-count-{field} input")


@pytest.fixture
def data_server(tmp_path):  # type: ignore[no-untyped-def]
    """A server of this test's own, without preheating: one kernel, started for the Data page
    when it is asked for (and again on reload), so the test does not wait for every page's
    preheated kernel on a busy machine. The panel reads no query string of its own."""
    server = devserver.start(tmp_path / "server", pool_size=0)
    yield server
    server.stop()


@pytest.fixture
def data_store(data_server):  # type: ignore[no-untyped-def]
    opened = Store(data_server.env["ONLINE_LIVES_DB"])
    yield opened
    opened.close()


def test_data_log_on_the_data_page(page, data_server, data_store):
    server_store = data_store
    service = new_service(server_store, "Data Log Browser Service")
    _open(page, data_server, service)

    # The lesson: its synthetic chart, and a question answered with feedback.
    assert page.locator("#ol-synthetic-chart").is_visible()
    assert "Synthetic data" in (page.locator("#ol-synthetic-chart title").text_content() or "")
    question = page.locator(".ol-trend-question-step-change")
    question.get_by_role("radio", name="Which new online harm started in April 2024.").check()
    question.get_by_text("Not quite.").wait_for()
    question.get_by_role(
        "radio", name="Whether anything changed in how referrals were recorded around April 2024."
    ).check()
    question.get_by_text("Correct.").wait_for()
    assert "a new referral form started in April 2024" in question.inner_text()
    _shot(page, "#ol-synthetic-chart", ".ol-trend-question-step-change", "data-log-lesson")

    # The month chooser is labelled, and last month is chosen.
    assert page.get_by_label("Month", exact=True).input_value() == month_label(MONTH)

    # A month's counts typed by keyboard: Tab from box to box.
    _box(page, "online-referrals").focus()
    for field, value in TYPED.items():
        tab_to(page, f".ol-count-{field} input")
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
    page.wait_for_timeout(1200)  # the typing pause, then the save
    page.locator(".ol-data-log-table").wait_for()
    assert month_counts(server_store, service.id, MONTH) == MonthCounts(MONTH, 12, 5, 4, 3, 1, 7, 4)

    # An impossible value: more referrals involving contact than referrals with an online component.
    tab_to(page, ".ol-count-contact input")
    page.keyboard.press("Control+A")
    page.keyboard.type("30")
    message = page.get_by_text("Contact (30) is more than the referrals with an online component (12).")
    message.first.wait_for(timeout=10_000)
    assert page.get_by_role("alert").filter(has_text="Check these counts").is_visible()
    assert month_counts(server_store, service.id, MONTH).contact == 30  # saved, not lost
    page.keyboard.press("Control+A")
    page.keyboard.type("4")
    page.get_by_text("Counts fit together").wait_for(timeout=10_000)
    page.wait_for_timeout(800)
    assert month_counts(server_store, service.id, MONTH) == MonthCounts(MONTH, 12, 5, 4, 3, 1, 7, 4)

    # Reload: the values are kept, and the table and chart show them.
    page.reload()
    page.get_by_text(f"Assessing: {service.name}").wait_for(timeout=60_000)
    page.locator(".ol-data-log-table").wait_for(timeout=60_000)
    for field, value in TYPED.items():
        assert _box(page, field).input_value() == value
    row = page.locator(".ol-data-log-table tbody tr").first
    assert row.locator("th").inner_text() == month_label(MONTH)
    assert row.locator("td").all_inner_texts()[:7] == list(TYPED.values())
    chart = page.locator("#ol-own-log-chart")
    assert chart.get_attribute("data-months") == MONTH
    assert chart.get_attribute("data-series-0") == "12"
    assert "not part of an area" in page.locator(".ol-data-log").inner_text()
    assert "Never enter names" in page.locator(".ol-data-log").inner_text()

    violations = run_axe(page)
    assert serious(violations) == [], describe(serious(violations))
    page.locator(".ol-data-log").scroll_into_view_if_needed()
    screenshot(page, "data-log")
    _shot(page, ".ol-count-online-referrals", ".ol-data-log", "data-log-entry")
    assert page.watch.problems() == []
