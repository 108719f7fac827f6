"""One rule for every cell the course writes to a CSV or xlsx file.

A spreadsheet program runs a cell that starts with `=`, `+`, `-` or `@` as a formula, and a
leading tab or carriage return can hide one. OWASP's advice ("CSV Injection") is to make
such text inert by putting a single quote in front of it. Numbers stay numbers: a negative
score is still -2, not the text "'-2".
"""

from __future__ import annotations

import re
from numbers import Real

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")


def safe_cell(value: object) -> object:
    """`value` as it may go into a spreadsheet cell.

    - None becomes "";
    - numbers (not booleans) are kept as numbers;
    - text that reads as a plain number ("-3", "2.5") is kept as it is;
    - any other text starting with a formula character gets a leading `'`.
    """
    if value is None:
        return ""
    if isinstance(value, Real) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_text(value: object) -> str:
    """`safe_cell` as text, for CSV writers."""
    cell = safe_cell(value)
    return cell if isinstance(cell, str) else f"{cell:g}" if isinstance(cell, float) else str(cell)


def safe_row(values: list[object] | tuple[object, ...]) -> list[str]:
    """A CSV row with every cell made safe."""
    return [safe_text(v) for v in values]
