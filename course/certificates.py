"""Module completions and the completion certificate.

A learner (`course.learners`) marks each module of the course plan complete on its page;
the mark is kept in the store's `module_completions` table, one row per learner and module,
and can be taken back. The certificate is for a learner who has met every requirement:

- every module of the course plan (`datasets/course.yaml`) marked complete;
- for the four Cs quiz page and for each section's round of four Cs questions, a best
  completed round at or above the course file's `quiz_pass_mark`. A round's score is the
  mean of its answers' marks; only rounds with every item answered count, and only rounds
  recorded under the learner's id (`quiz_rounds.learner`);
- every case study in `datasets/cases.yaml` submitted and graded by nbgrader (written
  answers marked by an assessor) with a score at or above `case_pass_mark` of its points.
  The grades are read from nbgrader's gradebook with nbgrader's own API, through
  `grading.pipeline.grade_rows`, the code the assessors' export uses.

`eligibility` lists each requirement as met or not, with a plain reason. `certificate_html`
and `certificate_pdf` refuse (ValueError, in plain words) a learner who is not eligible.
Names are never stored: the learner types the name for the certificate each time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa

from course import settings
from course.cases import case_bank
from course.content import planner
from course.learners import clean_learner_id
from course.lessons import Course, course
from course.quiz import item_bank
from course.store import Store, _upsert_row, module_completions_table, now, quiz_answers_table, quiz_rounds_table

QUIZ_PAGE_CONTEXT = "four-cs-quiz"  # the quiz page's rounds; a section's rounds use its id
MAX_NAME = 120  # characters of a name on the certificate


@dataclass(frozen=True)
class Requirement:
    """One thing a learner must have done: `kind` is "module", "quiz" or "case"; `key` the
    module id, quiz context or case id; `page` the notebook (with its query) to do it on;
    `reason` says in plain words why it is met or not; `score` is the best quiz round's mean
    mark or the case's score out of its points, as a fraction (None when there is none).
    A case's page is opened with `case=<key>` in the address."""

    kind: str
    key: str
    title: str
    met: bool
    reason: str
    page: str
    score: float | None = None
    points: float | None = None  # a graded case's points
    max_points: float | None = None  # a case's maximum points


@dataclass(frozen=True)
class Eligibility:
    """Every requirement for one learner, in course order: modules, quizzes, cases."""

    learner: str
    requirements: tuple[Requirement, ...]
    quiz_pass_mark: float
    case_pass_mark: float

    @property
    def eligible(self) -> bool:
        return all(r.met for r in self.requirements)

    @property
    def missing(self) -> list[Requirement]:
        return [r for r in self.requirements if not r.met]

    def of_kind(self, kind: str) -> list[Requirement]:
        return [r for r in self.requirements if r.kind == kind]

    @property
    def quiz_score(self) -> float | None:
        """The mean of the best rounds' scores over every quiz requirement (None if any has none)."""
        scores = [r.score for r in self.of_kind("quiz")]
        if not scores or any(s is None for s in scores):
            return None
        return sum(s for s in scores if s is not None) / len(scores)

    @property
    def case_points(self) -> tuple[float, float] | None:
        """Points earned and points available over every case (None if any is not graded)."""
        cases = self.of_kind("case")
        if not cases or any(r.points is None or r.max_points is None for r in cases):
            return None
        return sum(r.points or 0.0 for r in cases), sum(r.max_points or 0.0 for r in cases)


# --- module completions -------------------------------------------------------------------


def _module_id(module_id: object, plan: Course | None = None) -> str:
    plan = plan or course()
    if not isinstance(module_id, str) or module_id not in {m.id for m in plan.modules}:
        raise ValueError(f"{module_id!r} is not a module of the course plan")
    return module_id


def mark_complete(store: Store, learner: str, module_id: str) -> str:
    """Record that the learner completed the module (now); returns when, as stored. Marking
    it again keeps the first date."""
    learner = clean_learner_id(learner)
    module_id = _module_id(module_id)
    existing = completions(store, learner).get(module_id)
    if existing:
        return existing
    when = now()
    keys = {"learner": learner, "module_id": module_id}
    store.write(lambda conn: _upsert_row(conn, module_completions_table, keys, {"completed_at": when}))
    return when


def mark_incomplete(store: Store, learner: str, module_id: str) -> None:
    """Take back the learner's mark on the module (nothing happens if there is none)."""
    learner = clean_learner_id(learner)
    module_id = _module_id(module_id)
    table = module_completions_table
    store.write(
        lambda conn: conn.execute(sa.delete(table).where(table.c.learner == learner, table.c.module_id == module_id))
    )


