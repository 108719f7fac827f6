"""Module completion and the certificate in real Chromium: a module marked complete with the
keyboard alone and kept after reload; the certificate page for an eligible learner (fixture
data in the server's store and a real nbgrader gradebook in its grading folder) downloads a
PDF read back with pypdf; for an ineligible learner the download is off and the checklist
says why; axe-core finds nothing serious."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, describe, open_course_page, run_axe, screenshot, serious, tab_to
from certificate_fixtures import complete_every_module, make_eligible

from course import certificates
from course.lessons import course
from grading import build

INTRO = course().module("introduction")
NAME = "Ada Lovelace-Øster"


def test_mark_a_module_complete_with_the_keyboard_and_it_is_kept(page, course_server, server_store):
    learner = "kbd-learner"
    open_course_page(page, course_server.page_url(INTRO.notebook))
    button = page.get_by_role("button", name="Mark this module as complete")
    button.wait_for(timeout=60_000)
    assert button.is_disabled()  # no learner id yet
    page.locator("body").focus()
    tab_to(page, ".ol-module-complete input[type=text]")
    page.keyboard.type(learner)
    page.keyboard.press("Enter")  # the id is used when typed and confirmed
    page.get_by_text(f"(learner {learner})").wait_for(timeout=30_000)
    tab_to(page, ".ol-module-complete-button")
    page.keyboard.press("Enter")
    page.get_by_text("Completed on").wait_for(timeout=30_000)
    assert list(certificates.completions(server_store, learner)) == ["introduction"]
    # The id travels with the navigation, so it is typed once.
    data_link = page.locator("nav.ol-nav").get_by_role("link", name="1. Data")
    assert f"learner={learner}" in (data_link.get_attribute("href") or "")
    screenshot(page, "certificate-module-complete")
    page.locator(".ol-module-complete").screenshot(path=str(ARTIFACTS / "certificate-module-complete-box.png"))
    assert page.watch.problems() == []

    # Opened again, from an address carrying the id (as every link from here does): still complete.
    open_course_page(page, course_server.page_url(INTRO.notebook, learner=learner))
    page.get_by_text("Completed on").wait_for(timeout=60_000)
    assert page.get_by_role("button", name="Undo: mark this module as not complete").is_enabled()
    assert page.get_by_label("Your learner id").input_value() == learner


@pytest.fixture
def server_grading(course_server) -> Path:  # type: ignore[no-untyped-def]
    """The server's nbgrader course folder, built (as `online-lives serve` builds it)."""
    folder = Path(course_server.env["ONLINE_LIVES_DATA"]) / "grading"
    build.build(folder)
    return folder


def test_an_eligible_learner_downloads_the_certificate(page, course_server, server_store, server_grading, tmp_path):
    from pypdf import PdfReader

    learner = "cert-ready"
    make_eligible(server_store, server_grading, learner)
    open_course_page(page, course_server.page_url("certificate.ipynb", learner=learner))
    page.locator(".ol-eligible").wait_for(timeout=90_000)
    assert "Every requirement is met" in page.locator(".ol-eligible").inner_text()
    page.get_by_label("Your name as it should appear on the certificate").fill(NAME)
    download = page.get_by_role("button", name="Download certificate (PDF)")
    assert download.is_enabled()
    download.click()
    link = page.get_by_role("link", name="Save your certificate (PDF)")
    link.wait_for(timeout=120_000)
    with page.expect_download() as info:
        link.click()
    target = tmp_path / "certificate.pdf"
    info.value.save_as(target)
    assert re.fullmatch(r"online-lives-certificate-cert-ready-\d{4}-\d{2}-\d{2}\.pdf", info.value.suggested_filename)
    reader = PdfReader(str(target))
    text = " ".join(unicodedata.normalize("NFKC", reader.pages[0].extract_text()).split())
    assert len(reader.pages) == 1
    assert NAME in text and "Certificate of completion" in text and "Quiz score: 80%" in text
    for module in course().modules:
        assert module.title in text
    assert certificates.long_date(date.today()) in text
    screenshot(page, "certificate-eligible")
    violations = run_axe(page)
    assert serious(violations) == [], describe(violations)
    assert page.watch.problems() == []


def test_an_ineligible_learner_sees_why_and_cannot_download(page, course_server, server_store):
    learner = "cert-not-yet"
    complete_every_module(server_store, learner, leave_out=("safeguarding", "profile"))
    open_course_page(page, course_server.page_url("certificate.ipynb", learner=learner))
    page.locator(".ol-not-eligible").wait_for(timeout=90_000)
    assert page.get_by_role("button", name="Download certificate (PDF)").is_disabled()
    todo = page.locator(".ol-not-eligible").inner_text()
    assert "Safeguarding: Not marked complete yet." in todo
    assert "Case 1: Shared images: Not submitted yet." in todo
    assert "The four Cs quiz page: No round answered yet." in todo
    modules = page.locator(".ol-checklist-module")
    assert "Modules marked complete: 8 of 10" in modules.inner_text()
    safeguarding = modules.locator("tr", has_text="Safeguarding")
    assert "✗ Not yet" in safeguarding.inner_text()  # a symbol and words, never colour alone
    assert "✓ Met" in modules.locator("tr", has_text="Data sharing").inner_text()
    href = page.locator(".ol-todo").get_by_role("link", name="Safeguarding", exact=True).get_attribute("href") or ""
    assert href.startswith("05-safeguarding.ipynb?") and f"learner={learner}" in href
    screenshot(page, "certificate-not-eligible")
    violations = run_axe(page)
    assert serious(violations) == [], describe(violations)
    assert page.watch.problems() == []
