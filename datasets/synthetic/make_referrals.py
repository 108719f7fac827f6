"""Make the synthetic data set the Data module teaches trend reading with.

    python datasets/synthetic/make_referrals.py > datasets/synthetic/referrals.csv

SYNTHETIC DATA. It describes an imaginary service, "Northbrook Children's Service", over
36 months (January 2023 to December 2025). No child, family or real service is behind any
number. The output is the same on every run and every machine: the random numbers come
from Python's own generator with a fixed seed, and only `random.random()` is used (its
sequence is stable across Python versions). Standard library only.

How each month's count of referrals with an online component is made:

- a gentle rise: an expected 18 referrals a month at the start, plus 0.25 a month;
- school-term seasonality: many referrals come through schools, so the expected count
  drops in school holidays (most in August, less at Christmas, Easter and the half-terms)
  and is a little higher in the busy autumn and spring terms (see SEASON);
- a step change in April 2024, when the service started a new referral form with a
  question on online elements. Before it, only about 55% of the online elements of
  referrals were written down (RECORDED_BEFORE); from then on, nearly all. Nothing changed
  for the children: only what was recorded;
- noise: the count is drawn from a Poisson distribution around the expected count, as
  counts of independent events are.

Each referral then involves each of the four Cs with its own chance (one referral can
involve several), and online harm was either the reason for the referral, or found later,
or neither (an online element that was not harm). The new form also asks whether online
harm was the reason for referral, so after the step "reason for referral" is recorded
more often.
"""

from __future__ import annotations

import math
import random
import sys

SEED = 20240412  # one draw, among the first few hundred seeds, in which every feature is easy to see
START_YEAR, START_MONTH, MONTHS = 2023, 1, 36
STEP_MONTH = "2024-04"  # the new referral form starts
BASE, RISE_PER_MONTH = 18.0, 0.25
RECORDED_BEFORE = 0.55  # the share of online elements written down on the old form
RECORDED_AFTER = 0.97
# Multipliers by calendar month: school holidays lower, busy term-time months higher.
SEASON = {
    1: 1.05,  # spring term starts
    2: 0.95,  # February half-term
    3: 1.10,
    4: 0.85,  # Easter holidays
    5: 1.00,  # May half-term
    6: 1.10,
    7: 0.90,  # term ends in late July
    8: 0.45,  # summer holidays
    9: 1.05,  # new school year
    10: 1.10,  # October half-term, but a busy month
    11: 1.20,
    12: 0.80,  # Christmas holidays
}
# The chance that a referral with an online component involves each C.
FOUR_CS = {"content": 0.45, "contact": 0.40, "conduct": 0.30, "commerce": 0.12}
REASON_BEFORE, REASON_AFTER = 0.40, 0.55  # the chance online harm was the reason for referral
FOUND_LATER = 0.75  # of the rest, the chance online harm was found later
COLUMNS = (
    "month",
    "online_referrals",
    "content",
    "contact",
    "conduct",
    "commerce",
    "reason_for_referral",
    "found_later",
    "referral_form",
)


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw by Knuth's method (fine for the small means used here)."""
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def binomial(rng: random.Random, n: int, p: float) -> int:
    return sum(1 for _ in range(n) if rng.random() < p)


def months() -> list[str]:
    result, year, month = [], START_YEAR, START_MONTH
    for _ in range(MONTHS):
        result.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def rows(seed: int = SEED) -> list[tuple[object, ...]]:
    """The data set: one tuple a month, in COLUMNS order."""
    rng = random.Random(seed)  # noqa: S311 - teaching data, made the same on every run; not security
    result = []
    for i, month in enumerate(months()):
        new_form = month >= STEP_MONTH
        recorded = RECORDED_AFTER if new_form else RECORDED_BEFORE
        expected = (BASE + RISE_PER_MONTH * i) * SEASON[int(month[5:])] * recorded
        total = poisson(rng, expected)
        cs = [binomial(rng, total, p) for p in FOUR_CS.values()]
        reason = binomial(rng, total, REASON_AFTER if new_form else REASON_BEFORE)
        found_later = binomial(rng, total - reason, FOUND_LATER)
        result.append((month, total, *cs, reason, found_later, "new" if new_form else "old"))
    return result


def main() -> int:
    out = sys.stdout
    out.write(
        "# SYNTHETIC DATA for teaching trend reading: an imaginary service, not real children or a real service.\n"
    )
    out.write(f"# Made by datasets/synthetic/make_referrals.py (seed {SEED}); do not edit by hand, run the script.\n")
    out.write(",".join(COLUMNS) + "\n")
    for row in rows():
        out.write(",".join(str(value) for value in row) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
