"""The report for the board (course/report.py), its command, and redacted exports."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from course import render, report
from course.actions import save_action
from course.area import set_area
from course.cli import main
from course.content import Planner
from course.exports import parse_assessment, to_csv, to_json
from course.render import NO_CHROMIUM, RenderError
from course.report import OWNER_REMOVED, gather_report, report_html, report_pdf, summary_points
from course.store import Service, Store

TODAY = date(2026, 11, 29)
PHONE, EMAIL, NAME = "07700 900123", "jade.smith@example.org", "Jade Smith"
SCRIPT, BOLD = "<script>alert(1)</script>", "<b>bold</b>"
EVIDENCE = f"A girl called {NAME} was referred; mum on {PHONE}, {EMAIL}. {SCRIPT} {BOLD}"
QA_NOTE = "Checked with Mrs Patel on 0121 496 0000."
OWNER = "Sam Jones"
ACTION = "Brief staff; ring Mr Khan on 07700 900456 about the form."
FAKE_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="700" height="600" viewBox="0 0 700 600"><g></g></svg>'


@pytest.fixture
def backend() -> str:
    """The report reads the store through its public functions, tested on both databases
    elsewhere: SQLite is enough here (the PDF tests take seconds each)."""
    return "sqlite"


@pytest.fixture
def fake_chart(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Draw charts as a small fixed SVG (drawing a real one costs seconds); records the figures."""
    drawn: list[dict] = []

    def figure_svg(figure: dict) -> str:
        drawn.append(figure)
        return FAKE_SVG

    monkeypatch.setattr(render, "figure_svg", figure_svg)
    monkeypatch.setattr(report, "_chart_cache", {})
    return drawn


@pytest.fixture
def filled(store: Store, service: Service, planner: Planner) -> Service:
    """Riverside CAMHS with scores in every section, sensitive evidence, QA and two actions."""
    for i, statement in enumerate(planner.statements):
        store.save(service.id, statement.id, score=(i % 5), evidence=f"Evidence for {statement.id}.")
    store.save(service.id, "1.2", score=1, evidence=EVIDENCE, qa_score=4, qa_note=QA_NOTE)
    store.save(service.id, "2.1", score=4, evidence="")  # flagged: no evidence
    save_action(store, service.id, "1.2", action=ACTION, owner=OWNER, deadline="2026-01-31", status="in progress")
    save_action(store, service.id, "3.3", action="Adopt a screening tool.", owner="", deadline=None, status="done")
    return service


def make(store: Store, planner: Planner, service: Service) -> report.Report:
    return gather_report(store, planner, store.service(service.slug) or service, today=TODAY)


# --- gathering and the summary --------------------------------------------------------------


def test_gather_reads_answers_flags_actions_and_round(store: Store, planner: Planner, filled: Service) -> None:
    found = make(store, planner, filled)
    assert found.round_number == 1
    assert found.answers["1.2"].evidence == EVIDENCE
    assert list(found.actions) == ["1.2", "3.3"]
    assert {f.statement_id for f in found.flags} >= {"1.2", "2.1"}
    assert [s.section_id for s in found.summaries] == [s.id for s in planner.sections]
    assert found.area_medians == [None] * len(planner.sections)  # no area
    assert found.default_filename("pdf") == "online-lives-report-riverside-camhs-2026-11-29.pdf"


def test_summary_says_what_matters_in_words(store: Store, planner: Planner, filled: Service) -> None:
    points = summary_points(make(store, planner, filled))
    text = " ".join(points)
    assert "36 of 36 statements are scored, in 6 of 6 sections (6 fully scored)." in text
    assert "An independent QA check scored 1 statement, with an average of 4.0." in text
    assert "Strongest section" in text and "Weakest section" in text
    assert "The action plan has 2 actions: 1 in progress and 1 done. 1 is past its deadline." in text
    assert re.search(r"\d+ flags to look at: \d+ with a score of 3 or 4 but no evidence and 1 where", text)


def test_summary_of_an_empty_assessment(store: Store, planner: Planner, service: Service) -> None:
    text = " ".join(summary_points(make(store, planner, service)))
    assert "No statement is scored yet" in text
    assert "No statement has had an independent QA check yet." in text
    assert "No actions are recorded in the action plan yet." in text
    assert "No flags" in text


