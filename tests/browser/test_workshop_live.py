"""A live workshop in Chromium: two participants in two browser contexts join with the code,
score a statement and answer a four Cs item; their answers reach the workshop as they give
them. The trainer's dashboard (a third context) sees both and updates without a reload; the
trainer reveals the quiz answers, both participants' pages show them, and the trainer exports.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from browser_support import (
    assert_no_error_output,
    describe,
    descriptor,
    new_service,
    open_course_page,
    run_axe,
    screenshot,
    serious,
    statement_row,
    watch,
)
from playwright.sync_api import Browser, Page

from course import workshops
from course.quiz import item_bank
from course.store import workshop_answers_table

BANK = item_bank()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Pages in browser contexts of their own (separate people), watched as the `page`
    fixture watches its page."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        contexts.append(context)
        return watch(context.new_page())

    yield make
    for context in contexts:
        context.close()


def _wait_until(check: Callable[[], bool], what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _shared_texts(store) -> int:  # type: ignore[no-untyped-def]
    table = workshop_answers_table
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table).where(table.c.kind == "text")).scalar_one()


def _join(page: Page, code: str, pseudonym: str) -> str:
    box = page.locator(".ol-workshop")
    box.get_by_label("Workshop join code").fill(code)
    if pseudonym:
        box.get_by_label("Pseudonym (optional: not your real name)").fill(pseudonym)
    box.get_by_role("button", name="Join").click()
    joined = box.get_by_text("You are in workshop")
    joined.wait_for(timeout=15_000)
    return joined.inner_text()


def _answer_current_quiz_item(page: Page) -> str:
    """Tick the right Cs of the item on screen and check the answer; returns its id."""
    quiz = page.locator(".ol-quiz")
    text = quiz.locator(".ol-quiz-item").inner_text().strip()
    item = next(i for i in BANK.items if i.text == text)
    for category in item.categories:
        quiz.get_by_role("checkbox", name=f"{BANK.label(category)}: ").check()
    quiz.get_by_role("button", name="Check answer").click()
    quiz.locator(".ol-quiz-feedback").wait_for()
    return item.id


def _panel(trainer: Page, kind: str, item: str):  # type: ignore[no-untyped-def]
    return trainer.locator(f".ol-question-{kind}").filter(has_text=f"({item})")


def test_two_participants_join_answer_and_see_a_reveal(new_page, course_server, server_store):
    workshop, token = workshops.create_workshop(server_store, "Browser workshop")
    service = new_service(server_store, "Workshop Live Service")
    owl, anon = new_page(), new_page()
    section_url = course_server.page_url("01-data.ipynb", service=service.slug)
    for page in (owl, anon):
        open_course_page(page, section_url)
        page.get_by_text("Assessing: Workshop Live Service").wait_for(timeout=60_000)
        assert page.locator(".ol-text-share").count() == 6
        assert not page.locator(".ol-text-share").first.is_visible()  # only once joined

    assert "as Owl" in _join(owl, workshop.code.lower(), "Owl")
    assert "as anonymous" in _join(anon, workshop.code, "")
    assert (
        owl.get_by_label("Workshop join code").count() == 0 or not owl.get_by_label("Workshop join code").is_visible()
    )
    _wait_until(lambda: workshops.summary(server_store, workshop).joined == 2, "both participants to join")

    # A statement each: pooled as it is given, and saved for the service as before.
    statement_row(owl, "1.1").get_by_role("radio", name=descriptor(3)).check()
    statement_row(anon, "1.1").get_by_role("radio", name=descriptor(1)).check()
    _wait_until(lambda: workshops.summary(server_store, workshop).statements["1.1"].n == 2, "both scores pooled")
    _wait_until(lambda: server_store.answers(service.id).get("1.1") is not None, "the page's own saving")
    trainer = new_page()
    open_course_page(trainer, course_server.page_url("workshop-dashboard.ipynb"))
    trainer.get_by_label("Join code", exact=True).fill(workshop.code)
    trainer.get_by_label("Trainer token", exact=True).fill(token)
    trainer.get_by_role("button", name="Open dashboard").click()
    trainer.locator(".ol-room").get_by_text("2 joined").wait_for(timeout=15_000)
    _panel(trainer, "statement", "1.1").get_by_text("2 answered").wait_for(timeout=15_000)
    assert "Owl" not in trainer.locator("body").inner_text()  # pseudonyms stay off the dashboard
    # A participant answers again: the dashboard shows it within its refresh, no reload.
    statement_row(anon, "1.2").get_by_role("radio", name=descriptor(2)).check()
    _panel(trainer, "statement", "1.2").get_by_text("1 answered").wait_for(timeout=10_000)

    owl_row = statement_row(owl, "1.1")
    assert owl_row.get_by_role("checkbox", name="Share this text with the room (anonymously)").is_visible()

    # Free text is not shared until ticked, and the check is shown first.
    owl_row.get_by_label("Evidence for 1.1").fill("Checked by Mr Smith")
    owl_row.get_by_role("checkbox", name="Share this text with the room (anonymously)").check()
    owl_row.locator(".ol-share-check").get_by_text("a name").wait_for(timeout=15_000)
    assert _shared_texts(server_store) == 0
    owl_row.get_by_role("button", name="Share it anyway").click()
    _wait_until(lambda: _shared_texts(server_store) == 1, "the text shared after confirming")

    # To the quiz by the nav bar: the participant id goes with them, and they stay joined.
    pids = []
    for page in (owl, anon):
        link = page.locator("nav.ol-nav").get_by_role("link", name="The four Cs: recognising online risk")
        href = link.get_attribute("href")
        assert "participant=" in href and f"service={service.slug}" in href
        pids.append(href.split("participant=")[1].split("&")[0])
        link.click()
        page.locator(".ol-quiz-page").wait_for(timeout=90_000)
        page.locator(".ol-workshop").get_by_text("You are in workshop Browser workshop").wait_for(timeout=90_000)
    assert len(set(pids)) == 2

    items = [_answer_current_quiz_item(page) for page in (owl, anon)]
    _wait_until(
        lambda: all(workshops.summary(server_store, workshop).quiz.get(i) for i in items), "both quiz answers pooled"
    )

    # The trainer reveals: each page shows the key of its item within a poll or two.
    for item in set(items):
        panel = _panel(trainer, "quiz", item)
        panel.wait_for(timeout=15_000)
        panel.get_by_role("button", name="Reveal").click()
        panel.get_by_text("Right answer (revealed)").wait_for(timeout=10_000)
    for page, item in zip((owl, anon), items, strict=True):
        shown = page.locator(".ol-revealed")
        shown.wait_for(timeout=15_000)
        assert shown.get_attribute("role") == "status"
        assert " ".join(shown.inner_text().split()) == (
            f"Your trainer has shown the answer: {workshops.answer_key('quiz', item)}"
        )
    # Neither page shows the other's pseudonym.
    assert "Owl" not in anon.locator("body").inner_text()

    trainer.get_by_role("button", name="Export CSV").click()
    link = trainer.get_by_role("link", name=f"Download workshop-{workshop.code}.csv")
    with trainer.expect_download() as download_info:
        link.click()
    exported = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "Participant 1" in exported and "Participant 2" in exported
    assert "statement" in exported and "quiz" in exported
    assert "Owl" not in exported  # participants are numbered, never named

    assert_no_error_output(owl)
    violations = run_axe(owl)
    assert not serious(violations), describe(serious(violations))
    screenshot(owl, "workshop-participant")
    for page in (owl, anon, trainer):
        assert page.watch.problems() == []


def test_a_participants_kernel_killed_mid_answer_loses_nothing_already_given(new_page, course_server, server_store):
    import re
    import signal

    from course import devserver

    workshop, _token = workshops.create_workshop(server_store, "Kernel fault")
    service = new_service(server_store, "Kernel Fault Service")
    page = new_page()
    kernel_ids: list[str] = []
    page.on("websocket", lambda ws: kernel_ids.extend(re.findall(r"/api/kernels/([0-9a-f-]{36})/", ws.url)))
    open_course_page(page, course_server.page_url("01-data.ipynb", service=service.slug))
    page.get_by_text("Assessing: Kernel Fault Service").wait_for(timeout=60_000)
    _join(page, workshop.code, "")
    statement_row(page, "1.1").get_by_role("radio", name=descriptor(2)).check()
    statement_row(page, "1.2").get_by_role("radio", name=descriptor(3)).check()
    _wait_until(lambda: workshops.summary(server_store, workshop).statements.get("1.2") is not None, "1.2 pooled")
    participant = page.locator("nav.ol-nav a").first.get_attribute("href").split("participant=")[1].split("&")[0]

    # Mid-answer: a score clicked and evidence being typed, then this page's kernel is killed.
    statement_row(page, "1.3").get_by_role("radio", name=descriptor(1)).check()
    statement_row(page, "1.3").get_by_label("Evidence for 1.3").type("Half-typed note", delay=20)
    assert kernel_ids, "the page's kernel was not seen"
    killed = [k for k in devserver.kernel_processes(course_server) if kernel_ids[-1] in " ".join(k.cmdline())]
    assert len(killed) == 1
    killed[0].send_signal(signal.SIGKILL)
    killed[0].wait(timeout=10)

    # Back on the page: still joined, every answer given before is there, and answering goes on.
    open_course_page(page, course_server.page_url("01-data.ipynb", service=service.slug, participant=participant))
    page.locator(".ol-workshop").get_by_text("You are in workshop Kernel fault").wait_for(timeout=90_000)
    pooled = workshops.summary(server_store, workshop).statements
    assert pooled["1.1"].n == 1 and pooled["1.2"].n == 1
    assert server_store.answers(service.id)["1.2"].score == 3
    statement_row(page, "1.4").get_by_role("radio", name=descriptor(4)).check()
    _wait_until(lambda: workshops.summary(server_store, workshop).statements.get("1.4") is not None, "1.4 pooled")
    assert workshops.summary(server_store, workshop).joined == 1  # the same participant, not a new one
