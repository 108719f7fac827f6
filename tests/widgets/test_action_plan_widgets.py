"""The action plan editor, driven headless: typing and choosing save at once, bad input gets a
plain message and loses nothing, suggestions come with our guidance, exports follow the edits."""

from __future__ import annotations

import base64
import io
import re

import openpyxl
import pytest

from course.actions import MAX_ACTION, next_steps, planned_actions, save_action
from course.content import load_planner
from widgets import ProfilePage
from widgets.action_plan import ActionPlanEditor, parse_deadline

PLANNER = load_planner()


@pytest.fixture
def service(store):  # type: ignore[no-untyped-def]
    created = store.create_service("Riverside CAMHS", PLANNER.version)
    for sid, score in (("1.1", 0), ("1.2", 4), ("1.3", 2), ("2.3", 1), ("4.6", 2), ("5.1", 3)):
        store.save(created.id, sid, score=score)
    return created


@pytest.fixture
def editor(service):  # type: ignore[no-untyped-def]
    shown = ActionPlanEditor()
    shown.show(service)
    return shown


def stored(store, service):  # type: ignore[no-untyped-def]
    return planned_actions(store, service.id)


def test_suggests_the_lowest_statements_lowest_first_with_guidance(editor) -> None:  # type: ignore[no-untyped-def]
    assert [r.statement.id for r in editor.rows] == ["1.1", "2.3", "1.3", "4.6"]  # 0, 1, 2, 2 (planner order)
    row = editor.row("2.3")
    assert "Scored 1: " + PLANNER.scale[1].descriptor in row._heading.value
    assert "<details open>" in row._guidance.value  # open while there is no action yet
    assert next_steps()["2.3"].first_action.replace('"', "&quot;") in row._guidance.value
    assert row._action.description == "Action for 2.3"
    assert row._owner.description == "Owner for 2.3"
    assert row._deadline.description == "Deadline for 2.3 (YYYY-MM-DD)"
    assert row._status.description == "Status for 2.3"
    assert row._use.description == "Use the suggested action for 2.3"
    assert "30 of 36 statements are not scored yet" in editor._intro.value
    assert "0 actions in the plan" in editor._counts.value


def test_typing_saves_each_field(store, service, editor) -> None:  # type: ignore[no-untyped-def]
    row = editor.row("1.1")
    row._action.value = "Add an online element field to the referral form"
    assert stored(store, service)["1.1"].action == "Add an online element field to the referral form"
    row._owner.value = "Intake   team lead"
    row._deadline.value = "2027-03-31"
    row._status.value = "in progress"
    saved = stored(store, service)["1.1"]
    assert (saved.owner, saved.deadline, saved.status) == ("Intake team lead", "2027-03-31", "in progress")
    assert "Saved at" in row._message.value and "in progress, due 2027-03-31" in row._message.value
    assert "1 action in the plan: 0 not started, 1 in progress, 0 done." in editor._counts.value


def test_a_bad_deadline_gets_a_message_and_keeps_the_rest(store, service, editor) -> None:  # type: ignore[no-untyped-def]
    row = editor.row("2.3")
    row._action.value = "Standing item in supervision"
    row._owner.value = "Training lead"
    row._deadline.value = "2027-01-31"
    before = stored(store, service)["2.3"]
    row._deadline.value = "31/02/2027"
    assert "Not saved:" in row._message.value and "is not a real date" in row._message.value
    assert "ol-error" in row._message.value
    row._deadline.value = "next Tuesday"
    assert "YYYY-MM-DD" in row._message.value
    assert stored(store, service)["2.3"] == before  # nothing lost, nothing half-saved
    # Other fields still save; the message says the deadline box was not.
    row._owner.value = "Head of training"
    after = stored(store, service)["2.3"]
    assert (after.owner, after.deadline, after.action) == ("Head of training", "2027-01-31", before.action)
    assert "Saved at" in row._message.value and "The deadline was not saved" in row._message.value
    row._deadline.value = "2027-02-28"
    assert stored(store, service)["2.3"].deadline == "2027-02-28"
    assert "not saved" not in row._message.value


def test_messages_escape_what_was_typed(editor) -> None:  # type: ignore[no-untyped-def]
    row = editor.row("1.1")
    row._action.value = "Plan"
    row._deadline.value = '<img src=x onerror="alert(1)">'
    assert "<img" not in row._message.value
    row._owner.value = "<b>lead</b>\x07"
    assert "cannot be shown" in row._message.value and "<b>" not in row._message.value


