"""How fast the case-study submissions are graded: plain nbgrader against our path.

Run it from the project root (about 4.5 minutes for 100 submissions on 2 cores)::

    .venv/bin/python benchmarks/grading_speed.py [--submissions 100] [--workers 2] [--seed 4]

It prints figures and exits 1 if the two paths give different grades (or a grade differs
from the answer key's), 0 otherwise; the 10x target is reported, not asserted. In one run it:

1. builds a temporary nbgrader course folder with `grading.build.build` (the course's
   configuration, the source notebooks generated from `datasets/cases.yaml`, and
   nbgrader's `generate_assignment`, which also records every assignment in the gradebook);
2. writes `--submissions` submissions with `grading.submission.submit`, the function the
   exercise page calls: learners `learner-000`, `learner-001`, ... each submit one case,
   round robin over every case of the case bank. The answers are a seeded random mix:
   the answer key, partly right, wrong, and empty (`{}`); the written answer is empty, one
   paragraph or several (with markdown and HTML characters), and one submission's written
   answer is non-ASCII. The expected autograded score of each submission is computed
   from the case bank (`Question.score`, the course's own marking rule);
3. copies the course folder, so that every path starts from identical files and an
   identical gradebook;
4. **baseline**: plain sequential nbgrader, with a kernel. For each assignment, one
   `python -m nbgrader autograde <assignment> --force` in the copy, one after the other
   (`grading.build.run_nbgrader`), timed as a whole with `time.perf_counter`;
5. **ours**: `grading.pipeline.autograde(copy, workers=--workers)`, which validates every
   submission (`grading.validate`, no kernel) and then runs nbgrader's own autograde
   (`AutogradeApp`) for each assignment with the kernel step replaced by
   `grading.literal_execute.LiteralExecute`, in `--workers` worker processes
   (`grading.autograde_worker`), each taking a share of the assignments. Timed as a
   whole; `grading.validate.validate_all` is also timed alone (on that folder, after
   grading) for the breakdown. Unless `--workers` is already 1, our path is run again
   with `workers=1` on a third copy;
6. **where our time goes**: one grading worker with one job, for an assignment and a
   learner with no submission (`--CourseDirectory.student_id`), so it starts, configures,
   opens the gradebook, finds nothing and exits: the fixed cost paid once per worker.
   Median of 3, as are `python -c "import nbgrader.apps"` and the same import with
   jsonschema's optional `rfc3987_syntax` grammar blocked;
7. **grades**: opens each copy's gradebook (`nbgrader.api.Gradebook`) and compares, for
   every (assignment, learner, notebook, grade cell), `auto_score`, `max_score` and
   `needs_manual_grade`, and every submission's total `score`; and checks each
   submission's autograded total against the expected score from step 2. Every
   difference is printed.

Peak memory is the largest sum of RSS over this process and all its descendants, sampled
every 100 ms while each path runs. Jupyter's configuration, runtime and IPython folders
point at temporary folders for the run, so a user's own Jupyter settings change nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from course.cases import Case, Question, case_bank  # noqa: E402
from grading import pipeline  # noqa: E402
from grading.build import assignments, build, nbgrader_env, run_nbgrader  # noqa: E402
from grading.submission import submit  # noqa: E402
from grading.validate import validate_all  # noqa: E402

COURSE_ID = "online-lives"
TARGET_RATIO = 10.0
KINDS = ("right", "partly", "wrong", "empty")
KIND_WEIGHTS = (0.25, 0.35, 0.2, 0.2)
WORDS = (
    "the young person said the messages started after a group chat at school and she felt she could "
    "not tell anyone because the images were already shared we would record it under contact and "
    "conduct speak to the designated safeguarding lead the same day and agree with her who she wants "
    "told first while keeping the evidence without copying it"
).split()
NON_ASCII = (
    "Zoë's café told us — «it's fine» — but the 14‑year‑old's phone showed 3 accounts: ✓ reported, "
    "✗ not blocked. Σ risk ≥ high. 子どもの安全 🙂 Ünïcödé, naïve façade, Œuvre, ĳ, ß, ﬁ."
)


@dataclass(frozen=True)
class Planned:
    learner: str
    assignment: str
    kind: str
    written: str  # "empty", "paragraph", "several", "non-ascii"
    expected_auto: float  # points the autograded questions should earn


@dataclass(frozen=True)
class Timed:
    seconds: float
    cpu: float  # CPU-seconds (user + system) of this process and its reaped descendants
    peak_rss: int  # bytes, this process and its descendants, sampled


# --- the submissions ------------------------------------------------------------------------------


def _answer(question: Question, kind: str, rng: random.Random) -> list[str]:
    """The option ids ticked, for one answer of the given kind."""
    options = [o.id for o in question.options]
    key = sorted(question.answer)
    wrong = [o for o in options if o not in question.answer]
    if kind == "right":
        return key
    if kind == "wrong":
        if question.kind == "single":
            return [rng.choice(wrong)]
        return rng.sample(wrong, rng.randint(1, len(wrong))) if wrong else []
    # partly right: a tick-all question gets some of the key and maybe a wrong one; a
    # single choice is right or wrong at random.
    if question.kind == "single":
        return [rng.choice(options)]
    picked = rng.sample(key, rng.randint(1, len(key)))
    if wrong and rng.random() < 0.5:
        picked.append(rng.choice(wrong))
    return sorted(picked)


def _paragraph(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(25, 70))]
    return " ".join(words).capitalize() + "."


def _written(kind: str, rng: random.Random) -> str:
    if kind == "empty":
        return ""
    if kind == "paragraph":
        return _paragraph(rng)
    if kind == "several":
        markup = "Steps: 1. *tell* the DSL <b>today</b>; 2. [record] it_now # not `later` | 50% & more\n"
        return "\n\n".join([_paragraph(rng), markup, _paragraph(rng)])
    return NON_ASCII + "\n" + _paragraph(rng)


def make_submissions(course_dir: Path, n: int, seed: int) -> list[Planned]:
    """Write n submissions through `grading.submission.submit`; returns what was written."""
    rng = random.Random(seed)
    cases: tuple[Case, ...] = case_bank().cases
    non_ascii_at = rng.randrange(n) if n else -1
    planned = []
    for i in range(n):
        case = cases[i % len(cases)]
        learner = f"learner-{i:03d}"
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        written = "non-ascii" if i == non_ascii_at else rng.choice(("empty", "paragraph", "paragraph", "several"))
        choices: dict[str, list[str] | str | None] = {}
        expected = 0.0
        if kind != "empty":
            for question in case.questions:
                ticked = _answer(question, kind, rng)
                choices[question.id] = ticked if question.kind == "multi" else (ticked[0] if ticked else None)
                expected += question.score(ticked)
        free_text = {f.id: _written(written, rng) for f in case.free_text}
        submit(case, learner, choices, free_text, course_dir)
        planned.append(Planned(learner, case.id, kind, written, round(expected, 4)))
    return planned


# --- timing ---------------------------------------------------------------------------------------


def _tree_rss() -> int:
    me = psutil.Process()
    total = 0
    for process in [me, *me.children(recursive=True)]:
        try:
            total += process.memory_info().rss
        except psutil.Error:
            pass
    return total


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(work: Callable[[], object]) -> tuple[Timed, object]:
    """Run `work`; its wall-clock seconds, CPU-seconds, and the peak RSS of the process tree."""
    peak = [_tree_rss()]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], _tree_rss())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    cpu, start = _cpu(), time.perf_counter()
    try:
        result = work()
    finally:
        seconds, cpu = time.perf_counter() - start, _cpu() - cpu
        done.set()
        sampler.join()
    return Timed(seconds, cpu, peak[0]), result


def baseline(course_dir: Path) -> list[str]:
    """Plain nbgrader, sequential, with a kernel; returns the assignments it reported failing."""
    failed = []
    for assignment in assignments():
        result = run_nbgrader(course_dir, "autograde", assignment, "--force", check=False)
        if result.returncode != 0:
            failed.append(f"{assignment} (exit {result.returncode}): {(result.stdout + result.stderr)[-1500:]}")
    return failed


def _median_run(command: list[str], cwd: Path | None, runs: int) -> tuple[float, float]:
    """Median wall-clock seconds and median CPU-seconds of a command run `runs` times."""
    walls, cpus = [], []
    for _ in range(runs):
        cpu, start = _cpu(), time.perf_counter()
        subprocess.run(command, cwd=cwd, env=nbgrader_env(), capture_output=True, check=False)
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def worker_fixed_cost(course_dir: Path, assignment: str, runs: int = 3) -> tuple[float, float]:
    """One of our grading workers with one job that finds nothing to grade: (wall s, CPU-s)."""
    arguments = [*pipeline._job_arguments([], with_kernel=False), "--CourseDirectory.student_id=nobody-here"]
    command = [sys.executable, "-m", "grading.autograde_worker", json.dumps([[assignment, arguments]])]
    return _median_run(command, course_dir, runs)


def import_cost(runs: int = 3, without_rfc3987: bool = False) -> tuple[float, float]:
    """`python -c "import nbgrader.apps"`, the interpreter and nbgrader's imports: (wall s, CPU-s).
    `without_rfc3987` blocks jsonschema's optional `rfc3987_syntax` grammar first, as page
    kernels do (widgets/__init__.py)."""
    code = "import nbgrader.apps"
    if without_rfc3987:
        code = "import sys; sys.modules['rfc3987_syntax'] = None; " + code
    return _median_run([sys.executable, "-c", code], None, runs)


# --- comparing grades -----------------------------------------------------------------------------


def read_grades(course_dir: Path) -> tuple[dict[tuple[str, ...], tuple], dict[tuple[str, str], float]]:
    """Every grade cell's (auto_score, max_score, needs_manual_grade), and every submission's score."""
    from nbgrader.api import Gradebook

    cells: dict[tuple[str, ...], tuple] = {}
    totals: dict[tuple[str, str], float] = {}
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", COURSE_ID) as gb:
        for assignment in gb.assignments:
            for submission in assignment.submissions:
                totals[(assignment.name, submission.student.id)] = submission.score
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        key = (assignment.name, submission.student.id, notebook.name, grade.name)
                        cells[key] = (grade.auto_score, grade.max_score, grade.needs_manual_grade, grade.cell_type)
    return cells, totals


def compare(name: str, reference: Path, other: Path) -> tuple[int, list[str]]:
    """(grades compared, differences) between two course folders' gradebooks."""
    ref_cells, ref_totals = read_grades(reference)
    cells, totals = read_grades(other)
    problems = []
    for key in sorted(set(ref_cells) | set(cells)):
        if ref_cells.get(key) != cells.get(key):
            problems.append(f"{name}: grade {'/'.join(key)}: baseline {ref_cells.get(key)} vs {cells.get(key)}")
    for key in sorted(set(ref_totals) | set(totals)):
        if ref_totals.get(key) != totals.get(key):
            problems.append(f"{name}: total {'/'.join(key)}: baseline {ref_totals.get(key)} vs {totals.get(key)}")
    return len(ref_cells) + len(ref_totals), problems


