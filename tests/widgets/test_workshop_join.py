"""The participants' side of a live workshop, driven headless: joining from a page, answers
pooled as they are given, free text shared only when ticked and checked, the participant id
carried by links, and answers the trainer reveals."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from course import workshops
from course.cases import case_bank
from course.content import load_planner
from course.quiz import CATEGORY_IDS
from course.store import workshop_answers_table, workshop_participants_table
from widgets import CasePage, HelpPage, HomePage, IntroductionPage, ProfilePage, QuizPage, SectionPage
from widgets.workshop_join import WorkshopJoin

PLANNER = load_planner()
CASE = case_bank().case("case-4-counting-what-we-see")


@pytest.fixture(autouse=True)
def grading_dir(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ONLINE_LIVES_GRADING", str(tmp_path / "grading"))
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)


@pytest.fixture
def service(store):  # type: ignore[no-untyped-def]
    return store.create_service("Riverside CAMHS", PLANNER.version)


@pytest.fixture
def workshop(store):  # type: ignore[no-untyped-def]
    made, _token = workshops.create_workshop(store, "Tuesday <b>session</b>")
    return made


def html_values(widget) -> list[str]:  # type: ignore[no-untyped-def]
    values = []
    if widget.__class__.__name__ == "HTML":
        values.append(widget.value)
    for child in getattr(widget, "children", ()):
        values.extend(html_values(child))
    return values


def page_html(widget) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(html_values(widget))


def join(box: WorkshopJoin, code: str, pseudonym: str = "") -> None:
    box._code.value = code
    box._pseudonym.value = pseudonym
    box._join.click()


def pooled(store) -> dict[tuple[str, str], object]:  # type: ignore[no-untyped-def]
    """Every pooled answer, as (kind, item) -> value."""
    t = workshop_answers_table
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(t.c.kind, t.c.item, t.c.value)).all()
    return {(kind, item): json.loads(value) for kind, item, value in rows}


def participants(store) -> int:  # type: ignore[no-untyped-def]
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(workshop_participants_table)).scalar_one()


def row(page: SectionPage, statement_id: str):  # type: ignore[no-untyped-def]
    return next(r for r in page._rows if r.statement.id == statement_id)


# --- joining -----------------------------------------------------------------------------------


def test_joining_with_a_good_code_shows_the_workshop_and_pseudonym(store, workshop):
    page = HomePage()
    assert "No real names or email addresses are asked for" in page_html(page.workshop)
    join(page.workshop, workshop.code.lower(), "Owl")
    joined = page.workshop._joined.value
    assert "You are in workshop <strong>Tuesday &lt;b&gt;session&lt;/b&gt;</strong> as <strong>Owl</strong>" in joined
    assert "shared with the room, anonymously" in joined
    assert 'role="status"' in joined
    assert page.workshop._form.layout.display == "none"
    assert page.workshop._joined_box.layout.display == "flex"
    person = workshops.participant(store, page.workshop.participant_id)
    assert person is not None and person.workshop_id == workshop.id and person.pseudonym == "Owl"
    assert workshops.summary(store, workshop).joined == 1


def test_the_pseudonym_is_optional(store, workshop):
    page = SectionPage("data")
    join(page.workshop, workshop.code)
    assert "as <strong>anonymous</strong>" in page.workshop._joined.value
    assert workshops.participant(store, page.workshop.participant_id).pseudonym == ""


@pytest.mark.parametrize("closed", [False, True])
def test_a_wrong_code_or_a_closed_workshop_says_so_and_stores_nothing(store, workshop, closed):
    if closed:
        workshops.close_workshop(store, workshop)
        code = workshop.code
    else:
        code = "ZZZZ<b>"
    page = QuizPage()
    join(page.workshop, code, "Owl")
    message = page.workshop._message.value
    assert 'role="alert"' in message and "Not joined." in message
    assert "<b>" not in message  # whatever was typed is escaped
    assert page.workshop.participant_id == "" and not page.workshop.joined
    assert participants(store) == 0
    assert "participant=" not in page._nav.value


def test_leaving_stops_pooling_and_drops_the_id_from_links(store, service, workshop):
    page = SectionPage("data")
    page.set_service(service)
    join(page.workshop, workshop.code)
    page.workshop._leave.click()
    assert "You have left" in page.workshop._message.value
    assert "participant=" not in page._nav.value
    row(page, "1.1")._score.value = 2
    assert store.answers(service.id)["1.1"].score == 2
    assert pooled(store) == {}


# --- the participant id follows the person ---------------------------------------------------------


def test_page_links_carry_the_participant_id(store, service, workshop):
    page = SectionPage("data")
    page.set_service(service)
    join(page.workshop, workshop.code)
    pid = page.workshop.participant_id
    links = re.findall(r'href="([^"]+)"', page._nav.value + page._footer.value + page._quiz_intro.value)
    internal = [link for link in links if ".ipynb" in link]
    assert len(internal) >= 12
    for link in internal:
        assert f"participant={pid}" in link and "service=riverside-camhs" in link, link

    home = HomePage()
    join(home.workshop, workshop.code)
    assert f"participant={home.workshop.participant_id}" in home._sections.value

    cases = CasePage()
    cases.show_case(None)
    join(cases.workshop, workshop.code)
    assert cases._body.children[0].value.count(f"participant={cases.workshop.participant_id}") == len(case_bank().cases)


@pytest.mark.parametrize("page_class", [HomePage, IntroductionPage, QuizPage, ProfilePage, HelpPage, CasePage])
def test_every_page_resumes_the_participant_from_the_address(store, workshop, monkeypatch, page_class):
    person = workshops.join(store, workshop.code, "Owl")
    monkeypatch.setenv("QUERY_STRING", f"participant={person.id}")
    page = page_class()
    page.start()
    assert page.workshop.joined and "as <strong>Owl</strong>" in page.workshop._joined.value
    assert f"participant={person.id}" in page._nav.value


def test_a_section_page_resumes_and_an_unknown_or_closed_participant_does_not(store, workshop, monkeypatch):
    person = workshops.join(store, workshop.code)
    monkeypatch.setenv("QUERY_STRING", f"participant={person.id}")
    page = SectionPage("data")
    page.start()
    assert page.workshop.participant_id == person.id

    for query in ("participant=not-a-participant", "participant=" + "x" * 500):
        monkeypatch.setenv("QUERY_STRING", query)
        other = SectionPage("data")
        other.start()
        assert not other.workshop.joined and "participant=" not in other._nav.value

    workshops.close_workshop(store, workshop)
    monkeypatch.setenv("QUERY_STRING", f"participant={person.id}")
    closed = SectionPage("data")
    closed.start()
    assert not closed.workshop.joined


# --- answers pooled as they are given --------------------------------------------------------------


def test_section_scores_are_pooled_and_clearing_removes_them(store, service, workshop):
    page = SectionPage("data")
    page.set_service(service)
    r = row(page, "1.1")
    r._score.value = 1
    assert pooled(store) == {}  # not joined: nothing pooled
    join(page.workshop, workshop.code)
    r._score.value = 3
    row(page, "1.2")._score.value = 0
    assert pooled(store) == {("statement", "1.1"): 3, ("statement", "1.2"): 0}
    assert store.answers(service.id)["1.1"].score == 3  # the page's own saving, unchanged
    assert workshops.summary(store, workshop).statements["1.1"].n == 1
    r._clear.click()
    assert ("statement", "1.1") not in pooled(store)
    assert store.answers(service.id)["1.1"].score is None


def test_quiz_answers_on_the_quiz_page_and_a_section_round_are_pooled(store, service, workshop):
    quiz_page = QuizPage()
    join(quiz_page.workshop, workshop.code)
    item = quiz_page.quiz.current
    quiz_page.quiz._boxes["content"].value = True
    quiz_page.quiz._boxes["commerce"].value = True
    quiz_page.quiz._check.click()

    section = SectionPage("safeguarding")
    section.set_service(service)
    join(section.workshop, workshop.code)
    section_item = section.quiz.current
    section.quiz._boxes["contact"].value = True
    section.quiz._check.click()

    answers = pooled(store)
    assert answers[("quiz", item.id)] == [c for c in CATEGORY_IDS if c in ("content", "commerce")]
    assert answers[("quiz", section_item.id)] == ["contact"]
    assert workshops.summary(store, workshop).quiz[item.id].n == 1


def test_case_choices_are_pooled_and_written_answers_are_not(store, workshop):
    page = CasePage()
    page.show_case(CASE.id, "learner-1")
    join(page.workshop, workshop.code)
    ex = page.exercise
    four_cs = next(q for q in ex._choices if q.question.id == "four-cs")
    four_cs._boxes["contact"].value = True
    four_cs._boxes["conduct"].value = True
    first = next(q for q in ex._choices if q.question.id == "first-step")
    first._radio.value = first.question.options[0].id
    next(q for q in ex._written if q.free.id == "reflection")._text.value = "Ask about her sleep."
    assert pooled(store) == {
        ("case", f"{CASE.id}/four-cs"): ["contact", "conduct"],
        ("case", f"{CASE.id}/first-step"): first.question.options[0].id,
    }
    assert store.case_drafts("learner-1", CASE.id)["reflection"] == "Ask about her sleep."


def test_a_closed_workshop_gives_a_notice_and_the_page_still_saves(store, service, workshop):
    page = SectionPage("data")
    page.set_service(service)
    join(page.workshop, workshop.code)
    workshops.close_workshop(store, workshop)
    row(page, "1.3")._score.value = 4
    assert store.answers(service.id)["1.3"].score == 4
    assert pooled(store) == {}
    notice = page.workshop._message.value
    assert "Not shared with the room." in notice and "Your own answers are still saved." in notice
    assert 'role="alert"' in notice


# --- free text: shared only when ticked, after the personal-data check -------------------------------


def test_evidence_is_shared_only_when_ticked_and_after_the_check(store, service, workshop):
    page = SectionPage("data")
    page.set_service(service)
    r = row(page, "1.1")
    share = page._shares["1.1"]
    assert share.layout.display == "none"  # not joined: no share box
    join(page.workshop, workshop.code)
    assert share.layout.display == "flex"
    assert share._box.description == "Share this text with the room (anonymously)"

    r._evidence.value = "Audit by Mr Smith, call 07700 900123"
    assert pooled(store) == {}  # typed, saved, but not shared

    share._box.value = True
    found = share._message.value
    assert "a UK phone number" in found and "a name" in found  # the check's finding, in words
    assert "\u201cMr Smith\u201d" in found and "07700 900123" in found
    assert 'role="alert"' in found
    assert pooled(store) == {}  # nothing shared before the second confirmation
    assert share._confirm.layout.display == "flex"

    share._anyway.click()
    assert pooled(store) == {("text", "statement/1.1"): "Audit by Mr Smith, call 07700 900123"}
    assert "Shared with the room" in share._message.value

    r._evidence.value = "Audit by Mr Smith, call 07700 900123, monthly"
    assert pooled(store)[("text", "statement/1.1")].endswith("monthly")  # edits shared while ticked
    r._evidence.value = "Monthly audit: ask jo@example.com"
    assert pooled(store)[("text", "statement/1.1")].endswith("monthly")  # something new: asked again
    assert "an email address" in share._message.value

    share._box.value = False
    assert ("text", "statement/1.1") not in pooled(store)
    r._evidence.value = "Monthly audit, reviewed"
    assert ("text", "statement/1.1") not in pooled(store)  # unticked: edits stay here
    assert store.answers(service.id)["1.1"].evidence == "Monthly audit, reviewed"


def test_text_with_nothing_found_is_shared_at_once_and_do_not_share_unticks(store, service, workshop):
    page = SectionPage("data")
    page.set_service(service)
    join(page.workshop, workshop.code)
    r, share = row(page, "1.2"), page._shares["1.2"]
    r._evidence.value = "Termly training log"
    share._box.value = True
    assert pooled(store) == {("text", "statement/1.2"): "Termly training log"}

    r2, share2 = row(page, "1.3"), page._shares["1.3"]
    r2._evidence.value = "Named Dr Jones"
    share2._box.value = True
    share2._dont.click()
    assert not share2.ticked and ("text", "statement/1.3") not in pooled(store)


def test_a_case_written_answer_is_shared_after_the_check(store, workshop):
    page = CasePage()
    page.show_case(CASE.id, "learner-1")
    join(page.workshop, workshop.code)
    question = next(q for q in page.exercise._written if q.free.id == "reflection")
    question._text.value = "Like a girl called Jamie Smith I knew"
    assert pooled(store) == {}
    question.share._box.value = True
    assert "a name" in question.share._message.value and pooled(store) == {}
    question.share._anyway.click()
    assert pooled(store) == {("text", f"case/{CASE.id}/reflection"): "Like a girl called Jamie Smith I knew"}


# --- answers the trainer reveals ------------------------------------------------------------------


def test_a_revealed_quiz_item_shows_its_key(store, workshop):
    page = QuizPage()
    join(page.workshop, workshop.code)
    item = page.quiz.current
    assert page.quiz._revealed.value == ""
    workshops.reveal(store, workshop, "quiz", item.id)
    page.workshop.poll()  # what the 2-second timer does on the kernel's loop
    shown = page.quiz._revealed.value
    assert f"Your trainer has shown the answer:</strong> {workshops.answer_key('quiz', item.id)}" in shown
    assert 'role="status"' in shown
    workshops.reveal(store, workshop, "quiz", item.id, shown=False)
    page.workshop.poll()
    assert page.quiz._revealed.value == ""


def test_a_revealed_case_question_shows_its_key_and_only_when_joined(store, workshop):
    workshops.reveal(store, workshop, "case", f"{CASE.id}/four-cs")
    page = CasePage()
    page.show_case(CASE.id, "learner-1")
    question = next(q for q in page.exercise._choices if q.question.id == "four-cs")
    assert question._revealed.value == ""
    join(page.workshop, workshop.code)  # joining reads the reveals at once
    key = workshops.answer_key("case", f"{CASE.id}/four-cs")
    assert key and f"Your trainer has shown the answer:</strong> {key}" in question._revealed.value
    page.workshop._leave.click()
    assert question._revealed.value == ""


def test_no_polling_without_a_kernel_loop_or_when_not_joined(store, workshop):
    box = WorkshopJoin()
    box.poll()  # not joined: nothing to read, nothing raised
    assert box._timer is None
    join(box, workshop.code)
    assert box._timer is None  # no kernel event loop here: tests poll by hand
