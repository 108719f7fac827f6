"""The four Cs quiz: the marking rule, drawing rounds, attempts in the store, item analysis,
and the quiz widget driven headless."""

from __future__ import annotations

import csv

import pytest

from course import cli
from course.quiz import (
    AnswerRecord,
    RiskItem,
    category_scores,
    check_choice,
    confusion,
    draw,
    item_bank,
    item_statistics,
    mark,
)
from course.store import Store
from widgets import QuizPage, SectionPage

BANK = item_bank()


def item(*categories: str) -> RiskItem:
    return RiskItem("t", "new", "test", frozenset(categories), "because", (), ("data",), 1)


@pytest.mark.parametrize(
    ("correct", "ticked", "score"),
    [
        (("contact",), ("contact",), 1.0),
        (("contact",), ("content",), 0.0),
        (("contact",), ("contact", "content"), round(1 - 1 / 3, 4)),
        (("contact",), ("content", "contact", "conduct", "commerce"), 0.0),
        (("contact", "commerce"), ("contact",), 0.5),
        (("contact", "commerce"), ("contact", "commerce"), 1.0),
        (("contact", "commerce"), ("contact", "commerce", "conduct"), 0.5),
        (("contact", "commerce"), ("conduct", "content"), 0.0),
        (("content", "contact", "commerce"), ("content", "contact"), round(2 / 3, 4)),
        (("content", "contact", "commerce"), ("content", "contact", "commerce", "conduct"), 0.0),
    ],
)
def test_marking_rule(correct, ticked, score):
    assert mark(item(*correct), ticked).score == score


def test_marking_names_misses_and_false_alarms():
    result = mark(item("contact", "commerce"), ["contact", "conduct"])
    assert result.misses == {"commerce"} and result.false_alarms == {"conduct"} and not result.full


@pytest.mark.parametrize("bad", [[], ["contacts"], [1], ["contact", None]])
def test_choices_from_a_browser_are_checked(bad):
    with pytest.raises(ValueError):
        check_choice(bad)


def test_draws_are_repeatable_shuffled_and_fresh():
    first = draw(BANK.items, 5, seed=7)
    assert [i.id for i in first] == [i.id for i in draw(BANK.items, 5, seed=7)]
    assert [i.id for i in first] != [i.id for i in draw(BANK.items, 5, seed=8)]
    again = draw(BANK.items, 5, seed=7, exclude=[i.id for i in first])
    assert not {i.id for i in first} & {i.id for i in again}
    # When the pool runs out, seen items are reused rather than giving a short round.
    small = BANK.items[:6]
    assert len(draw(small, 5, seed=1, exclude=[i.id for i in small[:4]])) == 5


def test_confusion_and_category_scores():
    a = BANK.item(next(i.id for i in BANK.items if i.categories == {"contact"}))
    b = BANK.item(next(i.id for i in BANK.items if i.categories == {"contact", "commerce"}))
    answers = [
        AnswerRecord("r1", a.id, frozenset({"conduct"}), 0.0),
        AnswerRecord("r1", b.id, frozenset({"contact", "conduct"}), 0.5),
    ]
    matrix = confusion(BANK, answers)
    assert matrix["contact"]["conduct"] == 2
    assert matrix["contact"]["contact"] == 1
    assert matrix["commerce"]["contact"] == 1
    scores = category_scores(BANK, answers)
    assert scores["contact"] == {"present": 2, "spotted": 1, "false_alarms": 0}
    assert scores["conduct"]["false_alarms"] == 2


def test_item_statistics_facility_and_discrimination():
    answers = []
    # Four rounds. Three ordinary items follow how well the person does overall; "good"
    # does too, while "odd" goes the other way (as a wrongly keyed item would).
    for n, ability in enumerate([1.0, 1.0, 0.0, 0.0]):
        answers += [AnswerRecord(f"r{n}", f"other{k}", frozenset(), ability) for k in range(3)]
        answers += [
            AnswerRecord(f"r{n}", "good", frozenset(), ability),
            AnswerRecord(f"r{n}", "odd", frozenset(), 1 - ability),
        ]
    stats = {s.item_id: s for s in item_statistics(answers)}
    # By hand: "good" scores 1, 1, 0, 0; the rest of each round averages (3a + 1 - a) / 4 =
    # 0.75, 0.75, 0.25, 0.25, a perfect linear match: r = 1. "odd" scores 0, 0, 1, 1 against
    # a rest of 1, 1, 0, 0: r = -1.
    assert stats["good"].facility == 0.5 and stats["good"].answers == 4
    assert stats["good"].discrimination == 1.0
    assert stats["odd"].discrimination == -1.0
    assert stats["odd"].facility == 0.5
    assert item_statistics(answers[:5])[0].discrimination is None  # too few rounds to say


@pytest.fixture
def store(page_store):  # type: ignore[no-untyped-def]
    return page_store


