"""Fixtures shared by every test folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from course.store import Store
from widgets import common


@pytest.fixture
def page_store(tmp_path, monkeypatch) -> Iterator[Store]:  # type: ignore[no-untyped-def]
    """The store the page widgets use in this process, on a fresh SQLite file."""
    monkeypatch.setenv("ONLINE_LIVES_DATA", str(tmp_path))
    monkeypatch.setenv("ONLINE_LIVES_DB", f"sqlite:///{tmp_path / 'pages.sqlite'}")
    monkeypatch.delenv("QUERY_STRING", raising=False)
    common.store.cache_clear()
    yield common.store()
    common.store().close()
    common.store.cache_clear()
