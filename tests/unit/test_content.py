"""The planner loader: the real file, broken files, and check_content."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from course import content, settings
from course.content import ContentError, Planner, check_content, load_planner

# --- the real planner ---------------------------------------------------------------------

SECTION_IDS = [
    "data",
    "staff-training",
    "assessment-tools",
    "data-sharing",
    "safeguarding",
    "parents-and-carers",
]


def test_real_planner_has_six_sections_in_order(planner: Planner) -> None:
    assert [s.id for s in planner.sections] == SECTION_IDS
    assert [s.number for s in planner.sections] == [1, 2, 3, 4, 5, 6]
    assert [s.title for s in planner.sections] == [
        "Data",
        "Staff training",
        "Assessment tools",
        "Data sharing",
        "Safeguarding",
        "Parents and carers",
    ]
    assert [s.notebook for s in planner.sections] == [
        "01-data.ipynb",
        "02-staff-training.ipynb",
        "03-assessment-tools.ipynb",
        "04-data-sharing.ipynb",
        "05-safeguarding.ipynb",
        "06-parents-and-carers.ipynb",
    ]


def test_real_planner_has_36_statements_numbered_1_1_to_6_6(planner: Planner) -> None:
    assert len(planner.statements) == 36
    assert [s.id for s in planner.statements] == [f"{n}.{i}" for n in range(1, 7) for i in range(1, 7)]
    for section in planner.sections:
        assert len(section.statements) == 6
        assert {s.section_id for s in section.statements} == {section.id}
        assert all(s.id.startswith(f"{section.number}.") for s in section.statements)


def test_real_planner_scale_is_0_to_4_with_the_planners_descriptors(planner: Planner) -> None:
    assert [(lvl.level, lvl.label, lvl.descriptor) for lvl in planner.scale] == [
        (0, "Not at all", "Not at all/never/no evidence for this"),
        (1, "Very little", "Very little/very infrequently/very little evidence available"),
        (2, "To some extent", "To some extent/sometimes/some evidence available"),
        (3, "To a considerable extent", "To a considerable extent/ often/ good evidence available"),
        (4, "Always", "Always/to a great extent/strong evidence available"),
    ]
    assert planner.descriptor(0) == "Not at all/never/no evidence for this"
    assert planner.descriptor(4) == "Always/to a great extent/strong evidence available"


def test_real_planner_credits_its_source(planner: Planner) -> None:
    assert planner.id == "online-lives-planner"
    assert planner.version == "2017.1"
    assert planner.source.authors == ("Adrienne Katz", "Cathy Street")
    assert planner.source.year == 2017
    assert "Youthworks Consulting Ltd" in planner.source.publisher
    credit = planner.source.credit
    assert "Adrienne Katz" in credit
    assert "Cathy Street" in credit
    # The folded YAML block is tidied into one line of single spaces.
    assert "\n" not in credit
    assert "  " not in credit
    assert credit.startswith("The planner's statements, its 0 to 4 scale")
    assert planner.qa_explanation.startswith("QA: A column has been provided for quality assurance")
    assert "\n" not in planner.qa_explanation


@pytest.mark.parametrize(
    ("statement_id", "text"),
    [
        ("5.3", "Our staff are all trained to save evidence appropriately."),
        ("2.5", "Training is evaluated"),
        ("1.5", "Data is collected continuously and shared with partner agencies"),
        (
            "3.4",
            "The assessment tools we use identify vulnerable children and young people who are "
            "particularly susceptible to online harm (vulnerable groups*).",
        ),
        (
            "3.2",
            "We have tools for use during treatment/ support that identify information about our "
            "children and young peoples' online lives to aid our understanding of the case.",
        ),
        ("6.4", "We can support parents by signposting them to helpful sites"),
    ],
)
def test_statement_texts_are_verbatim(planner: Planner, statement_id: str, text: str) -> None:
    assert planner.statement(statement_id).text == text


def test_section_fields_are_loaded_and_tidied(planner: Planner) -> None:
    data = planner.section("data")
    assert data.heading == "The extent of the issue"
    assert data.quote == "It feels as though there are many more such cases recently, but we don't have any data."
    assert data.prompt is not None and data.prompt.startswith("Are some young people more susceptible")
    assert data.explanation.startswith("Most services can say how many referrals they receive.")
    assert data.explanation == data.explanation.strip()
    assert "\n\n" in data.explanation  # paragraphs kept
    # Section 2 has a quotation but no prompt: optional fields are None, not "".
    assert planner.section("staff-training").prompt is None
    assert planner.section("staff-training").quote is not None


def test_unknown_section_or_statement_raises_key_error(planner: Planner) -> None:
    with pytest.raises(KeyError, match="no planner section 'nope'"):
        planner.section("nope")
    with pytest.raises(KeyError, match=r"no planner statement '7\.1'"):
        planner.statement("7.1")


def test_planner_is_read_from_the_configured_content_folder(
    tmp_path: Path, planner_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    (folder / "planner.yaml").write_text(
        planner_text.replace('version: "2017.1"', 'version: "2099.9"'), encoding="utf-8"
    )
    monkeypatch.setenv("ONLINE_LIVES_CONTENT", str(folder))
    content.planner.cache_clear()
    assert load_planner().version == "2099.9"
    assert content.planner().version == "2099.9"
    assert content.planner() is content.planner()  # loaded once per process


# --- broken planner files -----------------------------------------------------------------


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line on which the `nth` occurrence of `needle` starts."""
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1


