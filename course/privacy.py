"""A gentle check for probable personal data in free text.

Evidence and QA notes describe a service, not a child; answers to case studies discuss
the case given, not a real child or client. When text looks as if it names a
person or holds contact details, the pages show a warning saying what was found. It never
blocks saving: the person decides. The check is deliberately cautious and will miss
things; it is a prompt, not a guarantee.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an email address", re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b")),
    (
        "a UK phone number",
        re.compile(r"(?<![\d])(?:\+44\s?|0)(?:\d\s?){9,10}(?![\d])"),
    ),
    (
        "a UK postcode",
        re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),
    ),
    (
        "a date of birth",
        re.compile(
            r"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\s*:?\s*\d{1,2}[/.\- ]\d{1,2}[/.\- ]\d{2,4}\b"
            r"|\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\s*:?\s*\d{1,2}(?:st|nd|rd|th)?\s+"
            r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d{4}\b",
            re.IGNORECASE,
        ),
    ),
    (
        "a name",
        re.compile(
            r"\b(?:called|named|name is|known as)\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?"
            r"|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z]+",
        ),
    ),
)


# "Y7 2nd term", "Q1 1st week": a lower-case ordinal is not the inward half of a postcode.
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)$")


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


def find_personal_data(text: str) -> list[Finding]:
    """Probable personal data in `text`, in order of position."""
    findings = [
        Finding(kind, m.start(), m.end())
        for kind, pattern in _PATTERNS
        for m in pattern.finditer(text)
        if not (kind == "a UK postcode" and _ORDINAL.search(m.group()))
    ]
    return sorted(findings, key=lambda f: f.start)


_ADVICE = {
    "evidence": (
        "Evidence should describe your service, not identify a child or family: "
        "please remove personal details. (It has been saved.)"
    ),
    "case": (
        "Answer about the case you were given, not about a real child, family or client you "
        "know: please remove any real name or contact details. (It has been saved.)"
    ),
    "share": (
        "What you share is seen by the whole room: take out anything that could identify a "
        "child, a family, a colleague or a client before you share it."
    ),
}


def warning_for(text: str, about: str = "evidence") -> str | None:
    """A plain-English warning naming what was found, or None.

    `about` says what the text is for: "evidence" (evidence and QA notes about a service)
    or "case" (a learner's answer to a case study), which changes the advice given; "share"
    is for text a workshop participant is about to share with the room.
    """
    if about not in _ADVICE:
        raise ValueError(f"unknown kind of text {about!r}: expected one of {', '.join(_ADVICE)}")
    kinds = list(dict.fromkeys(f.kind for f in find_personal_data(text)))
    if not kinds:
        return None
    found = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]
    return f"This looks as if it may contain {found}. {_ADVICE[about]}"