def test_strongest_and_weakest_are_the_right_sections(store: Store, planner: Planner, service: Service) -> None:
    for statement in planner.section("data").statements:
        store.save(service.id, statement.id, score=4, evidence="Monthly log.")
    for statement in planner.section("safeguarding").statements:
        store.save(service.id, statement.id, score=1)
    text = " ".join(summary_points(make(store, planner, service)))
    assert "Strongest section: 1. Data (average 4.0). Weakest section: 5. Safeguarding (average 1.0)." in text


# --- the HTML document ------------------------------------------------------------------------


def test_html_has_every_part_statement_the_credit_date_and_round(
    store: Store, planner: Planner, filled: Service, fake_chart: list[dict]
) -> None:
    page = report_html(make(store, planner, filled))
    assert page.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    assert "@page" in page and "size: A4" in page and "break-before: page" in page
    for heading in ("Summary", "Scores by section", "Action plan", "About this report"):
        assert f">{heading}</h2>" in page
    for section in planner.sections:
        assert f"Section {section.number}. {html.escape(section.title)}</h2>" in page
        for statement in section.statements:
            assert html.escape(statement.text) in page
            assert f'<th scope="row">{statement.id}</th>' in page
    assert html.escape(planner.source.credit) in page
    assert "29 November 2026" in page
    assert "Round 1" in page and "round 1 of the self-assessment" in page
    assert "Riverside CAMHS" in page
    assert "0</strong>: Not at all/never/no evidence for this" in page  # score with its descriptor
    assert "Flag:</span> Scored 4 but no evidence is recorded." in page
    assert "31 January 2026 (past its deadline)" in page
    # Every table is captioned and its headers scoped.
    assert page.count("<table") == page.count("<caption>") == 2 + len(planner.sections) + 2
    assert "<th>" not in page


def test_stored_text_is_escaped(store: Store, planner: Planner, filled: Service, fake_chart: list[dict]) -> None:
    store.save(filled.id, "4.4", evidence='"><img src=x onerror=alert(2)>', qa_note="<i>note</i> & more")
    save_action(store, filled.id, "4.5", action="<u>act</u>", owner="<em>Owner</em>", deadline=None, status="done")
    page = report_html(make(store, planner, filled))
    for raw in (SCRIPT, BOLD, "<img src=x", "<i>note</i>", "<u>act</u>", "<em>Owner</em>"):
        assert raw not in page
    assert html.escape(SCRIPT) in page and html.escape(BOLD) in page
    assert "&lt;i&gt;note&lt;/i&gt; &amp; more" in page
    assert "&lt;em&gt;Owner&lt;/em&gt;" in page


def test_a_service_name_is_escaped(store: Store, planner: Planner, fake_chart: list[dict]) -> None:
    service = store.create_service("Tom & Jerry's <Club>", planner.version)
    page = report_html(make(store, planner, service))
    assert "<Club>" not in page
    assert "Tom &amp; Jerry&#x27;s &lt;Club&gt;" in page


def test_anonymise_removes_personal_data_from_evidence_notes_actions_and_owners(
    store: Store, planner: Planner, filled: Service, fake_chart: list[dict]
) -> None:
    found = make(store, planner, filled)
    plain, anonymised = report_html(found), report_html(found, anonymise=True)
    for personal in (PHONE, EMAIL, NAME, "Patel", "0121 496 0000", "Khan", "07700 900456", OWNER):
        assert personal in plain
        assert personal not in anonymised
    assert "called [name removed] was referred; mum on [phone number removed], [email removed]." in anonymised
    assert "Mrs [name removed] on [phone number removed]." in anonymised
    assert "ring Mr [name removed] on [phone number removed]" in anonymised
    assert f"<td>{OWNER_REMOVED}</td>" in anonymised
    assert anonymised.count(OWNER_REMOVED) == 2  # the notice and the one named owner; a blank owner stays blank
    assert "This copy is anonymised." in anonymised and "This copy is anonymised." not in plain
    assert "(anonymised)</title>" in anonymised
    assert html.escape(SCRIPT) in anonymised  # still escaped


