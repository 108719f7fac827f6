"""Rounds in the pages, driven headless: carried-forward answers on a section page, and the
profile's rounds panel (asking first, the trend chart and its table)."""

from __future__ import annotations

import ipywidgets as ipw
import pytest
import sqlalchemy as sa

from course.content import load_planner
from course.rounds import current_round, rounds, start_new_round
from course.store import answers_table
from widgets import ProfilePage, SectionPage
from widgets.rounds_panel import RoundsPanel

PLANNER = load_planner()


def row(page: SectionPage, statement_id: str):  # type: ignore[no-untyped-def]
    return next(r for r in page._rows if r.statement.id == statement_id)


@pytest.fixture
def service(store):  # type: ignore[no-untyped-def]
    made = store.create_service("Riverside CAMHS", PLANNER.version)
    store.save(made.id, "1.1", score=3, evidence="Referral audit", qa_score=2, qa_note="Seen")
    store.save(made.id, "1.2", score=1)
    store.save(made.id, "1.3", score=2, evidence="Risk log")
    return made


def test_a_carried_answer_says_so_and_can_be_confirmed(store, service):
    start_new_round(store, PLANNER, service.id)
    page = SectionPage("data")
    page.set_service(service)
    r = row(page, "1.1")
    assert "Carried forward from round 1: confirm it or change it." in r._carried.value
    assert "a QA check belongs to its own round" in r._carried.value
    assert r._confirm.layout.display is None and not r._confirm.disabled
    assert r._confirm.description == "Confirm this answer to 1.1"
    assert r._qa_score.value == -1 and r._qa_note.value == ""  # QA cleared, shown as not checked
    assert "3 answers are still carried forward" in page._summary.value
    # Unanswered statements are not carried: no button there.
    assert row(page, "1.4")._confirm.layout.display == "none" and row(page, "1.4")._carried.value == ""

    r._confirm.click()
    assert not store.answers(service.id)["1.1"].carried_forward
    assert store.answers(service.id)["1.1"].score == 3
    assert r._confirm.layout.display == "none"
    assert "confirmed for this round" in r._carried.value
    assert "2 answers are still carried forward" in page._summary.value
    assert "confirmed" in r._status.value


def test_changing_the_score_or_evidence_clears_the_mark_at_once(store, service):
    start_new_round(store, PLANNER, service.id)
    page = SectionPage("data")
    page.set_service(service)
    row(page, "1.2")._score.value = 2
    assert "changed for this round" in row(page, "1.2")._carried.value
    assert row(page, "1.2")._confirm.layout.display == "none"
    row(page, "1.3")._evidence.value = "Risk log, reviewed"
    assert row(page, "1.3")._confirm.layout.display == "none"
    assert "1 answer is still carried forward" in page._summary.value
    answers = store.answers(service.id)
    assert [sid for sid, a in sorted(answers.items()) if a.carried_forward] == ["1.1"]
    # A QA check is not the service's own confirmation.
    row(page, "1.1")._qa_score.value = 3
    assert store.answers(service.id)["1.1"].carried_forward
    assert "Carried forward from round 1" in row(page, "1.1")._carried.value


def test_a_review_note_is_shown_in_words_with_a_symbol(store, service):
    start_new_round(store, PLANNER, service.id)
    note = "The planner's wording of 1.1 changed in version 2027.1 since your last round: read it again."
    with store.engine.begin() as conn:  # as start_new_round leaves it after a change of wording
        conn.execute(sa.update(answers_table).where(answers_table.c.statement_id == "1.1").values(review_note=note))
    page = SectionPage("data")
    page.set_service(service)
    shown = row(page, "1.1")._carried.value
    assert "&#9888; Read this statement again." in shown and "changed in version 2027.1" in shown
    assert 'role="note"' in shown
    assert "1 flagged because the planner's wording changed" in page._summary.value
    row(page, "1.1")._confirm.click()
    assert store.answers(service.id)["1.1"].review_note == ""
    assert "Read this statement again" not in row(page, "1.1")._carried.value


def test_confirm_does_nothing_without_a_carried_answer_or_a_service(store, service):
    page = SectionPage("data")
    page.set_service(service)
    r = row(page, "1.1")
    r._on_confirm(r._confirm)  # a browser can send a click to a hidden button
    assert r._carried.value == "" and r._confirm.layout.display == "none"
    page.set_service(None)
    assert r._confirm.disabled


def test_the_rounds_panel_asks_first_then_starts_the_next_round(store, service):
    panel = RoundsPanel()
    panel.show(service)
    assert "Round 1, started" in panel._status.value
    assert panel._start.description == "Start round 2"
    panel._on_yes(panel._yes)  # "Yes" sent by a browser without the question being asked
    assert len(rounds(store, service.id)) == 1
    panel._start.click()
    assert panel._confirm_box.layout.display is None
    words = panel._confirm_text.value
    assert "Kept:" in words and "every score and its evidence" in words
    assert "Cleared:" in words and "every QA score and QA note" in words
    assert len(rounds(store, service.id)) == 1  # nothing happens until "Yes"
    panel._cancel.click()
    assert panel._confirm_box.layout.display == "none" and "Nothing was changed" in panel._message.value
    assert len(rounds(store, service.id)) == 1

    panel._start.click()
    panel._yes.click()
    assert current_round(store, service.id).number == 2
    assert "Round 2 has started" in panel._message.value
    assert "Round 2, started" in panel._status.value
    assert "3 answers are still carried forward" in panel._status.value
    assert panel._start.description == "Start round 3"
    chart = panel.chart.value  # an SVG in an HTML widget: what the browser gets is this string
    assert chart.startswith("<svg") and 'data-rounds="1,2"' in chart
    assert 'data-series-0="2,2"' in chart
    assert "1. Data: round 1 2, round 2 2." in chart
    assert isinstance(panel.chart, ipw.HTML) and panel.chart in panel.children  # no plotly widget to start
    table = panel._table.value
    assert "<caption" in table and 'scope="col">Section</th>' in table and 'scope="row">1. Data</th>' in table
    assert "Round 1<br>" in table and "closed " in table and "current" in table
    assert table.count("<td>2.0</td>") == 2


def test_a_stale_panel_cannot_start_the_same_round_twice(store, service):
    first, second = RoundsPanel(), RoundsPanel()
    first.show(service)
    second.show(service)
    first._start.click()
    first._yes.click()
    second._start.click()
    second._yes.click()  # this page still offered "Start round 2"
    assert [r.number for r in rounds(store, service.id)] == [1, 2]
    assert "Round 2 is the current round now" in second._message.value
    assert second._start.description == "Start round 3"  # it now shows the real state


def test_the_profile_page_has_the_rounds_panel_and_refreshes_after_a_start(store, service):
    page = ProfilePage()
    page.set_service(service)
    panel = page._rounds
    assert panel in page.children
    assert "Seen" in page._table.value  # 1.1's QA note, in round 1
    panel._start.click()
    panel._yes.click()
    # The profile's own tables were read again: round 2 has no QA yet.
    assert "Seen" not in page._table.value
    assert "Round 2 has started" in panel._message.value


def test_without_a_service_the_panel_offers_nothing(store):
    panel = RoundsPanel()
    panel.show(None)
    assert panel._start.disabled and panel._start.layout.display == "none"
    assert panel._table.value == "" and panel.chart.value == ""
    panel._on_yes(panel._yes)  # a click sent anyway does nothing
    assert panel._message.value == ""