def replace_once(old: str, new: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        assert text.count(old) == 1, f"{old!r} should occur exactly once in planner.yaml"
        return text.replace(old, new)

    return mutate


def swap_scale_levels_1_and_2(text: str) -> str:
    one = '  - level: 1\n    label: "Very little"'
    two = '  - level: 2\n    label: "To some extent"'
    assert text.count(one) == 1 and text.count(two) == 1
    return text.replace(one, one.replace("level: 1", "level: 2")).replace(two, two.replace("level: 2", "level: 1"))


def first_author_accented(text: str) -> bytes:
    """The authors line with an accent, saved as Latin-1 (so not UTF-8)."""
    old = '  authors: ["Adrienne Katz", "Cathy Street"]'
    assert text.count(old) == 1
    return text.replace(old, old.replace("Street", "Stréet")).encode("latin-1")


@dataclass(frozen=True)
class BadFile:
    id: str
    mutate: Callable[[str], str | bytes] | None  # None: the file is not written at all
    needle: str | None  # the line holding this text is where the problem is; None: no line
    problem: str
    nth: int = 1


LAST_TEXT = (
    'text: "We are aware of the types of difficulty children and young people are experiencing online '
    "or via their mobile phones, gaming consoles or other connected devices such as webcams and take "
    'steps to update our team"'
)

BAD_FILES = [
    BadFile(
        "yaml-bad-indent",
        replace_once('        text: "Training is evaluated"', '       text: "Training is evaluated"'),
        'text: "Training is evaluated"',
        "not valid YAML: while parsing a block collection expected <block end>, but found '<block mapping start>'",
    ),
    BadFile(
        "yaml-key-indented-too-far",
        replace_once("    number: 2\n", "     number: 2\n"),
        "number: 2",
        "not valid YAML: mapping values are not allowed here",
    ),
    BadFile(
        "yaml-tab-indent",
        replace_once("    number: 2\n", "\tnumber: 2\n"),
        "number: 2",
        "not valid YAML: while scanning for the next token found character '\\t' that cannot start any token",
    ),
    BadFile(
        "yaml-unclosed-quote",
        replace_once(LAST_TEXT, LAST_TEXT[:-1]),
        'text: "We are aware of the types of difficulty',
        "not valid YAML: while scanning a quoted scalar found unexpected end of stream",
    ),
    BadFile(
        "duplicate-key",
        replace_once(
            '        text: "Training is evaluated"\n',
            '        text: "Training is evaluated"\n        text: "Training is evaluated twice"\n',
        ),
        'text: "Training is evaluated twice"',
        "not valid YAML: duplicate key 'text'",
    ),
    BadFile(
        "statement-without-text",
        replace_once('        text: "Training is evaluated"\n', ""),
        'id: "2.5"',
        "at sections/1/statements/4: missing field: 'text' is a required property",
    ),
    BadFile(
        "section-without-title",
        replace_once('    title: "Safeguarding"\n', ""),
        "- id: safeguarding",
        "at sections/4: missing field: 'title' is a required property",
    ),
    BadFile(
        "number-given-as-string",
        replace_once("    number: 2\n", '    number: "2"\n'),
        'number: "2"',
        "at sections/1/number: '2' is not of type 'integer'",
    ),
    BadFile(
        "year-given-as-string",
        replace_once("  year: 2017\n", '  year: "2017"\n'),
        'year: "2017"',
        "at source/year: '2017' is not of type 'integer'",
    ),
    BadFile(
        "section-with-5-statements",
        replace_once('      - id: "2.6"\n        text: "Training is based on evidence and research"\n', ""),
        '- id: "2.1"',
        "at sections/1/statements: has 5 items; it must have at least 6",
    ),
    BadFile(
        "section-with-7-statements",
        replace_once('      - id: "2.6"\n', '      - id: "2.6"\n        text: "Extra"\n      - id: "2.7"\n'),
        '- id: "2.1"',
        "at sections/1/statements: has 7 items; it must have at most 6",
    ),
    BadFile(
        "unknown-field-in-statement",
        replace_once(
            '        text: "Training is evaluated"\n',
            '        text: "Training is evaluated"\n        note: "an extra field"\n',
        ),
        'note: "an extra field"',
        "at sections/1/statements/4: unexpected field (Additional properties are not allowed ('note' was unexpected))",
    ),
    BadFile(
        "unknown-field-in-section",
        replace_once("    number: 2\n", "    number: 2\n    colour: red\n"),
        "colour: red",
        "at sections/1: unexpected field (Additional properties are not allowed ('colour' was unexpected))",
    ),
    BadFile(
        "unknown-top-level-field",
        lambda text: text + "reviewed_by: someone\n",
        "reviewed_by: someone",
        "at the top level: unexpected field (Additional properties are not allowed ('reviewed_by' was unexpected))",
    ),
    BadFile(
        "duplicate-statement-id",
        replace_once('id: "1.6"', 'id: "1.5"'),
        'id: "1.5"',
        "statement id '1.5' is used twice",
        nth=2,
    ),
    BadFile(
        "statement-id-repeated-in-another-section",
        replace_once('id: "2.1"', 'id: "1.1"'),
        'id: "1.1"',
        "statement id '1.1' is used twice",
        nth=2,
    ),
    BadFile(
        "misnumbered-statement-id",
        replace_once('id: "1.6"', 'id: "1.7"'),
        'id: "1.7"',
        "statement id '1.7' should be '1.6' (section 1, item 6)",
    ),
    BadFile(
        "statement-id-not-a-number",
        replace_once('id: "3.3"', 'id: "3.c"'),
        'id: "3.c"',
        "at sections/2/statements/2/id: '3.c' does not match '^[0-9]+\\\\.[0-9]+$'",
    ),
    BadFile(
        "scale-levels-out-of-order",
        swap_scale_levels_1_and_2,
        "level: 2",
        "the scale must list levels 0 to 4 in order, found [0, 2, 1, 3, 4]",
    ),
    BadFile(
        "scale-level-out-of-range",
        replace_once("  - level: 4\n", "  - level: 5\n"),
        "level: 5",
        "at scale/4/level: 5 is greater than the maximum of 4",
    ),
    BadFile(
        "section-number-out-of-place",
        replace_once("    number: 2\n", "    number: 3\n"),
        "number: 3",
        "section 'staff-training' is number 3 but stands at position 2",
    ),
    BadFile(
        "duplicate-section-id",
        replace_once("  - id: staff-training\n", "  - id: data\n"),
        "- id: data",
        "section id 'data' is used twice",
        nth=2,
    ),
    BadFile(
        "duplicate-notebook",
        replace_once('notebook: "02-staff-training.ipynb"', 'notebook: "01-data.ipynb"'),
        'notebook: "01-data.ipynb"',
        "notebook '01-data.ipynb' is used twice",
        nth=2,
    ),
    BadFile(
        "not-utf-8",
        first_author_accented,
        "authors:",
        "not UTF-8 text (invalid continuation byte)",
    ),
    BadFile("missing-file", None, None, "file not found"),
]


@pytest.mark.parametrize("bad", BAD_FILES, ids=[b.id for b in BAD_FILES])
def test_bad_planner_file_names_path_line_and_problem(tmp_path: Path, planner_text: str, bad: BadFile) -> None:
    path = tmp_path / "planner.yaml"
    expected_line = None
    if bad.mutate is not None:
        broken = bad.mutate(planner_text)
        assert broken != planner_text
        if isinstance(broken, bytes):
            path.write_bytes(broken)
            shown = broken.decode("latin-1")
        else:
            path.write_text(broken, encoding="utf-8")
            shown = broken
        if bad.needle is not None:
            expected_line = line_of(shown, bad.needle, bad.nth)

    with pytest.raises(ContentError) as caught:
        load_planner(path)

    error = caught.value
    assert error.path == path
    assert error.line == expected_line
    assert error.problem == bad.problem
    where = f"{path}, line {expected_line}" if expected_line else str(path)
    assert str(error) == f"{where}: {bad.problem}"
    assert isinstance(error, ValueError)


def test_the_unmodified_planner_text_loads_from_a_copy(tmp_path: Path, planner_text: str) -> None:
    """The control for the table above: the same file, unbroken, loads."""
    path = tmp_path / "planner.yaml"
    path.write_text(planner_text, encoding="utf-8")
    loaded = load_planner(path)
    assert len(loaded.statements) == 36


def test_broken_planner_in_content_folder_is_reported_by_planner(
    tmp_path: Path, planner_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    broken = planner_text.replace('id: "4.2"', 'id: "4.9"')
    (folder / "planner.yaml").write_text(broken, encoding="utf-8")
    monkeypatch.setenv("ONLINE_LIVES_CONTENT", str(folder))
    content.planner.cache_clear()
    with pytest.raises(ContentError) as caught:
        content.planner()
    assert caught.value.path == folder / "planner.yaml"
    assert caught.value.line == line_of(broken, 'id: "4.9"')
    assert caught.value.problem == "statement id '4.9' should be '4.2' (section 4, item 2)"


# --- check_content ------------------------------------------------------------------------


def make_modules_dir(folder: Path, planner: Planner, leave_out: set[str] = frozenset()) -> Path:
    folder.mkdir()
    for section in planner.sections:
        if section.notebook not in leave_out:
            (folder / section.notebook).write_text("{}", encoding="utf-8")
    return folder


def test_check_content_is_empty_when_every_notebook_exists(tmp_path: Path, planner: Planner) -> None:
    assert check_content(make_modules_dir(tmp_path / "pages", planner)) == []


def test_check_content_reports_a_section_whose_notebook_is_missing(tmp_path: Path, planner: Planner) -> None:
    modules = make_modules_dir(tmp_path / "pages", planner, leave_out={"03-assessment-tools.ipynb"})
    assert check_content(modules) == [
        "section 'assessment-tools': page 03-assessment-tools.ipynb is missing from pages/"
    ]


def test_check_content_reports_every_missing_notebook(tmp_path: Path, planner: Planner) -> None:
    modules = make_modules_dir(tmp_path / "pages", planner, leave_out={"01-data.ipynb", "06-parents-and-carers.ipynb"})
    assert check_content(modules) == [
        "section 'data': page 01-data.ipynb is missing from pages/",
        "section 'parents-and-carers': page 06-parents-and-carers.ipynb is missing from pages/",
    ]


def test_check_content_passes_for_the_real_project() -> None:
    assert check_content() == []
    assert all((settings.MODULES_DIR / s.notebook).exists() for s in load_planner().sections)


def test_check_content_reports_a_broken_planner(
    tmp_path: Path, planner_text: str, planner: Planner, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "content"
    folder.mkdir()
    broken = planner_text.replace("  year: 2017\n", '  year: "2017"\n')
    (folder / "planner.yaml").write_text(broken, encoding="utf-8")
    monkeypatch.setenv("ONLINE_LIVES_CONTENT", str(folder))
    modules = make_modules_dir(tmp_path / "pages", planner)
    expected = (
        f"{folder / 'planner.yaml'}, line {line_of(broken, 'year:')}: at source/year: '2017' is not of type 'integer'"
    )
    assert check_content(modules) == [expected]
