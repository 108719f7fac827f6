"""The trainer's workshop dashboard, driven headless."""

from __future__ import annotations

import base64
import io
import json
import re
import time

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from course import workshops as ws
from course.quiz import item_bank
from course.store import workshop_answers_table
from widgets import WorkshopDashboard
from widgets.workshop_dashboard import HIDDEN_MESSAGE

QUIZ_ITEM = item_bank().items[0].id
CASE_ITEM = "case-1-shared-images/four-cs"


@pytest.fixture
def workshop(store):  # type: ignore[no-untyped-def]
    return ws.create_workshop(store, "Tuesday <b>session</b>")


def answer(store, workshop, n: int, score: int = 2):  # type: ignore[no-untyped-def]
    people = [ws.join(store, workshop.code, f"<script>alert({i})</script>") for i in range(n)]
    for p in people:
        ws.record(store, p.id, "statement", "1.1", score)
        ws.record(store, p.id, "quiz", QUIZ_ITEM, ["contact"])
        ws.record(store, p.id, "case", CASE_ITEM, ["conduct"])
        ws.record(store, p.id, "text", "statement/1.1", "<script>alert('x')</script> we audit")
    return people


def opened(code: str, token: str) -> WorkshopDashboard:
    page = WorkshopDashboard()
    page.start()
    page._code.value = code
    page._token.value = token
    page._open.click()
    return page


def all_html(widget) -> str:  # type: ignore[no-untyped-def]
    """The HTML of every HTML widget on the page (not what is typed into fields)."""
    import ipywidgets as ipw

    parts = []
    value = getattr(widget, "value", None)
    if isinstance(widget, ipw.HTML) and isinstance(value, str):
        parts.append(value)
    for child in getattr(widget, "children", ()):
        parts.append(all_html(child))
    return "\n".join(parts)


def test_wrong_token_wrong_code_show_a_message_and_no_data(store, workshop):
    w, token = workshop
    answer(store, w, 3)
    page = opened(w.code, "not-the-token")
    assert 'role="alert"' in page._message.value and "does not match" in page._message.value
    assert page._board.layout.display == "none" and page.workshop is None and page.last_summary is None
    assert "not-the-token" not in all_html(page)
    page = opened("ABC", token)
    assert "join code is 6" in page._message.value and page.workshop is None
    other = "BCDEFG" if w.code != "BCDEFG" else "CDEFGH"
    page = opened(other, token)
    assert "No workshop has the code" in page._message.value and page._board.layout.display == "none"


def test_three_answers_show_distributions_two_are_hidden(store, workshop):
    w, token = workshop
    answer(store, w, 2)
    page = opened(w.code.lower(), token)
    assert page.workshop == w and page._token.value == ""  # the token is not kept in the page
    statement = page._statement_panels["1.1"]._html.value
    assert HIDDEN_MESSAGE in statement and "2 answered" in statement and "<table" not in statement
    assert HIDDEN_MESSAGE in page._quiz_panels[QUIZ_ITEM]._html.value
    assert "Fewer than 3 people" in page._confusion.value
    assert "<strong>2</strong> joined" in page._room.value

    answer(store, w, 1)
    page._tick()  # the refresh handler: picks up the new answers
    statement = page._statement_panels["1.1"]._html.value
    assert "<table" in statement and "3 answered" in statement and HIDDEN_MESSAGE not in statement
    assert re.search(r"2: [^<]*</th><td>3</td>", statement)
    assert "width: 100%" in statement
    quiz = page._quiz_panels[QUIZ_ITEM]._html.value
    assert "<td>3</td>" in quiz and "hidden until you press Reveal" in quiz
    assert "<table" in page._confusion.value
    assert "<strong>3</strong> joined" in page._room.value
    assert page._case_panels[CASE_ITEM]._html.value.count("<td>3</td>") == 1


def test_reveal_shows_the_key_and_hide_hides_it(store, workshop):
    w, token = workshop
    answer(store, w, 3)
    page = opened(w.code, token)
    panel = page._quiz_panels[QUIZ_ITEM]
    key = ws.answer_key("quiz", QUIZ_ITEM)
    assert "Right answer (revealed)" not in panel._html.value and "(right answer)" not in panel._html.value
    assert panel._hide.disabled
    panel._reveal.click()
    assert f"Right answer (revealed): <strong>{key}</strong>" in panel._html.value
    assert ws.revealed(store, w.id) == {("quiz", QUIZ_ITEM)}
    assert panel._reveal.disabled and not panel._hide.disabled
    panel._hide.click()
    assert "Right answer (revealed)" not in panel._html.value
    case = page._case_panels[CASE_ITEM]
    case._reveal.click()
    assert ws.answer_key("case", CASE_ITEM) in case._html.value and "(right answer)" in case._html.value


def test_refresh_picks_up_a_new_answer_and_leaves_unchanged_parts_alone(store, workshop):
    w, token = workshop
    people = answer(store, w, 3)
    page = opened(w.code, token)
    sent = []
    page._statement_panels["1.2"]._html.observe(lambda c: sent.append(c), names="value")
    page._statement_panels["1.1"]._html.observe(lambda c: sent.append(c), names="value")
    page.refresh()
    assert sent == []  # nothing changed, nothing sent
    ws.record(store, people[0].id, "statement", "1.1", 4)
    page._tick()
    assert len(sent) == 1 and re.search(r"4: [^<]*</th><td>1</td>", sent[0]["new"])


