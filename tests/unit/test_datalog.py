"""The data log: checking counts, saving a month or one count, month order, the area's sums
and the fewer-than-3 rule, month by month."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from course import datalog
from course.area import set_area
from course.content import Planner
from course.datalog import (
    DataLogError,
    MonthCounts,
    area_monthly,
    check_counts,
    month_counts,
    month_label,
    month_log,
    recent_months,
    rolling_mean,
    save_field,
    save_month,
    trend_svg,
)
from course.store import Service, Store, data_log_table

TODAY = date(2026, 11, 29)


def counts(month: str = "2026-03", **values: object) -> MonthCounts:
    base = dict.fromkeys(datalog.FIELDS, 0)
    base["online_referrals"] = 10
    base.update(values)
    return MonthCounts(month, **base)  # type: ignore[arg-type]


# --- check_counts: a table of cases --------------------------------------------------------

VALID = [
    counts(),
    counts(content=10, contact=10, conduct=10, commerce=10),  # the Cs may add up to more than the total
    counts(reason_for_referral=6, found_later=4),  # exactly the total
    counts(online_referrals=0),
    counts(online_referrals=100_000, content=100_000),
    counts(month="2026-11"),  # this month: not in the future
    counts(month="2024-12"),
]


@pytest.mark.parametrize("good", VALID, ids=lambda c: f"{c.month}-{c.online_referrals}-{c.content}")
def test_valid_counts_have_no_problems(good: MonthCounts) -> None:
    assert check_counts(good, TODAY) == []


INVALID = [
    (counts(content=11), "Content (11) is more than the referrals with an online component (10)"),
    (counts(commerce=12), "Commerce (12) is more than the referrals"),
    (counts(reason_for_referral=11), "Online harm was the reason for referral (11) is more than"),
    (counts(found_later=15), "Online harm was found later (15) is more than"),
    (
        counts(reason_for_referral=6, found_later=5),
        "add up to 11, more than the referrals with an online component (10)",
    ),
    (counts(online_referrals=-1), "a count cannot be less than 0"),
    (counts(online_referrals=100_001), "a count can be at most 100,000"),
    (counts(content=2.5), "give a whole number"),
    (counts(contact="3"), "give a whole number"),
    (counts(conduct=True), "give a whole number"),
    (counts(online_referrals=None), "give a whole number"),
    (counts(month="2026-12"), "December 2026 has not happened yet"),
    (counts(month="2027-01"), "has not happened yet"),
    (counts(month="2026-13"), "is not a month"),
    (counts(month="2026-3"), "is not a month"),
    (counts(month="March 2026"), "is not a month"),
    (counts(month=""), "is not a month"),
]


@pytest.mark.parametrize("bad,message", INVALID, ids=[m for _, m in INVALID])
def test_invalid_counts_are_named_in_plain_words(bad: MonthCounts, message: str) -> None:
    problems = check_counts(bad, TODAY)
    assert problems, "expected a problem"
    assert any(message in p for p in problems), problems


def test_a_whole_float_is_accepted_as_a_count() -> None:
    assert datalog.check_count("content", 4.0) == 4


def test_month_labels_and_recent_months() -> None:
    assert month_label("2026-03") == "March 2026"
    months = recent_months(24, TODAY)
    assert len(months) == 24
    assert months[0] == "2026-11" and months[1] == "2026-10" and months[-1] == "2024-12"
    assert recent_months(2, date(2026, 1, 5)) == ["2026-01", "2025-12"]


# --- saving -------------------------------------------------------------------------------


def test_save_month_upserts_and_month_log_is_in_month_order(store: Store, service: Service) -> None:
    save_month(store, service.id, counts("2026-05", content=3), TODAY)
    save_month(store, service.id, counts("2025-12", contact=2), TODAY)
    save_month(store, service.id, counts("2026-01", online_referrals=4), TODAY)
    save_month(store, service.id, counts("2026-05", content=7, online_referrals=9), TODAY)  # replaces May
    log = month_log(store, service.id)
    assert [c.month for c in log] == ["2025-12", "2026-01", "2026-05"]
    assert log[-1] == counts("2026-05", content=7, online_referrals=9)
    assert month_counts(store, service.id, "2026-04") is None


def test_save_month_refuses_bad_counts_and_writes_nothing(store: Store, service: Service) -> None:
    with pytest.raises(DataLogError, match=r"Content \(11\) is more than"):
        save_month(store, service.id, counts(content=11), TODAY)
    with pytest.raises(DataLogError, match="has not happened yet"):
        save_month(store, service.id, counts("2027-02"), TODAY)
    assert month_log(store, service.id) == []


def test_save_field_keeps_the_other_counts(store: Store, service: Service) -> None:
    assert save_field(store, service.id, "2026-02", "online_referrals", 12, TODAY) == []
    assert month_counts(store, service.id, "2026-02") == MonthCounts("2026-02", online_referrals=12)
    assert save_field(store, service.id, "2026-02", "contact", 5, TODAY) == []
    assert save_field(store, service.id, "2026-02", "found_later", 3, TODAY) == []
    assert month_counts(store, service.id, "2026-02") == MonthCounts(
        "2026-02", online_referrals=12, contact=5, found_later=3
    )
    with store.engine.connect() as conn:
        stamp = conn.execute(sa.select(data_log_table.c.updated_at)).scalar()
    assert stamp and stamp.startswith("20")


def test_save_field_saves_a_count_that_does_not_fit_yet_and_says_why(store: Store, service: Service) -> None:
    # People type in any order: the content count before the total.
    problems = save_field(store, service.id, "2026-02", "content", 4, TODAY)
    assert problems == [
        "Content (4) is more than the referrals with an online component (0). "
        "Each of these counts is part of that total."
    ]
    assert month_counts(store, service.id, "2026-02").content == 4  # nothing lost
    assert save_field(store, service.id, "2026-02", "online_referrals", 6, TODAY) == []


@pytest.mark.parametrize(
    "month,field,value,message",
    [
        ("2026-02", "content", -3, "cannot be less than 0"),
        ("2026-02", "content", 100_001, "at most 100,000"),
        ("2026-02", "content", "7", "whole number"),
        ("2026-02", "content", 1.5, "whole number"),
        ("2026-02", "names", 1, "not one of the data log's counts"),
        ("2027-01", "content", 1, "has not happened yet"),
        ("2026-00", "content", 1, "is not a month"),
    ],
)
def test_save_field_refuses_impossible_values(
    store: Store, service: Service, month: str, field: str, value: object, message: str
) -> None:
    with pytest.raises(DataLogError, match=message):
        save_field(store, service.id, month, field, value, TODAY)
    assert month_log(store, service.id) == []


def test_logs_of_services_are_separate(store: Store, service: Service, planner: Planner) -> None:
    other = store.create_service("Hillside School", planner.version)
    save_month(store, service.id, counts("2026-01"), TODAY)
    save_month(store, other.id, counts("2026-02"), TODAY)
    assert [c.month for c in month_log(store, service.id)] == ["2026-01"]
    assert [c.month for c in month_log(store, other.id)] == ["2026-02"]


# --- the area -----------------------------------------------------------------------------


def _area_of(store: Store, planner: Planner, names: list[str], area: str = "Northshire") -> list[Service]:
    made = []
    for name in names:
        service = store.create_service(name, planner.version)
        made.append(set_area(store, service.id, area))
    return made


def test_area_sums_only_months_with_at_least_three_services(store: Store, planner: Planner) -> None:
    a, b, c, d = _area_of(store, planner, ["A CAMHS", "B School", "C Social Care", "D Youth Service"])
    outsider = store.create_service("Elsewhere Service", planner.version)
    # January: three services report. February: only two. March: all four.
    save_month(store, a.id, counts("2026-01", online_referrals=5, content=2), TODAY)
    save_month(store, b.id, counts("2026-01", online_referrals=7, content=3, found_later=1), TODAY)
    save_month(store, c.id, counts("2026-01", online_referrals=1, commerce=1), TODAY)
    save_month(store, a.id, counts("2026-02", online_referrals=9), TODAY)
    save_month(store, b.id, counts("2026-02", online_referrals=4), TODAY)
    for service, n in ((a, 1), (b, 2), (c, 3), (d, 4)):
        save_month(store, service.id, counts("2026-03", online_referrals=n, contact=n), TODAY)
    save_month(store, outsider.id, counts("2026-02", online_referrals=50), TODAY)  # not in the area

    monthly = area_monthly(store, "Northshire")
    assert [(m.month, m.services, m.hidden) for m in monthly] == [
        ("2026-01", 3, False),
        ("2026-02", 2, True),
        ("2026-03", 4, False),
    ]
    assert monthly[0].totals == MonthCounts("2026-01", online_referrals=13, content=5, commerce=1, found_later=1)
    assert monthly[1].totals is None  # two services: hidden, so neither can be read off
    assert monthly[2].totals == MonthCounts("2026-03", online_referrals=10, contact=10)


def test_a_month_that_does_not_fit_is_not_counted_for_the_area(store: Store, planner: Planner) -> None:
    a, b, c = _area_of(store, planner, ["A CAMHS", "B School", "C Social Care"])
    save_month(store, a.id, counts("2026-04"), TODAY)
    save_month(store, b.id, counts("2026-04"), TODAY)
    save_field(store, c.id, "2026-04", "content", 3, TODAY)  # content without a total yet
    [april] = area_monthly(store, "Northshire")
    assert (april.services, april.hidden) == (2, True)
    save_field(store, c.id, "2026-04", "online_referrals", 3, TODAY)
    [april] = area_monthly(store, "Northshire")
    assert april.totals == MonthCounts("2026-04", online_referrals=23, content=3)


def test_no_area_and_an_area_of_two(store: Store, planner: Planner) -> None:
    assert area_monthly(store, "") == []
    a, b = _area_of(store, planner, ["A CAMHS", "B School"], area="Smallshire")
    save_month(store, a.id, counts("2026-01"), TODAY)
    save_month(store, b.id, counts("2026-01"), TODAY)
    assert [(m.services, m.hidden) for m in area_monthly(store, "Smallshire")] == [(2, True)]
    assert area_monthly(store, "Nowhere") == []


# --- trends and charts --------------------------------------------------------------------


def test_rolling_mean() -> None:
    assert rolling_mean([3, 6, 9, 12]) == [None, None, 6.0, 9.0]
    assert rolling_mean([]) == []


def test_average_series_leaves_a_gap_where_a_month_is_missing() -> None:
    series = datalog.average_series("avg", [3.0, 6.0, 9.0, None, 1.0, 2.0, 3.0])
    assert series.values == (None, None, 6.0, None, None, None, 2.0)


def test_trend_svg_names_its_series_and_gives_the_values_in_words() -> None:
    svg = trend_svg(
        "t",
        "Synthetic data: a <test>",
        ["2026-01", "2026-02", "2026-03"],
        [
            datalog.Series("Monthly count", (1.0, 5.0, 3.0), "#1d5fa6", "", "circle"),
            datalog.average_series("Rolling 3-month average", [1.0, 5.0, 3.0]),
        ],
        marker_month="2026-02",
        marker_label="New form",
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "Synthetic data: a &lt;test&gt;" in svg and "<test>" not in svg
    assert 'data-series-0="1,5,3"' in svg and 'data-series-1=",,3"' in svg
    assert "Monthly count: January 2026 1, February 2026 5, March 2026 3." in svg
    assert "Rolling 3-month average: March 2026 3." in svg
    assert 'stroke-dasharray="7 4"' in svg  # the average is dashed; the counts are solid with circles
    assert "<circle" in svg and "New form" in svg


# --- the command line ---------------------------------------------------------------------


def test_cli_prints_the_log_and_writes_csv(tmp_path, planner: Planner, capsys: pytest.CaptureFixture[str]) -> None:
    from course.cli import main

    env_store = Store()
    service = env_store.create_service("Riverside CAMHS", planner.version)
    save_month(env_store, service.id, counts("2026-02", content=3, found_later=2), TODAY)
    save_field(env_store, service.id, "2026-01", "contact", 4, TODAY)  # does not fit yet
    out_csv = tmp_path / "log.csv"
    assert main(["data-log", "--service", "riverside camhs", "--csv", str(out_csv)]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == "Data log of Riverside CAMHS (counts of referrals with an online component)"
    assert lines[2].split()[:8] == ["2026-01", "0", "0", "4", "0", "0", "0", "0"]
    assert "to check: Contact (4) is more than" in lines[2]
    assert lines[3].split() == ["2026-02", "10", "3", "0", "0", "0", "0", "2", "ok"]
    assert out_csv.read_text(encoding="utf-8").splitlines() == [
        "month,online_referrals,content,contact,conduct,commerce,reason_for_referral,found_later",
        "2026-01,0,0,4,0,0,0,0",
        "2026-02,10,3,0,0,0,0,2",
    ]
    assert "Wrote 2 months" in err
    assert main(["data-log", "--service", "Nobody"]) == 1
    assert "No service called 'Nobody'" in capsys.readouterr().err
    env_store.close()
