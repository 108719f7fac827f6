"""The gentle check for probable personal data in free text."""

from __future__ import annotations

import pytest

from course.privacy import REDACTED_LABELS, find_personal_data, redact, warning_for

EMAIL = "an email address"
PHONE = "a UK phone number"
POSTCODE = "a UK postcode"
DOB = "a date of birth"
NAME = "a name"

# (text, the kinds found in order of position, the text each finding covers)
EXAMPLES: list[tuple[str, list[str], list[str]]] = [
    # phone numbers
    ("07700 900123", [PHONE], ["07700 900123"]),
    ("+44 7700 900123", [PHONE], ["+44 7700 900123"]),
    ("+447700900123", [PHONE], ["+447700900123"]),
    ("0121 496 0000", [PHONE], ["0121 496 0000"]),
    ("01214960000", [PHONE], ["01214960000"]),
    ("Her mum's number is 07700 900123.", [PHONE], ["07700 900123"]),
    ("ring 0300 123 4567", [PHONE], ["0300 123 4567"]),
    ("07700-900-123", [PHONE], ["07700-900-123"]),
    ("(0121) 496 0000", [PHONE], ["(0121) 496 0000"]),
    ("+44 (0)7700 900123", [PHONE], ["+44 (0)7700 900123"]),
    ("tel 07700 900 123.", [PHONE], ["07700 900 123"]),
    # email addresses
    ("jo.bloggs@example.org", [EMAIL], ["jo.bloggs@example.org"]),
    ("Contact: a+b@mail.example.co.uk today", [EMAIL], ["a+b@mail.example.co.uk"]),
    ("Email sam_smith99@school.sch.uk", [EMAIL], ["sam_smith99@school.sch.uk"]),
    # postcodes
    ("DY1 1HF", [POSTCODE], ["DY1 1HF"]),
    ("B15 2TT", [POSTCODE], ["B15 2TT"]),
    ("lives near b15 2tt", [POSTCODE], ["b15 2tt"]),
    ("SW1A 1AA", [POSTCODE], ["SW1A 1AA"]),
    ("EC1A1BB", [POSTCODE], ["EC1A1BB"]),
    # dates of birth
    ("DOB 12/03/2010", [DOB], ["DOB 12/03/2010"]),
    ("D.O.B: 12.03.2010", [DOB], ["D.O.B: 12.03.2010"]),
    ("date of birth 1-3-2009", [DOB], ["date of birth 1-3-2009"]),
    ("born on 4th May 2011", [DOB], ["born on 4th May 2011"]),
    ("Born 21 September 2010", [DOB], ["Born 21 September 2010"]),
    ("date of birth is 2010-03-12", [DOB], ["date of birth is 2010-03-12"]),
    ("born on the 4th of May 2011", [DOB], ["born on the 4th of May 2011"]),
    ("born May 4, 2011", [DOB], ["born May 4, 2011"]),
    ("dob 12/3/10", [DOB], ["dob 12/3/10"]),
    # names
    ("a girl called Courtney", [NAME], ["called Courtney"]),
    ("Mr Smith", [NAME], ["Mr Smith"]),
    ("Mrs. Patel came in", [NAME], ["Mrs. Patel"]),
    ("seen by Dr Jones", [NAME], ["Dr Jones"]),
    ("known as Jay Brown", [NAME], ["known as Jay Brown"]),
    ("her name is Amira", [NAME], ["name is Amira"]),
    ("a boy named Tyler", [NAME], ["named Tyler"]),
    ("Mrs Jade Smith rang", [NAME], ["Mrs Jade Smith"]),
    ("Called Jade Smith at school", [NAME], ["Called Jade Smith"]),  # the cue at the start of a sentence
    ("her brother, known as Jay O'Brien", [NAME], ["known as Jay O'Brien"]),
    ("Mr McDonald-Reid", [NAME], ["Mr McDonald-Reid"]),
    ("a girl called Zoë", [NAME], ["called Zoë"]),
    ("she calls herself Skye", [NAME], ["calls herself Skye"]),
    # several at once, in order of position
    (
        "Mr Smith, 07700 900123, smith@example.com, DY1 1HF",
        [NAME, PHONE, EMAIL, POSTCODE],
        ["Mr Smith", "07700 900123", "smith@example.com", "DY1 1HF"],
    ),
    # negatives: text about a service, not a person
    ("We score 3 out of 4", [], []),
    ("Training held on 12 March", [], []),
    ("Training held on 12/03/2023", [], []),
    ("Section 1.4", [], []),
    ("CEOP updates", [], []),
    ("All staff", [], []),
    ("about 120 referrals in 2023", [], []),
    ("called the MASH", [], []),  # a lower-case word after "called" is not a name
    ("called MASH", [], []),  # nor is an acronym
    ("Y7 2nd term sessions on sharing images", [], []),  # a year group and an ordinal, not a postcode
    ("Q1 2nd quarter figures", [], []),
    ("Planner version 2017.1, statement 5.3", [], []),
    ("Childline 0800 1111", [], []),  # a short helpline number is not a personal phone
    ("Mr", [], []),
    ("born in 2011", [], []),  # a year alone is not a date of birth
    ("aged 14", [], []),
    ("dated 12/03/2010", [], []),
    ("@CEOP on social media", [], []),
    ("ISBN 978-0-19-852663-6", [], []),
    ("1,200 cases; 35% online", [], []),
    ("We called Monday's meeting early", [], []),  # a day is not a name
    ("figures for 2023-24: 120 referrals", [], []),
    ("Referred on 01/02/2023", [], []),  # a date with no birth cue
    ("we called them back", [], []),
    ("reference 0123-45", [], []),  # too few digits for a phone
    ("Data sharing agreed in March 2019", [], []),
    # an email holding a phone number is one email
    ("07700900123@example.com", [EMAIL, PHONE], ["07700900123@example.com", "07700900123"]),
    ("", [], []),
]


