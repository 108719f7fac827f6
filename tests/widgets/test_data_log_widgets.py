"""The data log panel, driven headless: the lesson and its questions, counts saved as typed,
messages in words, the table and chart, and the area's figures or why they are hidden."""

from __future__ import annotations

import pytest
from traitlets import TraitError

from course.area import set_area
from course.content import load_planner
from course.datalog import MonthCounts, month_counts, month_label, month_log, recent_months, save_month
from widgets import SectionPage
from widgets.data_log import DataLogPanel

PLANNER = load_planner()
LAST_MONTH = recent_months()[1]


@pytest.fixture
def service(store):  # type: ignore[no-untyped-def]
    return store.create_service("Riverside CAMHS", PLANNER.version)


@pytest.fixture
def panel(store, service):  # type: ignore[no-untyped-def]
    made = DataLogPanel()
    made.set_service(service)
    return made


def test_the_data_page_has_the_panel_after_the_statements_and_other_pages_do_not(store, service):
    page = SectionPage("data")
    assert isinstance(page.data_log, DataLogPanel)
    children = list(page.children)
    assert children.index(page.data_log) == children.index(page._rows[-1]) + 1
    page.set_service(service)
    assert page.data_log.service == service
    assert not page.data_log._boxes["content"].disabled
    other = SectionPage("staff-training")
    assert other.data_log is None
    assert not any(isinstance(c, DataLogPanel) for c in other.children)


def test_the_lesson_is_labelled_synthetic_with_chart_and_table(panel):
    html = panel._lesson.value
    assert "<h2>Reading a trend (synthetic data)</h2>" in html
    assert "Synthetic data: referrals with an online component each month" in html  # the chart's title
    assert 'stroke-dasharray="7 4"' in html  # the rolling average: dashed, the counts solid
    assert "Rolling 3-month average" in html and "New referral form" in html
    assert "<caption>Synthetic data: the imaginary service" in html and 'scope="col"' in html
    assert "Seasonality and school holidays" in html and "Comparing with the area" in html


def test_a_question_gives_feedback_for_the_option_chosen(panel):
    question = panel.questions[0]
    question._choice.value = "safer"
    assert "Not quite." in question._feedback.value and "more time online in the holidays" in question._feedback.value
    question._choice.value = "holidays"
    assert "Correct." in question._feedback.value and "Compare August with last August" in question._feedback.value
    with pytest.raises(TraitError):
        question._choice.value = "<script>"
    assert "Correct." in question._feedback.value


def test_controls_are_disabled_without_a_service(store):
    panel = DataLogPanel()
    assert panel._month.disabled and all(box.disabled for box in panel._boxes.values())
    panel._boxes["content"].value = 3  # a browser could send it anyway: nothing is saved
    assert "Choose your service" in panel._status.value
    assert "Choose your service" in panel._area.value


def test_the_month_chooser_offers_the_last_24_months_labelled(panel):
    assert len(panel._month.options) == 24
    assert panel._month.options[0] == (month_label(recent_months()[0]), recent_months()[0])
    assert panel._month.value == LAST_MONTH
    with pytest.raises(TraitError):
        panel._month.value = "2099-01"


def test_each_count_is_saved_as_it_is_typed(store, service, panel):
    panel._boxes["online_referrals"].value = 12
    assert month_counts(store, service.id, LAST_MONTH) == MonthCounts(LAST_MONTH, online_referrals=12)
    panel._boxes["contact"].value = 5
    panel._boxes["reason_for_referral"].value = 7
    assert month_counts(store, service.id, LAST_MONTH) == MonthCounts(
        LAST_MONTH, online_referrals=12, contact=5, reason_for_referral=7
    )
    assert "Saved: Online harm was the reason for referral" in panel._status.value
    assert panel._problems.value == ""
    table = panel._table.value
    assert "<caption>Data log of Riverside CAMHS: counts per month</caption>" in table
    assert f'<th scope="row">{month_label(LAST_MONTH)}</th><td>12</td><td>0</td><td>5</td>' in table
    assert 'id="ol-own-log-chart"' in panel._chart.value
    assert 'data-series-0="12"' in panel._chart.value and 'data-series-2="5"' in panel._chart.value
    assert "download=" in panel._download.value


