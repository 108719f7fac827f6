"""The case studies: the planner's three cases quoted, our own marked fictional, every
planner section exercised, answer keys that fit their questions, and the marking rules."""

from __future__ import annotations

import pytest

from course.cases import FICTIONAL_OPENING, Question, load_cases
from course.content import ContentError, load_planner

BANK = load_cases()
PLANNER = load_planner()
KINDS = ("four-cs", "vulnerabilities", "statements", "first-step", "signpost")


def test_the_planners_three_cases_are_quoted_with_their_questions():
    seed = [c for c in BANK.cases if c.origin == "seed"]
    assert [c.number for c in seed] == [1, 2, 3]
    assert seed[0].text.startswith("Courtney had recently broken up with her boyfriend.")
    assert "what would you need to know of her past and current online life?" in seed[0].seed_question
    assert "Savannah was forbidden by her mother" in seed[1].text
    assert "Would your practice help you to uncover a high risk scenario" in seed[1].seed_question
    assert "Callum was isolated and withdrawn." in seed[2].text
    assert "3 mobile phones" in seed[2].text
    assert not any(c.fictional for c in seed)


def test_at_least_three_new_cases_each_saying_it_is_fictional():
    new = [c for c in BANK.cases if c.origin == "new"]
    assert len(new) >= 3
    assert all(c.fictional and c.text.startswith(FICTIONAL_OPENING) for c in new)


def test_every_planner_section_has_a_case():
    covered = {s for c in BANK.cases for s in c.sections}
    assert covered == {s.id for s in PLANNER.sections}


@pytest.mark.parametrize("case", BANK.cases, ids=lambda c: c.id)
def test_every_case_asks_every_kind_of_question_with_feedback_and_a_rubric(case):
    assert {q.id for q in case.questions} >= set(KINDS)
    for question in case.questions:
        assert question.answer and question.feedback and question.points >= 1
    assert case.free_text
    for free in case.free_text:
        assert free.assessor_notes and free.points > 0
        for criterion in free.rubric:
            assert sorted(level.points for level in criterion.levels) == [0, 1, 2]


def _question(kind: str, answer: set[str], marking: str, points: int = 2) -> Question:
    from course.cases import Option

    options = tuple(Option(i, i) for i in ("a", "b", "c", "d"))
    return Question("q", kind, "?", options, frozenset(answer), marking, points, "why")


@pytest.mark.parametrize(
    ("question", "chosen", "points"),
    [
        (_question("multi", {"a", "b"}, "partial"), {"a", "b"}, 2.0),
        (_question("multi", {"a", "b"}, "partial"), {"a"}, 1.0),
        (_question("multi", {"a", "b"}, "partial"), {"a", "b", "c"}, 1.0),
        (_question("multi", {"a", "b"}, "partial"), {"a", "b", "c", "d"}, 0.0),
        (_question("multi", {"a", "b"}, "partial"), set(), 0.0),
        (_question("single", {"c"}, "all-or-nothing", 1), {"c"}, 1.0),
        (_question("single", {"c"}, "all-or-nothing", 1), {"a"}, 0.0),
    ],
)
def test_marking(question, chosen, points):
    assert question.score(chosen) == points


def test_an_answer_that_is_not_an_option_is_refused():
    with pytest.raises(ValueError):
        _question("multi", {"a"}, "partial").score({"z"})


def test_a_key_that_is_not_an_option_is_a_content_error(tmp_path):
    from course import settings

    text = (settings.DATASETS_DIR / "cases.yaml").read_text(encoding="utf-8")
    first_answer = text.index("answer:")
    line_end = text.index("\n", first_answer)
    broken = text[:first_answer] + "answer: [not-an-option]" + text[line_end:]
    path = tmp_path / "cases.yaml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ContentError, match="is not an option"):
        load_cases(path)
