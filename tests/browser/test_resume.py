"""Binder learners download their assessment and upload it to resume elsewhere."""

from __future__ import annotations

import json

import pytest
from browser_support import new_service, open_course_page

from course import devserver
from course.store import Store


def _fill_some_answers(store: Store, service_id: int) -> None:
    store.save(service_id, "1.1", score=3, evidence="Referral audit, naïve “quotes” & <tags>")
    store.save(service_id, "2.5", score=0, qa_score=2, qa_note="Not evaluated yet")
    store.save(service_id, "6.6", score=4)


def _upload(page, path) -> None:  # type: ignore[no-untyped-def]
    """Click "Upload to resume" and choose the file, as a person does."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Upload to resume").click()
    chooser.value.set_files(str(path))


@pytest.fixture
def fresh_server(tmp_path):  # type: ignore[no-untyped-def]
    server = devserver.start(tmp_path / "fresh", pool_size=0)
    yield server
    server.stop()


def test_download_then_upload_into_a_fresh_store(page, course_server, server_store, fresh_server, tmp_path):
    service = new_service(server_store, "Resume Check Service")
    _fill_some_answers(server_store, service.id)
    open_course_page(page, course_server.page_url("profile.ipynb", service=service.slug))
    page.get_by_text("Assessing: Resume Check Service").wait_for(timeout=60_000)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download my assessment (JSON)").click()
    download = info.value
    assert download.suggested_filename.startswith("online-lives-resume-check-service-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["service"]["name"] == "Resume Check Service"
    assert len(data["answers"]) == 36

    with page.expect_download() as info:
        page.get_by_role("link", name="Download as a spreadsheet (CSV)").click()
    assert info.value.suggested_filename.endswith(".csv")

    # A fresh server with an empty store: upload on the course home.
    open_course_page(page, fresh_server.page_url("home.ipynb"))
    _upload(page, saved)
    page.get_by_text("Loaded 3 answered statements").wait_for(timeout=30_000)
    fresh = Store(fresh_server.env["ONLINE_LIVES_DB"])
    restored = fresh.service_by_name("Resume Check Service")
    assert restored is not None
    answers = fresh.answers(restored.id)
    assert answers["1.1"].evidence == "Referral audit, naïve “quotes” & <tags>"
    assert (answers["2.5"].score, answers["2.5"].qa_score) == (0, 2)
    assert answers["6.6"].score == 4
    assert "1.2" not in answers
    # The section list now shows the restored progress.
    assert page.locator(".ol-progress[data-section='data']").inner_text() == "1 of 6 scored"

    # Uploading over stored answers asks first; "Keep" changes nothing.
    fresh.save(restored.id, "3.3", score=1)
    _upload(page, saved)
    page.get_by_text("already has 4 answered statements").wait_for(timeout=30_000)
    page.get_by_role("button", name="Keep what is stored").click()
    page.get_by_text("Nothing was changed.").wait_for()
    assert fresh.answers(restored.id)["3.3"].score == 1

    # ... and "Replace" replaces them.
    _upload(page, saved)
    page.get_by_role("button", name="Replace stored answers").click()
    page.get_by_text("Loaded 3 answered statements").wait_for(timeout=30_000)
    assert "3.3" not in fresh.answers(restored.id)
    fresh.close()
    assert page.watch.problems() == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "online-lives-assessment", "answers": [', "is not valid JSON (line 1"),
        (b"\xff\xfe\x00binary", "is not a text file"),
        (b'{"hello": "world"}', "is not an Online Lives assessment export"),
        (
            json.dumps(
                {
                    "format": "online-lives-assessment",
                    "format_version": 1,
                    "planner": {"id": "online-lives-planner", "version": "1999.9"},
                    "service": {"name": "Old Planner Service"},
                    "answers": [],
                }
            ).encode(),
            "was made for planner version '1999.9'",
        ),
    ],
    ids=["malformed-json", "binary", "other-format", "other-planner-version"],
)
def test_bad_upload_is_refused_clearly(page, course_server, server_store, tmp_path, content, message):
    before = {s.name for s in server_store.services()}
    bad = tmp_path / "assessment.json"
    bad.write_bytes(content)
    open_course_page(page, course_server.page_url("home.ipynb"))
    _upload(page, bad)
    alert = page.locator(".ol-error", has_text="Not loaded.")
    alert.wait_for(timeout=30_000)
    assert message in alert.inner_text()
    assert {s.name for s in server_store.services()} == before
    assert page.watch.problems() == []
