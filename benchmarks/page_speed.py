"""How fast the course's Voila pages become usable, and what each page view costs the server.

Run it from the project root::

    .venv/bin/python benchmarks/page_speed.py [--runs 5] [--out benchmarks/results/page_speed.json]

It prints figures and writes them to a JSON file; it asserts nothing. In one run it:

1. copies `modules/*.ipynb` into a temporary folder, adds `toy.ipynb` (6 ToggleButtons, a
   plotly radar `FigureWidget` and a Textarea in a VBox: the reference page Voila itself
   manages, see /work/shared/STACK-NOTES.md) and starts the real course server on that
   folder with `course.devserver.start(..., pool_size=1)`: preheated kernels, a pool of one
   per notebook, the same settings for the course pages and the toy. A service is created
   in the server's store (before the kernels are preheated, see `run`) and named in the
   course pages' query string.
2. **Time to interactive** (median of `--runs`), one fresh browser context per
   measurement, from navigation start to the first control responding:
   - a section page: the first statement's score radio is clicked and the row's status
     (`.ol-status`) says "Saved at ..." (a round trip through the kernel and the store);
   - the home page: the "Choose your service" `<select>` is enabled and shows the service,
     and the section table links carry the service (its progress is rendered);
   - the profile page: the plotly chart is attached and the statements table is present;
   - the toy: its first ToggleButton is clicked and gets `mod-active`.
   Times are the browser's own clock: `performance.now()` (milliseconds since the
   navigation started, `performance.timeOrigin`) read in the page at the moment the
   condition holds. The wall-clock time around `page.goto` + waits
   (`time.perf_counter()`, which adds the Playwright round trips) is kept in the JSON too.
   Between measurements the script waits at least 2.5 s *and* until the pool has been
   refilled: the server log says "is filled with" once per refill (Voila logs it when the
   new kernel has *started*, before it has run the notebook), so it also waits until the
   server's process tree is quiet (the new kernel has finished running the notebook).
3. **Kernel memory**: RSS (and USS) of the kernels (`ipykernel_launcher` children of the
   server) that serve open pages, and of the idle pool kernels, read with psutil.
4. **Server CPU-seconds per page view**: user + system CPU of the server process and all
   its descendants (processes that ended are kept at their last reading, or counted in
   the server's reaped-children times), over a batch of 8 page views that stay open,
   including the pool refills they trigger (the "after" reading waits for the refills).
   Once for the 8 course pages, once for 8 views of the toy.
5. **Click to chart**: on the 01-data page, the time from the click on a score radio (a
   capturing click listener in the page) until the SVG paths of the radar's first trace
   change (a MutationObserver), both on `performance.now()`; median of 10 clicks on
   different statements and scores, each changing the section's mean. The page's
   WebSocket frames are time-stamped too, to show where the time goes.
6. A summary with the targets: ratio to the toy <= 1.0 for every page, CPU-seconds per
   view <= 1.0, click to chart <= 100 ms.

The server is stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

import nbformat
import psutil
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect, sync_playwright

from course import devserver
from course.content import load_planner
from course.devserver import CourseServer
from course.store import Store

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = PROJECT_ROOT / "benchmarks" / "results" / "page_speed.json"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
TIMEOUT_MS = 120_000
MIN_GAP_S = 2.5  # between measurements, so the preheated pool can refill
QUIET_CPU_PER_S = 0.10  # the process tree counts as quiet below 10 % of one core
BATCH_VIEWS = 8

TARGET_RATIO = 1.0
TARGET_CPU_PER_VIEW = 1.0
TARGET_CLICK_TO_CHART_MS = 100.0

TOY_NOTEBOOK = "toy.ipynb"
TOY_SOURCE = """\
import ipywidgets as ipw
import plotly.graph_objects as go

choices = [
    ipw.ToggleButtons(options=["0", "1", "2", "3", "4"], index=None, description=f"Choice {i + 1}")
    for i in range(6)
]
for choice in choices:
    choice.add_class("toy-choice")