def completions(store: Store, learner: str) -> dict[str, str]:
    """The learner's completed modules: module id to when (ISO 8601, UTC)."""
    table = module_completions_table
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(table.c.module_id, table.c.completed_at).where(table.c.learner == learner)).all()
    return {row.module_id: row.completed_at for row in rows}


def completed_on(stamp: str) -> str:
    """A stored time as a date people read: "29 November 2026"."""
    try:
        return long_date(datetime.fromisoformat(stamp).date())
    except ValueError:
        return stamp


def long_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


# --- quiz rounds ---------------------------------------------------------------------------


def claim_quiz_round(store: Store, round_id: str, learner: str) -> None:
    """Record the learner on a round that was started before the page knew who was answering
    (a round already recorded under a learner keeps that learner)."""
    learner = clean_learner_id(learner)
    table = quiz_rounds_table
    store.write(
        lambda conn: conn.execute(
            sa.update(table).where(table.c.id == round_id, table.c.learner.is_(None)).values(learner=learner)
        )
    )


@dataclass(frozen=True)
class QuizBest:
    """A learner's rounds of one quiz: how many were completed, and the best one's score."""

    context: str
    completed: int
    started: int
    best: float | None


def quiz_bests(store: Store, learner: str) -> dict[str, QuizBest]:
    """The learner's rounds by context ("four-cs-quiz" or a section id). A round counts as
    completed when every item it showed was answered; its score is its answers' mean mark."""
    rounds, answers = quiz_rounds_table, quiz_answers_table
    with store.engine.connect() as conn:
        shown = conn.execute(
            sa.select(rounds.c.id, rounds.c.context, rounds.c.item_ids).where(rounds.c.learner == learner)
        ).all()
        marks = conn.execute(
            sa.select(answers.c.round_id, answers.c.item_id, answers.c.score)
            .join(rounds, rounds.c.id == answers.c.round_id)
            .where(rounds.c.learner == learner)
        ).all()
    by_round: dict[str, dict[str, float]] = {}
    for row in marks:
        by_round.setdefault(row.round_id, {})[row.item_id] = float(row.score)
    found: dict[str, QuizBest] = {}
    for row in shown:
        items = row.item_ids.split()
        given = by_round.get(row.id, {})
        before = found.get(row.context, QuizBest(row.context, 0, 0, None))
        if items and all(item in given for item in items):
            score = sum(given[item] for item in items) / len(items)
            best = score if before.best is None else max(before.best, score)
            found[row.context] = QuizBest(row.context, before.completed + 1, before.started + 1, best)
        else:
            found[row.context] = QuizBest(row.context, before.completed, before.started + 1, before.best)
    return found


# --- graded cases ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseGrade:
    """One case as nbgrader has it for a learner: `status` is "not submitted", "graded", or
    the export's reason it is not graded; `score` and `max_score` are points."""

    case_id: str
    status: str
    submitted_at: str
    score: float | None
    max_score: float


def case_grades(learner: str, grading_dir: Path | None = None) -> dict[str, CaseGrade]:
    """The learner's case studies as the nbgrader gradebook in the course folder has them."""
    course_dir = grading_dir or settings.grading_dir()
    bank = case_bank()
    found = {c.id: CaseGrade(c.id, "not submitted", "", None, float(c.points)) for c in bank.cases}
    mine = course_dir / "submitted" / learner
    if not mine.is_dir() or not (course_dir / "gradebook.db").exists():
        # Submitted but never autograded: nbgrader has no gradebook yet.
        for case in bank.cases:
            if (mine / case.id).is_dir():
                found[case.id] = CaseGrade(case.id, "not graded: not yet autograded", "", None, float(case.points))
        return found
    from grading.pipeline import grade_rows  # nbgrader's API: only loaded when grades are read

    for row in grade_rows(course_dir):
        if row.learner == learner and row.assignment in found:
            found[row.assignment] = CaseGrade(row.assignment, row.status, row.submitted_at, row.score, row.max_score)
    return found


# --- eligibility ----------------------------------------------------------------------------


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.0f}%"


def _points(value: float) -> str:
    return f"{value:g}"


