"""Module completion at the end of every module page, the learner carried in the links, quiz
rounds recorded under the learner, and the certificate page, driven headless."""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import pytest
from certificate_fixtures import complete_every_module, pass_every_quiz

from course import certificates
from course.cases import case_bank
from course.lessons import course
from widgets import CasePage, CertificatePage, IntroductionPage, ProfilePage, QuizPage, SectionPage
from widgets.module_complete import MARK, UNDO, ModuleComplete


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "grading"
    monkeypatch.setenv("ONLINE_LIVES_GRADING", str(folder))
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    for name in ("BINDER_LAUNCH_HOST", "BINDER_REQUEST", "BINDER_REPO_URL"):
        monkeypatch.delenv(name, raising=False)
    return folder


def html_values(widget) -> list[str]:  # type: ignore[no-untyped-def]
    values = []
    if widget.__class__.__name__ == "HTML":
        values.append(widget.value)
    for child in getattr(widget, "children", ()):
        values.extend(html_values(child))
    return values


def page_html(widget) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(html_values(widget))


# --- the widget ------------------------------------------------------------------------------


def test_no_learner_means_the_button_is_off_and_says_why(store):
    box = ModuleComplete("introduction")
    box.start({})
    assert box._button.disabled and box._button.description == MARK
    assert "Enter your learner id" in box._status.value
    box._button.click()
    assert certificates.completions(store, "ada") == {}


def test_marking_complete_is_saved_at_once_and_can_be_undone(store):
    box = ModuleComplete("data")
    box.start({"learner": "ada"})
    assert box._learner_box.value == "ada" and not box._button.disabled
    box._button.click()
    saved = certificates.completions(store, "ada")
    assert list(saved) == ["data"]
    assert f"Completed on {certificates.completed_on(saved['data'])}" in box._status.value
    assert "&#10003;" in box._status.value  # a symbol and words, not colour alone
    assert box._button.description == UNDO

    again = ModuleComplete("data")  # the page opened again later
    again.start({"learner": "ada"})
    assert again._button.description == UNDO and "Completed on" in again._status.value

    again._button.click()
    assert certificates.completions(store, "ada") == {}
    assert again._button.description == MARK and "Not marked complete yet" in again._status.value


@pytest.mark.parametrize("bad", ["", "   ", "<script>", "a" * 65, 42])
def test_a_bad_learner_id_gets_a_message_and_nothing_is_saved(store, bad):
    box = ModuleComplete("data")
    box.start({"learner": "ada"})
    box._learner_box.value = bad if isinstance(bad, str) else "x"
    if not isinstance(bad, str):
        box._apply(bad)  # a browser can send anything
    assert box.learner == "" and box._button.disabled
    assert 'role="alert"' in box._learner_message.value
    assert "<script>" not in box._learner_message.value
    box._button.click()
    assert certificates.completions(store, "ada") == {}