labels = ["A", "B", "C", "D", "E", "F", "A"]
radar = go.Scatterpolar(r=[1, 2, 3, 2, 1, 2, 1], theta=labels, mode="lines+markers")
chart = go.FigureWidget(radar)
notes = ipw.Textarea(description="Notes")
ipw.VBox([*choices, chart, notes])
"""

# The click-to-chart sequence on 01-data: (statement, score). Starting from no answers, every
# click changes the section's mean (4, 2, 2.67, 2, 2.4, 2, 1.33, 2, 1.33, 2), so the radar's
# first trace must be redrawn each time.
CHART_CLICKS: list[tuple[str, int]] = [
    ("1.1", 4),
    ("1.2", 0),
    ("1.3", 4),
    ("1.4", 0),
    ("1.5", 4),
    ("1.6", 0),
    ("1.1", 0),
    ("1.2", 4),
    ("1.3", 0),
    ("1.4", 4),
]

Kind = Literal["home", "section", "profile", "toy"]


@dataclass(frozen=True)
class PageSpec:
    label: str
    notebook: str
    kind: Kind
    statement: str = ""  # the first statement of a section page

    @property
    def row_selector(self) -> str:
        return f".ol-statement-{self.statement.replace('.', '-')}"


@dataclass
class View:
    """One page view: browser-clock milliseconds since navigation start, and wall seconds."""

    page: str
    ready_ms: float  # the control is there and enabled (the page is usable)
    interactive_ms: float  # the control has responded
    wall_s: float  # perf_counter around goto + waits
    kernel_id: str


@dataclass
class CpuBatch:
    views: int
    cpu_s: float
    elapsed_s: float
    idle_cpu_per_s: float  # the tree's background rate measured just before the batch

    @property
    def per_view(self) -> float:
        return self.cpu_s / self.views


@dataclass
class Results:
    meta: dict[str, Any] = field(default_factory=dict)
    views: list[View] = field(default_factory=list)
    cpu: dict[str, CpuBatch] = field(default_factory=dict)
    memory: dict[str, Any] = field(default_factory=dict)
    clicks: list[dict[str, Any]] = field(default_factory=list)


# --- the served folder ------------------------------------------------------------------------


def toy_notebook(metadata: dict[str, Any]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(metadata={**metadata, "title": "Toy"})
    nb.cells = [nbformat.v4.new_code_cell(TOY_SOURCE)]
    return nb


def prepare_modules(target: Path) -> Path:
    """Copy the course notebooks into `target` and add the toy with the same kernelspec."""
    target.mkdir(parents=True)
    for notebook in sorted((PROJECT_ROOT / "modules").glob("*.ipynb")):
        shutil.copy(notebook, target / notebook.name)
    home = nbformat.read(target / "home.ipynb", as_version=4)
    nbformat.write(toy_notebook(dict(home.metadata)), target / TOY_NOTEBOOK)
    return target


def course_pages() -> list[PageSpec]:
    planner = load_planner()
    pages = [PageSpec("home", "home.ipynb", "home")]
    pages += [
        PageSpec(s.notebook.removesuffix(".ipynb"), s.notebook, "section", s.statements[0].id) for s in planner.sections
    ]
    pages.append(PageSpec("profile", "profile.ipynb", "profile"))
    return pages


TOY = PageSpec("toy", TOY_NOTEBOOK, "toy")


# --- the server's processes ---------------------------------------------------------------------


class CpuMeter:
    """User + system CPU seconds of a process and all its descendants, ended ones included.

    A descendant that ends is kept at its last reading, unless it was a direct child of
    the root: the root reaps those, and their time then shows in its `children_*` times.
    """

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self._last: dict[tuple[int, float], tuple[float, bool]] = {}
        self._ended = 0.0

    def read(self) -> float:
        own = self.root.cpu_times()
        total = own.user + own.system + own.children_user + own.children_system
        seen: dict[tuple[int, float], tuple[float, bool]] = {}
        for proc in self.root.children(recursive=True):
            try:
                with proc.oneshot():
                    t = proc.cpu_times()
                    key = (proc.pid, proc.create_time())
                    direct = proc.ppid() == self.root.pid
            except psutil.Error:
                continue
            seen[key] = (t.user + t.system + t.children_user + t.children_system, direct)
        for key, (cpu, direct) in self._last.items():
            if key not in seen and not direct:
                self._ended += cpu
        self._last = seen
        return total + self._ended + sum(cpu for cpu, _ in seen.values())

    def rate(self, seconds: float = 1.0) -> float:
        before = self.read()
        time.sleep(seconds)
        return (self.read() - before) / seconds


def kernel_processes(server_pid: int) -> dict[str, psutil.Process]:
    """The server's kernels by kernel id (from their connection file name)."""
    kernels = {}
    for proc in psutil.Process(server_pid).children(recursive=True):
        try:
            cmdline = " ".join(proc.cmdline())
        except psutil.Error:
            continue
        if "ipykernel_launcher" not in cmdline:
            continue
        match = re.search(r"kernel-([0-9a-f-]{36})\.json", cmdline)
        if match:
            kernels[match.group(1)] = proc
    return kernels


