"""Every page loads cleanly in Chromium, passes axe-core, and is screenshotted."""

from __future__ import annotations

import pytest
from browser_support import (
    PAGES,
    assert_no_error_output,
    describe,
    new_service,
    open_course_page,
    run_axe,
    screenshot,
    serious,
)


@pytest.mark.parametrize("notebook", PAGES)
def test_page_loads_clean_and_accessible(page, course_server, server_store, notebook):
    service = new_service(server_store, "Pages Check Service")
    open_course_page(page, course_server.page_url(notebook, service=service.slug))
    page.get_by_text("Pages Check Service").first.wait_for()
    assert_no_error_output(page)
    assert page.title().startswith("Online Lives")
    assert page.locator("h1").count() == 1
    violations = run_axe(page)
    assert not serious(violations), describe(serious(violations))
    screenshot(page, f"page-{notebook.removesuffix('.ipynb')}")
    assert page.watch.problems() == []


def test_site_root_redirects_to_course_home(page, course_server):
    open_course_page(page, course_server.base_url + "/")
    assert page.url.endswith("/voila/render/home.ipynb")
    assert page.get_by_role("heading", name="Online Lives: self-assessment for services").is_visible()


def test_section_page_without_service_says_what_to_do(page, course_server, server_store):
    new_service(server_store, "Second Service For Choice")  # two services: no automatic choice
    new_service(server_store, "Third Service For Choice")
    open_course_page(page, course_server.page_url("03-assessment-tools.ipynb"))
    page.get_by_text("Choose your service first").wait_for()
    radio = page.locator(".ol-statement-3-1 input[type=radio]").first
    assert radio.is_disabled()
    assert page.watch.problems() == []