def check_expected(name: str, course_dir: Path, planned: list[Planned]) -> list[str]:
    """Each submission's autograded points against the answer key's."""
    cells, _ = read_grades(course_dir)
    auto: dict[tuple[str, str], float] = {}
    for (assignment, learner, _notebook, _cell), (score, _max, _manual, cell_type) in cells.items():
        if cell_type == "code":
            auto[(assignment, learner)] = auto.get((assignment, learner), 0.0) + (score or 0.0)
    problems = []
    for p in planned:
        got = auto.get((p.assignment, p.learner))
        if got is None or abs(got - p.expected_auto) > 1e-6:
            problems.append(
                f"{name}: {p.learner} {p.assignment} ({p.kind}): autograded {got}, answer key says {p.expected_auto}"
            )
    return problems


# --- the run --------------------------------------------------------------------------------------


@contextmanager
def quiet_jupyter(root: Path) -> Iterator[None]:
    """Jupyter's and IPython's own folders in `root` for the run; the environment restored after."""
    names = ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR")
    saved = {name: os.environ.get(name) for name in names}
    for name in names:
        (root / name.lower()).mkdir(parents=True, exist_ok=True)
        os.environ[name] = str(root / name.lower())
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


def run(n: int, workers: int, seed: int, root: Path) -> int:
    cases = case_bank().cases
    print(f"grading speed: {n} submissions over {len(cases)} cases, seed {seed}, workers {workers}")
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, {platform.platform()}")
    load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    course = root / "course"
    start = time.perf_counter()
    build(course)
    print(f"built the course folder in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    planned = make_submissions(course, n, seed)
    kinds = {k: sum(p.kind == k for p in planned) for k in KINDS}
    texts = {k: sum(p.written == k for p in planned) for k in ("empty", "paragraph", "several", "non-ascii")}
    print(f"wrote {n} submissions in {time.perf_counter() - start:.1f} s: answers {kinds}; written {texts}")
    folders = {"baseline": root / "baseline", "ours": root / f"ours-w{workers}"}
    if workers != 1:
        folders["ours-w1"] = root / "ours-w1"
    for folder in folders.values():
        shutil.copytree(course, folder)

    print("\nbaseline: sequential `nbgrader autograde` with a kernel, one process per assignment ...")
    base, failed = timed(lambda: baseline(folders["baseline"]))
    for line in failed:  # type: ignore[union-attr]
        print(f"  nbgrader reported a failure: {line}")
    print(f"  {base.seconds:.1f} s")

    print(f"ours: grading.pipeline.autograde(workers={workers}) ...")
    ours, grading_run = timed(lambda: pipeline.autograde(folders["ours"], workers=workers))
    print(f"  {ours.seconds:.1f} s")
    ours1 = None
    if "ours-w1" in folders:
        print("ours: grading.pipeline.autograde(workers=1) ...")
        ours1, _ = timed(lambda: pipeline.autograde(folders["ours-w1"], workers=1))
        print(f"  {ours1.seconds:.1f} s")
    validation, verdicts = timed(lambda: validate_all(folders["ours"]))
    fixed = worker_fixed_cost(folders["ours"], assignments()[0])
    imports = import_cost()
    imports_lean = import_cost(without_rfc3987=True)

    problems: list[str] = []
    compared = 0
    for name in folders:
        if name == "baseline":
            continue
        count, found = compare(name, folders["baseline"], folders[name])
        compared += count
        problems += found
    for name in folders:
        problems += check_expected(name, folders[name], planned)
    not_ok = [v for v in verdicts if not v.ok]  # type: ignore[attr-defined]
    problems += [f"validate refused {v.learner} {v.assignment}: {v.status} ({v.reason})" for v in not_ok]
    problems += [f"ours could not grade {f[0]} {f[1]}: {f[2]}" for f in grading_run.failed]  # type: ignore[attr-defined]
    if failed:
        problems.append(f"plain nbgrader exited non-zero for {len(failed)} assignment(s)")  # type: ignore[arg-type]

    ratio, cpu_ratio = base.seconds / ours.seconds, base.cpu / ours.cpu
    processes = len(assignments())
    rows = [("baseline: plain nbgrader, kernel", base), (f"ours: validate + autograde, w={workers}", ours)]
    if ours1 is not None:
        rows.append(("ours: validate + autograde, w=1", ours1))
    rows.append(("  validate_all alone", validation))
    print("\n--- figures ---")
    print(f"{n} submissions, {processes} assignments (baseline: a process each; ours: a worker process per core)")
    print(f"load average before / after: {load_before} / {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'':36} {'wall s':>8} {'ms/sub':>8} {'CPU-s':>8} {'CPU ms/sub':>10} {'peak RSS':>9}")
    for label, t in rows:
        print(
            f"{label:36} {t.seconds:8.2f} {1000 * t.seconds / n:8.0f} {t.cpu:8.2f} {1000 * t.cpu / n:10.0f} "
            f"{_mb(t.peak_rss):>9}"
        )
    print(f"{'one grading worker, nothing to grade':36} {fixed[0]:8.2f} {'':8} {fixed[1]:8.2f}   (median of 3)")
    print(f"{'  `import nbgrader.apps`':36} {imports[0]:8.2f} {'':8} {imports[1]:8.2f}")
    print(f"{'  the same without rfc3987_syntax':36} {imports_lean[0]:8.2f} {'':8} {imports_lean[1]:8.2f}")
    if ours1 is not None:
        per = (ours1.cpu - validation.cpu - fixed[1]) / n
        print(
            f"ours w=1, CPU: one worker's {fixed[1]:.2f} s start-up of {ours1.cpu:.1f} s; "
            f"the rest is {1000 * per:.0f} ms/submission"
        )
    verdict = "met" if ratio >= TARGET_RATIO else "NOT MET"
    print(
        f"ratio baseline / ours (w={workers}): {ratio:.1f}x wall-clock ({verdict}: target >= {TARGET_RATIO:.0f}x), "
        f"{cpu_ratio:.1f}x CPU"
    )
    if ours1 is not None:
        wall1, cpu1 = base.seconds / ours1.seconds, base.cpu / ours1.cpu
        print(f"ratio baseline / ours (w=1): {wall1:.1f}x wall-clock, {cpu1:.1f}x CPU")
    differing = sum(": grade " in p or ": total " in p for p in problems)
    print(
        f"grades compared: {compared} ({len(folders) - 1} paths against the baseline), {compared - differing} identical"
    )
    print(f"submissions checked against the answer key: {n * len(folders)}")
    if problems:
        print(f"\n{len(problems)} PROBLEMS:")
        for line in problems:
            print(f"  {line}")
        return 1
    print("all grades identical, and equal to the answer key's")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--submissions", "-n", type=int, default=100, help="submissions to grade (default 100)")
    parser.add_argument("--workers", type=int, default=2, help="grading worker processes in our path (default 2)")
    parser.add_argument("--seed", type=int, default=4, help="seed of the random answers (default 4)")
    parser.add_argument("--keep", type=Path, help="keep the course folders in this folder (created; must be empty)")
    args = parser.parse_args(argv)
    if args.submissions < 1:
        parser.error("--submissions must be at least 1")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        if any(args.keep.iterdir()):
            parser.error(f"--keep {args.keep} is not empty")
        root = args.keep.resolve()
        with quiet_jupyter(root / "jupyter"):
            code = run(args.submissions, args.workers, args.seed, root)
        print(f"\ncourse folders kept in {root}")
        return code
    with tempfile.TemporaryDirectory(prefix="grading-speed-") as tmp, quiet_jupyter(Path(tmp) / "jupyter"):
        return run(args.submissions, args.workers, args.seed, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