def test_a_count_that_does_not_fit_is_saved_and_explained(store, service, panel):
    panel._boxes["online_referrals"].value = 4
    panel._boxes["content"].value = 9
    assert month_counts(store, service.id, LAST_MONTH).content == 9  # nothing lost
    assert "Content (9) is more than the referrals with an online component (4)" in panel._problems.value
    assert 'role="alert"' in panel._problems.value
    assert "To check: Content (9)" in panel._table.value
    panel._boxes["online_referrals"].value = 10
    assert panel._problems.value == ""
    assert "Counts fit together" in panel._table.value


def test_values_beyond_the_bounds_are_clamped_and_said(store, service, panel):
    panel._boxes["online_referrals"].value = 250_000  # BoundedIntText keeps it within 0..100,000
    assert month_counts(store, service.id, LAST_MONTH).online_referrals == 100_000
    assert "100,000 is the most a month&#x27;s count can be" in panel._status.value
    panel._boxes["content"].value = -5
    assert month_counts(store, service.id, LAST_MONTH).content == 0
    with pytest.raises(TraitError):
        panel._boxes["content"].value = "seven"


def test_changing_month_shows_its_counts_without_saving(store, service, panel):
    months = recent_months()
    save_month(store, service.id, MonthCounts(months[3], online_referrals=6, conduct=2))
    panel._boxes["online_referrals"].value = 8
    panel._month.value = months[3]
    assert panel._boxes["online_referrals"].value == 6 and panel._boxes["conduct"].value == 2
    assert [c.month for c in month_log(store, service.id)] == [months[3], months[1]]
    assert month_counts(store, service.id, months[1]).online_referrals == 8
    panel._month.value = months[5]  # nothing stored: zeros shown, nothing written
    assert all(box.value == 0 for box in panel._boxes.values())
    assert month_counts(store, service.id, months[5]) is None


def test_reopening_shows_the_stored_log(store, service):
    save_month(store, service.id, MonthCounts(LAST_MONTH, online_referrals=3, commerce=1))
    panel = DataLogPanel()
    panel.set_service(service)
    assert panel._boxes["online_referrals"].value == 3 and panel._boxes["commerce"].value == 1
    assert "<td>3</td>" in panel._table.value


def test_the_service_name_is_escaped(store):
    service = store.create_service("<b>Bold</b> & Co", PLANNER.version)
    panel = DataLogPanel()
    panel.set_service(service)
    panel._boxes["online_referrals"].value = 1
    assert "<b>Bold</b>" not in panel._table.value
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in panel._table.value


def test_area_messages_and_chart(store, service, panel):
    assert "not part of an area" in panel._area.value
    service = set_area(store, service.id, "Northshire")
    panel.set_service(service)
    assert "the area has 1 service," in panel._area.value and "at least 3 services" in panel._area.value
    others = [set_area(store, store.create_service(n, PLANNER.version).id, "Northshire") for n in ("B", "C")]
    panel.refresh()
    assert "no month yet has counts from at least 3 of its 3 services" in panel._area.value
    month = LAST_MONTH
    for other, n in zip(others, (2, 3), strict=True):
        save_month(store, other.id, MonthCounts(month, online_referrals=n, content=1))
    panel._boxes["online_referrals"].value = 5  # the third service reports: the month appears
    area = panel._area.value
    assert 'id="ol-area-chart"' in area
    assert f'<th scope="row">{month_label(month)}</th><td>3</td><td>10</td>' in area
    assert "content 2" in area
    earlier = recent_months()[4]
    save_month(store, others[0].id, MonthCounts(earlier, online_referrals=9))
    panel.refresh()
    assert f'<th scope="row">{month_label(earlier)}</th><td>1</td><td>hidden: fewer than 3' in panel._area.value
    assert "<td>9</td>" not in panel._area.value