def used_kernel_ids(server: CourseServer) -> set[str]:
    return set(re.findall(r"Using pre-heated kernel: (\S+) for", server.log()))


def settle(server: CourseServer, meter: CpuMeter, pools: int, timeout: float = 180.0) -> float:
    """Wait until every used pool kernel has been replaced and the replacement has run its
    notebook: at least MIN_GAP_S, one "is filled with" per use, then a quiet process tree.
    Returns the seconds waited."""
    start = time.perf_counter()
    time.sleep(MIN_GAP_S)
    deadline = start + timeout
    while time.perf_counter() < deadline:
        log = server.log()
        refills_due = pools + log.count("Using pre-heated kernel")
        if log.count("is filled with") >= refills_due and meter.rate(1.0) < QUIET_CPU_PER_S:
            return time.perf_counter() - start
        time.sleep(0.25)
    raise TimeoutError(f"the kernel pools did not settle within {timeout:.0f} s")


# --- the browser ----------------------------------------------------------------------------------


def block_other_hosts(route: Route) -> None:
    """Only the course server is reachable over the network; anything else (the Font Awesome
    CDN) fails fast. blob: and data: URLs (plotly and anywidget use them) are left alone."""
    url = urlparse(route.request.url)
    if url.scheme in {"http", "https", "ws", "wss"} and url.hostname != "127.0.0.1":
        route.abort()
    else:
        route.continue_()


@contextmanager
def fresh_context(browser: Browser, keep_open: list[BrowserContext] | None = None) -> Iterator[Page]:
    context = browser.new_context()
    context.route("**/*", block_other_hosts)
    try:
        yield context.new_page()
    finally:
        if keep_open is None:
            context.close()
        else:
            keep_open.append(context)


def browser_now(page: Page) -> float:
    return float(page.evaluate("performance.now()"))


def wait_until(page: Page, condition_js: str, arg: Any = None) -> float:
    """Wait for `condition_js` (a function of `arg`) to hold; the page's performance.now() then."""
    body = f"(arg) => (({condition_js})(arg) ? performance.now() : false)"
    return float(page.wait_for_function(body, arg=arg, polling="raf", timeout=TIMEOUT_MS).json_value())


HOME_READY_JS = """(a) => {
  const label = [...document.querySelectorAll('.ol-home .widget-dropdown label')]
    .find((l) => l.textContent.includes('Choose your service'));
  const select = label && label.parentElement.querySelector('select');
  const links = document.querySelectorAll(`.ol-home .ol-table a[href*="service=${a.slug}"]`);
  return select && !select.disabled && select.value === a.name
    && document.querySelectorAll('.ol-home .ol-progress').length === 6 && links.length === 6;
}"""

PROFILE_READY_JS = """() =>
  document.querySelector('.ol-profile .js-plotly-plot, .ol-profile .plot-container')
  && document.querySelector('.ol-profile table.ol-statements')"""