def eligibility(store: Store, learner: str, grading_dir: Path | None = None) -> Eligibility:
    """Each requirement for the certificate, met or not, with a plain reason."""
    learner = clean_learner_id(learner)
    plan = course()
    rules = plan.certificate
    requirements: list[Requirement] = []

    done = completions(store, learner)
    for module in plan.modules:
        when = done.get(module.id)
        requirements.append(
            Requirement(
                "module",
                module.id,
                module.title,
                when is not None,
                f"Marked complete on {completed_on(when)}." if when else "Not marked complete yet.",
                module.notebook,
            )
        )

    bests = quiz_bests(store, learner)
    bank = item_bank()
    quizzes = [(QUIZ_PAGE_CONTEXT, "The four Cs quiz page", plan.module(QUIZ_PAGE_CONTEXT).notebook)]
    quizzes += [
        (s.id, f"The four Cs questions in section {s.number}. {s.title}", s.notebook)
        for s in planner().sections
        if bank.for_section(s.id)
    ]
    pass_mark = _percent(rules.quiz_pass_mark)
    for context, title, notebook in quizzes:
        best = bests.get(context)
        if best is None or best.started == 0:
            met, reason, score = False, "No round answered yet.", None
        elif best.best is None:
            met, score = False, None
            reason = "No round finished yet: a round counts once every item in it is answered."
        else:
            score = best.best
            met = score >= rules.quiz_pass_mark - 1e-9
            rounds = f"{best.completed} {'round' if best.completed == 1 else 'rounds'} finished"
            reason = (
                f"Best round {_percent(score)} ({rounds}); the pass mark is {pass_mark}."
                if met
                else f"Best round {_percent(score)} ({rounds}), below the pass mark of {pass_mark}: try another round."
            )
        requirements.append(Requirement("quiz", context, title, met, reason, notebook, score))

    grades = case_grades(learner, grading_dir)
    case_mark = _percent(rules.case_pass_mark)
    for case in case_bank().cases:
        grade = grades[case.id]
        page = plan.module("case-studies").notebook
        title = f"Case {case.number}: {case.title}"
        if grade.status == "not submitted":
            requirements.append(Requirement("case", case.id, title, False, "Not submitted yet.", page))
            continue
        if grade.status != "graded" or grade.score is None:
            why = grade.status.removeprefix("not graded: ")
            requirements.append(
                Requirement("case", case.id, title, False, f"Submitted, but not graded yet ({why}).", page)
            )
            continue
        maximum = grade.max_score or float(case.points)
        fraction = grade.score / maximum if maximum else 0.0
        met = fraction >= rules.case_pass_mark - 1e-9
        scored = f"Graded {_points(grade.score)} of {_points(maximum)} points ({_percent(fraction)})"
        reason = (
            f"{scored}; the pass mark is {case_mark}."
            if met
            else f"{scored}, below the pass mark of {case_mark}: answer it again and resubmit."
        )
        requirements.append(
            Requirement("case", case.id, title, met, reason, page, fraction, float(grade.score), maximum)
        )
    return Eligibility(learner, tuple(requirements), rules.quiz_pass_mark, rules.case_pass_mark)


def missing_text(result: Eligibility) -> list[str]:
    """What is still to do, one plain line per requirement not met."""
    return [f"{r.title}: {r.reason}" for r in result.missing]


# --- the certificate ---------------------------------------------------------------------------


def clean_name(name: object) -> str:
    """The name for the certificate; ValueError with a plain message if it is unusable."""
    if not isinstance(name, str) or not " ".join(name.split()):
        raise ValueError("Type your name as it should appear on the certificate.")
    cleaned = " ".join(name.split())
    if len(cleaned) > MAX_NAME:
        raise ValueError(f"A name on the certificate can be at most {MAX_NAME} characters.")
    if any(ord(c) < 32 for c in cleaned):
        raise ValueError("A name cannot hold control characters.")
    return cleaned


def _refuse_unless_eligible(result: Eligibility) -> None:
    if not result.eligible:
        raise ValueError("The certificate is not available yet. Still to do: " + " ".join(missing_text(result)))


def _esc(value: object) -> str:
    import html

    return html.escape(str(value), quote=True)


CERTIFICATE_CSS = """
@page { size: A4 landscape; margin: 12mm; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1a1a1a; }
.frame { border: 3px solid #0b4f9c; padding: 9mm 14mm; height: 184mm; display: flex; flex-direction: column; }
.course { font-size: 13pt; letter-spacing: 0.08em; text-transform: uppercase; color: #0b4f9c; margin: 0; }
h1 { font-size: 28pt; margin: 2mm 0 5mm; font-weight: normal; }
.certify { font-size: 13pt; margin: 0; }
.name { font-size: 26pt; font-weight: bold; margin: 3mm 0 3mm; border-bottom: 1px solid #505a5f; padding-bottom: 2mm; }
.facts { display: grid; grid-template-columns: 1fr 1.6fr; gap: 1.5mm 10mm; font-size: 12pt; margin: 4mm 0 5mm; }
.facts p { margin: 0; }
h2 { font-size: 13pt; margin: 2mm 0 2mm; }
ol { columns: 2; column-gap: 10mm; margin: 0; padding-left: 7mm; font-size: 12pt; }
li { margin: 0 0 1.2mm; break-inside: avoid; }
.credit { margin-top: auto; font-size: 8.5pt; color: #3d3d3d; }
"""


