"""Fixtures for the browser tests: the real course server and Debian's Chromium driven by
Playwright (by executable path; never `playwright install`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser_support import watch
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from course import devserver
from course.store import Store


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = devserver.chromium_path()
    if path is None:
        pytest.fail("Debian's chromium is missing: run `make test`, which installs it.")
    return path


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright, chromium_path: str) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_path, args=devserver.CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def course_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[devserver.CourseServer]:
    """The course served as `online-lives serve` serves it: preheated kernels, pool of 1."""
    server = devserver.start(tmp_path_factory.mktemp("course-server"), pool_size=1)
    yield server
    server.stop()


@pytest.fixture
def server_store(course_server: devserver.CourseServer) -> Iterator[Store]:
    store = Store(course_server.env["ONLINE_LIVES_DB"])
    yield store
    store.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = watch(context.new_page())
    yield page
    context.close()