def answer_all(quiz, pick):  # type: ignore[no-untyped-def]
    """Answer every item of the round with `pick(item)`, checking and moving on."""
    for _ in range(len(quiz.items)):
        current = quiz.current
        for category in pick(current):
            quiz._boxes[category].value = True
        quiz._check.click()
        quiz._next.click()


def test_quiz_widget_records_each_answer_and_gives_feedback(store):
    page = QuizPage()
    quiz = page.quiz
    quiz.reseed(42)
    first = quiz.current
    quiz._check.click()  # nothing ticked
    assert "Tick at least one" in quiz._feedback.value
    assert store.quiz_answers() == []
    for category in first.categories:
        quiz._boxes[category].value = True
    quiz._check.click()
    assert "Right." in quiz._feedback.value
    assert all(box.disabled for box in quiz._boxes.values())
    rows = store.quiz_answers()
    assert len(rows) == 1 and rows[0]["item_id"] == first.id and rows[0]["score"] == 1.0
    assert rows[0]["context"] == "four-cs-quiz"
    assert "1 of 1" in quiz.results._table.value or "1 answered" in quiz.results._table.value


def test_wrong_answer_feedback_explains_the_tempting_category(store):
    page = QuizPage()
    quiz = page.quiz
    quiz.reseed(3)
    current = quiz.current
    distractor = current.distractors[0]
    quiz._boxes[distractor.category].value = True
    quiz._check.click()
    assert f"Why not {BANK.label(distractor.category)}?" in quiz._feedback.value
    assert "Not this time" in quiz._feedback.value or "Partly right" in quiz._feedback.value


def test_a_retry_draws_fresh_items_and_a_new_round(store):
    page = QuizPage()
    quiz = page.quiz
    quiz.reseed(5)
    first_items = {i.id for i in quiz.items}
    answer_all(quiz, lambda i: i.categories)
    assert "Round complete: 10.0 out of 10" in quiz._round_result.value
    quiz._retry.click()
    assert not first_items & {i.id for i in quiz.items}
    answer_all(quiz, lambda i: ["content"])
    rounds = {r["round_id"] for r in store.quiz_answers()}
    assert len(rounds) == 2
    assert sum(quiz.results._chart.data[0].z[0]) > 0  # content ticked for content items


def test_section_round_draws_from_the_sections_items(store):
    page = SectionPage("data-sharing")
    assert len(page.quiz.items) == 5
    assert all("data-sharing" in i.sections for i in page.quiz.items)


def test_quiz_stats_command_prints_and_writes_csv(store, tmp_path, capsys):
    rng_rounds = [(1.0, 1.0), (0.0, 0.0), (1.0, 0.5), (0.5, 0.0)]
    a, b = BANK.items[0].id, BANK.items[1].id
    for sa, sb in rng_rounds:
        round_id = store.start_quiz_round("four-cs-quiz", [a, b], BANK.version)
        store.record_quiz_answer(round_id, a, ["content"], sa)
        store.record_quiz_answer(round_id, b, ["contact"], sb)
    out_csv = tmp_path / "stats.csv"
    assert cli.main(["quiz-stats", "--csv", str(out_csv)]) == 0
    printed = capsys.readouterr().out
    assert a in printed and "8 answers in 4 rounds" in printed
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    by_id = {r["item"]: r for r in rows}
    # By hand: item a scores 1, 0, 1, 0.5 (facility 0.625); the rest of each round is item b,
    # 1, 0, 0.5, 0. Deviations from the means (0.625, 0.375) give a covariance of 0.140625
    # and both variances 0.171875, so r = 0.140625 / 0.171875 = 0.818.
    assert by_id[a]["answers"] == "4" and by_id[a]["facility"] == "0.62"
    assert by_id[a]["discrimination"] == "0.82"


def test_older_store_gains_the_quiz_tables(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.executescript(
        "CREATE TABLE meta (key VARCHAR(64) PRIMARY KEY, value VARCHAR(256) NOT NULL);"
        "INSERT INTO meta VALUES ('schema_version', '1');"
        "CREATE TABLE services (id INTEGER PRIMARY KEY, slug VARCHAR(140) UNIQUE NOT NULL, name VARCHAR(120) "
        "UNIQUE NOT NULL, planner_version VARCHAR(32) NOT NULL, created_at VARCHAR(32) NOT NULL);"
        "INSERT INTO services VALUES (1, 'old', 'Old Service', '2017.1', '2026-01-01');"
    )
    old.commit()
    old.close()
    store = Store(f"sqlite:///{path}")
    assert store.service("old").name == "Old Service"
    round_id = store.start_quiz_round("four-cs-quiz", ["x"], "1")
    store.record_quiz_answer(round_id, "x", ["content"], 1.0)
    assert len(store.quiz_answers()) == 1
    store.close()
