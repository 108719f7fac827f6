"""The case studies page, driven headless: the list, one case's exercise, the learner id,
autosave and restore, escaping, the personal-data warning, Submit and feedback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from traitlets import TraitError

from course.cases import case_bank
from grading import submission
from widgets import CasePage
from widgets.case_page import ChoiceQuestion, WrittenQuestion

BANK = case_bank()
CASE = BANK.case("case-4-counting-what-we-see")


@pytest.fixture(autouse=True)
def grading_dir(tmp_path, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "grading"
    monkeypatch.setenv("ONLINE_LIVES_GRADING", str(folder))
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    return folder


def open_case(case_id: str = CASE.id, learner: str | None = None) -> CasePage:
    page = CasePage()
    page.show_case(case_id, learner)
    return page


def choice(page: CasePage, question_id: str) -> ChoiceQuestion:
    return next(q for q in page.exercise._choices if q.question.id == question_id)


def written(page: CasePage, question_id: str = "reflection") -> WrittenQuestion:
    return next(q for q in page.exercise._written if q.free.id == question_id)


def html_values(widget) -> list[str]:  # type: ignore[no-untyped-def]
    """Every HTML value under a widget, however deep."""
    values = []
    if hasattr(widget, "value") and widget.__class__.__name__ == "HTML":
        values.append(widget.value)
    for child in getattr(widget, "children", ()):
        values.extend(html_values(child))
    return values


def page_html(page: CasePage) -> str:
    return "\n".join(html_values(page))


def answer_everything(page: CasePage) -> None:
    for q in page.exercise._choices:
        if q.question.kind == "multi":
            q._boxes[q.question.options[0].id].value = True
        else:
            q._radio.value = q.question.options[0].id
    for q in page.exercise._written:
        q._text.value = "Ask about her online contacts and her sleep."


# --- the list and every case ------------------------------------------------------------------


def test_without_a_case_the_page_lists_every_case(store, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "")
    page = CasePage()
    page.start()
    assert page.exercise is None
    listing = page._body.children[0].value
    for case in BANK.cases:
        assert f"case-studies.ipynb?case={case.id}" in listing
        assert case.title.replace("'", "&#x27;") in listing
    assert listing.count("<td>Fictional</td>") == sum(c.fictional for c in BANK.cases)
    assert "From the planner" in listing
    assert "4. Data sharing" in listing or "Data sharing" in listing
    assert 'role="alert"' not in page._notice.value


def test_an_unknown_case_says_so_plainly_and_lists_the_cases(store, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "case=<b>no-such-case</b>")
    page = CasePage()
    page.start()
    assert page.exercise is None
    assert "There is no case called" in page._notice.value
    assert "&lt;b&gt;no-such-case&lt;/b&gt;" in page._notice.value
    assert "<b>" not in page._notice.value
    assert f"case={CASE.id}" in page._body.children[0].value


@pytest.mark.parametrize("case", BANK.cases, ids=lambda c: c.id)
def test_every_case_builds_without_answers_or_assessor_notes(store, case):
    page = open_case(case.id)
    html = page_html(page)
    assert f"<h1>Case {case.number}: " in page._title.value
    assert len(page.exercise._choices) == len(case.questions)
    assert len(page.exercise._written) == len(case.free_text)
    for q in case.questions:
        assert f"{q.points} point" in html
        assert q.feedback.replace("'", "&#x27;").replace('"', "&quot;") not in html
        widget = choice(page, q.id)
        if q.kind == "multi":
            assert [b.description for b in widget._boxes.values()] == [o.label for o in q.options]
            assert all(b.indent is False for b in widget._boxes.values())
        else:
            assert widget._radio.value is None
            assert widget._radio.options == tuple((o.label, o.id) for o in q.options)
    for free in case.free_text:
        for line in free.assessor_notes.splitlines():
            assert line.strip()[:60] not in html
        for criterion in free.rubric:
            assert criterion.criterion.replace("'", "&#x27;") in html  # the rubric is shown
        assert written(page, free.id)._text.rows >= 5
    if case.origin == "seed":
        assert BANK.credit.replace("'", "&#x27;") in html
    assert "Questions this module answers" in html and "Key points" in html


# --- the learner id ------------------------------------------------------------------------------


def test_questions_are_disabled_until_there_is_a_learner_id(store):
    page = open_case()
    ex = page.exercise
    assert "Enter your learner id to start" in ex._status.value
    assert all(b.disabled for b in choice(page, "four-cs")._boxes.values())
    assert choice(page, "first-step")._radio.disabled
    assert written(page)._text.disabled
    assert ex._submit.disabled
    assert "name" in page_html(page) and "child" in page_html(page)
    ex._learner_box.value = "staff-0042"
    assert ex.learner == "staff-0042"
    assert not any(b.disabled for b in choice(page, "four-cs")._boxes.values())
    assert not written(page)._text.disabled and not ex._submit.disabled
    assert "Answering as <strong>staff-0042</strong>" in ex._status.value


def test_an_invalid_learner_id_shows_the_reason_escaped(store):
    page = open_case()
    ex = page.exercise
    ex._learner_box.value = "<script>alert(1)</script>"
    assert ex.learner is None
    assert 'class="ol-error" role="alert"' in ex._learner_message.value
    with pytest.raises(ValueError) as caught:
        submission.clean_learner_id("<script>alert(1)</script>")
    assert str(caught.value).replace("'", "&#x27;") in ex._learner_message.value
    assert "<script>" not in page_html(page)
    assert choice(page, "first-step")._radio.disabled
    # A good id afterwards clears the error.
    ex._learner_box.value = "jsmith"
    assert ex._learner_message.value == ""


def test_a_hub_learner_id_is_filled_in_and_read_only(store, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "hub-user-7")
    monkeypatch.setenv("QUERY_STRING", f"case={CASE.id}&learner=someone-else")
    page = CasePage()
    page.start()
    ex = page.exercise
    assert ex.learner == "hub-user-7"
    assert ex._learner_box.value == "hub-user-7" and ex._learner_box.disabled


def test_the_learner_id_can_come_from_the_query(store, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", f"case={CASE.id}&learner=from-query")
    page = CasePage()
    page.start()
    assert page.exercise.learner == "from-query"
    assert not page.exercise._learner_box.disabled


# --- autosave and restore -----------------------------------------------------------------------


def test_every_answer_is_saved_and_restored_for_the_same_learner(store):
    page = open_case(learner="learner-a")
    choice(page, "four-cs")._boxes["contact"].value = True
    choice(page, "four-cs")._boxes["conduct"].value = True
    choice(page, "first-step")._radio.value = "listen-record"
    written(page)._text.value = "Ask about streaks and the rating chat."
    assert store.case_drafts("learner-a", CASE.id) == {
        "four-cs": ["contact", "conduct"],
        "first-step": "listen-record",
        "reflection": "Ask about streaks and the rating chat.",
    }
    assert "Last saved at" in page.exercise._status.value

    again = open_case(learner="learner-a")
    assert choice(again, "four-cs").value == ["contact", "conduct"]
    assert choice(again, "first-step").value == "listen-record"
    assert written(again)._text.value == "Ask about streaks and the rating chat."
    assert "3 saved answers were restored" in again.exercise._status.value
    # Restoring does not write again, and another learner sees nothing of it.
    other = open_case(learner="learner-b")
    assert choice(other, "four-cs").value == []
    assert choice(other, "first-step").value is None
    assert written(other)._text.value == ""


def test_clearing_a_single_choice_saves_none(store):
    page = open_case(learner="learner-a")
    q = choice(page, "first-step")
    q._radio.value = "screenshots"
    q._clear.click()
    assert q.value is None
    assert store.case_drafts("learner-a", CASE.id)["first-step"] is None


def test_values_a_browser_cannot_legitimately_send_are_refused(store):
    page = open_case(learner="learner-a")
    with pytest.raises(TraitError):
        choice(page, "first-step")._radio.value = "not-an-option"
    assert "first-step" not in store.case_drafts("learner-a", CASE.id)
    # A stored draft that is no longer an option is not shown.
    store.save_case_draft("learner-a", CASE.id, "first-step", "gone")
    store.save_case_draft("learner-a", CASE.id, "four-cs", ["contact", "gone"])
    again = open_case(learner="learner-a")
    assert choice(again, "first-step").value is None
    assert choice(again, "four-cs").value == ["contact"]


def test_typed_html_is_saved_as_typed_and_never_shown_unescaped(store):
    page = open_case(learner="learner-a")
    text = "<script>alert('x')</script> a boy called Jamie Smith"
    written(page)._text.value = text
    assert store.case_drafts("learner-a", CASE.id)["reflection"] == text
    html = page_html(page)
    assert "<script>" not in html
    assert "Check for personal details" in html


def test_the_personal_data_warning_fits_a_case(store):
    page = open_case(learner="learner-a")
    q = written(page)
    q._text.value = "I once worked with a boy called Jamie Smith"
    assert "Check for personal details" in q._warning.value
    assert "a name" in q._warning.value
    assert "not about a real child" in q._warning.value
    assert "Evidence" not in q._warning.value
    q._text.value = "Ask her about the group chat."
    assert q._warning.value == ""


# --- submitting -------------------------------------------------------------------------------------


@pytest.fixture
def submitted(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    calls = []

    def fake_submit(case, learner, choices, free_text):  # type: ignore[no-untyped-def]
        calls.append((case, learner, choices, free_text))
        return submission.Submission(
            learner=learner,
            assignment=case.id,
            path=tmp_path / "fake.ipynb",
            timestamp="2026-11-24 10:00:00.000000 UTC",
            notebook_bytes=b'{"cells": [], "note": "<b>caf\xc3\xa9</b>"}',
            filename=f"{case.id}.ipynb",
            kept_aside=tmp_path / "previous" if len(calls) > 1 else None,
        )

    monkeypatch.setattr(submission, "submit", fake_submit)
    monkeypatch.setattr(
        submission, "latest_submission", lambda case_id, learner: "2026-11-24 10:00:00.000000 UTC" if calls else None
    )
    return calls


def test_submit_with_unanswered_questions_asks_first(store, submitted):
    page = open_case(learner="learner-a")
    ex = page.exercise
    choice(page, "four-cs")._boxes["contact"].value = True
    ex._submit.click()
    assert submitted == []
    assert ex._confirm.layout.display == "flex"
    result = ex._result.value
    assert "5 of 6 questions are not answered yet" in result
    assert "question 2 (" in result and "question 6 (" in result and "question 1 (" not in result
    ex._keep_working.click()
    assert submitted == [] and ex._confirm.layout.display == "none"
    assert "Nothing was submitted" in ex._result.value
    ex._submit.click()
    ex._submit_anyway.click()
    assert len(submitted) == 1
    assert ex._confirm.layout.display == "none"


def test_submit_sends_the_choices_and_text_and_offers_the_file(store, submitted):
    page = open_case(learner="learner-a")
    ex = page.exercise
    choice(page, "four-cs")._boxes["contact"].value = True
    choice(page, "four-cs")._boxes["conduct"].value = True
    choice(page, "first-step")._radio.value = "listen-record"
    written(page)._text.value = "My answer"
    ex._submit.click()
    ex._submit_anyway.click()
    (case, learner, choices, free_text) = submitted[0]
    assert case == CASE and learner == "learner-a"
    assert choices == {
        "four-cs": ["contact", "conduct"],
        "vulnerabilities": [],
        "statements": [],
        "first-step": "listen-record",
        "signpost": [],
    }
    assert free_text == {"reflection": "My answer"}
    result = ex._result.value
    assert 'role="status"' in result and "Submitted at 2026-11-24 10:00:00.000000 UTC" in result
    assert f'download="{CASE.id}.ipynb"' in result
    assert "data:application/x-ipynb+json;charset=utf-8;base64," in result
    assert "Binder forgets your work when the session ends: download this file and send it to your assessor." in result
    assert "kept aside" not in result
    assert "Last submitted: 2026-11-24 10:00:00.000000 UTC" in ex._last_submitted.value
    # Everything answered: a second submission goes straight through, and says the first was kept.
    answer_everything(page)
    ex._submit.click()
    assert len(submitted) == 2
    assert "earlier submission was kept aside" in ex._result.value


def test_a_refused_submission_shows_the_reason_escaped(store, monkeypatch):
    def refuse(*_args):  # type: ignore[no-untyped-def]
        raise submission.SubmissionError("Question 6 is <too> long.")

    monkeypatch.setattr(submission, "submit", refuse)
    page = open_case(learner="learner-a")
    answer_everything(page)
    page.exercise._submit.click()
    assert 'class="ol-error" role="alert"' in page.exercise._result.value
    assert "Question 6 is &lt;too&gt; long." in page.exercise._result.value
    assert not page.exercise._submit.disabled


def test_an_unexpected_failure_shows_a_plain_message_not_a_traceback(store, monkeypatch):
    def broken(*_args):  # type: ignore[no-untyped-def]
        raise OSError("/secret/path: disk full")

    monkeypatch.setattr(submission, "submit", broken)
    page = open_case(learner="learner-a")
    answer_everything(page)
    page.exercise._submit.click()
    assert "Not submitted" in page.exercise._result.value
    assert "/secret/path" not in page.exercise._result.value
    assert "Traceback" not in page.exercise._result.value


# --- feedback ------------------------------------------------------------------------------------------


def test_feedback_is_shown_when_there_is_some(store, monkeypatch):
    document = '<html><body><h1>Feedback</h1><p>Score: 9 / 14 "good"</p><script>x()</script></body></html>'
    found = {"feedback": None}
    monkeypatch.setattr(submission, "feedback_for", lambda case_id, learner: found["feedback"])
    monkeypatch.setattr(submission, "latest_submission", lambda case_id, learner: "2026-11-25 09:00:00 UTC")
    page = open_case(learner="learner-a")
    ex = page.exercise
    assert ex._feedback.value == ""
    assert "Your feedback" not in page_html(page)
    ex._check_feedback.click()
    assert "No feedback yet" in ex._feedback.value

    found["feedback"] = submission.Feedback(
        html=document, submitted_at="2026-11-24 10:00:00 UTC", filename=f"{CASE.id}-feedback.html"
    )
    ex._check_feedback.click()
    shown = ex._feedback.value
    assert "<h2>Your feedback</h2>" in shown
    iframe = re.search(r"<iframe [^>]*>", shown).group(0)
    assert 'title="Feedback from your assessor"' in iframe and 'sandbox=""' in iframe
    assert 'srcdoc="&lt;html&gt;&lt;body&gt;&lt;h1&gt;Feedback' in iframe
    assert "&quot;good&quot;" in iframe and "<script>" not in shown
    assert f'download="{CASE.id}-feedback.html"' in shown
    assert "Last submitted: 2026-11-25 09:00:00 UTC" in ex._last_submitted.value
    assert "for an earlier submission" in shown

    # Feedback for the latest submission says nothing about an earlier one.
    found["feedback"] = submission.Feedback(
        html=document, submitted_at="2026-11-25 09:00:00 UTC", filename=f"{CASE.id}-feedback.html"
    )
    again = open_case(learner="learner-a")
    assert "<h2>Your feedback</h2>" in again.exercise._feedback.value
    assert "earlier submission" not in again.exercise._feedback.value


def test_no_feedback_and_no_submission_show_nothing_extra(store):
    page = open_case(learner="learner-a")
    assert page.exercise._feedback.value == ""
    assert "Not submitted yet" in page.exercise._last_submitted.value