def test_reset_asks_first(store, workshop):
    w, token = workshop
    answer(store, w, 3)
    page = opened(w.code, token)
    panel = page._statement_panels["1.1"]
    panel._reset.click()
    assert panel._confirm_box.layout.display == "flex" and "cannot be undone" in panel._confirm_text.value
    panel._cancel.click()
    assert ws.summary(store, w).statements["1.1"].n == 3
    panel._reset.click()
    panel._confirm.click()
    assert "1.1" not in ws.summary(store, w).statements
    assert "No answers yet" in panel._html.value and "Deleted 3 answers" in page._message.value


def test_close_asks_first_then_read_only(store, workshop):
    w, token = workshop
    people = answer(store, w, 3)
    page = opened(w.code, token)
    page._close.click()
    assert page._close_box.layout.display == "flex"
    page._close_no.click()
    assert not ws.workshop_by_code(store, w.code).closed
    page._close.click()
    page._close_yes.click()
    assert ws.workshop_by_code(store, w.code).closed
    assert "closed on" in page._room.value and page._close.disabled
    assert page._statement_panels["1.1"]._reset.disabled
    with pytest.raises(ws.WorkshopError):
        ws.record(store, people[0].id, "statement", "1.1", 0)


def test_new_workshop_shows_code_and_token_once(store):
    page = WorkshopDashboard()
    page.start()
    page._title.value = "  "
    page._create.click()
    assert 'role="alert"' in page._message.value and page.workshop is None
    page._title.value = "Evening session"
    page._create.click()
    w = page.workshop
    assert w is not None and w.title == "Evening session"
    token = re.search(r"Trainer token, for you alone: <code>([^<]+)</code>", page._secret.value).group(1)
    assert "shown only once" in page._secret.value and w.code in page._secret.value
    assert ws.open_as_trainer(store, w.code, token) == w
    assert token not in all_html(opened(w.code, token))  # shown once: never again


def test_code_from_the_address_but_never_the_token(store, workshop, monkeypatch):
    w, token = workshop
    monkeypatch.setenv("QUERY_STRING", f"code={w.code.lower()}&token={token}")
    page = WorkshopDashboard()
    page.start()
    assert page._code.value == w.code and page._token.value == "" and page.workshop is None


def test_exports_contain_the_answers(store, workshop):
    w, token = workshop
    answer(store, w, 3)
    page = opened(w.code, token)
    page._export_csv._click_handlers(page._export_csv)
    payload = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', page._downloads.value).group(1)
    text = base64.b64decode(payload).decode("utf-8")
    assert text.count("Participant 3") == 4 and "statement,1.1,2" in text
    assert "script>alert(0)" not in text  # pseudonyms never exported
    page._export_xlsx.click()
    payload = re.search(r'href="data:[^;]+;base64,([^"]+)"', page._downloads.value).group(1)
    book = load_workbook(io.BytesIO(base64.b64decode(payload)))
    assert book.sheetnames == ["Summary", "Answers"]
    assert book["Answers"].max_row == 1 + 12


def test_everything_typed_is_escaped(store, workshop):
    w, token = workshop
    answer(store, w, 3)
    page = opened(w.code, token)
    html = all_html(page)
    assert "<script>" not in html and "<b>session</b>" not in html
    assert "&lt;b&gt;session&lt;/b&gt;" in page._room.value
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; we audit" in page._texts.value
    assert "alert(0)" not in html  # pseudonyms are never shown


def test_facilitator_notes_follow_the_module(store, workshop):
    from course.lessons import course

    w, token = workshop
    page = opened(w.code, token)
    module = course().modules[3]
    page._module.value = module.id
    assert "Facilitator notes: " + module.title.replace("&", "&amp;") in page._notes.value


def test_refresh_is_cheap(store):
    """30 participants, all 36 statements and 20 quiz items: one refresh stays well under a second."""
    from course.content import planner

    w, token = ws.create_workshop(store, "Big room")
    items = [i.id for i in item_bank().items[:20]]
    rows = []
    for n in range(30):
        p = ws.join(store, w.code)
        stamp = ws.now()
        for k, s in enumerate(planner().statements):
            rows.append((p.id, "statement", s.id, json.dumps((n + k) % 5), stamp))
        for item in items:
            rows.append((p.id, "quiz", item, json.dumps(["contact", "conduct"] if n % 2 else ["content"]), stamp))
    ws.record(store, p.id, "statement", "1.1", 1)  # and one through the real path
    with store.engine.begin() as conn:  # the rest at once: 1,680 single-answer transactions take seconds
        conn.execute(
            sa.insert(workshop_answers_table),
            [
                {"participant_id": a, "kind": b, "item": c, "value": d, "answered_at": e, "workshop_id": w.id}
                for a, b, c, d, e in rows
                if (a, b, c) != (p.id, "statement", "1.1")
            ],
        )
    page = opened(w.code, token)
    started = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        page.refresh()
    per_refresh = (time.perf_counter() - started) / rounds
    assert len(page._quiz_panels) == 20
    assert page.last_summary.statements["1.1"].n == 30 and sum(page.last_summary.quiz[items[0]].counts.values()) == 45
    print(f"refresh with 30 participants x (36 statements + 20 quiz items): {per_refresh * 1000:.1f} ms")
    assert per_refresh < 0.5
