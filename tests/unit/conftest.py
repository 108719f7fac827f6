"""Fixtures for the unit tests of the `course` package.

Every test runs with its data folder, store and XDG data home inside `tmp_path`, so no
test reads or writes the user's home folder, and with the project's own content.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
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


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The store's database: every test of the store runs on SQLite and on PostgreSQL."""
    return request.param


@pytest.fixture
def new_store_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[[], str]]:
    """Makes URLs of new, empty stores on this test's backend (files, or databases)."""
    if backend == "sqlite":
        numbers = itertools.count(1)
        yield lambda: f"sqlite:///{tmp_path / f'new-{next(numbers)}.sqlite'}"
        return
    postgres = request.getfixturevalue("postgres")
    made: list[str] = []

    def make() -> str:
        made.append(postgres.create_database())
        return made[-1]

    yield make
    if not postgres.running:
        postgres.start()
    for url in made:
        postgres.drop_database(url)


@pytest.fixture
def store_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """The URL of a new, empty store: `store.sqlite` in `tmp_path`, or a fresh PostgreSQL database."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return request.getfixturevalue("postgres_database")


@pytest.fixture
def sqlite_only(backend: str) -> None:
    """For tests about SQLite itself (its file, its pragmas)."""
    if backend != "sqlite":
        pytest.skip("about SQLite itself (its file and pragmas), not the store on any database")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A Store on a fresh store: an SQLite file in `tmp_path`, or a PostgreSQL database."""
    opened = Store(store_url)
    yield opened
    opened.close()


@pytest.fixture
def service(store: Store, planner: Planner) -> Service:
    return store.create_service("Riverside CAMHS", planner.version)
