"""The QA check page (widgets/qa_page.py), driven headless: draw, give verdicts, complete, reopen."""

from __future__ import annotations

import pytest
from traitlets import TraitError

from course.content import load_planner
from course.qa import draw_sample, open_sample, samples
from widgets import QAPage
from widgets.common import esc
from widgets.qa_page import AGREE, DIFFERENT, NO_SCORE

PLANNER = load_planner()


@pytest.fixture
def service(store):  # type: ignore[no-untyped-def]
    """A service with every statement scored (0-4 in turn) and some evidence."""
    service = store.create_service("Riverside CAMHS", PLANNER.version)
    for i, statement in enumerate(PLANNER.statements):
        store.save(service.id, statement.id, score=i % 5, evidence=f"Evidence <b>{statement.id}</b> & more")
    return service


def opened(service) -> QAPage:  # type: ignore[no-untyped-def]
    page = QAPage()
    page.set_service(service)
    return page


def draw(page: QAPage, n: int = 3, seed: str = "42", checker: str = "Sam Patel") -> None:
    page._checker.value = checker
    page._size.value = n
    page._seed.value = seed
    page._draw.click()


def test_without_a_service_the_page_is_disabled_and_links_home(store, monkeypatch):  # type: ignore[no-untyped-def]
    store.create_service("One", PLANNER.version)
    store.create_service("Two", PLANNER.version)  # two services and none named: no choice made
    page = QAPage()
    page.start()
    assert page.service is None
    assert all(c.disabled for c in (page._checker, page._size, page._seed, page._draw))
    assert 'href="home.ipynb"' in page._notice.value
    assert "Choose your service first" in page._notice.value
    assert page.rows == []


def test_the_service_comes_from_the_query_string(store, service, monkeypatch):  # type: ignore[no-untyped-def]
    store.create_service("Hillside Youth", PLANNER.version)
    monkeypatch.setenv("QUERY_STRING", f"service={service.slug}")
    page = QAPage()
    page.start()
    assert page.service == service
    assert "Riverside CAMHS" in page._title.value
    assert not page._draw.disabled
    assert "What an independent QA check is" in page._guide.value
    assert "No sample has been drawn" in page._sample_heading.value


def test_drawing_records_and_shows_the_sample(store, service):  # type: ignore[no-untyped-def]
    page = opened(service)
    draw(page, n=6, seed="4821")
    expected = draw_sample(PLANNER, store.answers(service.id), 6, 4821)
    assert [r.statement_id for r in page.rows] == expected
    recorded = open_sample(store, service.id)
    assert recorded is not None
    assert (recorded.statement_ids, recorded.seed, recorded.checker) == (tuple(expected), 4821, "Sam Patel")
    assert "Drew 6 statements with seed 4821" in page._draw_message.value
    assert "Seed <strong>4821</strong>" in page._sample_heading.value
    row = page.rows[0]
    statement = PLANNER.statement(row.statement_id)
    score = store.answers(service.id)[statement.id].score
    html = row._about.value
    assert esc(statement.text) in html
    assert esc(f"{score}: {PLANNER.descriptor(score)}") in html
    assert f"Evidence &lt;b&gt;{statement.id}&lt;/b&gt; &amp; more" in html  # escaped, never markup
    assert "<b>" not in html
    assert row._verdict.description == f"Your verdict on {statement.id}"
    assert row._qa_score.disabled  # only for "a different score"
    assert "Not complete" in page._history.value and "Sam Patel" in page._history.value


def test_a_new_seed_is_made_and_shown_when_none_is_typed(store, service):  # type: ignore[no-untyped-def]
    page = opened(service)
    draw(page, seed="")
    seed = open_sample(store, service.id).seed
    assert f"seed {seed}" in page._draw_message.value


def test_verdicts_and_notes_are_saved_as_given(store, service):  # type: ignore[no-untyped-def]
    page = opened(service)
    draw(page)
    agree, different, third = page.rows
    agree._verdict.value = AGREE
    stored = store.answers(service.id)
    assert stored[agree.statement_id].qa_score == stored[agree.statement_id].score
    assert "you agree with the self score" in agree._status.value

    different._verdict.value = DIFFERENT
    assert not different._qa_score.disabled
    assert store.answers(service.id)[different.statement_id].qa_score is None
    self_score = stored[different.statement_id].score
    own = (self_score + 2) % 5
    different._qa_score.value = own
    assert store.answers(service.id)[different.statement_id].qa_score == own
    different._note.value = "Saw the plan. Called Mrs Jones on 07700 900123"
    assert store.answers(service.id)[different.statement_id].qa_note.startswith("Saw the plan")
    assert "check for personal details" in different._warning.value  # a warning, never a block

    # Changing one's mind: back to agree, then "different" again with no score chosen yet.
    different._verdict.value = AGREE
    assert store.answers(service.id)[different.statement_id].qa_score == self_score
    assert store.answers(service.id)[different.statement_id].qa_note.startswith("Saw the plan")  # note kept
    different._verdict.value = DIFFERENT
    assert store.answers(service.id)[different.statement_id].qa_score is None
    assert different._qa_score.value == NO_SCORE
    assert "choose your own score" in different._status.value
    different._qa_score.value = own
    assert store.answers(service.id)[different.statement_id].qa_score == own
    assert third._verdict.value is None


