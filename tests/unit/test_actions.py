"""The action plan: storage, validation, the xlsx and CSV exports (read back), and the command."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from course.actions import (
    CSV_COLUMNS,
    MAX_ACTION,
    SHEET_COLUMNS,
    STATUSES,
    PlannedAction,
    action_plan_csv,
    action_plan_xlsx,
    planned_actions,
    save_action,
)
from course.cli import main
from course.content import Planner
from course.store import Service, Store

FORMULA = '=HYPERLINK("http://evil.example","click")'


def save(store: Store, service: Service, sid: str, **fields: object) -> PlannedAction:
    values = {"action": "", "owner": "", "deadline": None, "status": "not started", **fields}
    return save_action(store, service.id, sid, **values)  # type: ignore[arg-type]


# --- storage ------------------------------------------------------------------------------------


def test_save_and_read_back(store: Store, service: Service) -> None:
    saved = save(
        store,
        service,
        "2.3",
        action="  Add a standing item to supervision  ",
        owner="  Training   lead ",
        deadline="2027-03-31",
        status="in progress",
    )
    assert (saved.action, saved.owner, saved.deadline, saved.status) == (
        "Add a standing item to supervision",
        "Training lead",
        "2027-03-31",
        "in progress",
    )
    stored = planned_actions(store, service.id)
    assert list(stored) == ["2.3"]
    assert stored["2.3"] == saved
    assert stored["2.3"].deadline_date == date(2027, 3, 31)
    assert datetime.fromisoformat(stored["2.3"].updated_at).tzinfo is not None


def test_a_second_save_replaces_the_first(store: Store, service: Service) -> None:
    save(store, service, "1.1", action="First", status="not started")
    save(store, service, "1.1", action="Second", owner="Head of service", status="done")
    stored = planned_actions(store, service.id)
    assert len(stored) == 1
    assert (stored["1.1"].action, stored["1.1"].owner, stored["1.1"].status) == ("Second", "Head of service", "done")


def test_actions_come_in_planner_order_and_per_service(store: Store, service: Service, planner: Planner) -> None:
    other = store.create_service("Hillside Youth", planner.version)
    for sid in ("6.1", "1.2", "3.4"):
        save(store, service, sid, action=f"Act on {sid}")
    save(store, other, "2.2", action="Theirs")
    assert list(planned_actions(store, service.id)) == ["1.2", "3.4", "6.1"]
    assert list(planned_actions(store, other.id)) == ["2.2"]


def test_a_row_with_no_action_owner_or_deadline_is_deleted(store: Store, service: Service) -> None:
    save(store, service, "4.6", action="Encrypt laptops", owner="IT", deadline="2027-01-15")
    save(store, service, "4.6", action="", owner="IT", deadline=None)
    assert planned_actions(store, service.id)["4.6"].owner == "IT"  # an owner alone keeps it
    save(store, service, "4.6", action="", owner="", deadline="2027-01-15")
    assert planned_actions(store, service.id)["4.6"].deadline == "2027-01-15"  # a deadline alone keeps it
    gone = save(store, service, "4.6", action="   ", owner=" ", deadline="", status="done")
    assert (gone.action, gone.owner, gone.deadline) == ("", "", None)
    assert planned_actions(store, service.id) == {}


def test_an_empty_row_never_stored_writes_nothing(store: Store, service: Service) -> None:
    save(store, service, "5.1", status="in progress")
    assert planned_actions(store, service.id) == {}


def test_a_date_object_is_accepted(store: Store, service: Service) -> None:
    assert save(store, service, "1.1", deadline=date(2027, 2, 28)).deadline == "2027-02-28"


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"deadline": "31/03/2027"}, "The deadline must be a real date written as YYYY-MM-DD, for example 2027-03-31."),
        ({"deadline": "2027-02-30"}, "2027-02-30 is not a real date."),
        ({"deadline": "2027-3-1"}, "must be a real date written as YYYY-MM-DD"),
        ({"deadline": "next week"}, "must be a real date written as YYYY-MM-DD"),
        ({"deadline": 20270331}, "must be a real date written as YYYY-MM-DD"),
        ({"deadline": datetime(2027, 3, 31, 9, 0)}, "must be a real date written as YYYY-MM-DD"),
        ({"status": "finished"}, "The status must be one of: not started, in progress, done."),
        ({"status": None}, "The status must be one of"),
        (
            {"action": "x" * (MAX_ACTION + 1)},
            f"An action can be at most 2,000 characters; this one has {MAX_ACTION + 1:,}.",
        ),
        ({"action": 42}, "The action must be text."),
        ({"owner": "o" * 121}, "An owner can be at most 120 characters"),
        ({"owner": "Lead\x00"}, "The owner contains characters that cannot be shown."),
        ({"owner": ["Lead"]}, "The owner must be text."),
    ],
)
def test_bad_input_is_refused_with_a_plain_message_and_nothing_changes(
    store: Store, service: Service, fields: dict[str, object], message: str
) -> None:
    kept = save(store, service, "3.1", action="Keep me", owner="Lead", deadline="2027-06-30", status="in progress")
    with pytest.raises(ValueError, match=None) as caught:
        save(store, service, "3.1", **{"action": "Changed", "owner": "Other", "deadline": None, **fields})
    assert message in str(caught.value)
    assert planned_actions(store, service.id) == {"3.1": kept}


def test_an_action_of_exactly_the_limit_is_kept(store: Store, service: Service) -> None:
    assert len(save(store, service, "1.1", action="a" * MAX_ACTION).action) == MAX_ACTION


@pytest.mark.parametrize("sid", ["7.1", "1.7", "", None, 1.1, "1.1 "])
def test_an_unknown_statement_is_refused(store: Store, service: Service, sid: object) -> None:
    with pytest.raises(ValueError, match=r"There is no statement .* in the planner\."):
        save(store, service, sid, action="Something")  # type: ignore[arg-type]
    assert planned_actions(store, service.id) == {}


def test_an_unknown_service_is_refused(store: Store, service: Service) -> None:
    with pytest.raises(ValueError, match=r"That service is no longer in the store\."):
        save_action(store, service.id + 99, "1.1", action="x", owner="", deadline=None, status="done")


# --- exports ------------------------------------------------------------------------------------


@pytest.fixture
def plan(store: Store, service: Service) -> dict[str, PlannedAction]:
    store.save(service.id, "1.1", score=0)
    store.save(service.id, "2.3", score=1)
    store.save(service.id, "2.4", score=3)
    store.save(service.id, "4.6", score=2)
    save(
        store,
        service,
        "1.1",
        action="Add an \u201conline element?\u201d field",
        owner="Intake team",
        deadline="2027-01-31",
        status="in progress",
    )
    save(store, service, "2.3", action=FORMULA, owner="@lead", deadline=None, status="not started")
    save(store, service, "4.6", action="-Encrypt every laptop", owner="+IT", deadline="2026-12-15", status="done")
    save(store, service, "6.6", action="Monthly update", owner="", deadline=None, status="done")
    return planned_actions(store, service.id)


def workbook(planner: Planner, service: Service, store: Store, plan: dict[str, PlannedAction], **kw: object):  # type: ignore[no-untyped-def]
    data = action_plan_xlsx(planner, service, store.answers(service.id), plan, on=date(2026, 11, 29), **kw)  # type: ignore[arg-type]
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_has_a_summary_and_one_sheet_per_section(store, service, planner, plan) -> None:  # type: ignore[no-untyped-def]
    book = workbook(planner, service, store, plan, round_number=2)
    assert book.sheetnames == ["Summary", *(f"{s.number}. {s.title}" for s in planner.sections)]
    summary = book["Summary"]
    facts = {row[0]: row[1] for row in summary.iter_rows(min_row=3, max_row=6, max_col=2, values_only=True)}
    assert facts["Service"] == "Riverside CAMHS"
    assert facts["Date"] == datetime(2026, 11, 29)  # a real date cell
    assert summary["B4"].is_date
    assert facts["Round"] == 2
    assert facts["Planner"].startswith(planner.title)
    rows = list(summary.iter_rows(values_only=True))
    by_status = {row[0]: row[1] for row in rows if row[0] in (*STATUSES, "All actions")}
    assert by_status == {"not started": 1, "in progress": 1, "done": 2, "All actions": 4}
    header = rows.index(("Section", "Statements scored", "Average score (0-4)", "Actions planned", "Actions done"))
    sections = rows[header + 1 : header + 7]
    assert sections[0] == ("1. Data", "1 of 6", 0, 1, 0)
    assert sections[1] == ("2. Staff training", "2 of 6", 2, 1, 0)  # (1 + 3) / 2
    assert sections[3] == ("4. Data sharing", "1 of 6", 2, 1, 1)
    assert sections[5] == ("6. Parents and carers", "0 of 6", "not scored", 1, 1)
    assert any(row[0] == planner.source.credit for row in rows)
    assert summary["A1"].font.bold


def test_xlsx_without_a_round_leaves_the_round_out(store, service, planner, plan) -> None:  # type: ignore[no-untyped-def]
    summary = workbook(planner, service, store, plan)["Summary"]
    assert "Round" not in [row[0] for row in summary.iter_rows(values_only=True)]


def test_xlsx_section_sheets_hold_every_statement_with_its_action(store, service, planner, plan) -> None:  # type: ignore[no-untyped-def]
    book = workbook(planner, service, store, plan)
    data = book["1. Data"]
    rows = list(data.iter_rows(values_only=True))
    assert rows[0] == SHEET_COLUMNS
    assert [row[0] for row in rows[1:]] == [s.id for s in planner.section("data").statements]
    assert rows[1] == (
        "1.1",
        planner.statement("1.1").text,
        0,
        "Add an \u201conline element?\u201d field",
        "Intake team",
        datetime(2027, 1, 31),
        "in progress",
    )
    assert data["F2"].is_date and data["F2"].number_format == "yyyy-mm-dd"
    assert rows[2][2:] == ("not scored", None, None, None, None)  # 1.2: no score, no action
    sharing = list(book["4. Data sharing"].iter_rows(values_only=True))
    assert sharing[6][5] == datetime(2026, 12, 15) and sharing[6][6] == "done"


def test_xlsx_is_formatted(store, service, planner, plan) -> None:  # type: ignore[no-untyped-def]
    sheet = workbook(planner, service, store, plan)["2. Staff training"]
    for cell in sheet[1]:
        assert cell.font.bold
        assert cell.fill.fgColor.rgb.endswith("0B4F9C")
        assert cell.font.color.rgb.endswith("FFFFFF")
    assert sheet.freeze_panes == "A2"
    assert sheet["B2"].alignment.wrap_text and sheet["D2"].alignment.wrap_text
    assert sheet.column_dimensions["B"].width >= 40 and sheet.column_dimensions["D"].width >= 40
    assert sheet.column_dimensions["A"].width < 20
    validations = sheet.data_validations.dataValidation
    assert validations and validations[0].formula1 == '"not started,in progress,done"'


def test_xlsx_text_cannot_run_as_a_formula(store, service, planner, plan) -> None:  # type: ignore[no-untyped-def]
    hostile = store.create_service("=cmd|' /C calc'!A0", planner.version)
    save(store, hostile, "2.3", action=FORMULA, owner="@lead")
    book = workbook(planner, hostile, store, planned_actions(store, hostile.id))
    assert book["Summary"]["B3"].value == "'=cmd|' /C calc'!A0"
    training = book["2. Staff training"]
    assert training["D4"].value == "'" + FORMULA and training["D4"].data_type == "s"
    assert training["E4"].value == "'@lead"
    ours = workbook(planner, service, store, plan)
    assert ours["4. Data sharing"]["D7"].value == "'-Encrypt every laptop"
    assert ours["4. Data sharing"]["E7"].value == "'+IT"
    for sheet in ours.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"


def test_xlsx_redacts_probable_personal_data_when_asked(store, service, planner) -> None:  # type: ignore[no-untyped-def]
    save(store, service, "3.3", action="Call Mrs Smith on 07700 900123 about the referral")
    plan = planned_actions(store, service.id)
    plain = workbook(planner, service, store, plan)["3. Assessment tools"]["D4"].value
    redacted = workbook(planner, service, store, plan, redact=True)["3. Assessment tools"]["D4"].value
    assert "07700 900123" in plain and "Smith" in plain
    assert "07700" not in redacted and "Smith" not in redacted
    assert "[phone number removed]" in redacted and "[name removed]" in redacted


def test_csv_has_one_row_per_planned_action(store, service, planner, plan) -> None:  # type: ignore[no-untyped-def]
    text = action_plan_csv(planner, service, store.answers(service.id), plan)
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [row[1] for row in rows[1:]] == ["1.1", "2.3", "4.6", "6.6"]
    first = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert first["section"] == "Data" and first["score"] == "0" and first["deadline"] == "2027-01-31"
    assert first["action"] == "Add an \u201conline element?\u201d field" and first["status"] == "in progress"
    second = dict(zip(CSV_COLUMNS, rows[2], strict=True))
    assert second["action"] == "'" + FORMULA and second["owner"] == "'@lead" and second["deadline"] == ""
    third = dict(zip(CSV_COLUMNS, rows[3], strict=True))
    assert third["action"] == "'-Encrypt every laptop" and third["owner"] == "'+IT"
    assert dict(zip(CSV_COLUMNS, rows[4], strict=True))["score"] == ""  # 6.6 is not scored


def test_csv_of_an_empty_plan_is_the_header(store, service, planner) -> None:  # type: ignore[no-untyped-def]
    assert action_plan_csv(planner, service, {}, {}) == ",".join(CSV_COLUMNS) + "\r\n"


# --- the command --------------------------------------------------------------------------------


@pytest.fixture
def cli_env(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONLINE_LIVES_DB", store_url)


def test_cli_writes_the_xlsx(cli_env, store, service, planner, plan, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "plan.xlsx"
    assert main(["action-plan", "--service", "riverside camhs", "--format", "xlsx", "-o", str(out)]) == 0
    assert "4 planned actions for Riverside CAMHS" in capsys.readouterr().err
    book = openpyxl.load_workbook(out)
    assert book["Summary"]["B3"].value == "Riverside CAMHS"
    assert book["Summary"]["A5"].value == "Round" and book["Summary"]["B5"].value == 1  # course/rounds.py
    assert book["1. Data"]["D2"].value == "Add an \u201conline element?\u201d field"


def test_cli_writes_the_csv_to_a_file_or_standard_output(cli_env, store, service, plan, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "plan.csv"
    assert main(["action-plan", "--service", "Riverside CAMHS", "--format", "csv", "--output", str(out)]) == 0
    from_file = out.read_bytes().decode("utf-8")
    assert from_file.count("\r\n") == 5
    capsys.readouterr()
    assert main(["action-plan", "--service", service.slug, "--format", "csv"]) == 0
    assert capsys.readouterr().out == from_file


def test_cli_refuses_an_unknown_service_and_an_xlsx_without_a_file(cli_env, store, service, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["action-plan", "--service", "Nobody", "--format", "csv"]) == 1
    assert "No service called 'Nobody' in the store. Services: Riverside CAMHS." in capsys.readouterr().err
    assert main(["action-plan", "--service", "Riverside CAMHS", "--format", "xlsx"]) == 2
    assert "needs a file" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["action-plan", "--service", "Riverside CAMHS", "--format", "pdf", "-o", "x.pdf"])
    assert not Path("x.pdf").exists()
