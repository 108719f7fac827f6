"""How fast the course's Voila pages become usable, and what each page view costs the server.

Run it from the project root (it takes about 12 minutes on 2 cores)::

    .venv/bin/python benchmarks/page_speed.py [--runs 5] [--out benchmarks/results/page_speed.json]

It prints figures and writes them to a JSON file; it asserts nothing. In one run it:

1. copies the code (`course/`, `widgets/`, `datasets/`, `modules/`) into a temporary folder
   and serves that copy (it comes first on the server's and kernels' PYTHONPATH), so that
   edits made to the working tree during the run cannot change what is measured. It adds
   `toy.ipynb` to the copied modules (6 ToggleButtons, a plotly radar `FigureWidget` and a
   Textarea in a VBox: the reference page of the project's shared STACK-NOTES.md) and starts the
   real course server on them with `course.devserver.start(..., pool_size=1)`: preheated
   kernels, a pool of one per notebook, the same settings for the course pages and the
   toy. A service is created in the server's store (before the kernels are preheated, see
   `run`) and named in the course pages' query string.
2. **Time to interactive** (median of `--runs`), one fresh browser context per
   measurement, from navigation start until the first control has responded:
   - a section page: the first statement's score radio is clicked and the row's status
     (`.ol-status`) says "Saved at ..." (a round trip through the kernel and the store);
   - the home page: the "Choose your service" `<select>` is enabled and shows the service,
     and the table of sections (with their progress) is rendered for it: every link in it
     carries the service;
   - the profile page: the plotly chart is attached and the statements table is present;
   - the toy: its first ToggleButton is clicked and gets `mod-active`.
   Times are the browser's own clock: `performance.now()`, milliseconds since navigation
   start (`performance.timeOrigin`), read in the page when the condition holds (polled on
   every animation frame). The wall-clock time around `page.goto` + the waits
   (`time.perf_counter()`, which adds Playwright's round trips) is in the JSON too.
   Between measurements the script waits at least 2.5 s, until the used pool kernel has
   been replaced *and has run its notebook*, and (up to 30 s) until other programs on
   the machine are quiet. Voila logs "is filled with" when the new kernel has started,
   before it has run the notebook, so the script waits for the server's process tree to
   be quiet as well.
3. **Server CPU-seconds per page view**: user + system CPU of the server process and all
   its descendants (with their reaped children's times, so processes that ended still
   count), over a batch of 8 page views that stay open,
   including the pool refills they trigger (the "after" reading waits for the refills).
   Once for the 8 course pages, once for 8 views of the toy.
4. **Kernel memory**: RSS (and USS) of the kernels (`ipykernel_launcher` children of the
   server) serving the pages of those batches, still open, and of the idle pool kernels.
5. **Click to chart**: on the 01-data page, the time from the click on a score radio (a
   capturing click listener in the page) until the section radar's SVG shows the new
   section mean (its `data-self` attribute, watched by a MutationObserver), both on
   `performance.now()`; median of 10 clicks on different statements and scores, each
   changing the section's mean. The page's WebSocket frames are time-stamped too, to show where the time goes.
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
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlparse

import nbformat
import psutil
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect, sync_playwright

if TYPE_CHECKING:
    from course.devserver import CourseServer

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = PROJECT_ROOT / "benchmarks" / "results" / "page_speed.json"
CODE_DIRS = ("course", "widgets", "datasets", "modules")
TIMEOUT_MS = 120_000
MIN_GAP_S = 2.5  # between measurements, so that the preheated pool can refill
QUIET_SERVER = 0.10  # CPU-s per s: the server tree is quiet below 10 % of one core
QUIET_MACHINE = 0.25  # CPU-s per s used by other programs that still counts as quiet
MACHINE_WAIT_S = 30.0  # how long to wait for other programs to quieten down
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


TOY = PageSpec("toy", TOY_NOTEBOOK, "toy")


@dataclass
class View:
    """One page view: browser-clock milliseconds since navigation start, and wall seconds."""

    page: str
    ready_ms: float  # the control is there and enabled (the page is usable)
    interactive_ms: float  # the control has responded
    wall_s: float  # perf_counter around goto + waits
    kernel_id: str
    # where the time went, on the same clock as ready_ms
    html_done_ms: float  # the page's HTML has arrived (navigation responseEnd)
    load_event_ms: float  # the scripts the HTML names have run (loadEventEnd)
    kernel_socket_open_ms: float | None  # the first WebSocket (the kernel's) is open
    resources: int  # files fetched (a fresh context caches nothing)
    resource_mb: float
    server_cpu_s: float  # server tree CPU from navigation until `interactive`
    other_cpu_s: float  # CPU used meanwhile by programs outside this benchmark


@dataclass
class CpuBatch:
    views: int
    cpu_s: float  # the server and all its descendants
    server_process_cpu_s: float  # of which the Voila process itself (HTTP, websockets)
    elapsed_s: float
    idle_cpu_per_s: float  # the server tree's background rate just before the batch

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


# --- the code and notebooks that are served -----------------------------------------------------


def snapshot_code(target: Path) -> Path:
    """Copy the course's code, content and notebooks to `target`, put it first on the import
    path of this process and of the server it starts, and check that it imports."""
    for name in CODE_DIRS:
        shutil.copytree(PROJECT_ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    paths = [str(target), *filter(None, [os.environ.get("PYTHONPATH")])]
    os.environ["PYTHONPATH"] = os.pathsep.join(paths)
    sys.path.insert(0, str(target))
    check = "import widgets, course.content as c; c.load_planner(); print(c.__file__)"
    found = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, cwd=target, check=False)
    if found.returncode != 0 or not found.stdout.startswith(str(target)):
        raise RuntimeError(f"the copy of the code does not import:\n{found.stderr}")
    return target


def code_version() -> dict[str, Any]:
    """The commit, and the files of the copied folders that differ from it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    changed = git("status", "--porcelain", "--", *CODE_DIRS)
    return {"commit": git("rev-parse", "--short", "HEAD"), "uncommitted": changed.splitlines()}