def test_a_uk_date_is_understood() -> None:
    assert parse_deadline("31/03/2027") == "2027-03-31"
    assert parse_deadline(" 1/4/2027 ") == "2027-04-01"
    assert parse_deadline("") is None
    with pytest.raises(ValueError, match="not a real date"):
        parse_deadline("30/02/2027")


def test_use_the_suggested_action_saves_it_and_keeps_typed_text(store, service, editor) -> None:  # type: ignore[no-untyped-def]
    suggestion = next_steps()["4.6"].first_action
    row = editor.row("4.6")
    row._use.click()
    assert stored(store, service)["4.6"].action == suggestion
    assert row._action.value == suggestion
    row._use.click()  # twice: not repeated
    assert stored(store, service)["4.6"].action == suggestion
    other = editor.row("1.3")
    other._action.value = "Our own idea"
    other._use.click()
    assert stored(store, service)["1.3"].action == "Our own idea\n" + next_steps()["1.3"].first_action


def test_emptying_a_row_takes_it_off_the_plan(store, service, editor) -> None:  # type: ignore[no-untyped-def]
    row = editor.row("1.1")
    row._action.value = "Something"
    row._owner.value = "Lead"
    row._action.value = ""
    assert "1.1" in stored(store, service)
    row._owner.value = ""
    assert "1.1" not in stored(store, service)
    assert "taken off the action plan" in row._message.value
    row._status.value = "done"
    assert "Nothing to save yet" in row._message.value
    assert stored(store, service) == {}


def test_a_status_change_saves_pending_text_with_it(store, service) -> None:  # type: ignore[no-untyped-def]
    editor = ActionPlanEditor()
    editor.show(service)
    row = editor.row("1.1")
    calls: list[float] = []
    # Hold typing back, as the kernel's event loop would for 0.4 s.
    row._action_saver._call_later = lambda delay, fn: calls.append(delay)
    row._action.value = "Typed, not yet saved"
    assert calls and "1.1" not in stored(store, service)
    row._status.value = "in progress"
    saved = stored(store, service)["1.1"]
    assert (saved.action, saved.status) == ("Typed, not yet saved", "in progress")


def test_an_over_long_action_keeps_the_last_saved_one(store, service, editor) -> None:  # type: ignore[no-untyped-def]
    row = editor.row("1.1")
    row._action.value = "Short"
    row._action.value = "x" * (MAX_ACTION + 5)
    assert "at most 2,000 characters" in row._message.value
    assert stored(store, service)["1.1"].action == "Short"


def test_personal_data_in_an_action_gets_a_warning_but_is_saved(store, service, editor) -> None:  # type: ignore[no-untyped-def]
    row = editor.row("1.1")
    row._action.value = "Ring Mrs Patel on 07700 900123"
    assert "check for personal details" in row._warning.value
    assert "a UK phone number" in row._warning.value and "a name" in row._warning.value
    assert stored(store, service)["1.1"].action == "Ring Mrs Patel on 07700 900123"
    row._action.value = "Ring the school office"
    assert row._warning.value == ""


def test_add_an_action_for_another_statement(store, service, editor) -> None:  # type: ignore[no-untyped-def]
    values = [value for _label, value in editor._add.options]
    assert "6.6" in values and "1.1" not in values  # rows shown are not offered again
    assert editor._add.description == "Add an action for another statement"
    editor._add.value = "6.6"
    assert [r.statement.id for r in editor.rows][-1] == "6.6"
    assert editor._add.value == ""  # back to "Choose a statement"
    assert "6.6" not in [value for _label, value in editor._add.options]
    assert "6.6" not in stored(store, service)  # nothing saved until something is typed
    editor.row("6.6")._action.value = "Monthly update on what young people tell us"
    assert stored(store, service)["6.6"].action.startswith("Monthly update")
    assert "Not scored yet." in editor.row("6.6")._heading.value
    editor._on_add({"new": "9.9"})  # what a tampered browser could send
    assert "not a statement of the planner" in editor._add_message.value


