"""The synthetic data set and the trend-reading lesson: the committed CSV is exactly what its
script makes, it has the features the lesson teaches, the lesson's figures match it, and
broken files are reported with their file and line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course import content, settings
from course.content import ContentError
from course.datalog import (
    SYNTHETIC_FILE,
    load_synthetic,
    load_trend_lesson,
    new_form_month,
    rolling_mean,
)

SCRIPT = settings.PROJECT_ROOT / "datasets" / "synthetic" / "make_referrals.py"
CSV = settings.DATASETS_DIR / SYNTHETIC_FILE


def test_the_committed_csv_is_what_the_script_makes() -> None:
    made = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, check=True, timeout=60)
    assert made.stdout == CSV.read_text(encoding="utf-8"), (
        "datasets/synthetic/referrals.csv is out of date: run "
        "`python datasets/synthetic/make_referrals.py > datasets/synthetic/referrals.csv`"
    )
    second = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, check=True, timeout=60)
    assert second.stdout == made.stdout  # seeded: the same every run


def test_the_script_uses_only_the_standard_library() -> None:
    import ast

    tree = ast.parse(SCRIPT.read_text(encoding="utf-8"))
    imports = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imports |= {
        node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imports == {"__future__", "math", "random", "sys"}


def test_the_csv_says_it_is_synthetic_and_what_made_it() -> None:
    first, second = CSV.read_text(encoding="utf-8").splitlines()[:2]
    assert first.startswith("# SYNTHETIC DATA")
    assert "datasets/synthetic/make_referrals.py" in second


def test_the_data_has_the_features_the_lesson_teaches() -> None:
    data = load_synthetic()
    assert len(data) == 36
    assert data[0].month == "2023-01" and data[-1].month == "2025-12"
    totals = {m.month: m.counts.online_referrals for m in data}
    # Seasonality: every August is below both July and September.
    for year in (2023, 2024, 2025):
        assert totals[f"{year}-08"] < min(totals[f"{year}-07"], totals[f"{year}-09"])
    # A step change when the new referral form started, and it lasts.
    step = new_form_month(data)
    assert step == "2024-04"
    months = [m.month for m in data]
    i = months.index(step)
    before = sum(m.counts.online_referrals for m in data[i - 12 : i]) / 12
    after = sum(m.counts.online_referrals for m in data[i : i + 12]) / 12
    assert after > 1.5 * before
    # A gentle rise within each recording period.
    old = [m.counts.online_referrals for m in data[:i]]
    new = [m.counts.online_referrals for m in data[i:]]
    assert sum(new[-12:]) > sum(new[:12]) and sum(old[-6:]) >= sum(old[:6]) - 10


def test_the_lessons_figures_match_the_data() -> None:
    data = load_synthetic()
    lesson = load_trend_lesson()
    totals = {m.month: m.counts.online_referrals for m in data}
    months = [m.month for m in data]
    averages = dict(zip(months, rolling_mean([m.counts.online_referrals for m in data]), strict=True))
    questions = {q.id: q for q in lesson.questions}

    august = questions["august-dip"].text
    for year in (2023, 2024, 2025):
        assert f"{totals[f'{year}-08']} in August {year}" in august

    step = questions["step-change"].text
    i = months.index(new_form_month(data))
    before = round(sum(totals[m] for m in months[i - 12 : i]) / 12)
    after = round(sum(totals[m] for m in months[i : i + 12]) / 12)
    assert f"about {before} a month" in step and f"about {after} a month" in step
    assert "April 2024" in step

    small = questions["small-numbers"]
    assert f"December 2023 had {totals['2023-12']}" in small.text
    assert f"January 2024 had {totals['2024-01']}" in small.text
    for option in small.options:
        if "rolling" in option.feedback:
            assert f"{averages['2023-12']:.1f}" in option.feedback
            assert f"{averages['2024-01']:.1f}" in option.feedback


def test_every_question_has_one_right_answer_and_feedback_for_every_option() -> None:
    lesson = load_trend_lesson()
    assert len(lesson.questions) == 3
    headings = " ".join(p.heading for p in lesson.parts).lower()
    for topic in ("season", "rolling", "small numbers", "recorded", "area"):
        assert topic in headings
    for question in lesson.questions:
        assert sum(o.correct for o in question.options) == 1
        assert all(len(o.feedback) > 40 for o in question.options)
    assert "synthetic" in lesson.synthetic_note.lower()


# --- broken files -------------------------------------------------------------------------


def _broken_csv(tmp_path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    lines = CSV.read_text(encoding="utf-8").splitlines()
    change(lines)
    path = tmp_path / "referrals.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "change,line,problem",
    [
        (lambda lines: lines.__setitem__(5, "2023-03,13,7,six,3,0,6,7,old"), 6, "contact is 'six'"),
        (lambda lines: lines.__setitem__(6, "2023-04,7,5,3,1,0,5,1"), 7, "8 values; expected 9"),
        (lambda lines: lines.__setitem__(7, "2023-05,10,11,5,5,2,3,6,old"), 8, "Content (11) is more than"),
        (lambda lines: lines.__setitem__(8, "2023-07,9,4,3,1,0,5,3,old"), 9, "month 2023-07 should be 2023-06"),
        (lambda lines: lines.__setitem__(9, "2023-07,13,7,3,5,1,4,6,maybe"), 10, "referral_form is 'maybe'"),
        (lambda lines: lines.__setitem__(2, "month,total"), 3, "the header must be"),
        (lambda lines: lines.__setitem__(0, "# Referral counts"), 1, "must say the data are SYNTHETIC"),
        (lambda lines: lines.__setitem__(4, "2023-02,-7,5,2,1,2,3,4,old"), 5, "online_referrals is '-7'"),
    ],
    ids=["not-a-number", "short-row", "c-above-total", "month-skipped", "bad-form", "header", "not-synthetic", "neg"],
)
def test_a_malformed_csv_names_the_file_and_the_line(tmp_path: Path, change, line: int, problem: str) -> None:  # type: ignore[no-untyped-def]
    path = _broken_csv(tmp_path, change)
    with pytest.raises(ContentError) as caught:
        load_synthetic(path)
    assert caught.value.path == path
    assert caught.value.line == line
    assert problem in caught.value.problem
    assert f"{path}, line {line}:" in str(caught.value)


def test_a_broken_lesson_is_named_with_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "datasets"
    shutil.copytree(settings.DATASETS_DIR, copy)
    target = copy / "trend-reading.yaml"
    text = target.read_text(encoding="utf-8")
    lines = text.splitlines()
    # The second option of the first question also claims to be right: two right answers.
    index = next(i for i, line in enumerate(lines) if "id: safer" in line)
    lines.insert(index + 2, "        correct: true")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("ONLINE_LIVES_CONTENT", str(copy))
    content.planner.cache_clear()
    problems = content.check_content()
    content.planner.cache_clear()
    assert len(problems) == 1, problems
    assert "trend-reading.yaml" in problems[0]
    assert "question 'august-dip' has 2 options marked correct; exactly one must be" in problems[0]
    line_of_question = next(i for i, line in enumerate(lines) if "id: august-dip" in line) + 1
    assert f"line {line_of_question}" in problems[0]


def test_check_content_reports_a_broken_synthetic_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "datasets"
    shutil.copytree(settings.DATASETS_DIR, copy)
    target = copy / SYNTHETIC_FILE
    lines = target.read_text(encoding="utf-8").splitlines()
    lines[10] = "2023-08,5,4,3,1,1,2,2"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("ONLINE_LIVES_CONTENT", str(copy))
    content.planner.cache_clear()
    problems = content.check_content()
    content.planner.cache_clear()
    assert problems == [f"{target}, line 11: 8 values; expected 9"]
