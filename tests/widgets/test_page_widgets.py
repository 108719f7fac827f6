"""The page widgets, driven headless: set values, click, and check traits and the store."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime

import pytest
from traitlets import TraitError

from course.content import load_planner
from course.exports import to_json
from course.scoring import MAX_TEXT
from widgets import HomePage, ProfilePage, SectionPage

PLANNER = load_planner()


def row(page: SectionPage, statement_id: str):  # type: ignore[no-untyped-def]
    return next(r for r in page._rows if r.statement.id == statement_id)


@pytest.fixture
def service(store):  # type: ignore[no-untyped-def]
    return store.create_service("Riverside CAMHS", PLANNER.version)


def test_section_page_saves_every_change(store, service):
    page = SectionPage("data")
    page.set_service(service)
    r = row(page, "1.1")
    r._score.value = 3
    r._evidence.value = "Monthly referral audit"
    r._qa_score.value = 1
    r._qa_note.value = "Audit not seen"
    answer = store.answers(service.id)["1.1"]
    assert (answer.score, answer.evidence, answer.qa_score, answer.qa_note) == (
        3,
        "Monthly referral audit",
        1,
        "Audit not seen",
    )
    assert "1 of 6" in page._summary.value
    assert "Self-assessed 3, QA 1" in page._summary.value
    # The radar shows the section mean for self and QA.
    assert 'data-self="3,,,,,"' in page._chart.value
    assert 'data-qa="1,,,,,"' in page._chart.value
    assert "1. Data: self 3, QA 1" in page._chart.value  # the chart's description, in words


def test_clear_score_makes_it_unanswered_not_zero(store, service):
    page = SectionPage("data")
    page.set_service(service)
    r = row(page, "1.2")
    r._score.value = 0
    assert store.answers(service.id)["1.2"].score == 0
    assert "1 of 6" in page._summary.value
    r._clear.click()
    assert store.answers(service.id)["1.2"].score is None
    assert "0 of 6" in page._summary.value


def test_values_a_browser_cannot_legitimately_send_are_refused(store, service):
    page = SectionPage("data")
    page.set_service(service)
    r = row(page, "1.3")
    with pytest.raises(TraitError):
        r._score.value = 7
    with pytest.raises(TraitError):
        r._qa_score.value = "drop table"
    assert "1.3" not in store.answers(service.id)
    r._evidence.value = "x" * (MAX_TEXT + 500)
    assert len(store.answers(service.id)["1.3"].evidence) == MAX_TEXT
    assert "limited to" in r._status.value


def test_reopening_shows_what_was_stored(store, service):
    store.save(service.id, "5.2", score=2, evidence="Risk tool in use", qa_score=4, qa_note="Checked")
    page = SectionPage("safeguarding")
    page.set_service(service)
    r = row(page, "5.2")
    assert (r._score.value, r._evidence.value, r._qa_score.value, r._qa_note.value) == (
        2,
        "Risk tool in use",
        4,
        "Checked",
    )
    assert row(page, "5.1")._score.value is None  # unanswered stays unanswered
    assert store.answers(service.id).keys() == {"5.2"}  # loading saved nothing


def test_no_service_disables_scoring_and_says_why(store):
    page = SectionPage("data")
    assert row(page, "1.1")._score.disabled
    assert "Choose your service first" in page._notice.value


def test_query_string_picks_the_service(store, service, monkeypatch):
    store.create_service("Another Service", PLANNER.version)
    monkeypatch.setenv("QUERY_STRING", f"service={service.slug}")
    page = SectionPage("data")
    page.start()
    assert page.service == service
    assert not row(page, "1.1")._score.disabled


def test_home_creates_a_service_and_links_carry_it(store):
    home = HomePage()
    home._new_name.value = "  Hillside   Youth Service "
    home._add.click()
    service = store.service_by_name("Hillside Youth Service")
    assert service is not None
    assert home.service == service
    assert f'href="01-data.ipynb?service={service.slug}"' in home._sections.value
    assert "You are now assessing" in home._service_message.value


def test_home_rejects_a_blank_service_name(store):
    home = HomePage()
    home._new_name.value = "   "
    home._add.click()
    assert store.services() == []
    assert "Type a name for the service" in home._service_message.value


def test_home_shows_progress_per_section(store, service):
    for sid in ("2.1", "2.2", "2.3"):
        store.save(service.id, sid, score=2)
    home = HomePage()
    home.select(service)
    assert re.search(r'data-section="staff-training">3 of 6 scored<', home._sections.value)
    assert re.search(r'data-section="data">0 of 6 scored<', home._sections.value)


def _upload(home: HomePage, content: bytes, name: str = "assessment.json") -> None:
    home._upload.value = (
        {
            "name": name,
            "type": "application/json",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime.now(UTC),
        },
    )


def test_upload_over_stored_answers_asks_first(store, service):
    store.save(service.id, "1.1", score=1)
    exported = to_json(PLANNER, service, {}).encode()
    data = json.loads(exported)
    data["answers"][0]["score"] = 4
    home = HomePage()
    _upload(home, json.dumps(data).encode())
    assert "Replace them" in home._upload_message.value
    assert store.answers(service.id)["1.1"].score == 1  # nothing overwritten yet
    home._keep.click()
    assert store.answers(service.id)["1.1"].score == 1
    _upload(home, json.dumps(data).encode())
    home._replace.click()
    assert store.answers(service.id)["1.1"].score == 4


def test_upload_of_a_broken_file_changes_nothing(store):
    home = HomePage()
    _upload(home, b"{not json", name="<script>alert(1)</script>.json")
    assert "Not loaded" in home._upload_message.value
    assert "<script>" not in home._upload_message.value  # the file name is escaped
    assert store.services() == []


def test_profile_escapes_text_and_offers_the_export(store, service):
    store.save(service.id, "1.1", score=0, evidence='<img src=x onerror="alert(1)">')
    store.save(service.id, "1.2", score=4)
    store.save(service.id, "1.3", score=2)
    page = ProfilePage()
    page.set_service(service)
    assert "<img" not in page._table.value
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page._table.value
    plan = [row.statement.id for row in page._actions.rows]  # the action plan editor (widgets/action_plan.py)
    assert plan == ["1.1", "1.3"]  # lowest first; 1.2 scored 4 is not in the plan
    assert "Scored 4 but no evidence is recorded" in page._flags.value
    href = re.search(
        r'download="[^"]+\.json" href="data:application/json;charset=utf-8;base64,([^"]+)"', page._download_links.value
    )
    assert href
    exported = json.loads(base64.b64decode(href.group(1)))
    assert exported["service"]["name"] == "Riverside CAMHS"
    assert next(a for a in exported["answers"] if a["statement_id"] == "1.2")["score"] == 4
    assert page._chart.data[0].r[0] == 2.0


def test_home_started_after_a_long_wait_lists_services_added_meanwhile(store, monkeypatch):
    """A preheated kernel builds the page, then waits for a visitor; services added while it
    waits must be listed and selectable when the visitor arrives."""
    home = HomePage()  # built in advance, as in a preheated kernel

    def visitor_arrives() -> dict[str, str]:
        added = store.create_service("Added While Waiting", PLANNER.version)
        return {"service": added.slug}

    monkeypatch.setattr("widgets.home.request_query", visitor_arrives)
    home.start()
    assert home.service is not None and home.service.name == "Added While Waiting"
    assert ("Added While Waiting", home.service.slug) in home._choose.options