def test_planned_statements_stay_listed_and_come_back_on_refresh(store, service) -> None:  # type: ignore[no-untyped-def]
    save_action(store, service.id, "5.1", action="Audit ten cases", owner="DSL", deadline="2027-05-01", status="done")
    editor = ActionPlanEditor()
    editor.show(service)
    ids = [r.statement.id for r in editor.rows]
    assert ids == ["1.1", "2.3", "1.3", "4.6", "5.1"]  # 5.1 scored 3, planned: listed after the lower ones
    row = editor.row("5.1")
    assert (row._action.value, row._owner.value, row._deadline.value, row._status.value) == (
        "Audit ten cases",
        "DSL",
        "2027-05-01",
        "done",
    )
    assert "<details>" in row._guidance.value  # closed once there is an action
    # Another person's edit, then a refresh.
    save_action(store, service.id, "5.1", action="Audit twenty cases", owner="DSL", deadline=None, status="done")
    editor.refresh()
    assert editor.row("5.1")._action.value == "Audit twenty cases"
    assert editor.row("5.1")._deadline.value == ""


def test_downloads_follow_every_save(store, service, editor) -> None:  # type: ignore[no-untyped-def]
    editor.row("1.1")._action.value = "First action"
    editor.row("1.1")._deadline.value = "2027-03-31"
    match = re.search(r'download="([^"]+\.xlsx)" href="data:([^;"]+);base64,([^"]+)"', editor._links.value)
    assert match and match.group(2) == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert match.group(1).startswith("online-lives-action-plan-riverside-camhs-")
    book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(match.group(3))))
    assert book["1. Data"]["D2"].value == "First action"
    assert book["1. Data"]["F2"].is_date
    assert "Action plan (xlsx)" in editor._links.value and "Action plan (CSV)" in editor._links.value
    csv_href = re.search(r'\.csv" href="data:text/csv;charset=utf-8;base64,([^"]+)"', editor._links.value)
    assert csv_href and "First action" in base64.b64decode(csv_href.group(1)).decode("utf-8")


def test_the_profile_page_holds_the_editor_and_its_downloads(store, service) -> None:  # type: ignore[no-untyped-def]
    page = ProfilePage()
    assert page._actions.layout.display == "none"  # no service yet
    page.set_service(service)
    assert page._actions in page.children and page._actions.downloads in page.children
    assert page.children.index(page._actions.downloads) > page.children.index(page._downloads)
    assert [r.statement.id for r in page._actions.rows] == ["1.1", "2.3", "1.3", "4.6"]
    page._actions.row("2.3")._use.click()
    page.refresh()
    assert page._actions.row("2.3")._action.value == next_steps()["2.3"].first_action
    assert "Action plan (xlsx)" in page._actions._links.value


def test_the_downloads_can_be_redacted(store, service, editor) -> None:  # type: ignore[no-untyped-def]
    editor.row("1.1")._action.value = "Ring Mrs Patel on 07700 900123"

    def csv_text() -> str:
        found = re.search(
            r'download="([^"]+)\.csv" href="data:text/csv;charset=utf-8;base64,([^"]+)"', editor._links.value
        )
        assert found
        return found.group(1) + "\n" + base64.b64decode(found.group(2)).decode("utf-8")

    assert "07700 900123" in csv_text()
    assert "personal data" in editor._redact.description
    editor._redact.value = True
    redacted = csv_text()
    assert "07700" not in redacted and "Patel" not in redacted and "[phone number removed]" in redacted
    assert "-redacted\n" in redacted  # the file name says so
    assert stored(store, service)["1.1"].action == "Ring Mrs Patel on 07700 900123"  # the store is untouched


def test_at_most_six_suggestions_at_once_and_the_rest_are_counted(store) -> None:  # type: ignore[no-untyped-def]
    low = store.create_service("Many Low Scores", PLANNER.version)
    ids = [s.id for s in PLANNER.statements[:10]]
    for sid in ids:
        store.save(low.id, sid, score=0)
    editor = ActionPlanEditor()
    editor.show(low)
    assert [r.statement.id for r in editor.rows] == ids[:6]
    assert "4 more statements are scored 0 to 2" in editor._intro.value
    editor.row("1.1")._action.value = "Planned"
    editor.refresh()
    assert [r.statement.id for r in editor.rows] == ids[:7]  # 1.1 planned, so 2.1 joins the suggestions
    assert "3 more statements are scored 0 to 2" in editor._intro.value
