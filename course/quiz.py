"""The four Cs quiz: the item bank, marking, drawing rounds, and item analysis.

Marking rule (partial credit). Each item has one or more correct categories among the four
Cs. A person ticks one or more. Their score for the item, from 0 to 1, is

    (correct ticks / number of correct categories)
      - (wrong ticks / number of wrong categories)

floored at 0. Every correct category ticked earns its share of the mark; every wrong one
ticked takes away its share of the penalty, so ticking all four always scores 0 and ticking
exactly the right set always scores 1. Examples for an item that is contact and commerce:
contact alone scores 0.5; contact, commerce and conduct score 0.5; all four score 0.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from statistics import mean, pstdev

from course import settings
from course.content import ContentError, by_id, load_yaml, planner, validate

RISKS_FILE = "risks.yaml"
CATEGORY_IDS = ("content", "contact", "conduct", "commerce")
ROUND_SIZE = 5


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    description: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Distractor:
    category: str
    why: str


@dataclass(frozen=True)
class RiskItem:
    id: str
    origin: str  # "seed": quoted from the planner's table; "new": written by the course team
    text: str
    categories: frozenset[str]
    feedback: str
    distractors: tuple[Distractor, ...]
    sections: tuple[str, ...]
    difficulty: int


@dataclass(frozen=True)
class ItemBank:
    id: str
    version: str
    credit: str
    categories: tuple[Category, ...]
    items: tuple[RiskItem, ...]

    def item(self, item_id: str) -> RiskItem:
        return by_id(self.items, item_id, "quiz item")

    def label(self, category_id: str) -> str:
        return next(c.label for c in self.categories if c.id == category_id)

    def for_section(self, section_id: str) -> tuple[RiskItem, ...]:
        return tuple(i for i in self.items if section_id in i.sections)


def load_item_bank(path: Path | None = None) -> ItemBank:
    """Load and validate the four Cs item bank. Raises ContentError on any problem."""
    path = path or settings.content_dir() / RISKS_FILE
    data, node = load_yaml(path)
    validate(path, data, node, "risks.schema.json")
    ids = [c["id"] for c in data["categories"]]
    if ids != list(CATEGORY_IDS):
        raise ContentError(path, None, f"categories must be {', '.join(CATEGORY_IDS)} in that order; found {ids}")
    section_ids = {s.id for s in planner().sections}
    seen: set[str] = set()
    items = []
    for raw in data["items"]:
        if raw["id"] in seen:
            raise ContentError(path, None, f"item id {raw['id']!r} is used twice")
        seen.add(raw["id"])
        unknown = set(raw["sections"]) - section_ids
        if unknown:
            raise ContentError(path, None, f"item {raw['id']!r} is tagged with unknown sections {sorted(unknown)}")
        wrong = [d["category"] for d in raw["distractors"] if d["category"] in raw["categories"]]
        if wrong:
            raise ContentError(path, None, f"item {raw['id']!r} lists a correct category as a distractor: {wrong}")
        items.append(
            RiskItem(
                id=raw["id"],
                origin=raw["origin"],
                text=" ".join(raw["text"].split()),
                categories=frozenset(raw["categories"]),
                feedback=" ".join(raw["feedback"].split()),
                distractors=tuple(Distractor(d["category"], " ".join(d["why"].split())) for d in raw["distractors"]),
                sections=tuple(raw["sections"]),
                difficulty=raw["difficulty"],
            )
        )
    return ItemBank(
        id=data["id"],
        version=str(data["version"]),
        credit=" ".join(data["source"]["credit"].split()),
        categories=tuple(
            Category(c["id"], c["label"], " ".join(c["description"].split()), tuple(c["examples"]))
            for c in data["categories"]
        ),
        items=tuple(items),
    )


@cache
def item_bank() -> ItemBank:
    return load_item_bank()


# --- marking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    score: float  # 0 to 1
    hits: frozenset[str]  # correct categories ticked
    misses: frozenset[str]  # correct categories not ticked
    false_alarms: frozenset[str]  # wrong categories ticked

    @property
    def full(self) -> bool:
        return not self.misses and not self.false_alarms


def check_choice(chosen: Iterable[object]) -> frozenset[str]:
    """A set of category ids from what a browser sent; raises ValueError on anything else."""
    values = list(chosen)
    if not all(isinstance(v, str) and v in CATEGORY_IDS for v in values):
        raise ValueError(f"choices must be among {', '.join(CATEGORY_IDS)}")
    if not values:
        raise ValueError("tick at least one of the four Cs")
    return frozenset(values)


def partial_credit(
    correct: frozenset[str], picked: frozenset[str], options: Iterable[str], digits: int | None = 4
) -> float:
    """The share of the mark, 0 to 1, by the rule in this module's docstring: every right
    option ticked earns its share, every wrong one ticked takes its share away. Rounded to
    `digits` places (None: not rounded, for a caller that scales it first)."""
    wrong = frozenset(options) - correct
    gained = len(picked & correct) / len(correct)
    lost = len(picked & wrong) / len(wrong) if wrong else 0.0
    share = max(0.0, gained - lost)
    return share if digits is None else round(share, digits)


def mark(item: RiskItem, chosen: Iterable[str]) -> Mark:
    """Mark one answer by the rule in this module's docstring."""
    picked = check_choice(chosen)
    correct = item.categories
    score = partial_credit(correct, picked, CATEGORY_IDS)
    return Mark(score, picked & correct, correct - picked, picked - correct)