def test_area_medians_appear_in_the_chart_and_tables_only_from_three_services(
    store: Store, planner: Planner, filled: Service, fake_chart: list[dict]
) -> None:
    set_area(store, filled.id, "Dudley")
    other = store.create_service("Hillside Youth", planner.version)
    set_area(store, other.id, "Dudley")
    for statement in planner.statements:
        store.save(other.id, statement.id, score=2)
    two = make(store, planner, filled)
    assert two.area_medians == [None] * 6
    page = report_html(two)
    assert "Area median</th>" in page and ">not shown</td>" in page
    assert len(fake_chart[-1]["data"]) == 2  # no area trace when no median is shown
    assert "too few services with scores for a median" in " ".join(summary_points(two))

    third = store.create_service("Northfield School", planner.version)
    set_area(store, third.id, "Dudley")
    for statement in planner.statements:
        store.save(third.id, statement.id, score=3)
    three = make(store, planner, filled)
    assert all(m is not None for m in three.area_medians)
    assert three.area_services == 3
    page = report_html(three)
    figure = fake_chart[-1]
    assert [t["name"] for t in figure["data"]] == ["Self-assessment", "QA check", "Area median"]
    assert [t["line"]["dash"] for t in figure["data"]] == ["solid", "dash", "dot"]
    assert [t["marker"]["symbol"] for t in figure["data"]] == ["circle", "square", "diamond"]
    assert figure["data"][2]["r"][:6] == three.area_medians
    assert "area median as a dotted line with diamonds" in page
    assert f'<td class="num">{three.area_medians[0]:.1f}</td>' in page