def toy_notebook(metadata: dict[str, Any]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(metadata={**metadata, "title": "Toy"})
    nb.cells = [nbformat.v4.new_code_cell(TOY_SOURCE)]
    return nb


def add_toy(modules: Path) -> None:
    """Add the toy next to the course notebooks, with the same kernelspec."""
    home = nbformat.read(modules / "home.ipynb", as_version=4)
    nbformat.write(toy_notebook(dict(home.metadata)), modules / TOY_NOTEBOOK)


def course_pages() -> list[PageSpec]:
    from course.content import load_planner

    planner = load_planner()
    pages = [PageSpec("home", "home.ipynb", "home")]
    pages += [
        PageSpec(s.notebook.removesuffix(".ipynb"), s.notebook, "section", s.statements[0].id) for s in planner.sections
    ]
    pages.append(PageSpec("profile", "profile.ipynb", "profile"))
    return pages


# --- processes and CPU ------------------------------------------------------------------------


class CpuMeter:
    """User + system CPU seconds of a process and all its descendants, ended ones included.

    Each process is read with its `children_*` times: a process that ends is reaped by its
    parent (the server reaps its kernels, Chromium's zygote its renderers), and its whole
    CPU time then moves into the parent's `children_*` times, so the total carries on.
    """

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)

    def read(self) -> float:
        total = 0.0
        for proc in [self.root, *self.root.children(recursive=True)]:
            try:
                t = proc.cpu_times()
            except psutil.Error:  # ended since the listing: its parent has its time now
                continue
            total += t.user + t.system + t.children_user + t.children_system
        return total

    def read_root(self) -> float:
        """The root process's own CPU seconds (for the server: without its kernels)."""
        t = self.root.cpu_times()
        return t.user + t.system

    def rate(self, seconds: float = 1.0) -> float:
        before = self.read()
        time.sleep(seconds)
        return (self.read() - before) / seconds


class MachineLoad:
    """CPU seconds used on the whole machine by programs other than this benchmark (its own
    process tree holds the server, its kernels, Playwright and Chromium)."""

    def __init__(self) -> None:
        self._mine = CpuMeter(os.getpid())

    @staticmethod
    def _busy() -> float:
        t = psutil.cpu_times()  # guest times are already in user and nice; steal is the host's
        busy = ("user", "nice", "system", "irq", "softirq")
        return sum(getattr(t, name, 0.0) for name in busy)

    def read(self) -> float:
        return self._busy() - self._mine.read()

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
        match = re.search(r"kernel-([0-9a-f-]{36})\.json", cmdline)
        if "ipykernel_launcher" in cmdline and match:
            kernels[match.group(1)] = proc
    return kernels


