"""Headless widget tests: each test gets its own SQLite store."""

from __future__ import annotations

import pytest


@pytest.fixture
def store(page_store):  # type: ignore[no-untyped-def]
    return page_store
