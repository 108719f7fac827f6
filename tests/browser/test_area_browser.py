"""The area page in real Chromium: three services in an area, the median and quartiles in
the table and the chart, the fewer-than-3 rule, no other service's name, and joining an
area by keyboard."""

from __future__ import annotations

import re

from browser_support import ARTIFACTS, describe, new_service, open_course_page, run_axe, screenshot, serious, tab_to
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from course.area import set_area
from course.charts import AREA_IQR_COLOUR

OWN = "Area Own Riverside CAMHS"
OTHERS = ("Area Other Hillside School", "Area Other Lakeside Social Care")
OUTSIDE = "Area Outside Faraway Youth"
FIFTH = "Area Fifth Hillside Youth Service"
FOURTH = "Area Fourth Moorland Early Help"
AREA = "Browser Northshire"


def _add(store, name: str, area: str, scores: dict[str, int]):  # type: ignore[no-untyped-def]
    service = new_service(store, name)
    if area:
        service = set_area(store, service.id, area)
    for statement_id, score in scores.items():
        store.save(service.id, statement_id, score=score)
    return service


def _open(page, server, service) -> None:  # type: ignore[no-untyped-def]
    url = server.page_url("area.ipynb", service=service.slug)
    try:
        open_course_page(page, url)
    except PlaywrightTimeout:  # a server that has just started is still preheating every page's kernel
        open_course_page(page, url)
    page.get_by_text(f"Assessing: {service.name}").wait_for(timeout=60_000)


def test_the_area_page_shows_three_services_and_hides_small_sections(page, course_server, server_store):
    own = _add(server_store, OWN, AREA, {"1.1": 2, "4.1": 3})
    _add(server_store, OTHERS[0], AREA, {"1.1": 1, "4.1": 1})
    _add(server_store, OTHERS[1], AREA, {"1.1": 4})  # section 4 not scored: only 2 services have
    _add(server_store, OUTSIDE, "Browser Southvale", {"1.1": 0, "4.1": 0})

    _open(page, course_server, own)
    assert "3 services in this area" in page.locator(".ol-area-count").inner_text()
    assert page.get_by_label("Area name").input_value() == AREA

    data = page.locator(".ol-area-table tr[data-section='data']")
    cells = data.locator("td").all_inner_texts()
    # Means 1, 2 and 4: median 2.00; this service 2.00. With 3 services the quartiles (1.50 and
    # 3.00) would give every service's figure away, so they wait for 5.
    assert cells == ["3", "shown from 5 services", "2.00", "shown from 5 services", "2.00", "at the area median"]
    sharing = page.locator(".ol-area-table tr[data-section='data-sharing']")
    assert "Fewer than 3 services have scored this section, so the area\u2019s figures are hidden." in (
        sharing.inner_text()
    )
    assert sharing.locator("td").first.inner_text() == "2"

    chart = page.locator(".ol-area-compare svg")
    chart.wait_for(timeout=30_000)
    # The figures the SVG holds in the page, section by section (1. Data ... 6. Parents and carers).
    assert chart.get_attribute("data-q1") == ",,,,,"
    assert chart.get_attribute("data-median") == "2,,,,,"
    assert chart.get_attribute("data-q3") == ",,,,,"
    assert chart.get_attribute("data-yours") == "2,,,3,,"  # section 4: own mean only
    assert chart.get_attribute("data-hidden") == "0,1,1,1,1,1"
    assert chart.get_attribute("role") == "img"
    desc = chart.locator("desc").text_content() or ""
    assert "1. Data: area median 2.00 (quartiles are shown from 5 services); your service 2.00." in desc
    assert "4. Data sharing: area figures hidden (fewer than 3 services have scored it); your service 3.00." in desc
    labels = chart.locator("text")
    assert labels.filter(has_text=re.compile(r"^median 2\.00$")).count() == 1
    assert labels.filter(has_text=re.compile(r"^median ")).count() == 1  # no median for a hidden section
    assert labels.filter(has_text="yours 2.00").count() == 1
    assert labels.filter(has_text="yours 3.00").count() == 1
    assert chart.locator("tspan", has_text="fewer than 3").count() == 5
    legend = labels.all_text_contents()
    assert any("quartile" in t for t in legend) and any("Area median" in t for t in legend)
    assert any("Your service" in t for t in legend)
    assert chart.locator(f"rect[fill='{AREA_IQR_COLOUR}']").count() == 1  # the legend's: no bar from 3 services
    assert page.locator(".ol-area .js-plotly-plot").count() == 0  # no plotly widget to start

    html = page.content()
    assert OWN in html
    for name in (*OTHERS, OUTSIDE):
        assert name not in html

    violations = run_axe(page)
    assert serious(violations) == [], describe(serious(violations))
    chart.screenshot(path=str(ARTIFACTS / "area-chart.png"))
    page.locator(".ol-area-table").screenshot(path=str(ARTIFACTS / "area-table.png"))
    shot = screenshot(page, "area-page")
    assert shot.stat().st_size > 10_000
    assert page.watch.problems() == []


def test_joining_the_area_by_keyboard(page, course_server, server_store):
    if not server_store.service_by_name(OWN):  # this test can run on its own
        _add(server_store, OWN, AREA, {"1.1": 2})
        _add(server_store, OTHERS[0], AREA, {"1.1": 1})
        _add(server_store, OTHERS[1], AREA, {"1.1": 4})
    if not server_store.service_by_name(FIFTH):
        _add(server_store, FIFTH, AREA, {"1.1": 0})
    fourth = _add(server_store, FOURTH, "", {"1.1": 3})
    _open(page, course_server, fourth)
    assert "not in an area yet" in page.locator(".ol-area-count").inner_text()

    page.locator("body").focus()
    tab_to(page, ".ol-area-name input")
    page.keyboard.type(AREA.lower())
    tab_to(page, ".ol-area-save")
    page.keyboard.press("Enter")
    page.locator(".ol-area-status", has_text="Saved").wait_for(timeout=30_000)
    assert server_store.service(fourth.slug).area == AREA
    page.screenshot(path=str(ARTIFACTS / "area-page-saved.png"))  # the window: explanation, box, status

    page.reload()
    page.get_by_text(f"Assessing: {FOURTH}").wait_for(timeout=60_000)
    assert "5 services in this area" in page.locator(".ol-area-count").inner_text()
    cells = page.locator(".ol-area-table tr[data-section='data'] td").all_inner_texts()
    # Means 0, 1, 2, 3 and 4: quartiles by the inclusive method 1.00, 2.00, 3.00; this service 3.
    assert cells == ["5", "1.00", "2.00", "3.00", "3.00", "above the area median"]
    screenshot(page, "area-page-joined")
    assert page.watch.problems() == []
