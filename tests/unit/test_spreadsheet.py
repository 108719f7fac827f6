"""The one rule for spreadsheet cells (course/spreadsheet.py)."""

from __future__ import annotations

import pytest

from course.spreadsheet import safe_cell, safe_row, safe_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-HYPERLINK(x)", "'-HYPERLINK(x)"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("plain text", "plain text"),
        ("", ""),
        (None, ""),
        ("-3", "-3"),
        ("-2.5", "-2.5"),
        ("-1e3", "-1e3"),
        ("-", "'-"),
        ("--1", "'--1"),
        (-2, -2),
        (3.5, 3.5),
        (True, "True"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_safe_text_and_row_give_text():
    assert safe_text(-2) == "-2"
    assert safe_text(0.5) == "0.5"
    assert safe_row(["=x", 1, None]) == ["'=x", "1", ""]
