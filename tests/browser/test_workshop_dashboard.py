"""The trainer's workshop dashboard in Chromium: opening with code and token, the room's
answers, a live update without reload, revealing an answer, exporting, accessibility."""

from __future__ import annotations

import time

from browser_support import describe, open_course_page, run_axe, screenshot, serious

from course import workshops as ws
from course.quiz import item_bank

DASHBOARD = "workshop-dashboard.ipynb"


def test_dashboard_live_reveal_export(page, course_server, server_store, tmp_path):
    workshop, token = ws.create_workshop(server_store, "Browser <i>check</i>")
    quiz_item = item_bank().items[0]
    people = [ws.join(server_store, workshop.code, f"<script>p{i}</script>") for i in range(3)]
    for p in people:
        ws.record(server_store, p.id, "statement", "1.1", 2)
        ws.record(server_store, p.id, "quiz", quiz_item.id, ["contact"])

    open_course_page(page, course_server.page_url(DASHBOARD, code=workshop.code.lower(), token=token))
    code_field = page.get_by_label("Join code")
    code_field.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => document.querySelector('.ol-dashboard input[type=text]').value !== ''", timeout=30_000
    )
    assert code_field.input_value() == workshop.code  # the code from the address
    assert page.get_by_label("Trainer token").input_value() == ""  # never the token

    # A wrong token first: a clear message, no data.
    page.get_by_label("Trainer token").fill("wrong-token")
    page.get_by_role("button", name="Open dashboard").click()
    page.get_by_role("alert").filter(has_text="does not match").wait_for(timeout=30_000)
    assert page.locator(".ol-distribution").count() == 0

    page.get_by_label("Trainer token").fill(token)
    page.get_by_role("button", name="Open dashboard").click()
    panel = page.locator(".ol-question-statement").filter(has_text="(1.1)")
    panel.locator(".ol-distribution").wait_for(timeout=30_000)
    assert "3 answered" in panel.inner_text()
    assert "Browser <i>check</i>" in page.locator(".ol-dashboard").inner_text()  # escaped, shown as text
    assert "No answers yet" in page.locator(".ol-question-statement").filter(has_text="(1.2)").inner_text()

    # A new answer from elsewhere reaches the dashboard without a reload.
    page.evaluate("() => { window.__notReloaded = true; }")
    started = time.monotonic()
    ws.record(server_store, people[0].id, "statement", "1.1", 4)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.ol-question-statement')]"
        ".filter(e => e.innerText.includes('(1.1)'))"
        ".some(e => [...e.querySelectorAll('tbody tr')]"
        ".some(r => r.cells[0].innerText.startsWith('4:') && r.cells[1].innerText.trim() === '1'))",
        timeout=5_000,
    )
    elapsed = time.monotonic() - started
    assert page.evaluate("() => window.__notReloaded === true")
    print(f"answer to dashboard: {elapsed:.2f} s")

    # Reveal a quiz answer.
    quiz = page.locator(".ol-question-quiz").filter(has_text=f"({quiz_item.id})")
    assert "Right answer (revealed)" not in quiz.inner_text()
    quiz.get_by_role("button", name="Reveal").click()
    quiz.get_by_text("Right answer (revealed)").wait_for(timeout=10_000)
    assert ws.answer_key("quiz", quiz_item.id) in quiz.inner_text()

    # Export CSV.
    page.get_by_role("button", name="Export CSV").click()
    link = page.get_by_role("link", name=f"Download workshop-{workshop.code}.csv")
    link.wait_for(timeout=30_000)
    with page.expect_download() as info:
        link.click()
    target = tmp_path / "export.csv"
    info.value.save_as(target)
    text = target.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "participant,kind,item,value,answered_at"
    assert "Participant 1,statement,1.1,4" in text and "script" not in text

    violations = run_axe(page)
    assert not serious(violations), describe(serious(violations))
    screenshot(page, "workshop-dashboard")
    assert page.watch.problems() == []