# --- drawing rounds -------------------------------------------------------------------------


def draw(
    items: Sequence[RiskItem], n: int = ROUND_SIZE, seed: int | None = None, exclude: Iterable[str] = ()
) -> list[RiskItem]:
    """A shuffled random subset of `n` items, preferring ones not in `exclude`.

    The same seed gives the same draw, so tests and trainers can repeat a round.
    """
    rng = random.Random(seed)  # noqa: S311 - shuffling quiz items, not security
    excluded = set(exclude)
    fresh = [i for i in items if i.id not in excluded]
    seen = [i for i in items if i.id in excluded]
    rng.shuffle(fresh)
    rng.shuffle(seen)
    return (fresh + seen)[:n]


# --- results and item analysis --------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRecord:
    round_id: str
    item_id: str
    chosen: frozenset[str]
    score: float


def category_scores(bank: ItemBank, answers: Iterable[AnswerRecord]) -> dict[str, dict[str, int]]:
    """Per category: how often it was present, spotted (ticked when present), and ticked
    when it was not present."""
    table = {c: {"present": 0, "spotted": 0, "false_alarms": 0} for c in CATEGORY_IDS}
    for answer in answers:
        correct = bank.item(answer.item_id).categories
        for category in CATEGORY_IDS:
            if category in correct:
                table[category]["present"] += 1
                table[category]["spotted"] += category in answer.chosen
            elif category in answer.chosen:
                table[category]["false_alarms"] += 1
    return table


def confusion(bank: ItemBank, answers: Iterable[AnswerRecord]) -> dict[str, dict[str, int]]:
    """Rows: a category the item really has. Columns: what was ticked for such items.
    The diagonal counts correct ticks; off the diagonal, which Cs are taken for which."""
    matrix = {true: dict.fromkeys(CATEGORY_IDS, 0) for true in CATEGORY_IDS}
    for answer in answers:
        for true in bank.item(answer.item_id).categories:
            for chosen in answer.chosen:
                matrix[true][chosen] += 1
    return matrix


@dataclass(frozen=True)
class ItemStats:
    item_id: str
    answers: int
    facility: float | None  # mean score, 0 to 1: how easy the item is
    discrimination: float | None  # corrected item-total correlation across rounds


def _correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    if len(xs) < 3 or pstdev(xs) == 0 or pstdev(ys) == 0:
        return None
    mx, my = mean(xs), mean(ys)
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / len(xs)
    return round(cov / (pstdev(xs) * pstdev(ys)), 3)


def item_statistics(answers: Iterable[AnswerRecord]) -> list[ItemStats]:
    """Facility and discrimination of every item answered.

    Facility is the mean score on the item. Discrimination is the correlation, across the
    rounds that included the item, between the item's score and the mean score on the
    round's other items: a good item is answered better by people who do well overall. A
    value near 0 or below suggests an item that is ambiguous or keyed wrongly. It needs at
    least three rounds with some spread, and is empty (None) otherwise.
    """
    by_round: dict[str, dict[str, float]] = defaultdict(dict)
    for a in answers:
        by_round[a.round_id][a.item_id] = a.score
    per_item: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for scores in by_round.values():
        for item_id, score in scores.items():
            others = [s for i, s in scores.items() if i != item_id]
            rest = mean(others) if others else float("nan")
            per_item[item_id].append((score, rest))
    stats = []
    for item_id, pairs in sorted(per_item.items()):
        scores = [s for s, _ in pairs]
        with_rest = [(s, r) for s, r in pairs if r == r]  # drop rounds with no other item
        stats.append(
            ItemStats(
                item_id=item_id,
                answers=len(scores),
                facility=round(mean(scores), 3),
                discrimination=_correlation([s for s, _ in with_rest], [r for _, r in with_rest]),
            )
        )
    return stats
