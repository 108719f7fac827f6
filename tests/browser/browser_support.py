"""Helpers for the browser tests: the pages, checks a person would make, axe-core."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page

from course.content import load_planner
from course.lessons import load_course
from course.store import Service, Store

HERE = Path(__file__).parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = HERE.parent / "artifacts"
PAGES = [
    "home.ipynb",
    *(m.notebook for m in load_course().modules),
    "help.ipynb",
    "qa-check.ipynb",
    "area.ipynb",
    "certificate.ipynb",
]
LOAD_TIMEOUT = 90_000  # ms; a page without a preheated kernel runs its notebook first


def new_service(store: Store, name: str) -> Service:
    return store.create_service(name, load_planner().version)


# Voila 0.5 asks the server to shut the page's kernel down when the page unloads; the call
# fails its xsrf check (403) or is cut off by the navigation (voila issue 1458). Idle
# culling stops those kernels instead (see course/server.py).
KNOWN_VOILA_SHUTDOWN = "/voila/api/shutdown/"


@dataclass
class PageWatch:
    """What went wrong on a page: console errors, uncaught errors, failed local requests."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_local: list[str] = field(default_factory=list)
    blocked_external: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        # "Failed to load resource" console lines repeat a network event, and every network
        # failure is checked by URL below; requests to other hosts (the Font Awesome CDN that
        # ipywidgets asks for) are blocked on purpose, as there is no network here.
        console = [e for e in self.console_errors if "Failed to load resource" not in e]
        local = [f for f in self.failed_local if KNOWN_VOILA_SHUTDOWN not in f]
        return console + self.page_errors + local


def watch(page: Page) -> Page:
    """Record what goes wrong on a page (`page.watch.problems()`) and block requests to other
    hosts: there is no network here, and a page must not depend on one."""
    found = PageWatch()
    page.watch = found  # type: ignore[attr-defined]

    def route(r):  # type: ignore[no-untyped-def]
        if is_local(r.request.url):
            r.continue_()
        else:
            found.blocked_external.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: found.console_errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: found.page_errors.append(str(e)))
    page.on(
        "response",
        lambda r: (
            found.failed_local.append(f"{r.url} HTTP {r.status}") if r.status >= 400 and is_local(r.url) else None
        ),
    )
    page.on(
        "requestfailed",
        lambda r: found.failed_local.append(f"{r.url} {r.failure}") if is_local(r.url) else None,
    )
    return page


def is_local(url: str) -> bool:
    return url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:"))


def open_course_page(page: Page, url: str) -> None:
    """Load a Voila page and wait until its widgets are on screen and connected."""
    page.goto(url, timeout=LOAD_TIMEOUT)
    page.wait_for_selector(".ol-page", timeout=LOAD_TIMEOUT)
    # Voila hides the spinner once every cell has run; widgets are then live.
    page.wait_for_function(
        "() => !document.querySelector('#loading') || "
        "getComputedStyle(document.querySelector('#loading')).display === 'none'",
        timeout=LOAD_TIMEOUT,
    )


def assert_no_error_output(page: Page) -> None:
    errors = page.locator(".jp-OutputArea-output[data-mime-type*='stderr'], .jp-RenderedText[data-mime-type*='error']")
    assert errors.count() == 0, errors.all_inner_texts()
    text = page.locator("body").inner_text()
    for marker in ("Traceback", "Error executing", "There was an error when executing"):
        assert marker not in text, f"{marker!r} shown on the page"


def run_axe(page: Page) -> list[dict]:
    """axe-core (from the npm registry) run in the page; returns its violations."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make test`, which installs it from the npm registry.")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def serious(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v.get("impact") in ("serious", "critical")]


def describe(violations: list[dict]) -> str:
    return json.dumps(
        [
            {
                "id": v["id"],
                "impact": v["impact"],
                "nodes": [n["html"][:200] for n in v["nodes"][:3]],
            }
            for v in violations
        ],
        indent=1,
    )


def screenshot(page: Page, name: str) -> Path:
    """A picture of the whole page. Voila scrolls inside its own container, so the window is
    made as tall as the content first (up to 12,000 px), then put back."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    size = page.viewport_size or {"width": 1280, "height": 900}
    height = page.evaluate(
        "() => Math.max(...[document.documentElement, document.body, ...document.querySelectorAll('*')]"
        ".map(e => e.scrollHeight || 0))"
    )
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 12_000)})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


def statement_row(page: Page, statement_id: str):  # type: ignore[no-untyped-def]
    return page.locator(f".ol-statement-{statement_id.replace('.', '-')}")


def descriptor(level: int) -> str:
    scale = load_planner().scale[level]
    return f"{scale.level}: {scale.descriptor}"


MAX_TABS = 400


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the element matching `selector` has the focus, as a keyboard user would."""
    for _ in range(MAX_TABS):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")
