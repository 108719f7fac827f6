"""Fixtures for the unit tests of the `course` package.

Every test runs with its data folder, store and XDG data home inside `tmp_path`, so no
test reads or writes the user's home folder, and with the project's own content.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from course import content, settings
from course.content import Planner, load_planner
from course.store import Service, Store

PLANNER_PATH = settings.DATASETS_DIR / content.PLANNER_FILE


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the data folder and the store at `tmp_path`; use the real content folder."""
    monkeypatch.setenv("ONLINE_LIVES_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("ONLINE_LIVES_DB", f"sqlite:///{tmp_path / 'env-store.sqlite'}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("ONLINE_LIVES_CONTENT", raising=False)
    content.planner.cache_clear()
    yield
    content.planner.cache_clear()


@pytest.fixture(scope="session")
def planner() -> Planner:
    """The real planner, loaded straight from datasets/planner.yaml."""
    return load_planner(PLANNER_PATH)


@pytest.fixture(scope="session")
def planner_text() -> str:
    """The real planner's YAML text, the starting point of every broken file."""
    return PLANNER_PATH.read_text(encoding="utf-8")


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.sqlite'}"


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A Store on a fresh SQLite file in `tmp_path`."""
    opened = Store(store_url)
    yield opened
    opened.close()


@pytest.fixture
def service(store: Store, planner: Planner) -> Service:
    return store.create_service("Riverside CAMHS", planner.version)