STATUS_SAVED_JS = """(sel) => {
  const status = document.querySelector(sel);
  return status && status.textContent.includes('Saved at');
}"""

TOY_ACTIVE_JS = """() => {
  const button = document.querySelector('.toy-choice button');
  return button && button.classList.contains('mod-active');
}"""


def view_page(
    browser: Browser,
    url: str,
    spec: PageSpec,
    service: dict[str, str],
    keep_open: list[BrowserContext] | None = None,
) -> View:
    """Open `url` in a fresh context and wait until its first control has responded."""
    with fresh_context(browser, keep_open) as page:
        start = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        if spec.kind == "section":
            row = spec.row_selector
            radio = page.locator(f"{row} input[type=radio]:not(:checked)").first
            expect(radio).to_be_enabled(timeout=TIMEOUT_MS)
            ready = browser_now(page)
            radio.click(timeout=TIMEOUT_MS)
            done = wait_until(page, STATUS_SAVED_JS, f"{row} .ol-status")
        elif spec.kind == "toy":
            button = page.locator(".toy-choice button").first
            expect(button).to_be_enabled(timeout=TIMEOUT_MS)
            ready = browser_now(page)
            button.click(timeout=TIMEOUT_MS)
            done = wait_until(page, TOY_ACTIVE_JS)
        elif spec.kind == "home":
            ready = done = wait_until(page, HOME_READY_JS, service)
        else:
            ready = done = wait_until(page, PROFILE_READY_JS)
        wall = time.perf_counter() - start
        kernel_id = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    return View(spec.label, ready, done, wall, str(kernel_id))


# --- click to chart -----------------------------------------------------------------------------

RECORD_FRAMES_JS = """() => {
  window.__olFrames = [];
  const record = (dir, data) => window.__olFrames.push({
    t: performance.now(), dir, size: data && (data.byteLength ?? data.size ?? data.length) });
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    record('sent', data);
    return send.call(this, data);
  };
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Native(...args);
    ws.addEventListener('message', (event) => record('received', event.data));
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
}"""

ARM_CLICK_JS = """([radioSel, statusSel]) => {
  const trace = () => document.querySelector('.js-plotly-plot .scatterlayer .trace');
  const paths = () => [...(trace()?.querySelectorAll('path') ?? [])]
    .map((p) => p.getAttribute('d')).join('|');
  const status = () => document.querySelector(statusSel)?.textContent ?? '';
  const r = window.__olClick = { before: paths(), statusBefore: status() };
  document.querySelector(radioSel).addEventListener('click', () => {
    r.click = performance.now();
    r.framesFrom = window.__olFrames.length;
  }, { capture: true, once: true });
  const plot = document.querySelector('.js-plotly-plot');
  new MutationObserver((_, observer) => {
    if (r.click !== undefined && r.chart === undefined && paths() !== r.before) {
      r.chart = performance.now();
      observer.disconnect();
    }
  }).observe(plot, { subtree: true, childList: true, attributes: true });
  const row = document.querySelector(statusSel).parentElement;
  new MutationObserver((_, observer) => {
    if (r.click !== undefined && r.status === undefined && status() !== r.statusBefore) {
      r.status = performance.now();
      observer.disconnect();
    }
  }).observe(row, { subtree: true, childList: true, characterData: true });
}"""


