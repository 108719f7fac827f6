"""Scoring: unanswered is not 0, section means, flags, the action plan and validation."""

from __future__ import annotations

import pytest

from course.content import Planner
from course.scoring import (
    MAX_TEXT,
    Answer,
    action_plan,
    check_field,
    check_score,
    check_text,
    flags_for,
    summarise,
    summarise_section,
    unanswered,
)


def answers_of(*items: Answer) -> dict[str, Answer]:
    return {a.statement_id: a for a in items}


# --- unanswered is not zero ---------------------------------------------------------------


def test_a_section_with_no_answers_has_no_mean(planner: Planner) -> None:
    summary = summarise_section(planner.section("data"), {})
    assert summary.section_id == "data"
    assert summary.total == 6
    assert summary.answered == 0
    assert summary.self_mean is None
    assert summary.qa_checked == 0
    assert summary.qa_mean is None
    assert summary.flags == []
    assert not summary.complete


def test_a_single_zero_is_an_answer_with_mean_zero(planner: Planner) -> None:
    summary = summarise_section(planner.section("data"), answers_of(Answer("1.1", score=0)))
    assert summary.answered == 1
    assert summary.self_mean == 0.0
    assert summary.self_mean is not None


def test_answers_without_a_score_do_not_count_as_answered(planner: Planner) -> None:
    answers = answers_of(
        Answer("1.1", score=None, evidence="We keep a log"),
        Answer("1.2", score=None, qa_note="Checked"),
        Answer("1.3", score=2),
    )
    summary = summarise_section(planner.section("data"), answers)
    assert summary.answered == 1
    assert summary.self_mean == 2.0


def test_section_mean_is_the_mean_of_answered_statements_only(planner: Planner) -> None:
    answers = answers_of(Answer("2.1", score=4), Answer("2.2", score=1), Answer("2.3", score=2))
    summary = summarise_section(planner.section("staff-training"), answers)
    assert summary.answered == 3
    assert summary.self_mean == pytest.approx(7 / 3, abs=0.005)
    assert summary.self_mean == 2.33  # rounded to two places
    assert not summary.complete


def test_answers_for_other_sections_are_ignored(planner: Planner) -> None:
    answers = answers_of(Answer("1.1", score=4), Answer("2.1", score=0, qa_score=0))
    summary = summarise_section(planner.section("data"), answers)
    assert (summary.answered, summary.self_mean, summary.qa_checked, summary.qa_mean) == (1, 4.0, 0, None)


def test_a_fully_answered_section_is_complete(planner: Planner) -> None:
    answers = answers_of(*(Answer(f"3.{i}", score=i % 5, evidence="e") for i in range(1, 7)))
    summary = summarise_section(planner.section("assessment-tools"), answers)
    assert summary.complete
    assert summary.answered == 6
    assert summary.self_mean == pytest.approx((1 + 2 + 3 + 4 + 0 + 1) / 6, abs=0.005)


def test_qa_mean_counts_only_qa_checked_statements(planner: Planner) -> None:
    answers = answers_of(
        Answer("4.1", score=3, evidence="policy", qa_score=1),
        Answer("4.2", score=2, qa_score=4),
        Answer("4.3", score=1),
        Answer("4.4", qa_score=0),
    )
    summary = summarise_section(planner.section("data-sharing"), answers)
    assert summary.answered == 3
    assert summary.self_mean == 2.0
    assert summary.qa_checked == 3
    assert summary.qa_mean == pytest.approx(5 / 3, abs=0.005)
    assert summary.qa_mean == 1.67


def test_summarise_gives_one_summary_per_section_in_order(planner: Planner) -> None:
    summaries = summarise(planner, answers_of(Answer("6.6", score=3, evidence="x")))
    assert [s.section_id for s in summaries] == [s.id for s in planner.sections]
    assert [s.answered for s in summaries] == [0, 0, 0, 0, 0, 1]
    assert summaries[5].self_mean == 3.0


# --- flags --------------------------------------------------------------------------------


@pytest.mark.parametrize("score", [3, 4])
@pytest.mark.parametrize("evidence", ["", "   ", "\n\t "])
def test_high_score_without_evidence_is_flagged(score: int, evidence: str) -> None:
    flags = flags_for(Answer("5.3", score=score, evidence=evidence))
    assert [(f.statement_id, f.kind) for f in flags] == [("5.3", "no-evidence")]
    assert flags[0].message == f"Scored {score} but no evidence is recorded."


@pytest.mark.parametrize("score", [3, 4])
def test_high_score_with_evidence_is_not_flagged(score: int) -> None:
    assert flags_for(Answer("5.3", score=score, evidence="Training log, March")) == []


@pytest.mark.parametrize("score", [None, 0, 1, 2])
def test_low_or_missing_score_without_evidence_is_not_flagged(score: int | None) -> None:
    assert flags_for(Answer("5.3", score=score, evidence="")) == []


@pytest.mark.parametrize(("score", "qa_score"), [(4, 2), (2, 4), (0, 4), (3, 1), (1, 3), (4, 0)])
def test_self_and_qa_two_or_more_apart_is_a_qa_gap(score: int, qa_score: int) -> None:
    flags = flags_for(Answer("1.1", score=score, evidence="some", qa_score=qa_score))
    assert [f.kind for f in flags] == ["qa-gap"]
    gap = abs(score - qa_score)
    assert flags[0].message == f"Self-assessed {score}, QA {qa_score}: they differ by {gap}."


