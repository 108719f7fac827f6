"""Fixtures for the nbgrader side: a course folder built once by real nbgrader, copied
fresh for each test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from grading import build


@pytest.fixture(scope="session")
def built_course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course folder made by `grading.build.build` (nbgrader generate_assignment): once."""
    return build.build(tmp_path_factory.mktemp("built") / "grading")


@pytest.fixture
def course_dir(built_course: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh copy of the built course folder, set as this process's grading folder."""
    target = tmp_path / "grading"
    shutil.copytree(built_course, target)
    monkeypatch.setenv("ONLINE_LIVES_GRADING", str(target))
    monkeypatch.setenv("ONLINE_LIVES_DATA", str(tmp_path / "data"))
    yield target