def certificate_html(name: str, learner: str, result: Eligibility, when: date) -> str:
    """The certificate as a self-contained A4 landscape HTML document; ValueError (plain
    words) when the learner is not eligible, the result is someone else's, or the name is
    unusable."""
    name = clean_name(name)
    learner = clean_learner_id(learner)
    if result.learner != learner:
        raise ValueError("These results are for another learner id.")
    _refuse_unless_eligible(result)
    plan = course()
    quiz = result.quiz_score
    points = result.case_points
    quiz_text = "not available" if quiz is None else _percent(quiz)
    case_text = (
        "not available"
        if points is None
        else f"{_points(points[0])} of {_points(points[1])} points ({_percent(points[0] / points[1])})"
    )
    modules = "".join(f"<li>{_esc(m.title)}</li>" for m in plan.modules)
    cases = len(result.of_kind("case"))
    quizzes = len(result.of_kind("quiz"))
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{_esc(plan.title)}: certificate of completion for {_esc(name)}</title>"
        f'<style>{CERTIFICATE_CSS}</style></head><body><main class="frame">'
        f'<p class="course">{_esc(plan.title)}</p>'
        "<h1>Certificate of completion</h1>"
        '<p class="certify">This certifies that</p>'
        f'<p class="name">{_esc(name)}</p>'
        f'<p class="certify">completed every module of the {_esc(plan.title)} course for people who work with '
        "children and young people, passed its four Cs quizzes and passed its graded case studies.</p>"
        '<div class="facts">'
        f"<p><strong>Date:</strong> {_esc(long_date(when))}</p>"
        f"<p><strong>Learner id:</strong> {_esc(learner)}</p>"
        f"<p><strong>Quiz score:</strong> {_esc(quiz_text)} (best rounds of {quizzes} quizzes; "
        f"pass mark {_percent(result.quiz_pass_mark)})</p>"
        f"<p><strong>Case score:</strong> {_esc(case_text)} over {cases} cases "
        f"(pass mark {_percent(result.case_pass_mark)} each)</p>"
        "</div>"
        f"<h2>Modules completed ({len(plan.modules)})</h2><ol>{modules}</ol>"
        f'<p class="credit">{_esc(planner().source.credit)}</p>'
        "</main></body></html>"
    )


def certificate_pdf(name: str, learner: str, result: Eligibility, when: date) -> bytes:
    """The certificate printed to PDF by headless Chromium (`course.render.html_to_pdf`)."""
    from course.render import html_to_pdf

    return html_to_pdf(certificate_html(name, learner, result, when))


def certificate_filename(learner: str, when: date) -> str:
    return f"online-lives-certificate-{clean_learner_id(learner)}-{when.isoformat()}.pdf"


# --- the command line ----------------------------------------------------------------------------


def _certificate_command(args) -> int:  # type: ignore[no-untyped-def]
    import sys

    learner = clean_learner_id(args.learner)
    name = clean_name(args.name)
    result = eligibility(Store(), learner)
    if not result.eligible:
        print(f"{learner} cannot have the certificate yet. Still to do:", file=sys.stderr)
        for line in missing_text(result):
            print(f"- {line}", file=sys.stderr)
        return 2
    today = date.today()
    target = Path(args.output) if args.output else Path(certificate_filename(learner, today))
    target.write_bytes(certificate_pdf(name, learner, result, today))
    print(f"Wrote {target}", file=sys.stderr)
    return 0


def add_parser(sub) -> None:  # type: ignore[no-untyped-def]
    """`online-lives certificate --learner ID --name "Full Name" [-o FILE]`."""
    command = sub.add_parser(
        "certificate",
        help="a learner's completion certificate as PDF (exit 2, listing what is missing, if not eligible)",
    )
    command.add_argument("--learner", required=True, help="the learner id (as on the case studies)")
    command.add_argument("--name", required=True, help="the name to print on the certificate (not stored)")
    command.add_argument("-o", "--output", help="the PDF file to write (default: a dated name in this folder)")
    command.set_defaults(func=_certificate_command)
