"""Scoring the self-assessment: answers, section summaries, flags and the action plan.

A statement that has not been scored is `None`, never 0: 0 means "not at all", which is an
answer. Section scores are the mean of the answered statements only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import mean

from course.content import Planner, Section, Statement

SCORES = (0, 1, 2, 3, 4)
MAX_TEXT = 20_000  # characters kept for one evidence or QA note
HIGH_SCORE = 3  # scores of 3 and 4 claim "good" or "strong" evidence
QA_GAP = 2  # self and QA differing by this much or more is flagged
ACTION_THRESHOLD = 2  # scores at or below this go into the action plan


@dataclass(frozen=True)
class Answer:
    """One statement's answer. Every field is optional until someone fills it in."""

    statement_id: str
    score: int | None = None
    evidence: str = ""
    qa_score: int | None = None
    qa_note: str = ""
    updated_at: str | None = None
    # Carried from the last round and not yet confirmed or changed; why it needs review, if
    # the planner's wording changed ("" otherwise). See course/rounds.py.
    carried_forward: bool = False
    review_note: str = ""

    @property
    def is_empty(self) -> bool:
        return self.score is None and self.qa_score is None and not self.evidence and not self.qa_note


FIELDS = ("score", "evidence", "qa_score", "qa_note")
SCORE_FIELDS = ("score", "qa_score")
TEXT_FIELDS = ("evidence", "qa_note")


def check_score(value: object) -> int | None:
    """A valid score (0-4) or None; anything else raises ValueError."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCORES:
        raise ValueError(f"a score must be a whole number from 0 to 4, or empty; got {value!r}")
    return value


def check_text(value: object) -> str:
    """A valid free-text value; raises ValueError for non-text or over-long text."""
    if not isinstance(value, str):
        raise ValueError(f"expected text, got {type(value).__name__}")
    if len(value) > MAX_TEXT:
        raise ValueError(f"text is limited to {MAX_TEXT:,} characters; this has {len(value):,}")
    return value


def check_field(name: str, value: object) -> int | str | None:
    if name in SCORE_FIELDS:
        return check_score(value)
    if name in TEXT_FIELDS:
        return check_text(value)
    raise ValueError(f"unknown answer field {name!r}")


@dataclass(frozen=True)
class Flag:
    statement_id: str
    kind: str  # "no-evidence" or "qa-gap"
    message: str


def flags_for(answer: Answer | None) -> list[Flag]:
    """Flags on one answer: a high score with no evidence; self and QA far apart."""
    if answer is None:
        return []
    found = []
    if answer.score is not None and answer.score >= HIGH_SCORE and not answer.evidence.strip():
        found.append(Flag(answer.statement_id, "no-evidence", f"Scored {answer.score} but no evidence is recorded."))
    if answer.score is not None and answer.qa_score is not None and abs(answer.score - answer.qa_score) >= QA_GAP:
        found.append(
            Flag(
                answer.statement_id,
                "qa-gap",
                f"Self-assessed {answer.score}, QA {answer.qa_score}: they differ by "
                f"{abs(answer.score - answer.qa_score)}.",
            )
        )
    return found


@dataclass(frozen=True)
class SectionSummary:
    section_id: str
    total: int
    answered: int
    self_mean: float | None
    qa_checked: int
    qa_mean: float | None
    flags: list[Flag] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def summarise_section(section: Section, answers: dict[str, Answer]) -> SectionSummary:
    scores = [a.score for s in section.statements if (a := answers.get(s.id)) and a.score is not None]
    qa = [a.qa_score for s in section.statements if (a := answers.get(s.id)) and a.qa_score is not None]
    return SectionSummary(
        section_id=section.id,
        total=len(section.statements),
        answered=len(scores),
        self_mean=round(mean(scores), 2) if scores else None,
        qa_checked=len(qa),
        qa_mean=round(mean(qa), 2) if qa else None,
        flags=[f for s in section.statements for f in flags_for(answers.get(s.id))],
    )


def summarise(planner: Planner, answers: dict[str, Answer]) -> list[SectionSummary]:
    return [summarise_section(section, answers) for section in planner.sections]


@dataclass(frozen=True)
class ActionItem:
    statement: Statement
    section: Section
    score: int


def action_plan(planner: Planner, answers: dict[str, Answer]) -> list[ActionItem]:
    """Statements scored 0-2, lowest first (planner order among equals)."""
    items = [
        ActionItem(statement, section, answer.score)
        for section in planner.sections
        for statement in section.statements
        if (answer := answers.get(statement.id)) is not None
        and answer.score is not None
        and answer.score <= ACTION_THRESHOLD
    ]
    return sorted(items, key=lambda item: item.score)  # sorted() is stable: planner order kept


def unanswered(planner: Planner, answers: dict[str, Answer]) -> list[Statement]:
    return [s for s in planner.statements if (a := answers.get(s.id)) is None or a.score is None]
