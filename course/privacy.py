"""A gentle check for probable personal data in free text.

Evidence and QA notes describe a service, not a child; answers to case studies discuss
the case given, not a real child or client. When text looks as if it names a
person or holds contact details, the pages show a warning saying what was found. It never
blocks saving: the person decides. The check is deliberately cautious and will miss
things; it is a prompt, not a guarantee.

`redact` replaces what the check finds with bracketed labels ("[name removed]"), for the
exports and reports a person chooses to have anonymised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DOB_CUE = r"(?:d\.?o\.?b\.?|date of birth|birth ?date|born(?: on)?)(?:\s+(?:is|was))?\s*:?\s*(?:the\s+)?"
_NUMERIC_DATE = r"\d{1,2}[/.\- ]\d{1,2}[/.\- ](?:\d{4}|\d{2})\b|\d{4}-\d{2}-\d{2}\b"
_WORDED_DATE = (
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\s+\d{{4}}\b"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"
)
# One word of a name: "Jade", "O'Brien", "McDonald", "Smith-Jones", "Zoë".
_NAME_WORD = r"(?:[A-Z]['’])?[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+|[A-Z][a-zß-öø-ÿ]+)*"
_NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD})?"
# Words after "called" that are not people: days and months ("a meeting called Monday" is rare,
# "called Tuesday's meeting" is not).
_NOT_NAMES = (
    r"(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June"
    r"|July|August|September|October|November|December)\b)"
)

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("an email address", re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b")),
    (
        # 01214960000, 0121 496 0000, 07700-900-123, (0121) 496 0000, +44 7700 900123,
        # +44 (0)7700 900123. Short helplines (0800 1111) have too few digits to count.
        "a UK phone number",
        re.compile(r"(?<![\d+\-])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d(?:(?:\)\s?|[ \-])?\d){8,9}(?![\d]|-\d)"),
    ),
    (
        "a UK postcode",
        re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),
    ),
    (
        "a date of birth",
        re.compile(rf"\b{_DOB_CUE}(?:{_NUMERIC_DATE}|{_WORDED_DATE})", re.IGNORECASE),
    ),
    (
        # The cue ("called", "Mrs") is kept when the name is redacted: group "name" is the name.
        "a name",
        re.compile(
            rf"\b(?i:called|named|name is|name's|known as|calls (?:herself|himself|themselves))\s+"
            rf"{_NOT_NAMES}(?P<name>{_NAME})"
            rf"|\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+(?P<titled>{_NAME})",
        ),
    ),
)


# "Y7 2nd term", "Q1 1st week": a lower-case ordinal is not the inward half of a postcode.
_ORDINAL = re.compile(r"\d(?:st|nd|rd|th)$")


@dataclass(frozen=True)
class Finding:
    """One probable piece of personal data: its kind ("a UK postcode"), where it starts and
    ends in the text, and how many of its first characters are a cue rather than the data
    itself ("called " in "called Jade", "Mrs " in "Mrs Patel"), kept when it is redacted."""

    kind: str
    start: int
    end: int
    cue: int = 0


def _cue_length(match: re.Match[str]) -> int:
    for group in ("name", "titled"):
        if group in match.re.groupindex and match.group(group) is not None:
            return match.start(group) - match.start()
    return 0


def find_personal_data(text: str) -> list[Finding]:
    """Probable personal data in `text`, in order of position."""
    findings = [
        Finding(kind, m.start(), m.end(), _cue_length(m))
        for kind, pattern in _PATTERNS
        for m in pattern.finditer(text)
        if not (kind == "a UK postcode" and _ORDINAL.search(m.group()))
    ]
    return sorted(findings, key=lambda f: f.start)


# What each kind of finding is replaced with by `redact`.
REDACTED_LABELS = {
    "an email address": "[email removed]",
    "a UK phone number": "[phone number removed]",
    "a UK postcode": "[postcode removed]",
    "a date of birth": "[date of birth removed]",
    "a name": "[name removed]",
}


def redact(text: str) -> str:
    """`text` with every probable piece of personal data replaced by a bracketed label
    ("[phone number removed]"). For a name, the cue before it stays: "a girl called [name
    removed]", "Mrs [name removed]". Where findings overlap (a phone number inside an email
    address), the one that starts first, or the longer of two that start together, wins.

    Like the check itself this is cautious and will miss things: a redacted file is safer,
    not safe.
    """
    if not text:
        return text
    kept: list[Finding] = []
    for finding in sorted(find_personal_data(text), key=lambda f: (f.start, -(f.end - f.start))):
        if kept and finding.start < kept[-1].end:
            continue
        kept.append(finding)
    parts, position = [], 0
    for finding in kept:
        parts.append(text[position : finding.start + finding.cue])
        parts.append(REDACTED_LABELS[finding.kind])
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)


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
    "action": (
        "An action plan says what the service will do, not who a child or family is: "
        "please remove personal details. (It has been saved.)"
    ),
}


def warning_for(text: str, about: str = "evidence") -> str | None:
    """A plain-English warning naming what was found, or None.

    `about` says what the text is for: "evidence" (evidence and QA notes about a service)
    or "case" (a learner's answer to a case study), which changes the advice given; "share"
    is for text a workshop participant is about to share with the room.
    "action" is for a planned action in a service's action plan.
    """
    if about not in _ADVICE:
        raise ValueError(f"unknown kind of text {about!r}: expected one of {', '.join(_ADVICE)}")
    kinds = list(dict.fromkeys(f.kind for f in find_personal_data(text)))
    if not kinds:
        return None
    found = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]
    return f"This looks as if it may contain {found}. {_ADVICE[about]}"
