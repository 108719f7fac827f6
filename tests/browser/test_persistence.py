"""Nothing is lost: answers survive a closed tab, a killed kernel and a restarted server."""

from __future__ import annotations

import signal

import psutil
import pytest
from browser_support import descriptor, new_service, open_course_page, statement_row

from course import devserver
from course.store import Store


def _open_data_page(page, server, service):  # type: ignore[no-untyped-def]
    open_course_page(page, server.page_url("01-data.ipynb", service=service.slug))
    page.get_by_text(f"Assessing: {service.name}").wait_for(timeout=60_000)


def _assert_answers_shown(page) -> None:  # type: ignore[no-untyped-def]
    row = statement_row(page, "1.3")
    radio = row.get_by_role("radio", name=descriptor(2))
    radio.wait_for()
    assert radio.is_checked()
    assert row.get_by_label("Evidence for 1.3").input_value() == "Quarterly count from case files"
    assert row.get_by_label("QA score for 1.3").input_value() == "1: Very little"
    assert row.get_by_label("QA note for 1.3").input_value() == "Figures not yet shared"


@pytest.fixture
def own_server(tmp_path):  # type: ignore[no-untyped-def]
    """A server of this test's own, without preheating, so its only kernel is the page's."""
    server = devserver.start(tmp_path / "server", pool_size=0)
    yield server
    server.stop()


def test_answers_survive_tab_kernel_and_server(browser, own_server, tmp_path):
    store = Store(own_server.env["ONLINE_LIVES_DB"])
    service = new_service(store, "Persistence Check Service")

    context = browser.new_context()
    page = context.new_page()
    _open_data_page(page, own_server, service)
    row = statement_row(page, "1.3")
    row.get_by_role("radio", name=descriptor(2)).check()
    row.get_by_label("Evidence for 1.3").fill("Quarterly count from case files")
    row.get_by_label("QA score for 1.3").select_option(label="1: Very little")
    row.get_by_label("QA note for 1.3").fill("Figures not yet shared")
    page.wait_for_timeout(1200)  # the debounce interval, then the tab is closed
    context.close()

    # 1. A closed tab: open the page again in a new tab.
    context = browser.new_context()
    page = context.new_page()
    _open_data_page(page, own_server, service)
    _assert_answers_shown(page)

    # 2. A killed kernel: SIGKILL every kernel of the server, then reload.
    kernels = devserver.kernel_processes(own_server)
    assert kernels, "expected the page's kernel to be running"
    for kernel in kernels:
        kernel.send_signal(signal.SIGKILL)
    psutil.wait_procs(kernels, timeout=10)
    page.reload()
    page.get_by_text(f"Assessing: {service.name}").wait_for(timeout=60_000)
    _assert_answers_shown(page)
    context.close()

    # 3. A restarted server on the same store.
    own_server.stop()
    restarted = devserver.start(tmp_path / "restarted", pool_size=0, db_url=own_server.env["ONLINE_LIVES_DB"])
    try:
        context = browser.new_context()
        page = context.new_page()
        _open_data_page(page, restarted, service)
        _assert_answers_shown(page)
        context.close()
    finally:
        restarted.stop()
        store.close()
