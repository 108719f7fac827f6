"""Areas: membership, the median and quartiles across services, the fewer-than-3 rule, the
phrases, the local-authority lead's export and the `online-lives area` commands."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from course import area as area_module
from course import content, settings
from course.area import (
    HIDDEN_TEXT,
    MIN_SERVICES,
    SectionStats,
    area_section_stats,
    area_services,
    areas,
    export_csv,
    export_header,
    export_rows,
    export_xlsx,
    load_area_guide,
    quartiles,
    service_position,
    set_area,
)
from course.cli import main
from course.content import ContentError, Planner
from course.store import Service, Store

AREA = "Northshire"


def add(store: Store, planner: Planner, name: str, area: str = AREA, **scores: list[int | None]) -> Service:
    """A service in `area` with scores by section number: `s1=[3, 4]` scores 1.1 and 1.2."""
    service = store.create_service(name, planner.version)
    if area:
        service = set_area(store, service.id, area)
    for key, values in scores.items():
        number = key.removeprefix("s")
        for i, value in enumerate(values, start=1):
            if value is not None:
                store.save(service.id, f"{number}.{i}", score=value)
    return service


def stats_for(store: Store, planner: Planner, section_id: str, area: str = AREA, kind: str = "self") -> SectionStats:
    return next(s for s in area_section_stats(store, planner, area, kind) if s.section_id == section_id)


# --- membership ---------------------------------------------------------------------------


def test_set_area_cleans_the_name_and_leaves_with_empty_text(store: Store, planner: Planner) -> None:
    service = store.create_service("Riverside CAMHS", planner.version)
    assert service.area == ""
    updated = set_area(store, service.id, "  North   shire \n")
    assert updated.area == "North shire"
    assert store.service(service.slug).area == "North shire"
    assert set_area(store, service.id, "").area == ""
    assert store.service(service.slug).area == ""
    set_area(store, service.id, AREA)
    assert set_area(store, service.id, "   ").area == ""  # white space only also leaves
    assert areas(store) == []


def test_one_area_whatever_the_capitals(store: Store, planner: Planner) -> None:
    first = add(store, planner, "Riverside CAMHS", "Northshire")
    second = add(store, planner, "Hillside School", "NORTHSHIRE ")
    add(store, planner, "Lakeside Youth", "Southvale")
    assert second.area == "Northshire"  # the spelling it was first given
    assert areas(store) == ["Northshire", "Southvale"]
    assert [s.name for s in area_services(store, "northshire")] == ["Hillside School", "Riverside CAMHS"]
    assert [s.id for s in area_services(store, "Southvale")] != [first.id]
    assert area_services(store, "") == []
    assert area_services(store, "Nowhere") == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("x" * 121, "at most 120 characters"),
        ("North\x00shire", "cannot be shown"),
        (42, "must be text"),
        (None, "must be text"),
    ],
)
def test_a_bad_area_name_is_refused_and_nothing_changes(
    store: Store, planner: Planner, value: object, message: str
) -> None:
    service = add(store, planner, "Riverside CAMHS")
    with pytest.raises(ValueError, match=message):
        set_area(store, service.id, value)  # type: ignore[arg-type]
    assert store.service(service.slug).area == AREA


def test_set_area_of_a_missing_service(store: Store) -> None:
    with pytest.raises(ValueError, match="not in the store"):
        set_area(store, 999, AREA)


# --- the median and quartiles -------------------------------------------------------------


def test_quartiles_by_the_inclusive_method() -> None:
    # Positions (n - 1) * p into the sorted values, interpolated linearly.
    assert quartiles([4.0, 1.0, 2.0]) == (1.5, 2.0, 3.0)  # 0.5, 1, 1.5
    assert quartiles([0.0, 1.0, 3.0, 4.0]) == (0.75, 2.0, 3.25)  # 0.75, 1.5, 2.25
    assert quartiles([0.5, 1.0, 2.5, 3.0, 4.0]) == (1.0, 2.5, 3.0)  # 1, 2, 3
    assert quartiles([1.0, 2.0]) is None
    assert quartiles([]) is None


def test_three_services_hand_computed(store: Store, planner: Planner) -> None:
    add(store, planner, "A", s1=[1])
    add(store, planner, "B", s1=[2])
    add(store, planner, "C", s1=[4])
    s = stats_for(store, planner, "data")
    # The median only: with 3 services the quartiles (1.5 and 3.0) would give every figure away.
    assert (s.services, s.q1, s.median, s.q3) == (3, None, 2.0, None)
    assert quartiles([1.0, 2.0, 4.0]) == (1.5, 2.0, 3.0)  # what they would have been


def test_four_services_hand_computed(store: Store, planner: Planner) -> None:
    # Section means 0, 1, 3 and 4: sorted positions 0.75, 1.5 and 2.25.
    add(store, planner, "A", s2=[0, 0])
    add(store, planner, "B", s2=[1])
    add(store, planner, "C", s2=[3, 3, 3])
    add(store, planner, "D", s2=[4])
    s = stats_for(store, planner, "staff-training")
    assert s.services == 4
    assert s.median == pytest.approx(2.0)  # 1 + 0.5 * (3 - 1)
    assert s.q1 is None and s.q3 is None  # quartiles from 5 services only
    q1, median, q3 = quartiles([0.0, 1.0, 3.0, 4.0])
    assert q1 == pytest.approx(0.75)  # 0 + 0.75 * (1 - 0)
    assert median == pytest.approx(2.0)
    assert q3 == pytest.approx(3.25)  # 3 + 0.25 * (4 - 3)


def test_five_services_hand_computed_with_fractional_means(store: Store, planner: Planner) -> None:
    # Section means 0.5, 1.25, 2.5, 3 and 3.5 (of the scored statements only).
    add(store, planner, "A", s3=[0, 1])  # 0.5
    add(store, planner, "B", s3=[1, 1, 1, 2])  # 1.25
    add(store, planner, "C", s3=[2, 3, None])  # 2.5: the unscored statement is left out
    add(store, planner, "D", s3=[3])  # 3
    add(store, planner, "E", s3=[3, 4])  # 3.5
    s = stats_for(store, planner, "assessment-tools")
    assert (s.services, s.q1, s.median, s.q3) == (5, 1.25, 2.5, 3.0)


def test_fewer_than_three_services_in_a_section_hides_it(store: Store, planner: Planner) -> None:
    add(store, planner, "A", s1=[1], s4=[2])
    add(store, planner, "B", s1=[2], s4=[4])
    add(store, planner, "C", s1=[3])  # did not score section 4
    stats = area_section_stats(store, planner, AREA)
    assert [s.section_id for s in stats] == [s.id for s in planner.sections]  # planner order
    by_id = {s.section_id: s for s in stats}
    assert by_id["data"] == SectionStats("data", 3, 2.0, None, None)  # quartiles from 5 services
    assert by_id["data-sharing"] == SectionStats("data-sharing", 2, None, None, None)
    assert by_id["data-sharing"].hidden
    assert by_id["safeguarding"] == SectionStats("safeguarding", 0, None, None, None)
    assert MIN_SERVICES == 3


def test_services_outside_the_area_are_left_out(store: Store, planner: Planner) -> None:
    add(store, planner, "A", s1=[1])
    add(store, planner, "B", s1=[2])
    add(store, planner, "C", s1=[4])
    add(store, planner, "Elsewhere", "Southvale", s1=[0])
    add(store, planner, "No area", "", s1=[0])
    assert stats_for(store, planner, "data") == SectionStats("data", 3, 2.0, None, None)
    # Southvale has one service: its figures are hidden.
    assert stats_for(store, planner, "data", "Southvale") == SectionStats("data", 1, None, None, None)
    # An area nobody is in has nothing.
    assert stats_for(store, planner, "data", "Nowhere").services == 0


def test_qa_means_have_their_own_figures(store: Store, planner: Planner) -> None:
    for name, qa in (("A", 0), ("B", 2), ("C", 3)):
        service = add(store, planner, name, s1=[4])
        store.save(service.id, "1.1", qa_score=qa)
    s = stats_for(store, planner, "data", kind="qa")
    assert (s.services, s.q1, s.median, s.q3) == (3, None, 2.0, None)
    assert stats_for(store, planner, "data").median == 4.0
    with pytest.raises(ValueError, match="kind"):
        area_section_stats(store, planner, AREA, "other")


# --- where a service stands ---------------------------------------------------------------

STATS = SectionStats("data", 5, median=2.0, q1=1.5, q3=3.0)


@pytest.mark.parametrize(
    ("mean", "phrase"),
    [
        (3.5, "in the top quarter of the area"),
        (3.0, "above the area median"),  # on the upper quartile: not above it
        (2.5, "above the area median"),
        (2.0, "at the area median"),
        (1.75, "below the area median"),
        (1.5, "below the area median"),  # on the lower quartile
        (1.0, "in the bottom quarter of the area"),
        (None, None),
    ],
)
def test_service_position_phrases(mean: float | None, phrase: str | None) -> None:
    assert service_position(mean, STATS) == phrase


def test_no_position_when_the_area_is_hidden() -> None:
    assert service_position(4.0, SectionStats("data", 2, None, None, None)) is None


# --- the local-authority lead's export ----------------------------------------------------


@pytest.fixture
def area_of_four(store: Store, planner: Planner) -> list[Service]:
    a = add(store, planner, '=HYPERLINK("http://x")', s1=[1, 4], s4=[2])
    store.save(a.id, "1.1", qa_score=3, evidence="")  # a flag: self 1, QA 3
    b = add(store, planner, "Hillside School", s1=[2])
    c = add(store, planner, "Riverside CAMHS", s1=[3, 3], s4=[4])
    other = add(store, planner, "Lakeside Youth", "Southvale", s1=[0])
    return [a, b, c, other]


def test_export_rows_side_by_side_with_the_area_figures(
    store: Store, planner: Planner, area_of_four: list[Service]
) -> None:
    header = export_header(planner)
    assert header[:5] == [
        "service",
        "1. Data: self mean",
        "1. Data: QA mean",
        "1. Data: statements scored",
        "1. Data: flags",
    ]
    assert len(header) == 1 + 4 * len(planner.sections)
    rows = export_rows(store, planner, "northshire")
    assert [r[0] for r in rows] == [
        '=HYPERLINK("http://x")',
        "Hillside School",
        "Riverside CAMHS",
        "Area lower quartile",
        "Area median",
        "Area upper quartile",
    ]
    assert "Lakeside Youth" not in {r[0] for r in rows}
    first = rows[0]
    # Section 1: means 2.5 (1 and 4), QA 3, 2 statements, 2 flags (4 with no evidence; self 1 v QA 3).
    assert first[1:5] == [2.5, 3.0, 2, 2]
    # Section 4 (columns 13-16): scored by 2 services only.
    assert first[13:17] == [2.0, None, 1, 0]
    median = rows[4]
    assert median[1:5] == [2.5, HIDDEN_TEXT, "", ""]  # self means 2.5, 2, 3; one QA mean
    assert median[13] == HIDDEN_TEXT
    assert rows[3][1] == 2.25 and rows[5][1] == 2.75
    with pytest.raises(ValueError, match="No service"):
        export_rows(store, planner, "Nowhere")


def test_export_csv_neutralises_formulas(store: Store, planner: Planner, area_of_four: list[Service]) -> None:
    table = list(csv.reader(io.StringIO(export_csv(store, planner, AREA))))
    assert table[0] == export_header(planner)
    assert table[1][0] == '\'=HYPERLINK("http://x")'
    assert table[1][1:5] == ["2.5", "3", "2", "2"]
    assert table[5][0] == "Area median"
    assert table[5][1] == "2.5"
    assert len(table) == 7


def test_export_xlsx_reads_back(store: Store, planner: Planner, area_of_four: list[Service]) -> None:
    book = load_workbook(io.BytesIO(export_xlsx(store, planner, AREA)))
    assert book.sheetnames == ["Area", "About"]
    sheet = book["Area"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0] == export_header(planner)
    assert values[1][0] == '\'=HYPERLINK("http://x")'
    assert values[1][1:5] == [2.5, 3, 2, 2]  # numbers stay numbers
    assert values[5][:2] == ["Area median", 2.5]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "B2"
    about = {r[0]: r[1] for r in book["About"].iter_rows(values_only=True)}
    assert about["Area"] == AREA and about["Services"] == 3
    assert "QUARTILE.INC" in about["Rules"]


# --- the commands ---------------------------------------------------------------------------


@pytest.fixture
def cli_store(store: Store, store_url: str, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setenv("ONLINE_LIVES_DB", store_url)
    return store


def test_cli_list_and_set(cli_store: Store, planner: Planner, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["area", "list"]) == 0
    assert "No areas yet" in capsys.readouterr().out
    for name in ("Riverside CAMHS", "Hillside School", "Lakeside Youth"):
        cli_store.create_service(name, planner.version)
    assert main(["area", "set", "--service", "riverside camhs", "--area", " Northshire "]) == 0
    assert capsys.readouterr().out == "Riverside CAMHS is now in the area 'Northshire' (1 service).\n"
    assert main(["area", "set", "--service", "Hillside School", "--area", "northshire"]) == 0
    assert capsys.readouterr().out == "Hillside School is now in the area 'Northshire' (2 services).\n"
    assert main(["area", "set", "--service", "Lakeside Youth", "--area", "Southvale"]) == 0
    capsys.readouterr()
    assert main(["area", "list"]) == 0
    assert capsys.readouterr().out == "area\tservices\nNorthshire\t2\nSouthvale\t1\n"
    assert main(["area", "set", "--service", "Lakeside Youth", "--area", ""]) == 0
    assert capsys.readouterr().out == "Lakeside Youth is not in any area now.\n"
    assert cli_store.service_by_name("Lakeside Youth").area == ""


def test_cli_refuses_unknown_names(cli_store: Store, planner: Planner, capsys: pytest.CaptureFixture[str]) -> None:
    cli_store.create_service("Riverside CAMHS", planner.version)
    assert main(["area", "set", "--service", "Nobody", "--area", AREA]) == 1
    assert "No service called 'Nobody'" in capsys.readouterr().err
    assert main(["area", "set", "--service", "Riverside CAMHS", "--area", "x" * 200]) == 2
    assert "at most 120 characters" in capsys.readouterr().err
    assert main(["area", "export", "--area", "Nowhere", "-o", "unused.csv"]) == 1
    assert "No service is in an area called 'Nowhere'" in capsys.readouterr().err


def test_cli_export_csv_and_xlsx(
    cli_store: Store, planner: Planner, area_of_four: list[Service], tmp_path: Path
) -> None:
    target = tmp_path / "area.csv"
    assert main(["area", "export", "--area", "NORTHSHIRE", "--format", "csv", "-o", str(target)]) == 0
    table = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [r[0] for r in table[1:4]] == ['\'=HYPERLINK("http://x")', "Hillside School", "Riverside CAMHS"]
    book_path = tmp_path / "area.xlsx"
    assert main(["area", "export", "--area", AREA, "--format", "xlsx", "-o", str(book_path)]) == 0
    sheet = load_workbook(book_path)["Area"]
    assert sheet.max_row == 7 and sheet["A6"].value == "Area median"


# --- the page's explanation, as content -------------------------------------------------------


def test_the_area_guide_is_valid_content() -> None:
    guide = load_area_guide()
    assert "coherent" in " ".join(guide["what_an_area_is"])
    assert any("fewer than 3" in p.lower() for p in guide["how_to_read"])


def test_a_broken_area_guide_names_file_line_and_problem(tmp_path: Path) -> None:
    broken = tmp_path / "area.yaml"
    broken.write_text("id: area\ntitle: Area view\nwhat_an_area_is: []\nhow_to_read: [x]\narea_name_help: y\n")
    with pytest.raises(ContentError) as error:
        load_area_guide(broken)
    assert "area.yaml" in str(error.value) and "line 3" in str(error.value)
    assert "what_an_area_is" in str(error.value)
    assert area_module.GUIDE_FILE == "area.yaml"


def test_check_content_names_a_broken_area_guide(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "datasets"
    shutil.copytree(settings.DATASETS_DIR, copy)
    target = copy / "area.yaml"
    lines = target.read_text(encoding="utf-8").splitlines()
    first_field = next(i for i, line in enumerate(lines) if line and not line.startswith("#"))
    lines.insert(first_field, "unexpected_field: true")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("ONLINE_LIVES_CONTENT", str(copy))
    problems = content.check_content()
    assert len(problems) == 1
    assert "area.yaml" in problems[0] and f"line {first_field + 1}" in problems[0]
    assert "unexpected field" in problems[0]
