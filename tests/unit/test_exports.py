"""Exports (JSON and CSV) and the JSON import that resumes an assessment."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from course.content import Planner
from course.exports import (
    CSV_COLUMNS,
    FORMAT,
    FORMAT_VERSION,
    MAX_IMPORT_BYTES,
    ImportRefused,
    assessment_dict,
    parse_assessment,
    to_csv,
    to_json,
)
from course.scoring import Answer
from course.store import Service, Store

UNICODE = "Café — naïve, 日本"
FORMULA = '=HYPERLINK("http://evil.example/","Click")'


@pytest.fixture
def answered(store: Store, service: Service) -> dict[str, Answer]:
    """A store with a spread of answers, read back as the exports see them."""
    store.save(service.id, "1.1", score=0)
    store.save(service.id, "1.2", score=3, evidence="Monthly referral counts", qa_score=1, qa_note="Not seen")
    store.save(service.id, "2.5", score=4)  # a high score without evidence: flagged
    store.save(service.id, "3.1", evidence=FORMULA)
    store.save(service.id, "4.4", score=2, evidence=UNICODE, qa_note=UNICODE)
    store.save(service.id, "6.6", qa_score=4, qa_note="+ plus, - minus, @ at")
    return store.answers(service.id)


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


# --- JSON ---------------------------------------------------------------------------------


def test_json_export_round_trips_through_parse_assessment(
    planner: Planner, service: Service, answered: dict[str, Answer]
) -> None:
    text = to_json(planner, service, answered)
    imported = parse_assessment(text, planner)
    assert imported.service_name == "Riverside CAMHS"
    assert {a.statement_id: a for a in imported.answers} == answered
    assert imported.answered == 6


def test_json_export_round_trips_as_uploaded_bytes(
    planner: Planner, service: Service, answered: dict[str, Answer]
) -> None:
    raw = to_json(planner, service, answered).encode("utf-8")
    imported = parse_assessment(raw, planner, filename="riverside.json")
    assert {a.statement_id: a for a in imported.answers} == answered
    # A byte order mark, as some editors add, is accepted.
    assert parse_assessment(b"\xef\xbb\xbf" + raw, planner).answers == imported.answers


def test_json_export_lists_every_statement_with_the_planner_and_credit(
    planner: Planner, service: Service, answered: dict[str, Answer]
) -> None:
    data = json.loads(to_json(planner, service, answered))
    assert data["format"] == FORMAT == "online-lives-assessment"
    assert data["format_version"] == FORMAT_VERSION == 1
    assert data["planner"] == {"id": planner.id, "version": "2017.1", "credit": planner.source.credit}
    assert data["service"] == {"name": "Riverside CAMHS"}
    assert [row["statement_id"] for row in data["answers"]] == [s.id for s in planner.statements]
    by_id = {row["statement_id"]: row for row in data["answers"]}
    assert by_id["1.1"]["score"] == 0
    assert by_id["1.3"]["score"] is None  # unanswered is null, not 0
    assert by_id["1.3"]["evidence"] == ""
    assert by_id["5.3"]["statement"] == "Our staff are all trained to save evidence appropriately."
    assert by_id["5.3"]["section"] == "Safeguarding"
    assert by_id["1.2"]["qa_score"] == 1


def test_json_export_keeps_non_ascii_text_readable(
    planner: Planner, service: Service, answered: dict[str, Answer]
) -> None:
    text = to_json(planner, service, answered)
    assert UNICODE in text  # written as is, not as \\u escapes
    assert text.endswith("}\n")
    imported = {a.statement_id: a for a in parse_assessment(text, planner).answers}
    assert imported["4.4"].evidence == UNICODE
    assert imported["4.4"].qa_note == UNICODE


def test_json_import_keeps_a_non_ascii_service_name(planner: Planner, store: Store) -> None:
    service = store.create_service(UNICODE, planner.version)
    imported = parse_assessment(to_json(planner, service, {}).encode("utf-8"), planner)
    assert imported.service_name == UNICODE
    assert imported.answers == []


# --- CSV ----------------------------------------------------------------------------------


def test_csv_has_the_header_and_one_row_per_statement(
    planner: Planner, service: Service, answered: dict[str, Answer]
) -> None:
    text = to_csv(planner, service, answered)
    assert text.startswith(",".join(CSV_COLUMNS) + "\r\n")
    reader = csv.reader(io.StringIO(text, newline=""))
    header, *rows = list(reader)
    assert tuple(header) == CSV_COLUMNS
    assert len(rows) == 36
    assert [row[1] for row in rows] == [s.id for s in planner.statements]


def test_csv_fills_descriptors_and_flags(planner: Planner, service: Service, answered: dict[str, Answer]) -> None:
    rows = {row["statement_id"]: row for row in csv_rows(to_csv(planner, service, answered))}
    assert rows["1.1"]["score"] == "0"
    assert rows["1.1"]["score_descriptor"] == "Not at all/never/no evidence for this"
    assert rows["1.2"]["score_descriptor"] == "To a considerable extent/ often/ good evidence available"
    assert rows["1.2"]["qa_score"] == "1"
    assert rows["1.2"]["flags"] == "Self-assessed 3, QA 1: they differ by 2."
    assert rows["2.5"]["score_descriptor"] == "Always/to a great extent/strong evidence available"
    assert rows["2.5"]["flags"] == "Scored 4 but no evidence is recorded."
    assert rows["2.5"]["statement"] == "Training is evaluated"
    assert rows["2.5"]["section"] == "Staff training"
    # Unanswered statements have empty cells, not 0.
    assert (rows["1.3"]["score"], rows["1.3"]["score_descriptor"], rows["1.3"]["qa_score"]) == ("", "", "")
    assert rows["1.3"]["updated_at"] == ""
    assert rows["1.2"]["updated_at"] == answered["1.2"].updated_at


def test_csv_neutralises_spreadsheet_formulas(planner: Planner, service: Service, answered: dict[str, Answer]) -> None:
    rows = {row["statement_id"]: row for row in csv_rows(to_csv(planner, service, answered))}
    assert rows["3.1"]["evidence"] == "'" + FORMULA
    assert rows["6.6"]["qa_note"] == "'+ plus, - minus, @ at"
    assert rows["1.2"]["evidence"] == "Monthly referral counts"  # ordinary text untouched


@pytest.mark.parametrize(
    ("evidence", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+44 7700", "'+44 7700"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("a=1", "a=1"),
        ("", ""),
    ],
)
def test_csv_formula_prefixes(planner: Planner, service: Service, evidence: str, written: str) -> None:
    rows = csv_rows(to_csv(planner, service, {"1.1": Answer("1.1", score=1, evidence=evidence)}))
    assert rows[0]["evidence"] == written


def test_csv_keeps_non_ascii_text(planner: Planner, service: Service, answered: dict[str, Answer]) -> None:
    text = to_csv(planner, service, answered)
    rows = {row["statement_id"]: row for row in csv_rows(text)}
    assert rows["4.4"]["evidence"] == UNICODE
    assert rows["4.4"]["qa_note"] == UNICODE
    assert text.encode("utf-8").decode("utf-8") == text


def test_csv_quotes_commas_quotes_and_newlines(planner: Planner, service: Service) -> None:
    evidence = 'Line one, with "quotes"\nLine two'
    rows = csv_rows(to_csv(planner, service, {"1.1": Answer("1.1", score=2, evidence=evidence)}))
    assert len(rows) == 36
    assert rows[0]["evidence"] == evidence


# --- import refusals ----------------------------------------------------------------------


def export_data(planner: Planner, service: Service, answers: dict[str, Answer] | None = None) -> dict[str, Any]:
    return json.loads(to_json(planner, service, answers or {}))


def refusal(raw: bytes | str, planner: Planner, filename: str = "upload.json") -> str:
    with pytest.raises(ImportRefused) as caught:
        parse_assessment(raw, planner, filename=filename)
    assert isinstance(caught.value, ValueError)
    return str(caught.value)


def test_import_refuses_text_that_is_not_json(planner: Planner) -> None:
    message = refusal('{\n  "format": "online-lives-assessment",\n  oops\n}', planner)
    assert message.startswith("upload.json is not valid JSON (line 3, column 3:")
    assert "edited or damaged" in message


def test_import_refuses_bytes_that_are_not_utf8(planner: Planner) -> None:
    message = refusal(b"\xff\xd8\xff\xe0 a JPEG, not an export", planner, filename="photo.jpg")
    assert message == "photo.jpg is not a text file. Choose the .json file you downloaded."


@pytest.mark.parametrize("data", [{"format": "something-else"}, [1, 2, 3], "a string", {"answers": []}])
def test_import_refuses_another_format(planner: Planner, data: object) -> None:
    assert refusal(json.dumps(data), planner) == "upload.json is not an Online Lives assessment export."


def test_import_refuses_another_format_version(planner: Planner, service: Service) -> None:
    data = export_data(planner, service)
    data["format_version"] = 2
    message = refusal(json.dumps(data), planner)
    assert message == "upload.json uses export format version 2; this course reads version 1."


def test_import_refuses_another_planner_version_naming_both(planner: Planner, service: Service) -> None:
    data = export_data(planner, service)
    data["planner"]["version"] = "2016.3"
    message = refusal(json.dumps(data), planner)
    assert "planner version '2016.3'" in message
    assert "this course uses version '2017.1'" in message
    assert "nothing was changed" in message


def test_import_refuses_another_planner(planner: Planner, service: Service) -> None:
    data = export_data(planner, service)
    data["planner"]["id"] = "another-planner"
    message = refusal(json.dumps(data), planner)
    assert "'another-planner'" in message
    assert "cannot be loaded here" in message


def test_import_refuses_an_unknown_statement(planner: Planner, service: Service) -> None:
    data = export_data(planner, service)
    data["answers"].append({"statement_id": "7.1", "score": 2})
    message = refusal(json.dumps(data), planner)
    assert message == "upload.json has an answer for statement 7.1, which this planner does not have."


def test_import_refuses_the_same_statement_twice(planner: Planner, service: Service) -> None:
    data = export_data(planner, service)
    data["answers"].append({"statement_id": "2.3", "score": 1})
    assert refusal(json.dumps(data), planner) == "upload.json has two answers for statement 2.3."


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("score", 7, "damaged at answers/0/score: 7 is greater than the maximum of 4"),
        ("qa_score", -1, "damaged at answers/0/qa_score: -1 is less than the minimum of 0"),
        ("score", "3", "damaged at answers/0/score: '3' is not of type 'integer', 'null'"),
        ("score", True, "damaged at answers/0/score: True is not of type 'integer', 'null'"),
        ("score", 3.0, "damaged at statement 1.1: a score must be a whole number from 0 to 4"),
        ("qa_score", 2.5, "damaged at answers/0/qa_score: 2.5 is not of type 'integer', 'null'"),
        ("evidence", None, "damaged at answers/0/evidence: None is not of type 'string'"),
        ("evidence", "x" * 20_001, "damaged at answers/0/evidence: "),
        ("statement_id", "one", "damaged at answers/0/statement_id: 'one' does not match"),
    ],
)
def test_import_refuses_impossible_values(
    planner: Planner, service: Service, field: str, value: object, expected: str
) -> None:
    data = export_data(planner, service)
    data["answers"][0][field] = value
    assert expected in refusal(json.dumps(data), planner)


def test_import_refuses_a_file_that_is_too_large(planner: Planner, service: Service) -> None:
    raw = to_json(planner, service, {}).encode("utf-8")
    raw += b" " * (MAX_IMPORT_BYTES + 1 - len(raw))
    message = refusal(raw, planner)
    assert message == f"upload.json is too large ({MAX_IMPORT_BYTES + 1:,} bytes) to be an assessment export."


def test_import_accepts_a_file_at_the_size_limit(planner: Planner, service: Service) -> None:
    raw = to_json(planner, service, {}).encode("utf-8")
    raw += b" " * (MAX_IMPORT_BYTES - len(raw))
    assert parse_assessment(raw, planner).service_name == "Riverside CAMHS"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("   ", "upload.json: Type a name for the service"),
        ("", "upload.json is damaged at service/name: '' should be non-empty"),
        ("Riverside\x07", "upload.json: The service name contains characters that cannot be shown."),
        (None, "upload.json is damaged at service/name: None is not of type 'string'"),
    ],
)
def test_import_refuses_a_blank_or_unusable_service_name(
    planner: Planner, service: Service, name: object, expected: str
) -> None:
    data = export_data(planner, service)
    data["service"]["name"] = name
    assert refusal(json.dumps(data), planner).startswith(expected)


def test_import_refuses_a_missing_section_of_the_file(planner: Planner, service: Service) -> None:
    data = export_data(planner, service)
    del data["answers"]
    assert refusal(json.dumps(data), planner) == (
        "upload.json is damaged at the top level: 'answers' is a required property"
    )


def test_import_tidies_the_service_name_and_drops_empty_answers(planner: Planner, service: Service) -> None:
    data = export_data(planner, service, {"1.1": Answer("1.1", score=1)})
    data["service"]["name"] = "  Riverside    CAMHS "
    imported = parse_assessment(json.dumps(data), planner)
    assert imported.service_name == "Riverside CAMHS"
    assert [a.statement_id for a in imported.answers] == ["1.1"]


def test_import_of_a_hand_written_minimal_file(planner: Planner) -> None:
    data = {
        "format": FORMAT,
        "format_version": 1,
        "planner": {"id": planner.id, "version": planner.version},
        "service": {"name": "Hillside"},
        "answers": [{"statement_id": "5.3", "score": 2}, {"statement_id": "5.4", "qa_note": "checked"}],
    }
    imported = parse_assessment(json.dumps(data), planner)
    assert imported.answers == [Answer("5.3", score=2), Answer("5.4", qa_note="checked")]


def test_assessment_dict_includes_unanswered_statements(planner: Planner, service: Service) -> None:
    data = assessment_dict(planner, service, {})
    assert len(data["answers"]) == 36
    assert all(row["score"] is None and row["evidence"] == "" for row in data["answers"])