def click_to_chart(browser: Browser, url: str) -> list[dict[str, Any]]:
    """Click scores on the 01-data page; time click -> status saved and click -> radar redrawn."""
    results = []
    with fresh_context(browser) as page:
        page.add_init_script(f"({RECORD_FRAMES_JS})()")
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        first = page.locator(".ol-statement-1-1 input[type=radio]").first
        expect(first).to_be_enabled(timeout=TIMEOUT_MS)
        page.locator(".js-plotly-plot .scatterlayer .trace").first.wait_for(state="attached", timeout=TIMEOUT_MS)
        time.sleep(1.0)
        for statement, score in CHART_CLICKS:
            row = f".ol-statement-{statement.replace('.', '-')}"
            radio = f'{row} input[type=radio][value="{score}"]'
            page.evaluate(ARM_CLICK_JS, [radio, f"{row} .ol-status"])
            page.locator(radio).click(timeout=TIMEOUT_MS)
            page.wait_for_function(
                "() => window.__olClick.chart !== undefined && window.__olClick.status !== undefined",
                timeout=30_000,
            )
            r = page.evaluate(
                """() => { const r = window.__olClick;
                  const frames = window.__olFrames.slice(r.framesFrom)
                    .filter((f) => f.t <= r.chart);
                  const sent = frames.find((f) => f.dir === 'sent');
                  const received = frames.filter((f) => f.dir === 'received');
                  return { click: r.click, status: r.status, chart: r.chart,
                           first_sent: sent ? sent.t : null,
                           first_received: received.length ? received[0].t : null,
                           last_received: received.length ? received[received.length - 1].t : null,
                           frames_received: received.length }; }"""
            )
            click = r["click"]
            results.append(
                {
                    "statement": statement,
                    "score": score,
                    "click_to_chart_ms": r["chart"] - click,
                    "click_to_status_ms": r["status"] - click,
                    "click_to_first_frame_sent_ms": _since(r["first_sent"], click),
                    "click_to_first_frame_received_ms": _since(r["first_received"], click),
                    "click_to_last_frame_before_chart_ms": _since(r["last_received"], click),
                    "frames_received_before_chart": r["frames_received"],
                }
            )
            time.sleep(0.5)
    return results


def _since(t: float | None, origin: float) -> float | None:
    return None if t is None else t - origin


# --- the run ----------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def cpu_batch(
    browser: Browser,
    server: CourseServer,
    meter: CpuMeter,
    pools: int,
    specs: list[PageSpec],
    service: dict[str, str],
    open_contexts: list[BrowserContext],
) -> tuple[CpuBatch, list[View]]:
    """CPU of the whole server tree over len(specs) page views kept open, refills included."""
    idle = meter.rate(5.0)
    before, start = meter.read(), time.perf_counter()
    views = []
    for spec in specs:
        url = page_url(server, spec, service)
        views.append(view_page(browser, url, spec, service, keep_open=open_contexts))
        settle(server, meter, pools)
    after, elapsed = meter.read(), time.perf_counter() - start
    return CpuBatch(len(specs), after - before, elapsed, idle), views


def page_url(server: CourseServer, spec: PageSpec, service: dict[str, str]) -> str:
    if spec.kind == "toy":
        return server.page_url(spec.notebook)
    return server.page_url(spec.notebook, service=service["slug"])


def memory_figures(server: CourseServer, open_kernels: dict[str, list[str]]) -> dict[str, Any]:
    """RSS and USS (MB) of the kernels serving open pages and of the idle pool kernels."""
    kernels = kernel_processes(server.process.pid)
    used = used_kernel_ids(server)
    mb = 1024 * 1024

    def sizes(ids: list[str]) -> dict[str, list[float]]:
        rss, uss = [], []
        for kid in ids:
            proc = kernels.get(kid)
            if proc is None:
                continue
            info = proc.memory_full_info()
            rss.append(round(info.rss / mb, 1))
            uss.append(round(info.uss / mb, 1))
        return {"rss_mb": rss, "uss_mb": uss}

    figures: dict[str, Any] = {k: sizes(ids) for k, ids in open_kernels.items()}
    figures["idle_pool"] = sizes(sorted(set(kernels) - used))
    figures["server_rss_mb"] = round(psutil.Process(server.process.pid).memory_info().rss / mb, 1)
    figures["kernels_running"] = len(kernels)
    return figures


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
    }