def test_a_hub_user_is_the_learner_and_cannot_be_changed(store, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_USER", "jsmith")
    box = ModuleComplete("profile")
    box.start({"learner": "someone-else"})
    assert box.learner == "jsmith" and box._learner_box.disabled and box._use.disabled


def test_a_store_failure_gets_a_plain_message(store, monkeypatch):
    box = ModuleComplete("data")
    box.start({"learner": "ada"})

    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database is locked")

    monkeypatch.setattr(certificates, "mark_complete", broken)
    box._button.click()
    assert "Not saved." in box._status.value and "database" not in box._status.value


# --- on every module page ---------------------------------------------------------------------------


PAGES = [
    (IntroductionPage, (), "introduction"),
    (SectionPage, ("data",), "data"),
    (QuizPage, (), "four-cs-quiz"),
    (CasePage, (), "case-studies"),
    (ProfilePage, (), "profile"),
]


def test_every_module_of_the_course_plan_has_a_page_class_here():
    assert {module for _cls, _args, module in PAGES} | {m.id for m in course().modules if m.kind == "section"} == {
        m.id for m in course().modules
    }


@pytest.mark.parametrize(("cls", "args", "module"), PAGES)
def test_every_module_page_ends_with_the_box_and_carries_the_learner(store, monkeypatch, cls, args, module):
    monkeypatch.setenv("QUERY_STRING", "learner=ada")
    page = cls(*args)
    page.start()
    assert page.completion.module.id == module
    assert page.completion.learner == "ada"
    nav = page._nav.value
    links = re.findall(r'href="([^"]+)"', nav)
    assert links and all("learner=ada" in link for link in links), links
    page.completion._button.click()
    assert module in certificates.completions(store, "ada")
    # Typing another id carries that one instead.
    page.completion._learner_box.value = "bea"
    assert "learner=bea" in page._nav.value and "learner=ada" not in page._nav.value


def test_the_section_page_footer_links_carry_the_learner(store, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "learner=ada")
    page = SectionPage("data")
    page.start()
    assert "02-staff-training.ipynb?learner=ada" in page._footer.value
    assert "four-cs-quiz.ipynb?learner=ada" in page._quiz_intro.value


def answer_one(quiz) -> None:  # type: ignore[no-untyped-def]
    next(iter(quiz._boxes.values())).value = True
    quiz._check.click()


def learners_of_rounds(store) -> list:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from course.store import quiz_rounds_table

    with store.engine.connect() as conn:
        return [row.learner for row in conn.execute(sa.select(quiz_rounds_table.c.learner)).all()]


def test_quiz_rounds_record_the_learner(store, monkeypatch):
    monkeypatch.setenv("QUERY_STRING", "learner=ada")
    page = QuizPage()
    page.start()
    answer_one(page.quiz)
    assert learners_of_rounds(store) == ["ada"]


def test_a_round_begun_before_the_learner_was_typed_is_recorded_under_them(store):
    page = SectionPage("data")
    page.start()
    answer_one(page.quiz)
    assert learners_of_rounds(store) == [None]
    page.completion._learner_box.value = "ada"
    assert learners_of_rounds(store) == ["ada"]


# --- the certificate page --------------------------------------------------------------------------


def graded_everything(learner: str):  # type: ignore[no-untyped-def]
    """Every case graded in full, as the gradebook would say (the real gradebook is read in
    tests/unit/test_certificates.py and the browser test)."""
    return {
        c.id: certificates.CaseGrade(c.id, "graded", "2026-11-29 10:00:00 UTC", float(c.points), float(c.points))
        for c in case_bank().cases
    }


def test_the_certificate_page_without_a_learner_asks_for_one(store):
    page = CertificatePage()
    page.start()
    assert page._download.disabled
    assert "Enter your learner id" in page._todo.value


def test_an_ineligible_learner_sees_why_with_links_and_no_download(store, monkeypatch):
    complete_every_module(store, "ada", leave_out=("safeguarding",))
    monkeypatch.setenv("QUERY_STRING", "learner=ada")
    page = CertificatePage()
    page.start()
    assert page._download.disabled
    todo, checklist = page._todo.value, page._checklist.value
    assert "Not yet:" in todo
    assert 'href="05-safeguarding.ipynb?learner=ada#module-complete"' in todo
    assert "Safeguarding</a>: Not marked complete yet." in todo
    assert "case-studies.ipynb?case=case-1-shared-images&amp;learner=ada" in todo
    assert "&#10007;</span> Not yet" in checklist and "&#10003;</span> Met" in checklist
    assert "<caption" in checklist and 'scope="row"' in checklist and 'scope="col"' in checklist
    assert "Modules marked complete: 9 of 10" in checklist
    page._download.click()  # a browser can send a click to a disabled button
    assert "No certificate yet" in page._result.value and "data:" not in page._result.value


def test_an_eligible_learner_downloads_a_pdf(store, monkeypatch):
    from pypdf import PdfReader

    complete_every_module(store, "ada")
    pass_every_quiz(store, "ada")
    monkeypatch.setattr(certificates, "case_grades", lambda learner, grading_dir=None: graded_everything(learner))
    monkeypatch.setenv("QUERY_STRING", "learner=ada")
    page = CertificatePage()
    page.start()
    assert not page._download.disabled
    assert "Every requirement is met" in page._todo.value
    page._download.click()
    assert "Type your name" in page._result.value and "data:" not in page._result.value
    page._name.value = "  Ada   <b>Lovelace</b> "
    page._download.click()
    found = re.search(r'href="data:application/pdf;base64,([^"]+)"', page._result.value)
    assert found, page._result.value
    assert 'download="online-lives-certificate-ada-' in page._result.value
    text = PdfReader(io.BytesIO(base64.b64decode(found.group(1)))).pages[0].extract_text()
    assert "Ada <b>Lovelace</b>" in " ".join(text.split())
    assert certificates.completions(store, "ada")  # the name is not stored anywhere
    assert "Lovelace" not in Path(store.engine.url.database).read_bytes().decode("latin-1")


def text_boxes(widget) -> list:  # type: ignore[no-untyped-def]
    found = [widget] if widget.__class__.__name__ == "Text" else []
    for child in getattr(widget, "children", ()):
        found.extend(text_boxes(child))
    return found


def test_on_a_case_the_exercise_asks_for_the_learner_once_and_the_box_follows(store, monkeypatch):
    case = case_bank().cases[0]
    monkeypatch.setenv("QUERY_STRING", f"case={case.id}")
    page = CasePage()
    page.start()
    assert [b.description for b in text_boxes(page)].count("Your learner id") == 1
    assert page.completion._button.disabled
    page.exercise._learner_box.value = "ada"
    assert page.completion.learner == "ada" and not page.completion._button.disabled
    assert "learner=ada" in page._nav.value
    page.completion._button.click()
    assert "case-studies" in certificates.completions(store, "ada")