def used_kernel_ids(server: CourseServer) -> set[str]:
    return set(re.findall(r"Using pre-heated kernel: (\S+) for", server.log()))


@dataclass
class Waiter:
    """Waits between measurements until the server has settled (and the machine, if it can)."""

    server: CourseServer
    meter: CpuMeter
    machine: MachineLoad
    pools: int
    machine_busy_waits: int = 0  # times other programs did not quieten down in time

    def settle(self, timeout: float = 180.0) -> None:
        """At least MIN_GAP_S; one "is filled with" per pool and per use of a pool kernel;
        then a quiet server tree; then, for up to MACHINE_WAIT_S, a quiet machine."""
        start = time.perf_counter()
        time.sleep(MIN_GAP_S)
        while True:
            log = self.server.log()
            if "Error at server while executing cell" in log:
                raise RuntimeError("a notebook failed in a kernel; see the server log")
            refills_due = self.pools + log.count("Using pre-heated kernel")
            if log.count("is filled with") >= refills_due and self.meter.rate() < QUIET_SERVER:
                break
            if time.perf_counter() - start > timeout:
                raise TimeoutError(f"the kernel pools did not settle within {timeout:.0f} s")
            time.sleep(0.25)
        deadline = time.perf_counter() + MACHINE_WAIT_S
        while self.machine.rate() > QUIET_MACHINE:
            if time.perf_counter() > deadline:
                self.machine_busy_waits += 1
                return


# --- the browser ------------------------------------------------------------------------------


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
    handle = page.wait_for_function(body, arg=arg, polling="raf", timeout=TIMEOUT_MS)
    return float(handle.json_value())


HOME_READY_JS = """(a) => {
  const label = [...document.querySelectorAll('.ol-home .widget-dropdown label')]
    .find((l) => l.textContent.includes('Choose your service'));
  const select = label && label.parentElement.querySelector('select');
  const cells = document.querySelectorAll('.ol-home table.ol-table .ol-progress');
  const links = [...document.querySelectorAll('.ol-home table.ol-table a')];
  return select && !select.disabled && select.value === a.name && cells.length > 0
    && links.length > 0 && links.every((l) => l.href.includes(`service=${a.slug}`));
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

SOCKET_OPEN_JS = """() => {
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Native(...args);
    ws.addEventListener('open', () => { window.__olSocketOpen ??= performance.now(); });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
}"""

BREAKDOWN_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  return {
    kernel_id: JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId,
    html_done_ms: nav.responseEnd,
    load_event_ms: nav.loadEventEnd,
    kernel_socket_open_ms: window.__olSocketOpen ?? null,
    resources: resources.length,
    resource_bytes: resources.reduce((sum, r) => sum + r.encodedBodySize, 0),
  };
}"""


def view_page(
    browser: Browser,
    url: str,
    spec: PageSpec,
    service: dict[str, str],
    waiter: Waiter,
    keep_open: list[BrowserContext] | None = None,
) -> View:
    """Open `url` in a fresh context and wait until its first control has responded."""
    with fresh_context(browser, keep_open) as page:
        page.add_init_script(f"({SOCKET_OPEN_JS})()")
        server_before, other_before = waiter.meter.read(), waiter.machine.read()
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
        server_cpu = waiter.meter.read() - server_before
        other_cpu = waiter.machine.read() - other_before
        b = page.evaluate(BREAKDOWN_JS)
    return View(
        spec.label,
        ready,
        done,
        wall,
        str(b["kernel_id"]),
        html_done_ms=b["html_done_ms"],
        load_event_ms=b["load_event_ms"],
        kernel_socket_open_ms=b["kernel_socket_open_ms"],
        resources=b["resources"],
        resource_mb=round(b["resource_bytes"] / 1e6, 2),
        server_cpu_s=round(server_cpu, 2),
        other_cpu_s=round(other_cpu, 2),
    )


# --- click to chart ---------------------------------------------------------------------------

RECORD_FRAMES_JS = """() => {
  window.__olFrames = [];
  const record = (dir) => window.__olFrames.push({ t: performance.now(), dir });
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    record('sent');
    return send.call(this, data);
  };
  const Native = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new Native(...args);
    ws.addEventListener('message', () => record('received'));
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
}"""