def run(runs: int, out: Path) -> Results:
    results = Results()
    results.meta = {
        "command": " ".join([".venv/bin/python", "benchmarks/page_speed.py", *sys.argv[1:]]),
        "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "runs": runs,
        "machine": machine(),
        "timing": "browser performance.now() since navigation start (timeOrigin)",
    }
    pages = course_pages()
    tmp = Path(tempfile.mkdtemp(prefix="ol-page-speed-"))
    modules = prepare_modules(tmp / "modules")
    pools = len(list(modules.glob("*.ipynb")))
    server = None
    try:
        # The services are created in the server's store before the server starts: the home
        # page lists the services before it waits for the request (HomePage.start), so a home
        # kernel preheated before a service existed fails to select it ("Invalid selection").
        server_root = tmp / "server"
        db_url = devserver.isolated_env(server_root)["ONLINE_LIVES_DB"]
        store = Store(db_url)
        version = load_planner().version
        bench = store.create_service("Benchmark service", version)
        chart = store.create_service("Chart benchmark service", version)
        store.close()
        service = {"slug": bench.slug, "name": bench.name}

        t0 = time.perf_counter()
        server = devserver.start(server_root, pool_size=1, db_url=db_url, modules_dir=modules)
        started = time.perf_counter() - t0
        meter = CpuMeter(server.process.pid)
        settle(server, meter, pools)
        results.meta["server_start_s"] = round(started, 2)
        results.meta["pools_heated_s"] = round(time.perf_counter() - t0, 2)
        print(f"server up in {started:.1f} s; pools heated after {time.perf_counter() - t0:.1f} s")

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            # 3 and 4: CPU over a batch of views kept open, then the memory of their kernels.
            open_contexts: list[BrowserContext] = []
            print("CPU batch: the 8 course pages ...")
            results.cpu["course"], course_views = cpu_batch(
                browser, server, meter, pools, pages, service, open_contexts
            )
            print(f"CPU batch: {BATCH_VIEWS} toy views ...")
            results.cpu["toy"], toy_views = cpu_batch(
                browser, server, meter, pools, [TOY] * BATCH_VIEWS, service, open_contexts
            )
            results.memory = memory_figures(
                server,
                {
                    "course_open_page": [v.kernel_id for v in course_views],
                    "toy_open_page": [v.kernel_id for v in toy_views],
                },
            )
            for context in open_contexts:
                context.close()

            # 2: time to interactive, interleaved so that drift touches every page alike.
            for i in range(runs):
                for spec in [*pages, TOY]:
                    view = view_page(browser, page_url(server, spec, service), spec, service)
                    results.views.append(view)
                    print(f"run {i + 1}/{runs} {spec.label:24} {view.interactive_ms:7.0f} ms")
                    settle(server, meter, pools)

            # 5: click to chart, on a service with no answers yet.
            data_page = server.page_url("01-data.ipynb", service=chart.slug)
            results.clicks = click_to_chart(browser, data_page)
            browser.close()
    finally:
        if server is not None:
            server.stop()
            shutil.copy(server.log_path, out.with_suffix(".server.log"))
        shutil.rmtree(tmp, ignore_errors=True)
    return results


# --- the report -------------------------------------------------------------------------------


