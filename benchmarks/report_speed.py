"""How long a board report, its PDF and the area figures take, against baselines in the same run.

Run it from the project root (about a minute on 2 cores)::

    .venv/bin/python benchmarks/report_speed.py [--services 20] [--runs 3]

It makes a fresh SQLite store in a temporary folder with `--services` services in one
area, each with all 36 statements scored, evidence and QA notes written, and an action for
every statement scored 0 to 2. Then, for one of them, it times (median of `--runs`):

- the CSV export (`course.exports.to_csv`): the baseline, what a service could already
  download before reports existed;
- the HTML report (`course.report.gather_report` + `report_html`): reading the store,
  drawing the radar chart as a static image through kaleido and Debian's chromium, and
  writing the document; then again with that chart already drawn (the report keeps the
  images of the last figures it drew, keyed by the figure);
- Chromium printing a one-line page to PDF (`course.render.html_to_pdf`): the baseline for
  PDF, the fixed cost of starting a browser;
- the PDF report (`course.report.report_pdf`);
- the area's section figures (`course.area.area_section_stats`) over every service, against
  one service's own section summary (`course.scoring.summarise`).

It prints each time and the ratios to its baseline. Nothing is written outside the
temporary folder.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course import report as report_module  # noqa: E402
from course.actions import save_action  # noqa: E402
from course.area import area_section_stats, set_area  # noqa: E402
from course.content import load_planner  # noqa: E402
from course.exports import to_csv  # noqa: E402
from course.render import html_to_pdf  # noqa: E402
from course.report import gather_report, report_html, report_pdf  # noqa: E402
from course.scoring import summarise  # noqa: E402
from course.store import Store  # noqa: E402

AREA = "Benchmark Borough"


def timed(work: Callable[[], object], runs: int) -> tuple[float, object]:
    """The median wall-clock seconds of `runs` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def fill(store: Store, services: int) -> list:
    planner = load_planner()
    rng = random.Random(6)
    made = []
    for n in range(services):
        service = store.create_service(f"Benchmark service {n + 1}", planner.version)
        set_area(store, service.id, AREA)
        for statement in planner.statements:
            score = rng.randint(0, 4)
            store.save(
                service.id,
                statement.id,
                score=score,
                evidence=f"Evidence for {statement.id}: audit of referrals, staff survey, minutes. " * 3,
                qa_score=max(0, min(4, score + rng.choice((-1, 0, 0, 1)))),
                qa_note="Checked against the case files.",
            )
            if score <= 2:
                save_action(
                    store,
                    service.id,
                    statement.id,
                    action=f"Raise {statement.id} to the next level: see the guidance.",
                    owner="Service lead",
                    deadline="2027-03-31",
                    status="in progress",
                )
        made.append(store.service(service.slug))
    return made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    planner = load_planner()
    with tempfile.TemporaryDirectory(prefix="online-lives-bench-") as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.sqlite'}")
        started = time.perf_counter()
        services = fill(store, args.services)
        print(f"Store filled: {args.services} services x 36 statements in {time.perf_counter() - started:.1f} s")
        service = services[0]
        answers = store.answers(service.id)

        csv_s, _ = timed(lambda: to_csv(planner, service, store.answers(service.id)), args.runs)

        def cold_html() -> str:
            report_module._chart_cache.clear()  # the chart drawn again: kaleido starts Chromium
            return report_html(gather_report(store, planner, service))

        cold_s, _ = timed(cold_html, args.runs)
        html_s, html = timed(lambda: report_html(gather_report(store, planner, service)), args.runs)
        blank_s, _ = timed(lambda: html_to_pdf("<!DOCTYPE html><html lang='en'><p>Baseline</p></html>"), args.runs)
        pdf_s, pdf = timed(lambda: report_pdf(gather_report(store, planner, service)), args.runs)
        one_s, _ = timed(lambda: summarise(planner, store.answers(service.id)), args.runs)
        area_s, stats = timed(lambda: area_section_stats(store, planner, AREA), args.runs)
        store.close()

    assert isinstance(html, str) and isinstance(pdf, bytes) and stats
    print(f"\nMedian of {args.runs} runs, one service of {args.services} ({len(answers)} answers):")
    rows = [
        ("CSV export (baseline)", csv_s, None),
        ("HTML report, chart drawn (kaleido)", cold_s, csv_s),
        ("HTML report, same chart already drawn", html_s, csv_s),
        ("Chromium prints a one-line page (PDF baseline)", blank_s, None),
        ("PDF report", pdf_s, blank_s),
        ("One service's section summary (baseline)", one_s, None),
        (f"Area figures over {args.services} services", area_s, one_s),
    ]
    for label, seconds, baseline in rows:
        ratio = f"{seconds / baseline:8.1f}x baseline" if baseline else ""
        print(f"  {label:<48} {seconds * 1000:9.1f} ms  {ratio}")
    print(f"\nHTML report: {len(html) / 1024:.0f} KiB; PDF report: {len(pdf) / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
