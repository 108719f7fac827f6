"""Experiments behind docs/performance.md: what a page view's time and CPU go on.

Run it from the project root (about fifteen minutes on 2 cores)::

    .venv/bin/python benchmarks/page_speed_experiments.py [--runs 5]
        [--out benchmarks/results/page_speed_experiments.json]

It serves the course the way `page_speed.py` does (a copy of the code, pool 1, the same
measurements), once per variant of the *server's setup*, without changing the course code:

- `baseline`: as `page_speed.py`, plus `toy-no-chart.ipynb`, the toy without its plotly
  FigureWidget, to show what the chart costs the front end;
- `late-refill`: Voila's `fill_delay` at 15 s instead of 1 s, so that the kernel that
  replaces a used pool kernel starts after the page has loaded, not during it;
- `no-rfc3987`: the kernels run with `rfc3987_syntax` made unimportable (an IPython
  start-up file), so `import jsonschema` (by `course.content`, and by nbformat under
  plotly) does not build that package's grammar at import time.

For each variant it prints the median time to interactive of 01-data, the toy (and the
toy without a chart) and the server CPU-seconds per view over 8 views of the course pages.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import page_speed as ps  # benchmarks/ is on the path when this file is run as a script
from playwright.sync_api import BrowserContext, sync_playwright

TOY_NO_CHART = ps.PageSpec("toy-no-chart", "toy-no-chart.ipynb", "toy")
NO_RFC3987 = "import sys\n\nsys.modules['rfc3987_syntax'] = None  # jsonschema then skips it\n"


TOY_NO_CHART_SOURCE = """\
import ipywidgets as ipw

choices = [
    ipw.ToggleButtons(options=["0", "1", "2", "3", "4"], index=None, description=f"Choice {i + 1}")
    for i in range(6)
]
for choice in choices:
    choice.add_class("toy-choice")
notes = ipw.Textarea(description="Notes")
ipw.VBox([*choices, notes])
"""


def add_toy_without_chart(modules: Path) -> None:
    home = nbformat.read(modules / "home.ipynb", as_version=4)
    nb = nbformat.v4.new_notebook(metadata=dict(home.metadata))
    nb.cells = [nbformat.v4.new_code_cell(TOY_NO_CHART_SOURCE)]
    nbformat.write(nb, modules / TOY_NO_CHART.notebook)


def variant(name: str, runs: int, code: Path, setup: Callable[[Path], list[str]]) -> dict[str, Any]:
    """Serve `code` with the extra Voila arguments `setup(server_root)` returns; measure."""
    from course import devserver, server
    from course.content import load_planner
    from course.store import Store

    tmp = Path(tempfile.mkdtemp(prefix=f"ol-{name}-"))
    modules = tmp / "modules"
    shutil.copytree(code / "modules", modules)
    ps.add_toy(modules)
    add_toy_without_chart(modules)
    server_root = tmp / "server"
    db_url = devserver.isolated_env(server_root)["ONLINE_LIVES_DB"]
    store = Store(db_url)
    bench = store.create_service("Benchmark service", load_planner().version)
    store.close()
    service = {"slug": bench.slug, "name": bench.name}
    extra = setup(server_root)
    plain_arguments = server.voila_arguments

    def arguments(**kwargs: Any) -> list[str]:
        return [*plain_arguments(**kwargs), *extra]

    server.voila_arguments = arguments
    running = None
    try:
        running = devserver.start(server_root, pool_size=1, db_url=db_url, modules_dir=modules)
        pools = len(list(modules.glob("*.ipynb")))
        waiter = ps.Waiter(running, ps.CpuMeter(running.process.pid), ps.MachineLoad(), pools)
        waiter.settle()
        specs = [s for s in ps.course_pages() if s.label == "01-data"] + [ps.TOY, TOY_NO_CHART]
        views: dict[str, list[float]] = {s.label: [] for s in specs}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ps.CHROMIUM_ARGS)
            for _ in range(runs):
                for spec in specs:
                    url = ps.page_url(running, spec, service)
                    views[spec.label].append(ps.view_page(browser, url, spec, service, waiter).interactive_ms)
                    waiter.settle()
            contexts: list[BrowserContext] = []
            batch, _ = ps.cpu_batch(browser, waiter, ps.course_pages(), service, contexts)
            for context in contexts:
                context.close()
            browser.close()
    finally:
        server.voila_arguments = plain_arguments
        if running is not None:
            running.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    result = {
        "extra_voila_arguments": extra,
        "median_interactive_ms": {k: round(statistics.median(v)) for k, v in views.items()},
        "interactive_ms": {k: [round(x) for x in v] for k, v in views.items()},
        "course_cpu_s_per_view": round(batch.per_view, 2),
        "course_voila_process_cpu_s_per_view": round(batch.server_process_cpu_s / batch.views, 2),
    }
    print(name, json.dumps(result["median_interactive_ms"]), result["course_cpu_s_per_view"])
    return result


def no_setup(_root: Path) -> list[str]:
    return []


def late_refill(_root: Path) -> list[str]:
    return ["--VoilaKernelManager.fill_delay=15"]


def no_rfc3987(root: Path) -> list[str]:
    startup = root / "ipythondir" / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-no-rfc3987.py").write_text(NO_RFC3987, encoding="utf-8")
    return []


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=ps.DEFAULT_OUT.with_name("page_speed_experiments.json"))
    args = parser.parse_args(argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="ol-experiments-"))
    try:
        code = ps.snapshot_code(tmp / "code")
        results = {"started": time.strftime("%Y-%m-%d %H:%M:%S %z"), "code": ps.code_version()}
        for name, setup in (
            ("baseline", no_setup),
            ("late-refill", late_refill),
            ("no-rfc3987", no_rfc3987),
        ):
            results[name] = variant(name, args.runs, code, setup)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"raw figures: {args.out}")


if __name__ == "__main__":
    main()