def summarise(results: Results) -> dict[str, Any]:
    labels = list(dict.fromkeys(v.page for v in results.views))
    tti = {}
    for label in labels:
        views = [v for v in results.views if v.page == label]
        tti[label] = {
            "interactive_ms": [round(v.interactive_ms) for v in views],
            "ready_ms": [round(v.ready_ms) for v in views],
            "wall_s": [round(v.wall_s, 3) for v in views],
            "median_interactive_ms": round(median([v.interactive_ms for v in views])),
            "median_ready_ms": round(median([v.ready_ms for v in views])),
            "median_wall_s": round(median([v.wall_s for v in views]), 3),
        }
    toy = tti[TOY.label]["median_interactive_ms"]
    for figures in tti.values():
        figures["ratio_to_toy"] = round(figures["median_interactive_ms"] / toy, 2)
    cpu = {name: {**asdict(batch), "cpu_s_per_view": round(batch.per_view, 2)} for name, batch in results.cpu.items()}
    memory = results.memory
    kernel_mb = {
        name: {
            "median_rss_mb": median(memory[name]["rss_mb"]),
            "median_uss_mb": median(memory[name]["uss_mb"]),
            "count": len(memory[name]["rss_mb"]),
        }
        for name in ("course_open_page", "toy_open_page", "idle_pool")
    }
    chart_ms = [c["click_to_chart_ms"] for c in results.clicks]
    clicks = {
        "median_click_to_chart_ms": round(median(chart_ms), 1),
        "median_click_to_status_ms": round(median([c["click_to_status_ms"] for c in results.clicks]), 1),
        "median_click_to_first_frame_received_ms": round(
            median([c["click_to_first_frame_received_ms"] or 0.0 for c in results.clicks]), 1
        ),
        "median_click_to_last_frame_before_chart_ms": round(
            median([c["click_to_last_frame_before_chart_ms"] or 0.0 for c in results.clicks]), 1
        ),
    }
    targets = {
        f"ratio to toy <= {TARGET_RATIO} ({label})": figures["ratio_to_toy"] <= TARGET_RATIO
        for label, figures in tti.items()
        if label != TOY.label
    }
    targets[f"CPU-s per course page view <= {TARGET_CPU_PER_VIEW}"] = (
        cpu["course"]["cpu_s_per_view"] <= TARGET_CPU_PER_VIEW
    )
    targets[f"click to chart <= {TARGET_CLICK_TO_CHART_MS:.0f} ms"] = (
        clicks["median_click_to_chart_ms"] <= TARGET_CLICK_TO_CHART_MS
    )
    return {
        "time_to_interactive": tti,
        "cpu": cpu,
        "kernel_memory": kernel_mb,
        "click_to_chart": clicks,
        "targets": targets,
    }


def print_report(summary: dict[str, Any], results: Results) -> None:
    print()
    print(f"{'page':26} {'median TTI ms':>13} {'ready ms':>9} {'ratio to toy':>13}")
    for label, f in summary["time_to_interactive"].items():
        print(f"{label:26} {f['median_interactive_ms']:13d} {f['median_ready_ms']:9d} {f['ratio_to_toy']:13.2f}")
    print()
    for name, c in summary["cpu"].items():
        print(
            f"server CPU per view, {name:6}: {c['cpu_s_per_view']:.2f} CPU-s "
            f"({c['cpu_s']:.1f} CPU-s over {c['views']} views in {c['elapsed_s']:.0f} s; "
            f"idle tree {c['idle_cpu_per_s']:.3f} CPU-s/s)"
        )
    for name, m in summary["kernel_memory"].items():
        print(
            f"kernel memory, {name:16}: median RSS {m['median_rss_mb']:.0f} MB, "
            f"USS {m['median_uss_mb']:.0f} MB ({m['count']} kernels)"
        )
    print(f"server process RSS: {results.memory['server_rss_mb']:.0f} MB")
    c = summary["click_to_chart"]
    print(
        f"click to chart: median {c['median_click_to_chart_ms']:.0f} ms "
        f"(click to 'Saved' status {c['median_click_to_status_ms']:.0f} ms, "
        f"first reply frame {c['median_click_to_first_frame_received_ms']:.0f} ms, "
        f"last frame before the redraw {c['median_click_to_last_frame_before_chart_ms']:.0f} ms)"
    )
    print()
    for target, met in summary["targets"].items():
        print(f"{'met    ' if met else 'NOT MET'}  {target}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="measurements per page (median)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON file for the figures")
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    results = run(args.runs, args.out)
    summary = summarise(results)
    print_report(summary, results)
    raw = {
        "meta": results.meta,
        "summary": summary,
        "views": [asdict(v) for v in results.views],
        "cpu": {name: asdict(batch) for name, batch in results.cpu.items()},
        "memory": results.memory,
        "clicks": results.clicks,
    }
    args.out.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")
    print(f"\nraw figures: {args.out}")


if __name__ == "__main__":
    main()
