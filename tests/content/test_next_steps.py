"""The course team's next-step guidance (datasets/next-steps.yaml): complete, well-formed, and
checked with file, line and problem when it is not."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from course import content, settings
from course.actions import MAX_ACTION, NEXT_STEPS_FILE, load_next_steps, next_steps
from course.content import ContentError, load_planner

PLANNER = load_planner()
TEXT = (settings.DATASETS_DIR / NEXT_STEPS_FILE).read_text(encoding="utf-8")
# A sentence ends at . ! or ? followed by a space or the end; "e.g." and the like are not used.
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
AMERICAN = re.compile(r"\b(?:organiz|recogniz|prioritiz|analyz|behavior|program\b|center|color|practicing)", re.I)


def test_every_statement_has_guidance_and_nothing_else_does() -> None:
    steps = load_next_steps()
    assert list(steps) == [s.id for s in PLANNER.statements]
    assert len(steps) == 36
    named = re.findall(r'^\s*- statement: "([^"]+)"', TEXT, flags=re.M)
    assert sorted(named) == sorted(s.id for s in PLANNER.statements)


@pytest.mark.parametrize("statement", PLANNER.statements, ids=lambda s: s.id)
def test_guidance_is_short_plain_and_usable(statement) -> None:  # type: ignore[no-untyped-def]
    step = next_steps()[statement.id]
    sentences = len(SENTENCE_END.findall(step.guidance))
    assert 2 <= sentences <= 4, f"{statement.id}: {sentences} sentences"
    assert "\n" not in step.first_action and len(step.first_action) <= 200 < MAX_ACTION
    assert step.first_action[0].isupper() and step.first_action.endswith(".")
    assert not AMERICAN.search(step.guidance + " " + step.first_action), "use UK English"
    # Our own words: no sentence of the guidance is copied from the planner's statement.
    assert statement.text.lower()[:60] not in step.guidance.lower()


def test_guidance_is_specific_to_its_statement() -> None:
    steps = next_steps()
    assert len({s.guidance for s in steps.values()}) == 36
    assert len({s.first_action for s in steps.values()}) == 36
    assert "online element" in steps["1.1"].first_action.lower()
    assert "anonymisation checklist" in steps["4.6"].first_action.lower()
    assert "encrypted" in steps["4.6"].guidance.lower()
    assert "ceop" in steps["2.4"].guidance.lower()


def test_the_file_says_who_wrote_it() -> None:
    assert "Written by the Online Lives course team" in TEXT
    assert "written_by: The Online Lives course team" in TEXT


def _broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change) -> Path:  # type: ignore[no-untyped-def]
    copy = tmp_path / "datasets"
    shutil.copytree(settings.DATASETS_DIR, copy)
    target = copy / NEXT_STEPS_FILE
    target.write_text(change(target.read_text(encoding="utf-8")), encoding="utf-8")
    monkeypatch.setenv("ONLINE_LIVES_CONTENT", str(copy))
    content.planner.cache_clear()
    return target


def _line_of(text: str, needle: str) -> int:
    return text.splitlines().index(needle) + 1


@pytest.fixture(autouse=True)
def _fresh_caches():  # type: ignore[no-untyped-def]
    content.planner.cache_clear()
    next_steps.cache_clear()
    yield
    content.planner.cache_clear()
    next_steps.cache_clear()


def test_an_unknown_statement_is_named_with_its_line(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    target = _broken(tmp_path, monkeypatch, lambda t: t.replace('- statement: "6.6"', '- statement: "6.7"'))
    with pytest.raises(ContentError) as caught:
        load_next_steps(target)
    line = _line_of(target.read_text(encoding="utf-8"), '  - statement: "6.7"')
    assert (caught.value.path, caught.value.line) == (target, line)
    assert "statement '6.7' is not in the planner" in str(caught.value)
    assert f"next-steps.yaml, line {line}" in str(caught.value)


def test_a_repeated_statement_is_named(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    target = _broken(tmp_path, monkeypatch, lambda t: t.replace('- statement: "6.6"', '- statement: "6.5"'))
    with pytest.raises(ContentError, match=r"statement '6\.5' has guidance twice"):
        load_next_steps(target)


def test_a_missing_statement_is_named(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def drop_3_2(text: str) -> str:
        start = text.index('  - statement: "3.2"')
        end = text.index('  - statement: "3.3"')
        return text[:start] + text[end:]

    target = _broken(tmp_path, monkeypatch, drop_3_2)
    with pytest.raises(ContentError, match=r"no guidance for statements 3\.2"):
        load_next_steps(target)


def test_an_unquoted_id_breaks_the_schema_at_its_line(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    target = _broken(tmp_path, monkeypatch, lambda t: t.replace('- statement: "2.3"', "- statement: 2.3"))
    with pytest.raises(ContentError) as caught:
        load_next_steps(target)
    assert caught.value.line == _line_of(target.read_text(encoding="utf-8"), "  - statement: 2.3")
    assert "is not of type 'string'" in caught.value.problem


def test_check_content_reports_a_broken_next_steps_file(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _broken(
        tmp_path,
        monkeypatch,
        lambda t: t.replace("    first_action: Add three online-life", "    first_action: \n    x: Add"),
    )
    problems = content.check_content()
    assert len(problems) == 1 and "next-steps.yaml, line" in problems[0]
