"""`online-lives check-content` checks every content file, not only the planner."""

from __future__ import annotations

import shutil

import pytest

from course import cases, content, lessons, quiz, settings


@pytest.mark.parametrize("name", ["risks.yaml", "course.yaml", "introduction.yaml", "cases.yaml", "help/local.yaml"])
def test_a_broken_file_is_named_with_its_line(tmp_path, monkeypatch, name):
    copy = tmp_path / "datasets"
    shutil.copytree(settings.DATASETS_DIR, copy)
    target = copy / name
    lines = target.read_text(encoding="utf-8").splitlines()
    first_field = next(i for i, line in enumerate(lines) if line and not line.startswith("#"))
    lines.insert(first_field, "unexpected_field: true")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("ONLINE_LIVES_CONTENT", str(copy))
    for cached in (content.planner, quiz.item_bank, lessons.course, lessons.introduction, cases.case_bank):
        cached.cache_clear()
    problems = content.check_content()
    assert len(problems) == 1
    assert name.split("/")[-1] in problems[0]
    assert f"line {first_field + 1}" in problems[0]
    assert "unexpected field" in problems[0]