@pytest.mark.parametrize(("text", "kinds", "spans"), EXAMPLES, ids=[e[0][:40] or "empty" for e in EXAMPLES])
def test_find_personal_data(text: str, kinds: list[str], spans: list[str]) -> None:
    found = find_personal_data(text)
    assert [f.kind for f in found] == kinds
    # Phone numbers may take one trailing space with them; the number itself is exact.
    assert [text[f.start : f.end].rstrip() for f in found] == spans
    assert [f.start for f in found] == sorted(f.start for f in found)


@pytest.mark.parametrize(("text", "kinds", "spans"), EXAMPLES, ids=[e[0][:40] or "empty" for e in EXAMPLES])
def test_warning_for_matches_findings(text: str, kinds: list[str], spans: list[str]) -> None:
    warning = warning_for(text)
    if not kinds:
        assert warning is None
    else:
        assert warning is not None
        assert warning.startswith("This looks as if it may contain ")
        for kind in kinds:
            assert kind in warning
        assert warning.endswith("please remove personal details. (It has been saved.)")


def test_examples_cover_at_least_thirty_cases() -> None:
    assert len(EXAMPLES) >= 30
    assert sum(1 for _, kinds, _ in EXAMPLES if kinds) >= 15
    assert sum(1 for _, kinds, _ in EXAMPLES if not kinds) >= 15


def test_warning_names_one_kind_plainly() -> None:
    assert warning_for("call 07700 900123") == (
        "This looks as if it may contain a UK phone number. Evidence should describe your service, "
        "not identify a child or family: please remove personal details. (It has been saved.)"
    )


def test_warning_names_several_kinds_once_each_in_order_found() -> None:
    warning = warning_for("Mr Smith on 07700 900123 or 07700 900124, and smith@example.com")
    assert warning is not None
    assert warning.startswith("This looks as if it may contain a name, a UK phone number and an email address. ")
    assert warning.count("a UK phone number") == 1