@pytest.mark.parametrize(("score", "qa_score"), [(4, 3), (3, 4), (0, 1), (2, 2), (2, None), (None, 4)])
def test_self_and_qa_less_than_two_apart_or_missing_is_not_flagged(score: int | None, qa_score: int | None) -> None:
    assert flags_for(Answer("1.1", score=score, evidence="some", qa_score=qa_score)) == []


def test_one_answer_can_carry_both_flags() -> None:
    flags = flags_for(Answer("1.1", score=4, evidence=" ", qa_score=1))
    assert [f.kind for f in flags] == ["no-evidence", "qa-gap"]


def test_no_answer_has_no_flags() -> None:
    assert flags_for(None) == []


def test_section_summary_collects_flags_in_planner_order(planner: Planner) -> None:
    answers = answers_of(
        Answer("5.6", score=4),
        Answer("5.2", score=1, evidence="x", qa_score=4),
        Answer("5.1", score=3, evidence="assessment form"),
    )
    summary = summarise_section(planner.section("safeguarding"), answers)
    assert [(f.statement_id, f.kind) for f in summary.flags] == [("5.2", "qa-gap"), ("5.6", "no-evidence")]


# --- the action plan ----------------------------------------------------------------------


def test_action_plan_lists_scores_0_to_2_lowest_first_in_planner_order(planner: Planner) -> None:
    answers = answers_of(
        Answer("6.1", score=2),
        Answer("1.2", score=2),
        Answer("3.5", score=0),
        Answer("2.2", score=1),
        Answer("1.1", score=3, evidence="x"),
        Answer("1.3", score=4, evidence="x"),
        Answer("4.4", score=0),
        Answer("5.5", score=None, evidence="not scored yet"),
        Answer("2.1", qa_score=0),  # a QA score alone is not a self-assessment
        Answer("4.1", score=1),
    )
    plan = action_plan(planner, answers)
    assert [(item.statement.id, item.score) for item in plan] == [
        ("3.5", 0),
        ("4.4", 0),
        ("2.2", 1),
        ("4.1", 1),
        ("1.2", 2),
        ("6.1", 2),
    ]
    assert plan[0].section.id == "assessment-tools"
    assert plan[0].statement.text == "Assessment tools we use are based on evidence and have been evaluated."


def test_action_plan_is_empty_when_nothing_is_low(planner: Planner) -> None:
    answers = answers_of(Answer("1.1", score=3, evidence="x"), Answer("1.2", score=4, evidence="y"))
    assert action_plan(planner, answers) == []
    assert action_plan(planner, {}) == []


def test_action_plan_keeps_planner_order_among_equal_scores(planner: Planner) -> None:
    # Inserted in reverse planner order; the plan must still follow the planner.
    ids = [s.id for s in planner.statements]
    answers = answers_of(*(Answer(sid, score=1) for sid in reversed(ids)))
    assert [item.statement.id for item in action_plan(planner, answers)] == ids


# --- unanswered ---------------------------------------------------------------------------


def test_unanswered_lists_statements_without_a_score(planner: Planner) -> None:
    answers = answers_of(
        Answer("1.1", score=0),
        Answer("1.2", evidence="evidence but no score"),
        Answer("6.6", score=4, evidence="x"),
    )
    missing = unanswered(planner, answers)
    assert len(missing) == 34
    assert missing[0].id == "1.2"
    assert "1.1" not in {s.id for s in missing}
    assert "6.6" not in {s.id for s in missing}
    assert len(unanswered(planner, {})) == 36


def test_answer_is_empty_only_when_every_field_is_empty() -> None:
    assert Answer("1.1").is_empty
    assert not Answer("1.1", score=0).is_empty
    assert not Answer("1.1", qa_score=0).is_empty
    assert not Answer("1.1", evidence="x").is_empty
    assert not Answer("1.1", qa_note="x").is_empty


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 1, 2, 3, 4, None])
def test_check_score_accepts_0_to_4_and_none(value: int | None) -> None:
    assert check_score(value) == value


@pytest.mark.parametrize("value", [True, False, 5, -1, "3", 3.0, 2.5, [3], "", 100])
def test_check_score_rejects_anything_else(value: object) -> None:
    with pytest.raises(ValueError, match="a score must be a whole number from 0 to 4, or empty"):
        check_score(value)


def test_check_text_accepts_text_up_to_the_limit() -> None:
    assert check_text("") == ""
    assert check_text("Café — naïve, 日本") == "Café — naïve, 日本"
    assert check_text("x" * MAX_TEXT) == "x" * MAX_TEXT


def test_check_text_rejects_over_long_text() -> None:
    with pytest.raises(ValueError, match="text is limited to 20,000 characters; this has 20,001"):
        check_text("x" * (MAX_TEXT + 1))


@pytest.mark.parametrize("value", [None, 3, b"bytes", True, ["a"]])
def test_check_text_rejects_non_text(value: object) -> None:
    with pytest.raises(ValueError, match="expected text, got"):
        check_text(value)


def test_check_field_dispatches_by_name() -> None:
    assert check_field("score", 2) == 2
    assert check_field("qa_score", None) is None
    assert check_field("evidence", "e") == "e"
    assert check_field("qa_note", "n") == "n"
    with pytest.raises(ValueError, match="a score must be"):
        check_field("qa_score", "4")
    with pytest.raises(ValueError, match="expected text"):
        check_field("qa_note", 4)
    with pytest.raises(ValueError, match="unknown answer field 'updated_at'"):
        check_field("updated_at", "2024-01-01")
