"""The report panel and the redacted downloads on the profile page, driven headless."""

from __future__ import annotations

import base64
import json
import re

import pytest

from course import render, report
from course.content import load_planner
from course.render import NO_CHROMIUM, RenderError
from widgets import ProfilePage
from widgets.report_panel import ANONYMISE_LABEL, MAKING, ReportPanel

PLANNER = load_planner()
PHONE = "07700 900123"
EVIDENCE = f"A boy called Tyler Jones; dad on {PHONE}. <script>alert(1)</script>"
FAKE_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g></g></svg>'


@pytest.fixture
def service(store):  # type: ignore[no-untyped-def]
    created = store.create_service("Riverside CAMHS", PLANNER.version)
    store.save(created.id, "1.1", score=2, evidence=EVIDENCE, qa_note="Seen by Mrs Patel.")
    return created


@pytest.fixture
def fake_chart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "figure_svg", lambda figure: FAKE_SVG)
    monkeypatch.setattr(report, "_chart_cache", {})


def link(value: str, mime: str) -> tuple[str, bytes]:
    found = re.search(rf'download="([^"]+)" href="data:{re.escape(mime)}[^,]*;base64,([^"]+)"', value)
    assert found, value
    return found.group(1), base64.b64decode(found.group(2))


def test_the_panel_is_labelled_and_disabled_without_a_service(store) -> None:  # type: ignore[no-untyped-def]
    panel = ReportPanel()
    assert "<h2>Report for your board</h2>" in panel._intro.value
    assert panel.anonymise.description == ANONYMISE_LABEL == "Anonymise: remove probable personal data"
    assert panel.make_pdf.description == "Make PDF report" and panel.make_html.description == "Make HTML report"
    assert panel.make_pdf.disabled and panel.make_html.disabled
    assert 'role="status"' in panel.status.value and "Choose a service" in panel.status.value
    panel.make("pdf")  # a click that arrives anyway is refused in words
    assert "ol-error" in panel.status.value and "Choose a service on the course home first." in panel.status.value


def test_make_html_offers_the_report_as_a_download(store, service, fake_chart) -> None:  # type: ignore[no-untyped-def]
    panel = ReportPanel()
    panel.show(service)
    assert not panel.make_html.disabled
    panel.make_html.click()
    assert MAKING in panel.status.value and panel.make_pdf.disabled  # at once, while it is made
    panel.pending.join(timeout=120)
    assert 'role="status"' in panel.status.value and "Your HTML report is ready" in panel.status.value
    name, data = link(panel.status.value, "text/html")
    assert re.fullmatch(r"online-lives-report-riverside-camhs-\d{4}-\d{2}-\d{2}\.html", name)
    page = data.decode("utf-8")
    assert PHONE in page and "&lt;script&gt;" in page and "<script>alert" not in page
    assert not panel.make_pdf.disabled and not panel.make_html.disabled  # enabled again afterwards


def test_anonymise_removes_personal_data_from_the_download(store, service, fake_chart) -> None:  # type: ignore[no-untyped-def]
    panel = ReportPanel()
    panel.show(service)
    panel.anonymise.value = True
    panel.make_html.click()
    panel.pending.join(timeout=120)
    assert "Your anonymised HTML report is ready" in panel.status.value
    _name, data = link(panel.status.value, "text/html")
    page = data.decode("utf-8")
    for personal in (PHONE, "Tyler Jones", "Patel"):
        assert personal not in page
    assert "called [name removed]" in page and "This copy is anonymised." in page


def test_a_render_error_is_shown_plainly(store, service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def no_chromium(html_text: str) -> bytes:
        raise RenderError(NO_CHROMIUM)

    monkeypatch.setattr(render, "html_to_pdf", no_chromium)
    monkeypatch.setattr(render, "figure_svg", lambda figure: FAKE_SVG)
    panel = ReportPanel()
    panel.show(service)
    panel.make_pdf.click()
    panel.pending.join(timeout=120)
    assert "The report could not be made." in panel.status.value
    assert "not installed on this machine" in panel.status.value and "ol-error" in panel.status.value
    assert "download=" not in panel.status.value
    assert not panel.make_pdf.disabled


def test_an_unknown_format_is_refused(store, service) -> None:  # type: ignore[no-untyped-def]
    panel = ReportPanel()
    panel.show(service)
    panel.make("<docx>")
    assert "Unknown report format &lt;docx&gt;." in panel.status.value


def test_make_pdf_offers_a_real_pdf(store, service) -> None:  # type: ignore[no-untyped-def]
    from io import BytesIO

    from pypdf import PdfReader

    panel = ReportPanel()
    panel.show(service)
    panel.make_pdf.click()
    panel.pending.join(timeout=120)
    name, data = link(panel.status.value, "application/pdf")
    assert name.endswith(".pdf") and data.startswith(b"%PDF")
    assert len(PdfReader(BytesIO(data)).pages) > 1


def test_the_profile_page_has_the_panel_and_redacts_downloads(store, service, fake_chart) -> None:  # type: ignore[no-untyped-def]
    page = ProfilePage()
    assert page._report in page.children
    assert page._redact.description == "Remove probable personal data from downloads"
    page.set_service(service)
    assert page._report.service == service and not page._report.make_pdf.disabled

    _name, data = link(page._download_links.value, "application/json")
    assert json.loads(data)["answers"][0]["evidence"] == EVIDENCE
    page._redact.value = True
    _name, data = link(page._download_links.value, "application/json")
    exported = json.loads(data)["answers"][0]
    assert (
        exported["evidence"] == "A boy called [name removed]; dad on [phone number removed]. <script>alert(1)</script>"
    )
    assert exported["qa_note"] == "Seen by Mrs [name removed]."
    _name, data = link(page._download_links.value, "text/csv")
    assert PHONE not in data.decode("utf-8") and "[phone number removed]" in data.decode("utf-8")
    page._redact.value = False
    _name, data = link(page._download_links.value, "application/json")
    assert json.loads(data)["answers"][0]["evidence"] == EVIDENCE


def test_without_a_service_the_downloads_and_report_are_hidden(store) -> None:  # type: ignore[no-untyped-def]
    page = ProfilePage()
    page.set_service(None)
    assert page._download_links.value == "" and page._redact.layout.display == "none"
    assert page._report.make_pdf.disabled


def test_an_unexpected_error_is_a_plain_message_without_details(store, service, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(*args: object) -> None:
        raise KeyError("secret evidence text")

    monkeypatch.setattr("widgets.report_panel.make_report", broken)
    panel = ReportPanel()
    panel.show(service)
    panel.make_html.click()
    panel.pending.join(timeout=60)
    assert "unexpected problem" in panel.status.value and "secret" not in panel.status.value
    assert not panel.make_html.disabled