ARM_CLICK_JS = """([radioSel, statusSel]) => {
  // The section page's radar is an SVG the kernel redraws: its data-self attribute holds
  // the section means it shows.
  const paths = () => document.querySelector('.ol-section-radar svg')?.getAttribute('data-self') ?? '';
  const status = () => document.querySelector(statusSel)?.textContent ?? '';
  const r = window.__olClick = { before: paths(), statusBefore: status() };
  document.querySelector(radioSel).addEventListener('click', () => {
    r.click = performance.now();
    r.framesFrom = window.__olFrames.length;
  }, { capture: true, once: true });
  new MutationObserver((_, observer) => {
    if (r.click !== undefined && r.chart === undefined && paths() !== r.before) {
      r.chart = performance.now();
      observer.disconnect();
    }
  }).observe(document.querySelector('.ol-section-radar'),
             { subtree: true, childList: true, attributes: true });
  new MutationObserver((_, observer) => {
    if (r.click !== undefined && r.status === undefined && status() !== r.statusBefore) {
      r.status = performance.now();
      observer.disconnect();
    }
  }).observe(document.querySelector(statusSel).parentElement,
             { subtree: true, childList: true, characterData: true });
}"""

CLICK_DONE_JS = "() => window.__olClick.chart !== undefined && window.__olClick.status !== undefined"

CLICK_RESULT_JS = """() => {
  const r = window.__olClick;
  const frames = window.__olFrames.slice(r.framesFrom).filter((f) => f.t <= r.chart);
  const sent = frames.find((f) => f.dir === 'sent');
  const received = frames.filter((f) => f.dir === 'received');
  return {
    click: r.click, status: r.status, chart: r.chart,
    first_sent: sent ? sent.t : null,
    first_received: received.length ? received[0].t : null,
    last_received: received.length ? received[received.length - 1].t : null,
    frames_received: received.length,
  };
}"""


def click_to_chart(browser: Browser, url: str) -> list[dict[str, Any]]:
    """Click scores on the 01-data page; time click -> status saved and click -> radar redrawn."""
    results = []
    with fresh_context(browser) as page:
        page.add_init_script(f"({RECORD_FRAMES_JS})()")
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        expect(page.locator(".ol-statement-1-1 input[type=radio]").first).to_be_enabled(timeout=TIMEOUT_MS)
        page.locator(".ol-section-radar svg").first.wait_for(state="attached", timeout=TIMEOUT_MS)
        time.sleep(1.0)
        for statement, score in CHART_CLICKS:
            row = f".ol-statement-{statement.replace('.', '-')}"
            radio = f'{row} input[type=radio][value="{score}"]'
            page.evaluate(ARM_CLICK_JS, [radio, f"{row} .ol-status"])
            page.locator(radio).click(timeout=TIMEOUT_MS)
            page.wait_for_function(CLICK_DONE_JS, timeout=30_000)
            r = page.evaluate(CLICK_RESULT_JS)
            click = r["click"]
            results.append(
                {
                    "statement": statement,
                    "score": score,
                    "click_to_chart_ms": round(r["chart"] - click, 1),
                    "click_to_status_ms": round(r["status"] - click, 1),
                    "click_to_first_frame_sent_ms": _since(r["first_sent"], click),
                    "click_to_first_frame_received_ms": _since(r["first_received"], click),
                    "click_to_last_frame_before_chart_ms": _since(r["last_received"], click),
                    "frames_received_before_chart": r["frames_received"],
                }
            )
            time.sleep(0.5)
    return results


def _since(t: float | None, origin: float) -> float | None:
    return None if t is None else round(t - origin, 1)


# --- the run ----------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def page_url(server: CourseServer, spec: PageSpec, service: dict[str, str]) -> str:
    if spec.kind == "toy":
        return server.page_url(spec.notebook)
    return server.page_url(spec.notebook, service=service["slug"])


