"""The area page, driven headless: a service sees its own detail and the area's aggregates,
never another service's name or scores."""

from __future__ import annotations

import json

import ipywidgets as ipw
import pytest

from course.area import set_area
from course.content import load_planner
from widgets import AreaPage
from widgets.area_page import HIDDEN_MESSAGE
from widgets.common import esc

PLANNER = load_planner()
OTHERS = ("Hillside Secret School", "Lakeside Hidden CAMHS", "Faraway Youth Zone")


def everything_sent(widget: ipw.Widget) -> str:
    """Every synced value of a widget and its children, as the browser would receive them."""
    parts = [json.dumps(widget.get_state(), default=str)]
    for child in getattr(widget, "children", ()):
        parts.append(everything_sent(child))
    return "\n".join(parts)


def add(store, name: str, area: str, **scores: list[int]):  # type: ignore[no-untyped-def]
    service = store.create_service(name, PLANNER.version)
    service = set_area(store, service.id, area) if area else service
    for key, values in scores.items():
        for i, value in enumerate(values, start=1):
            store.save(service.id, f"{key.removeprefix('s')}.{i}", score=value)
    return service


@pytest.fixture
def area_of_three(store):  # type: ignore[no-untyped-def]
    own = add(store, "Riverside CAMHS", "Northshire", s1=[2], s4=[3])
    add(store, OTHERS[0], "Northshire", s1=[1], s4=[1])
    add(store, OTHERS[1], "Northshire", s1=[4])
    add(store, OTHERS[2], "Southvale", s1=[0], s4=[0])
    return own


def test_without_a_service_the_page_is_disabled_with_a_link_home(store):  # type: ignore[no-untyped-def]
    page = AreaPage()
    page.start()
    assert page._area.disabled and page._save.disabled
    assert "No service chosen" in page._missing.value
    assert 'href="home.ipynb"' in page._missing.value
    page.save_area("Northshire")
    assert "Choose a service" in page._status.value


def test_the_page_shows_the_area_and_only_the_services_own_detail(store, area_of_three):  # type: ignore[no-untyped-def]
    page = AreaPage()
    page.set_service(area_of_three)
    assert page._area.value == "Northshire" and not page._area.disabled
    assert "3 services in this area" in page._count.value
    table = page._table.value
    data = table.split('data-section="data"')[1].split("</tr>")[0]
    # Means 1, 2, 4: median 2 (the quartiles wait for 5 services); this service 2.
    hidden = "<td>shown from 5 services</td>"
    assert f"<td>3</td>{hidden}<td>2.00</td>{hidden}<td>2.00</td><td>at the area median</td>" in data
    sharing = table.split('data-section="data-sharing"')[1].split("</tr>")[0]
    assert "<td>2</td>" in sharing and "Fewer than 3 services have scored this section" in sharing
    assert esc(HIDDEN_MESSAGE) in sharing
    assert "<td>3.00</td><td>not shown</td>" in sharing  # its own mean, no position

    chart = page._chart.value  # an SVG in an HTML widget: what the browser gets is this string
    assert isinstance(page._chart, ipw.HTML) and chart.startswith("<svg")
    assert 'data-q1=",,,,,"' in chart and 'data-median="2,,,,,"' in chart and 'data-q3=",,,,,"' in chart
    assert 'data-yours="2,,,3,,"' in chart
    assert 'data-hidden="0,1,1,1,1,1"' in chart
    assert ">median 2.00</text>" in chart and ">yours 2.00</text>" in chart and ">yours 3.00</text>" in chart
    assert chart.count(">hidden:</tspan>") == 5
    assert "4. Data sharing: area figures hidden" in chart  # the description, in words
    assert "Area median (diamond)" in chart and "Your service (circle)" in chart  # shape, not colour alone

    sent = everything_sent(page)
    assert "Riverside CAMHS" in sent
    for name in OTHERS:
        assert name not in sent
    # The other services' own means (1 and 4 in section 1, 1 in section 4) are never shown.
    words = page._table.value + page._chart_words.value
    assert "1.00" not in words and "4.00" not in words


def test_typing_an_area_saves_it_at_once(store, area_of_three):  # type: ignore[no-untyped-def]
    fourth = add(store, "Moorland Early Help", "", s1=[3])
    page = AreaPage()
    page.set_service(fourth)
    assert "not in an area yet" in page._count.value
    page._area.value = "  northshire "  # Enter, or leaving the box
    assert store.service(fourth.slug).area == "Northshire"
    assert "Saved" in page._status.value and "Northshire" in page._status.value
    assert page._area.value == "Northshire"
    assert "4 services in this area" in page._count.value
    page._area.value = ""
    assert store.service(fourth.slug).area == ""
    assert "not in any area" in page._status.value
    page._area.value = "Northshire"
    page._save.click()
    assert "Saved" in page._status.value


def test_a_bad_area_name_says_why_and_keeps_what_was_typed(store, area_of_three):  # type: ignore[no-untyped-def]
    page = AreaPage()
    page.set_service(area_of_three)
    page._area.value = "N" * 200
    assert "Not saved" in page._status.value and "at most 120" in page._status.value
    assert page._area.value == "N" * 200
    assert store.service(area_of_three.slug).area == "Northshire"
    page.save_area(["not", "text"])  # what a browser could send over the kernel's websocket
    assert "must be text" in page._status.value
    page.save_area("<script>alert(1)</script>")
    assert "<script>" not in page._status.value + page._count.value
    assert "&lt;script&gt;" in page._status.value


def test_a_service_alone_in_its_area_sees_everything_hidden(store):  # type: ignore[no-untyped-def]
    alone = add(store, "Riverside CAMHS", "Northshire", s1=[2])
    page = AreaPage()
    page.set_service(alone)
    assert "1 service in this area" in page._count.value
    assert page._table.value.count("Fewer than 3 services have scored this section") == len(PLANNER.sections)
    assert 'data-median=",,,,,"' in page._chart.value and 'data-hidden="1,1,1,1,1,1"' in page._chart.value
