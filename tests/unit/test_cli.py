"""The `online-lives` command, run in-process through `course.cli.main`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from course import settings
from course.cli import main
from course.content import Planner
from course.exports import CSV_COLUMNS, parse_assessment
from course.store import SCHEMA_VERSION, Service, Store

UNICODE = "Café — naïve, 日本"


@pytest.fixture
def cli_store(store: Store, store_url: str, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The store the command will open, through ONLINE_LIVES_DB."""
    monkeypatch.setenv("ONLINE_LIVES_DB", store_url)
    return store


@pytest.fixture
def filled(cli_store: Store, planner: Planner) -> Service:
    service = cli_store.create_service("Riverside CAMHS", planner.version)
    cli_store.create_service("Hillside Youth", planner.version)
    cli_store.save(service.id, "1.1", score=0)
    cli_store.save(service.id, "2.5", score=4, evidence=UNICODE)
    cli_store.save(service.id, "3.1", evidence="=SUM(A1:A9)", qa_score=1)
    return service


# --- check-content ------------------------------------------------------------------------


def test_check_content_prints_the_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-content"]) == 0
    out, err = capsys.readouterr()
    assert out == "Content is valid: planner online-lives-planner version 2017.1, 6 sections, 36 statements.\n"
    assert err == ""


def test_check_content_reports_missing_pages(
    tmp_path: Path, planner: Planner, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for section in planner.sections[1:]:
        (pages / section.notebook).write_text("{}", encoding="utf-8")
    monkeypatch.setattr(settings, "MODULES_DIR", pages)
    assert main(["check-content"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "section 'data': page 01-data.ipynb is missing from pages/\n"


def test_check_content_reports_a_broken_planner(
    tmp_path: Path, planner_text: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "planner.yaml").write_text(planner_text.replace('id: "6.6"', 'id: "6.7"'), encoding="utf-8")
    monkeypatch.setenv("ONLINE_LIVES_CONTENT", str(folder))
    assert main(["check-content"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert str(folder / "planner.yaml") in err
    assert "statement id '6.7' should be '6.6' (section 6, item 6)" in err


# --- export -------------------------------------------------------------------------------


def test_export_csv(filled: Service, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--service", "Riverside CAMHS", "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 37
    by_id = {row[1]: dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]}
    assert (by_id["1.1"]["score"], by_id["1.1"]["score_descriptor"]) == ("0", "Not at all/never/no evidence for this")
    assert by_id["2.5"]["evidence"] == UNICODE
    assert by_id["3.1"]["evidence"] == "'=SUM(A1:A9)"
    assert by_id["3.1"]["qa_score"] == "1"
    assert by_id["4.1"]["score"] == ""


def test_export_json(filled: Service, cli_store: Store, planner: Planner, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--service", "riverside camhs", "--format", "json"]) == 0
    out, _ = capsys.readouterr()
    data = json.loads(out)
    assert data["service"] == {"name": "Riverside CAMHS"}
    assert len(data["answers"]) == 36
    imported = parse_assessment(out, planner)
    assert {a.statement_id: a for a in imported.answers} == cli_store.answers(filled.id)
    assert {a.statement_id for a in imported.answers} == {"1.1", "2.5", "3.1"}


def test_export_defaults_to_json_and_finds_a_service_by_slug(
    filled: Service, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--service", "riverside-camhs"]) == 0
    out, _ = capsys.readouterr()
    assert json.loads(out)["format"] == "online-lives-assessment"


def test_export_to_a_file(filled: Service, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.csv"
    assert main(["export", "--service", "Riverside CAMHS", "--format", "csv", "-o", str(target)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"Wrote {target}\n"
    raw = target.read_bytes()
    assert raw.startswith(b"section,statement_id,statement,score,")
    assert raw.count(b"\r\n") == 37  # CSV line ends, not doubled to \r\r\n
    assert UNICODE.encode("utf-8") in raw


def test_export_of_an_unknown_service_names_the_known_ones(filled: Service, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--service", "Nowhere", "--format", "csv"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "No service called 'Nowhere' in the store. Services: Hillside Youth, Riverside CAMHS.\n"


def test_export_from_an_empty_store_says_none_yet(cli_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--service", "Nowhere"]) == 1
    assert capsys.readouterr().err == "No service called 'Nowhere' in the store. Services: none yet.\n"


def test_export_with_a_blank_service_name_is_a_clear_error(
    cli_store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--service", "   "]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("online-lives: Type a name for the service")
    assert "Traceback" not in err


# --- services -----------------------------------------------------------------------------


def test_services_lists_names_and_answer_counts(filled: Service, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["services"]) == 0
    out, err = capsys.readouterr()
    assert out == "Hillside Youth\t0 answers\nRiverside CAMHS\t3 answers\n"
    assert err == ""


def test_services_on_an_empty_store_prints_nothing(cli_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["services"]) == 0
    assert capsys.readouterr().out == ""


def test_a_store_from_a_newer_version_is_a_clear_error(cli_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    with cli_store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE meta SET value = :v WHERE key = 'schema_version'"), {"v": str(SCHEMA_VERSION + 5)})
    assert main(["services"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("online-lives: This store was written by a newer version of Online Lives")
    assert "Traceback" not in err


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main([])
    assert caught.value.code == 2
    assert "required" in capsys.readouterr().err


def test_export_rejects_an_unknown_format(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["export", "--service", "x", "--format", "xlsx"])
    assert caught.value.code == 2
    assert "invalid choice: 'xlsx'" in capsys.readouterr().err