def cpu_batch(
    browser: Browser,
    waiter: Waiter,
    specs: list[PageSpec],
    service: dict[str, str],
    open_contexts: list[BrowserContext],
) -> tuple[CpuBatch, list[View]]:
    """CPU of the whole server tree over len(specs) page views kept open, refills included."""
    idle = waiter.meter.rate(5.0)
    before, start = waiter.meter.read(), time.perf_counter()
    server_before = waiter.meter.read_root()
    views = []
    for spec in specs:
        url = page_url(waiter.server, spec, service)
        views.append(view_page(browser, url, spec, service, waiter, keep_open=open_contexts))
        waiter.settle()
    after, elapsed = waiter.meter.read(), time.perf_counter() - start
    server_cpu = waiter.meter.read_root() - server_before
    batch = CpuBatch(
        len(specs),
        round(after - before, 2),
        round(server_cpu, 2),
        round(elapsed, 1),
        round(idle, 4),
    )
    return batch, views


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

    figures: dict[str, Any] = {name: sizes(ids) for name, ids in open_kernels.items()}
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
        "code": code_version(),
        "timing": "browser performance.now() since navigation start (timeOrigin)",
    }
    tmp = Path(tempfile.mkdtemp(prefix="ol-page-speed-"))
    server = None
    try:
        code = snapshot_code(tmp / "code")
        from course import devserver
        from course.content import load_planner
        from course.store import Store

        modules = code / "modules"
        add_toy(modules)
        pools = len(list(modules.glob("*.ipynb")))
        pages = course_pages()

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
        waiter = Waiter(server, CpuMeter(server.process.pid), MachineLoad(), pools)
        waiter.settle()
        results.meta["server_start_s"] = round(started, 2)
        results.meta["pools_heated_s"] = round(time.perf_counter() - t0, 2)
        print(f"server up in {started:.1f} s; pools heated after {time.perf_counter() - t0:.1f} s")

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=devserver.chromium_path(), args=devserver.CHROMIUM_ARGS)
            # Time to interactive, first (on a server that has served nothing yet), the pages
            # interleaved so that any drift touches every page alike.
            for i in range(runs):
                for spec in [*pages, TOY]:
                    url = page_url(server, spec, service)
                    view = view_page(browser, url, spec, service, waiter)
                    results.views.append(view)
                    print(
                        f"run {i + 1}/{runs} {spec.label:22} {view.interactive_ms:6.0f} ms"
                        f" (HTML {view.html_done_ms:4.0f}, scripts run {view.load_event_ms:5.0f},"
                        f" kernel socket {view.kernel_socket_open_ms or 0:5.0f},"
                        f" ready {view.ready_ms:5.0f}; server CPU {view.server_cpu_s:.1f} s,"
                        f" other programs {view.other_cpu_s:.1f} s)"
                    )
                    waiter.settle()

            # CPU over batches of views kept open, then the memory of their kernels.
            open_contexts: list[BrowserContext] = []
            print("CPU batch: the 8 course pages ...")
            results.cpu["course"], course_views = cpu_batch(browser, waiter, pages, service, open_contexts)
            print(f"CPU batch: {BATCH_VIEWS} toy views ...")
            results.cpu["toy"], toy_views = cpu_batch(browser, waiter, [TOY] * BATCH_VIEWS, service, open_contexts)
            results.memory = memory_figures(
                server,
                {
                    "course_open_page": [v.kernel_id for v in course_views],
                    "toy_open_page": [v.kernel_id for v in toy_views],
                },
            )
            for context in open_contexts:
                context.close()

            # Click to chart, for a service with no answers yet.
            print("click to chart ...")
            results.clicks = click_to_chart(browser, server.page_url("01-data.ipynb", service=chart.slug))
            browser.close()
        results.meta["machine_busy_waits"] = waiter.machine_busy_waits
    finally:
        if server is not None:
            server.stop()
            shutil.copy(server.log_path, out.with_suffix(".server.log"))
        shutil.rmtree(tmp, ignore_errors=True)
    return results


# --- the report -------------------------------------------------------------------------------


