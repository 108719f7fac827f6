"""Fixture data for the certificate tests (unit and browser): module completions and quiz
rounds written to a store, and case studies submitted, autograded by real nbgrader and
marked through nbgrader's own gradebook API (what formgrader does when an assessor types a
score)."""

from __future__ import annotations

from pathlib import Path

from course import certificates
from course.cases import Case, case_bank
from course.content import planner
from course.lessons import course
from course.quiz import ROUND_SIZE, item_bank
from course.store import Store
from grading import pipeline, submission


def complete_every_module(store: Store, learner: str, leave_out: tuple[str, ...] = ()) -> None:
    for module in course().modules:
        if module.id not in leave_out:
            certificates.mark_complete(store, learner, module.id)


def quiz_contexts() -> list[str]:
    bank = item_bank()
    return [certificates.QUIZ_PAGE_CONTEXT, *(s.id for s in planner().sections if bank.for_section(s.id))]


def answer_round(store: Store, learner: str | None, context: str, marks: list[float], size: int | None = None) -> str:
    """A round of `size` items (default: as many as `marks`) with one answer per mark given."""
    bank = item_bank()
    pool = bank.items if context == certificates.QUIZ_PAGE_CONTEXT else bank.for_section(context)
    items = [i.id for i in pool[: size or len(marks)]]
    round_id = store.start_quiz_round(context, items, bank.version, learner=learner)
    for item_id, score in zip(items, marks, strict=False):
        store.record_quiz_answer(round_id, item_id, ["content"], score)
    return round_id


def pass_every_quiz(store: Store, learner: str, mark: float = 0.8) -> None:
    for context in quiz_contexts():
        size = 10 if context == certificates.QUIZ_PAGE_CONTEXT else ROUND_SIZE
        answer_round(store, learner, context, [mark] * size)


def right_answers(case: Case) -> dict[str, list[str] | str]:
    return {q.id: sorted(q.answer) if q.kind == "multi" else next(iter(q.answer)) for q in case.questions}


def wrong_answers(case: Case) -> dict[str, list[str] | str]:
    def wrong(question) -> str:  # type: ignore[no-untyped-def]
        return next(o.id for o in question.options if o.id not in question.answer)

    return {q.id: [wrong(q)] if q.kind == "multi" else wrong(q) for q in case.questions}


def submit(course_dir: Path, learner: str, case: Case, right: bool = True) -> None:
    written = {f.id: "I would talk with the young person first." for f in case.free_text}
    answers = right_answers(case) if right else wrong_answers(case)
    submission.submit(case, learner, answers, written, course_dir)


def mark_written(course_dir: Path, learner: str, case_ids: list[str], fraction: float = 1.0) -> None:
    """An assessor's marks for the written answers, through nbgrader's gradebook API."""
    from nbgrader.api import Gradebook

    bank = case_bank()
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", "online-lives") as gb:
        for case_id in case_ids:
            for free in bank.case(case_id).free_text:
                grade = gb.find_grade(f"{free.id}-answer", case_id, case_id, learner)
                grade.manual_score, grade.needs_manual_grade = free.points * fraction, False
        gb.db.commit()


def grade_every_case(course_dir: Path, learner: str) -> None:
    """Every case submitted with right answers, autograded, and its written answers marked
    in full (course_dir must be built: `grading.build.build`)."""
    cases = case_bank().cases
    for case in cases:
        submit(course_dir, learner, case)
    run = pipeline.autograde(course_dir, workers=1)  # one writer to the gradebook at a time
    assert not run.failed, run.failed
    mark_written(course_dir, learner, [c.id for c in cases])


def make_eligible(store: Store, course_dir: Path, learner: str) -> None:
    complete_every_module(store, learner)
    pass_every_quiz(store, learner)
    grade_every_case(course_dir, learner)
