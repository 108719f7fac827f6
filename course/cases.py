"""The case studies: the planner's three cases and our own fictional ones, each with
autograded questions (answer key, marking rule, feedback) and free-text questions marked
by a person against a rubric.

The exercise page (`widgets/case_page.py`) and the nbgrader side (`grading/`) are built
from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from course import settings
from course.content import ContentError, by_id, load_yaml, planner, validate
from course.quiz import CATEGORY_IDS, partial_credit

CASES_FILE = "cases.yaml"
FICTIONAL_OPENING = "This case is fictional."


@dataclass(frozen=True)
class Option:
    id: str
    label: str


@dataclass(frozen=True)
class Question:
    id: str
    kind: str  # "multi": tick all that apply; "single": choose one
    prompt: str
    options: tuple[Option, ...]
    answer: frozenset[str]
    marking: str  # "partial" or "all-or-nothing"
    points: int
    feedback: str

    def score(self, chosen: Iterable[str]) -> float:
        """Points for an answer: partial credit by the quiz's rule, or all or nothing."""
        picked = frozenset(chosen)
        unknown = picked - {o.id for o in self.options}
        if unknown:
            raise ValueError(f"not options of question {self.id!r}: {sorted(unknown)}")
        if not picked:
            return 0.0
        if self.marking == "all-or-nothing":
            return float(self.points) if picked == self.answer else 0.0
        return round(self.points * partial_credit(self.answer, picked, (o.id for o in self.options), digits=None), 4)


@dataclass(frozen=True)
class RubricLevel:
    points: int
    descriptor: str


@dataclass(frozen=True)
class Criterion:
    criterion: str
    levels: tuple[RubricLevel, ...]


@dataclass(frozen=True)
class FreeText:
    id: str
    prompt: str
    rubric: tuple[Criterion, ...]
    assessor_notes: str

    @property
    def points(self) -> int:
        return sum(max(level.points for level in c.levels) for c in self.rubric)


@dataclass(frozen=True)
class Case:
    id: str
    number: int
    title: str
    origin: str  # "seed": quoted from the planner; "new": written by the course team
    fictional: bool
    text: str
    seed_question: str | None
    sections: tuple[str, ...]
    questions: tuple[Question, ...]
    free_text: tuple[FreeText, ...]

    @property
    def points(self) -> float:
        return sum(q.points for q in self.questions) + sum(f.points for f in self.free_text)


@dataclass(frozen=True)
class CaseBank:
    id: str
    version: str
    credit: str
    factors: tuple[Option, ...]
    cases: tuple[Case, ...]

    def case(self, case_id: str) -> Case:
        return by_id(self.cases, case_id, "case")


def _question(raw: dict) -> Question:
    return Question(
        id=raw["id"],
        kind=raw["kind"],
        prompt=" ".join(raw["prompt"].split()),
        options=tuple(Option(o["id"], " ".join(o["label"].split())) for o in raw["options"]),
        answer=frozenset(raw["answer"]),
        marking=raw["marking"],
        points=raw["points"],
        feedback=" ".join(raw["feedback"].split()),
    )


def load_cases(path: Path | None = None) -> CaseBank:
    """Load and validate the case studies. Raises ContentError on any problem."""
    path = path or settings.content_dir() / CASES_FILE
    data, node = load_yaml(path)
    validate(path, data, node, "cases.schema.json")
    statement_ids = {s.id for s in planner().statements}
    section_ids = {s.id for s in planner().sections}
    factor_ids = {f["id"] for f in data["vulnerability_factors"]}
    cases = []
    for raw in data["cases"]:
        where = f"case {raw['id']!r}"
        questions = tuple(_question(q) for q in raw["questions"])
        for q in questions:
            options = {o.id for o in q.options}
            if not q.answer <= options:
                raise ContentError(
                    path, None, f"{where}, question {q.id!r}: answer {sorted(q.answer - options)} is not an option"
                )
            if q.kind == "single" and (len(q.answer) != 1 or q.marking != "all-or-nothing"):
                raise ContentError(
                    path, None, f"{where}, question {q.id!r}: a single choice has one answer, marked all or nothing"
                )
            if q.id == "four-cs" and options != set(CATEGORY_IDS):
                raise ContentError(
                    path, None, f"{where}: the four Cs question must offer exactly {', '.join(CATEGORY_IDS)}"
                )
            if q.id == "statements" and not options <= statement_ids:
                raise ContentError(path, None, f"{where}: unknown planner statements {sorted(options - statement_ids)}")
            if q.id == "vulnerabilities" and not options <= factor_ids:
                raise ContentError(path, None, f"{where}: unknown vulnerability factors {sorted(options - factor_ids)}")
        if set(raw["sections"]) - section_ids:
            raise ContentError(path, None, f"{where}: unknown sections {sorted(set(raw['sections']) - section_ids)}")
        text = raw["text"].strip()
        if raw["origin"] == "new" and not (raw["fictional"] and text.startswith(FICTIONAL_OPENING)):
            raise ContentError(path, None, f"{where}: a case we wrote must be marked fictional and say so first")
        cases.append(
            Case(
                id=raw["id"],
                number=raw["number"],
                title=raw["title"],
                origin=raw["origin"],
                fictional=raw["fictional"],
                text=text,
                seed_question=raw.get("seed_question"),
                sections=tuple(raw["sections"]),
                questions=questions,
                free_text=tuple(
                    FreeText(
                        id=f["id"],
                        prompt=" ".join(f["prompt"].split()),
                        rubric=tuple(
                            Criterion(
                                c["criterion"], tuple(RubricLevel(lv["points"], lv["descriptor"]) for lv in c["levels"])
                            )
                            for c in f["rubric"]
                        ),
                        assessor_notes=f["assessor_notes"].strip(),
                    )
                    for f in raw["free_text"]
                ),
            )
        )
    uncovered = section_ids - {s for c in cases for s in c.sections}
    if uncovered:
        raise ContentError(path, None, f"no case exercises the planner sections {sorted(uncovered)}")
    return CaseBank(
        id=data["id"],
        version=str(data["version"]),
        credit=" ".join(data["credit"].split()),
        factors=tuple(Option(f["id"], f["label"]) for f in data["vulnerability_factors"]),
        cases=tuple(cases),
    )


@cache
def case_bank() -> CaseBank:
    return load_cases()