def summarise(results: Results) -> dict[str, Any]:
    tti: dict[str, dict[str, Any]] = {}
    for label in dict.fromkeys(v.page for v in results.views):
        views = [v for v in results.views if v.page == label]

        def med(name: str, views: list[View] = views) -> float:
            return median([getattr(v, name) or 0.0 for v in views])

        tti[label] = {
            "interactive_ms": [round(v.interactive_ms) for v in views],
            "median_interactive_ms": round(med("interactive_ms")),
            "median_ready_ms": round(med("ready_ms")),
            "median_html_done_ms": round(med("html_done_ms")),
            "median_load_event_ms": round(med("load_event_ms")),
            "median_kernel_socket_open_ms": round(med("kernel_socket_open_ms")),
            "median_wall_s": round(med("wall_s"), 2),
            "median_server_cpu_s": round(med("server_cpu_s"), 2),
            "median_other_cpu_s": round(med("other_cpu_s"), 2),
        }
    toy = tti[TOY.label]["median_interactive_ms"]
    for figures in tti.values():
        figures["ratio_to_toy"] = round(figures["median_interactive_ms"] / toy, 2)

    cpu = {name: {**asdict(batch), "cpu_s_per_view": round(batch.per_view, 2)} for name, batch in results.cpu.items()}
    kernel_memory = {
        name: {
            "median_rss_mb": median(results.memory[name]["rss_mb"]),
            "median_uss_mb": median(results.memory[name]["uss_mb"]),
            "kernels": len(results.memory[name]["rss_mb"]),
        }
        for name in ("course_open_page", "toy_open_page", "idle_pool")
    }

    def click_median(name: str) -> float:
        return round(median([c[name] or 0.0 for c in results.clicks]), 1)

    clicks = {
        name: click_median(name)
        for name in (
            "click_to_chart_ms",
            "click_to_status_ms",
            "click_to_first_frame_sent_ms",
            "click_to_first_frame_received_ms",
            "click_to_last_frame_before_chart_ms",
        )
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
        clicks["click_to_chart_ms"] <= TARGET_CLICK_TO_CHART_MS
    )
    return {
        "time_to_interactive": tti,
        "cpu": cpu,
        "kernel_memory": kernel_memory,
        "click_to_chart_medians": clicks,
        "targets": targets,
    }


def print_report(summary: dict[str, Any], results: Results) -> None:
    print()
    print(
        f"{'page':22} {'TTI ms':>7} {'ratio':>6} {'HTML':>6} {'scripts':>8} {'socket':>7}"
        f" {'ready':>6} {'server CPU s':>13} {'other CPU s':>12}"
    )
    for label, f in summary["time_to_interactive"].items():
        print(
            f"{label:22} {f['median_interactive_ms']:7d} {f['ratio_to_toy']:6.2f}"
            f" {f['median_html_done_ms']:6d} {f['median_load_event_ms']:8d}"
            f" {f['median_kernel_socket_open_ms']:7d} {f['median_ready_ms']:6d}"
            f" {f['median_server_cpu_s']:13.2f} {f['median_other_cpu_s']:12.2f}"
        )
    print("(medians; ms since navigation start; CPU during the view)")
    print()
    for name, c in summary["cpu"].items():
        print(
            f"server CPU per view, {name:6}: {c['cpu_s_per_view']:.2f} CPU-s "
            f"({c['cpu_s']:.1f} CPU-s over {c['views']} views in {c['elapsed_s']:.0f} s, "
            f"{c['server_process_cpu_s']:.1f} of them in the Voila process, the rest in kernels; "
            f"idle server tree {c['idle_cpu_per_s']:.3f} CPU-s/s)"
        )
    for name, m in summary["kernel_memory"].items():
        print(
            f"kernel memory, {name:16}: median RSS {m['median_rss_mb']:.0f} MB, "
            f"USS {m['median_uss_mb']:.0f} MB ({m['kernels']} kernels)"
        )
    print(
        f"server process RSS: {results.memory['server_rss_mb']:.0f} MB; "
        f"kernels running: {results.memory['kernels_running']}"
    )
    c = summary["click_to_chart_medians"]
    print(
        f"click to chart: median {c['click_to_chart_ms']:.0f} ms "
        f"(click to 'Saved' status {c['click_to_status_ms']:.0f} ms, "
        f"first reply frame {c['click_to_first_frame_received_ms']:.0f} ms, "
        f"last frame before the redraw {c['click_to_last_frame_before_chart_ms']:.0f} ms)"
    )
    busy = results.meta.get("machine_busy_waits", 0)
    if busy:
        print(f"note: other programs kept the machine busy before {busy} measurements")
    print()
    for target, met in summary["targets"].items():
        print(f"{'met    ' if met else 'NOT MET'}  {target}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
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