def test_complete_says_what_is_missing_then_completes(store, service):  # type: ignore[no-untyped-def]
    page = opened(service)
    draw(page)
    first, second, third = page.rows
    first._verdict.value = AGREE
    page._complete.click()
    assert f"Still to check: {second.statement_id}, {third.statement_id}" in page._complete_message.value
    assert open_sample(store, service.id) is not None
    second._verdict.value = DIFFERENT  # no score chosen: not a verdict yet
    third._verdict.value = AGREE
    page._complete.click()
    assert f"Still to check: {second.statement_id}." in page._complete_message.value
    second._qa_score.value = (store.answers(service.id)[second.statement_id].score + 1) % 5
    page._complete.click()
    assert "Check complete" in page._complete_message.value
    assert open_sample(store, service.id) is None
    assert samples(store, service.id)[0].completed
    assert page._complete.disabled
    assert all(r._verdict.disabled and r._note.disabled and r._qa_score.disabled for r in page.rows)
    assert "Complete (" in page._history.value


def test_reopening_restores_the_open_sample_and_its_verdicts(store, service):  # type: ignore[no-untyped-def]
    page = opened(service)
    draw(page, checker="")
    first, second, _third = page.rows
    page._checker.value = "Ana Lee"  # named after the draw: saved to the open sample
    first._verdict.value = AGREE
    second._verdict.value = DIFFERENT
    own = (store.answers(service.id)[second.statement_id].score + 3) % 5
    second._qa_score.value = own
    second._note.value = "Policy not yet signed off"

    again = opened(service)
    assert [r.statement_id for r in again.rows] == [r.statement_id for r in page.rows]
    assert again._checker.value == "Ana Lee"
    assert again.rows[0]._verdict.value == AGREE
    assert (again.rows[1]._verdict.value, again.rows[1]._qa_score.value) == (DIFFERENT, own)
    assert not again.rows[1]._qa_score.disabled
    assert again.rows[1]._note.value == "Policy not yet signed off"
    assert again.rows[2]._verdict.value is None
    assert "Saved verdict" in again.rows[0]._status.value


def test_a_completed_check_is_shown_read_only_after_reopening(store, service):  # type: ignore[no-untyped-def]
    page = opened(service)
    draw(page, n=1)
    page.rows[0]._verdict.value = AGREE
    page._complete.click()
    again = opened(service)
    assert len(again.rows) == 1 and again.rows[0]._verdict.value == AGREE
    assert again.rows[0]._verdict.disabled
    assert "marked complete" in again._sample_heading.value


def test_the_discrepancy_table_uses_words_and_symbols(store, service):  # type: ignore[no-untyped-def]
    store.save(service.id, "1.1", score=3, qa_score=1)  # 2 lower: flagged
    store.save(service.id, "2.2", score=1, qa_score=2)  # 1 higher
    store.save(service.id, "3.3", score=2, qa_score=2)  # agrees: not listed
    page = opened(service)
    html = page._discrepancies.value
    assert "<caption>Statements where the QA score differs from the self score</caption>" in html
    assert '<th scope="col">Self score</th>' in html and '<th scope="row">1.1</th>' in html
    assert html.index("1.1") < html.index("2.2")  # biggest difference first
    assert '<span class="ol-qa-lower"><span aria-hidden="true">▼</span> 2 lower</span>' in html
    assert '<span class="ol-qa-higher"><span aria-hidden="true">▲</span> 1 higher</span>' in html
    assert "QA is 2 lower than the self-assessment. <strong>Flag:</strong> 2 or more apart." in html
    assert "QA is 1 higher than the self-assessment.</td>" in html
    assert "3.3</th>" not in html
    # A verdict given on the page updates the table at once.
    draw(page, n=36)
    row = next(r for r in page.rows if r.statement_id == "2.2")
    row._verdict.value = AGREE
    assert "2.2</th>" not in page._discrepancies.value


def test_no_differences_is_said_in_words(store, service):  # type: ignore[no-untyped-def]
    page = opened(service)
    assert "No statement has both a self score and a QA score yet." in page._discrepancies.value
    store.save(service.id, "1.1", qa_score=0)  # 1.1 was scored 0
    page.refresh()
    assert "No differences: all 1 statements with a QA score match" in page._discrepancies.value


def test_bad_input_is_explained_and_nothing_is_lost(store, service):  # type: ignore[no-untyped-def]
    page = opened(service)
    draw(page, seed="12x", checker="Sam Patel")
    assert "seed must be a whole number" in page._draw_message.value
    assert samples(store, service.id) == []
    assert page._checker.value == "Sam Patel" and page._seed.value == "12x"
    draw(page, seed="1", checker="x" * 200)
    assert "at most 120 characters" in page._draw_message.value
    assert samples(store, service.id) == []
    page._size.value = 99  # a BoundedIntText keeps to its bounds
    assert page._size.value == 36
    draw(page, n=2, seed="1")
    row = page.rows[0]
    with pytest.raises(TraitError):
        row._verdict.value = "ignore the checker"
    with pytest.raises(TraitError):
        row._qa_score.value = 9
    row._note.value = "y" * 20_500
    assert len(store.answers(service.id)[row.statement_id].qa_note) == 20_000
    assert "limited to 20,000" in row._status.value


def test_nothing_to_draw_without_self_scores(store):  # type: ignore[no-untyped-def]
    empty = store.create_service("New Service", PLANNER.version)
    page = opened(empty)
    draw(page)
    assert "Nothing to check yet" in page._draw_message.value
    assert samples(store, empty.id) == []


def test_agreeing_when_the_self_score_was_removed_since_the_draw(store, service):  # type: ignore[no-untyped-def]
    page = opened(service)
    draw(page, n=1)
    row = page.rows[0]
    store.save(service.id, row.statement_id, score=None)
    row._verdict.value = AGREE
    assert "no self score to agree with" in row._status.value
    assert row._verdict.value is None
    assert store.answers(service.id)[row.statement_id].qa_score is None
