"""The gentle check for probable personal data in free text."""

from __future__ import annotations

import pytest

from course.privacy import find_personal_data, warning_for

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
    # names
    ("a girl called Courtney", [NAME], ["called Courtney"]),
    ("Mr Smith", [NAME], ["Mr Smith"]),
    ("Mrs. Patel came in", [NAME], ["Mrs. Patel"]),
    ("seen by Dr Jones", [NAME], ["Dr Jones"]),
    ("known as Jay Brown", [NAME], ["known as Jay Brown"]),
    ("her name is Amira", [NAME], ["name is Amira"]),
    ("a boy named Tyler", [NAME], ["named Tyler"]),
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