def test_warning_with_two_kinds_uses_and() -> None:
    warning = warning_for("DOB 12/03/2010, DY1 1HF")
    assert warning is not None
    assert warning.startswith("This looks as if it may contain a date of birth and a UK postcode. ")


def test_the_check_reports_positions() -> None:
    text = "Referred by Mr Smith."
    (finding,) = find_personal_data(text)
    assert (finding.start, finding.end) == (12, 20)


def test_the_default_warning_is_about_evidence() -> None:
    assert warning_for("call 07700 900123") == warning_for("call 07700 900123", about="evidence")


def test_the_case_warning_talks_about_the_case_not_evidence() -> None:
    warning = warning_for("I once worked with a boy called Jamie Smith", about="case")
    assert warning == (
        "This looks as if it may contain a name. Answer about the case you were given, not about a "
        "real child, family or client you know: please remove any real name or contact details. "
        "(It has been saved.)"
    )
    assert "Evidence" not in warning and "service" not in warning


def test_the_case_warning_is_given_only_when_something_is_found() -> None:
    assert warning_for("Ask about her online contacts since the break-up.", about="case") is None
    warning = warning_for("email jo@example.com, DY1 1HF", about="case")
    assert warning is not None
    assert warning.startswith("This looks as if it may contain an email address and a UK postcode. ")


def test_an_unknown_kind_of_text_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown kind of text"):
        warning_for("anything", about="diary")


# --- redact -------------------------------------------------------------------------------

REDACTIONS: list[tuple[str, str]] = [
    ("call 07700 900123 now", "call [phone number removed] now"),
    ("+44 (0)7700 900123", "[phone number removed]"),
    ("write to jo.bloggs@example.org.", "write to [email removed]."),
    ("lives at DY1 1HF", "lives at [postcode removed]"),
    ("DOB 12/03/2010, in Y7", "[date of birth removed], in Y7"),
    ("a girl called Jade Smith said", "a girl called [name removed] said"),
    ("Mrs Patel came in", "Mrs [name removed] came in"),
    ("Mrs. Patel came in", "Mrs. [name removed] came in"),
    ("her name is Amira", "her name is [name removed]"),
    ("known as Jay O'Brien", "known as [name removed]"),
    (
        "Mr Smith, 07700 900123, smith@example.com, DY1 1HF",
        "Mr [name removed], [phone number removed], [email removed], [postcode removed]",
    ),
    ("07700900123@example.com", "[email removed]"),  # overlapping findings: one label
    ("All staff trained in 2023; 35% of referrals online", "All staff trained in 2023; 35% of referrals online"),
    ("called the MASH", "called the MASH"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "redacted"), REDACTIONS, ids=[r[0][:40] or "empty" for r in REDACTIONS])
def test_redact(text: str, redacted: str) -> None:
    assert redact(text) == redacted


@pytest.mark.parametrize(("text", "kinds", "spans"), EXAMPLES, ids=[e[0][:40] or "empty" for e in EXAMPLES])
def test_redacted_text_has_nothing_left_to_find(text: str, kinds: list[str], spans: list[str]) -> None:
    result = redact(text)
    assert find_personal_data(result) == []
    for span in spans:
        assert span not in result
    if kinds:
        assert any(label in result for label in REDACTED_LABELS.values())
    else:
        assert result == text


def test_every_kind_has_a_label() -> None:
    assert set(REDACTED_LABELS) == {EMAIL, PHONE, POSTCODE, DOB, NAME}
    assert all(label.startswith("[") and label.endswith(" removed]") for label in REDACTED_LABELS.values())


def test_the_cue_of_a_name_is_reported() -> None:
    (finding,) = find_personal_data("a boy called Tyler Jones")
    assert "a boy called Tyler Jones"[finding.start : finding.start + finding.cue] == "called "
    (finding,) = find_personal_data("phone 07700 900123")
    assert finding.cue == 0