def test_the_report_without_a_chart_engine_still_has_the_figures(
    store: Store, planner: Planner, filled: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_chromium(figure: dict) -> str:
        raise RenderError(NO_CHROMIUM)

    monkeypatch.setattr(render, "figure_svg", no_chromium)
    monkeypatch.setattr(report, "_chart_cache", {})
    page = report_html(make(store, planner, filled))
    assert "The chart could not be drawn here" in page and "Table 2 below gives the same figures." in page
    assert "Table 2. The figures in the chart" in page


def test_the_chart_is_a_real_plotly_svg_with_a_caption(store: Store, planner: Planner, filled: Service) -> None:
    page = report_html(make(store, planner, filled))
    figure = re.search(r'<figure aria-label="Figure 1">(.*?)</figure>', page, re.S)
    assert figure
    svg = figure.group(1)
    assert svg.startswith('<svg role="img" aria-label="Radar chart of section averages')
    assert 'class="main-svg"' in svg  # drawn by plotly.js
    for section in planner.sections:
        assert f"{section.number}. {html.escape(section.title)}" in svg
    assert "Self-assessment" in svg and "QA check" in svg
    assert "<figcaption>Figure 1. The average score of each section" in svg


# --- the PDF ------------------------------------------------------------------------------


def test_the_pdf_renders_with_its_pages_and_text(store: Store, planner: Planner, filled: Service) -> None:
    data = report_pdf(make(store, planner, filled))
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 1
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Riverside CAMHS" in text
    assert "Section 1. Data" in text and "Section 6. Parents and carers" in text
    assert " ".join(planner.source.credit.split()) in text
    assert "29 November 2026" in text and "Round 1" in text
    assert f"Page 1 of {len(reader.pages)}" in text
    assert "<script>alert(1)" in text and "</script> <b>bold</b>" in text  # shown as text, not run


def test_the_anonymised_pdf_has_no_personal_data(store: Store, planner: Planner, filled: Service) -> None:
    reader = PdfReader(io.BytesIO(report_pdf(make(store, planner, filled), anonymise=True)))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "This copy is anonymised." in text
    for personal in (PHONE, EMAIL, NAME, "Patel", OWNER):
        assert personal not in text


# --- the command ----------------------------------------------------------------------------


@pytest.fixture
def cli_filled(filled: Service, store_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Service:
    monkeypatch.setenv("ONLINE_LIVES_DB", store_url)
    monkeypatch.chdir(tmp_path)
    return filled


def test_report_command_writes_html_to_the_default_name(
    cli_filled: Service, tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_chart: list[dict]
) -> None:
    assert main(["report", "--service", "Riverside CAMHS", "--format", "html"]) == 0
    written = tmp_path / f"online-lives-report-riverside-camhs-{date.today().isoformat()}.html"
    page = written.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and PHONE in page
    assert capsys.readouterr().err == f"Wrote {written.name}\n"


def test_report_command_anonymises_to_a_named_file(
    cli_filled: Service, tmp_path: Path, capsys: pytest.CaptureFixture[str], fake_chart: list[dict]
) -> None:
    target = tmp_path / "board.html"
    assert main(["report", "--service", "riverside-camhs", "--format", "html", "--anonymise", "-o", str(target)]) == 0
    page = target.read_text(encoding="utf-8")
    assert PHONE not in page and NAME not in page and "This copy is anonymised." in page
    assert capsys.readouterr().err == f"Wrote {target} (anonymised)\n"


def test_report_command_makes_a_pdf(cli_filled: Service, tmp_path: Path) -> None:
    assert main(["report", "--service", "Riverside CAMHS", "-o", "board.pdf"]) == 0
    reader = PdfReader(tmp_path / "board.pdf")
    assert len(reader.pages) > 1
    assert "Riverside CAMHS" in reader.pages[0].extract_text()


def test_report_command_says_plainly_when_it_cannot_render(
    cli_filled: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_chromium(html_text: str) -> bytes:
        raise RenderError(NO_CHROMIUM)

    monkeypatch.setattr(render, "html_to_pdf", no_chromium)
    monkeypatch.setattr(render, "figure_svg", lambda figure: FAKE_SVG)
    assert main(["report", "--service", "Riverside CAMHS", "--format", "pdf"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"online-lives: {NO_CHROMIUM}\n"
    assert list(tmp_path.glob("*.pdf")) == []


def test_report_command_names_the_known_services(cli_filled: Service, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--service", "Nowhere", "--format", "html"]) == 1
    assert capsys.readouterr().err == "No service called 'Nowhere' in the store. Services: Riverside CAMHS.\n"


def test_report_command_refuses_an_unknown_format(cli_filled: Service, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["report", "--service", "Riverside CAMHS", "--format", "docx"])
    assert exited.value.code == 2
    assert "invalid choice: 'docx'" in capsys.readouterr().err


# --- redacted exports ---------------------------------------------------------------------------


def test_redacted_json_imports_and_holds_no_personal_data(store: Store, planner: Planner, filled: Service) -> None:
    answers = store.answers(filled.id)
    text = to_json(planner, filled, answers, redact=True)
    for personal in (PHONE, EMAIL, NAME, "Patel", "0121 496 0000"):
        assert personal not in text
    imported = parse_assessment(text.encode("utf-8"), planner, "redacted.json")
    by_id = {a.statement_id: a for a in imported.answers}
    assert by_id["1.2"].evidence.startswith("A girl called [name removed] was referred; mum on [phone number removed]")
    assert by_id["1.2"].qa_note == "Checked with Mrs [name removed] on [phone number removed]."
    assert by_id["1.2"].score == 1 and by_id["1.2"].qa_score == 4
    assert to_json(planner, filled, answers) != text and PHONE in to_json(planner, filled, answers)


def test_redaction_never_makes_a_json_too_long_to_import(store: Store, planner: Planner, service: Service) -> None:
    store.save(service.id, "1.1", evidence="DY1 1HF " * 2500)  # 20,000 characters; each label is longer
    text = to_json(planner, service, store.answers(service.id), redact=True)
    (answer,) = parse_assessment(text, planner).answers
    assert len(answer.evidence) == 20_000 and "DY1 1HF" not in answer.evidence


def test_redacted_csv(store: Store, planner: Planner, filled: Service) -> None:
    rows = list(csv.DictReader(io.StringIO(to_csv(planner, filled, store.answers(filled.id), redact=True))))
    row = next(r for r in rows if r["statement_id"] == "1.2")
    assert row["evidence"].startswith("A girl called [name removed]")
    assert row["qa_note"] == "Checked with Mrs [name removed] on [phone number removed]."


def test_export_command_redacts(
    cli_filled: Service, planner: Planner, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["export", "--service", "Riverside CAMHS", "--redact"]) == 0
    out = capsys.readouterr().out
    assert PHONE not in out and NAME not in out and "[name removed]" in out
    assert parse_assessment(out, planner).service_name == "Riverside CAMHS"
    assert main(["export", "--service", "Riverside CAMHS", "--format", "csv", "--redact", "-o", "out.csv"]) == 0
    written = (tmp_path / "out.csv").read_text(encoding="utf-8")
    assert "[phone number removed]" in written and PHONE not in written
    assert main(["export", "--service", "Riverside CAMHS"]) == 0
    assert PHONE in json.loads(capsys.readouterr().out)["answers"][1]["evidence"]


def test_the_radar_takes_one_area_median_per_section(planner: Planner) -> None:
    from course.charts import radar_figure_dict
    from course.scoring import summarise

    summaries = summarise(planner, {})
    assert len(radar_figure_dict(planner, summaries)["data"]) == 2  # existing callers: self and QA only
    figure = radar_figure_dict(planner, summaries, area=[1.0, None, 2.0, 3.0, None, 4.0])
    assert figure["data"][2]["r"] == [1.0, None, 2.0, 3.0, None, 4.0, 1.0]  # a closed loop, gaps kept
    with pytest.raises(ValueError, match="expected 6 area medians"):
        radar_figure_dict(planner, summaries, area=[1.0])
