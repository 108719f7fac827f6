"""The assessor's commands around unmodified nbgrader: collect, autograde, feedback, export.

- `collect` imports downloaded submission files (or zips of them) into `submitted/`,
  naming each learner and case from the notebook itself, and reports every file it could
  not use, by name.
- `autograde` validates every submission first (`grading.validate`), then runs nbgrader's
  own `autograde` on the ok ones only, in one worker process per core, each running
  nbgrader's `AutogradeApp` for its share of the assignments. By default nbgrader's kernel
  step is replaced, through nbgrader's configuration, by
  `grading.literal_execute.LiteralExecute` (no kernel; the grades are the same);
  `with_kernel=True` runs plain nbgrader with a kernel, with a time limit per cell and, where
  the machine allows, no network.
- `feedback` is nbgrader's `generate_feedback`.
- `export` reads the grades from nbgrader's gradebook and writes CSV: one row per
  submission, or Moodle's grade-import layout. A submission that was not graded says
  why ("not graded: corrupt") and never shows as 0.
"""

from __future__ import annotations

import csv
import io
import json
import queue
import shlex
import shutil
import subprocess
import sys
import threading
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import nbformat

from course.cases import case_bank
from grading.autograde_worker import FINISHED
from grading.build import GradingError, build, nbgrader_env, run_nbgrader
from grading.submission import METADATA_KEY, clean_learner_id, place_submission, submission_dir
from grading.validate import (
    CORRUPT,
    OK,
    TAMPERED,
    Verdict,
    _Refused,
    load_verdicts,
    read_notebook,
    submitted,
    validate_all,
)

FAST_PREPROCESSORS = (
    "grading.literal_execute.LiteralExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    # nbgrader's default list ends with a second CheckCellMetadata (after the kernel could
    # have changed cells). Here nothing runs that could: validation compared every cell's
    # nbgrader metadata with the release, and the sanitising step checked them again.
)
Progress = Callable[[int, int, str], None]


# --- collect ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Collected:
    source: str  # the file (and member of a zip) it came from
    status: str  # "imported", "replaced", "duplicate", "corrupt", "wrong assignment"
    detail: str
    learner: str | None = None
    assignment: str | None = None


def _entries(paths: Iterable[Path]) -> Iterable[tuple[str, bytes | Exception]]:
    for path in paths:
        if path.suffix.lower() == ".zip":
            try:
                with zipfile.ZipFile(path) as archive:
                    for member in archive.infolist():
                        if member.is_dir() or "__MACOSX" in member.filename:
                            continue
                        if member.file_size > 5 * 1024 * 1024:
                            yield f"{path.name}:{member.filename}", ValueError("larger than 5 MB")
                            continue
                        yield f"{path.name}:{member.filename}", archive.read(member)
            except (zipfile.BadZipFile, OSError) as exc:
                yield path.name, exc
        else:
            try:
                yield path.name, path.read_bytes()
            except OSError as exc:
                yield path.name, exc


def collect(course_dir: Path, paths: Iterable[Path]) -> list[Collected]:
    """Import submission files; every file gets a line in the result, none is dropped silently."""
    build(course_dir)
    bank = case_bank()
    cases = {c.id for c in bank.cases}
    parsed: list[tuple[str, str, str, str, str]] = []  # source, learner, assignment, timestamp, text
    results: list[Collected] = []
    for source, payload in _entries(paths):
        if isinstance(payload, Exception):
            results.append(Collected(source, CORRUPT, f"cannot be read: {payload}"))
            continue
        tmp = course_dir / ".collect-check.ipynb"
        tmp.write_bytes(payload)
        try:
            nb = read_notebook(tmp)
        except _Refused as refused:
            results.append(Collected(source, CORRUPT, refused.reason.replace(tmp.name, "the file")))
            continue
        finally:
            tmp.unlink(missing_ok=True)
        named = nb.metadata.get(METADATA_KEY)
        if not isinstance(named, dict) or not named.get("learner") or not named.get("case_id"):
            results.append(
                Collected(source, "wrong assignment", "not a submission from the Online Lives case-studies page")
            )
            continue
        assignment = str(named["case_id"])
        if assignment not in cases:
            results.append(Collected(source, "wrong assignment", f"no case study called {assignment[:80]}"))
            continue
        try:
            learner = clean_learner_id(named["learner"])
        except ValueError as exc:
            results.append(Collected(source, CORRUPT, f"the learner id in it is not usable: {exc}"))
            continue
        timestamp = str(named.get("submitted_at") or "")
        parsed.append((source, learner, assignment, timestamp, nbformat.writes(nb) + "\n"))
    # The same learner and case more than once: keep the latest, report the others.
    latest: dict[tuple[str, str], tuple[str, str, str, str, str]] = {}
    for entry in parsed:
        key = (entry[1], entry[2])
        if key not in latest or entry[3] > latest[key][3]:
            if key in latest:
                older = latest[key]
                results.append(
                    Collected(
                        older[0], "duplicate", f"an earlier copy of {older[1]}'s {older[2]}; {entry[0]} kept", *key
                    )
                )
            latest[key] = entry
        else:
            results.append(
                Collected(
                    entry[0], "duplicate", f"an earlier copy of {entry[1]}'s {entry[2]}; {latest[key][0]} kept", *key
                )
            )
    for source, learner, assignment, timestamp, text in latest.values():
        existing = submission_dir(course_dir, learner, assignment)
        if existing.exists():
            current = (existing / "timestamp.txt").read_text().strip() if (existing / "timestamp.txt").exists() else ""
            if timestamp and current and timestamp <= current:
                results.append(
                    Collected(
                        source,
                        "duplicate",
                        f"not newer than the submission already here ({current})",
                        learner,
                        assignment,
                    )
                )
                continue
        kept = place_submission(course_dir, learner, assignment, {f"{assignment}.ipynb": text}, timestamp or "unknown")
        status = "replaced" if kept else "imported"
        detail = f"earlier submission kept in {kept.relative_to(course_dir)}" if kept else "imported"
        results.append(Collected(source, status, detail, learner, assignment))
    return results


# --- autograde ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GradingRun:
    verdicts: list[Verdict]
    graded: list[tuple[str, str]]  # (learner, assignment) nbgrader autograded
    failed: list[tuple[str, str, str]]  # (learner, assignment, nbgrader's message) it could not


def _job_arguments(exclude: list[str], with_kernel: bool) -> list[str]:
    """What `nbgrader autograde ASSIGNMENT` is given for one assignment."""
    arguments = ["--force"]
    if exclude:
        arguments.append(f"--CourseDirectory.student_id_exclude={','.join(exclude)}")
    if not with_kernel:
        arguments += [f"--Autograde.autograde_preprocessors={name}" for name in FAST_PREPROCESSORS]
    return arguments


def _worker_command(jobs: list[tuple[str, list[str]]], with_kernel: bool) -> list[str]:
    command = [sys.executable, "-m", "grading.autograde_worker", json.dumps(jobs)]
    if with_kernel and shutil.which("unshare") and shutil.which("ip") and _can_unshare():
        # No network for the grading kernels: a network namespace with only loopback up
        # (the kernel and nbgrader talk over loopback).
        command = ["unshare", "--net", "sh", "-c", f"ip link set lo up && exec {shlex.join(command)}"]
    return command


def _can_unshare() -> bool:
    try:
        return subprocess.run(["unshare", "--net", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def plan_workers(counts: dict[str, int], workers: int) -> list[list[str]]:
    """Share the assignments among at most `workers` processes, largest first, each to the
    least loaded so far (every worker also pays nbgrader's start-up once)."""
    shares: list[list[str]] = [[] for _ in range(max(1, min(workers, len(counts))))]
    loads = [0] * len(shares)
    for assignment in sorted(counts, key=lambda a: (-counts[a], a)):
        least = loads.index(min(loads))
        shares[least].append(assignment)
        loads[least] += counts[assignment]
    return [sorted(share) for share in shares if share]


def autograde(
    course_dir: Path,
    workers: int = 2,
    with_kernel: bool = False,
    progress: Progress | None = None,
) -> GradingRun:
    """Validate every submission, then autograde the ok ones with nbgrader's own autograde,
    in `workers` processes at once (one with a kernel: kernels are what fill the machine)."""
    build(course_dir)
    verdicts = validate_all(course_dir)
    by_assignment: dict[str, list[str]] = {}
    refused: dict[str, list[str]] = {}
    for v in verdicts:
        (by_assignment if v.ok else refused).setdefault(v.assignment, []).append(v.learner)
    total = sum(len(learners) for learners in by_assignment.values())
    if progress:
        progress(0, total, "")
    shares = plan_workers({a: len(ls) for a, ls in by_assignment.items()}, 1 if with_kernel else workers)
    lines: queue.Queue[tuple[int, str | None]] = queue.Queue()
    processes = []
    for index, share in enumerate(shares):
        jobs = [(a, _job_arguments(sorted(refused.get(a, [])), with_kernel)) for a in share]
        process = subprocess.Popen(
            _worker_command(jobs, with_kernel),
            cwd=course_dir,
            env=nbgrader_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        processes.append(process)
        # Every worker's output is read as it comes: an unread pipe would stall a worker.
        threading.Thread(target=_read_lines, args=(index, process, lines), daemon=True).start()
    logs: list[list[str]] = [[] for _ in shares]
    done, open_streams = 0, len(shares)
    while open_streams:
        index, line = lines.get()
        if line is None:
            open_streams -= 1
            continue
        logs[index].append(line)
        if "] Autograding " in line:
            done += 1
            if progress:
                progress(min(done, total), total, line.rsplit("/", 3)[-3] if "/" in line else "")
    for process in processes:
        process.wait()
    graded: list[tuple[str, str]] = []
    failed: list[tuple[str, str, str]] = []
    for share, log in zip(shares, logs, strict=True):
        text = "".join(log)
        for assignment in share:
            if f"{FINISHED} {assignment}" not in text:
                raise GradingError(f"nbgrader autograde {assignment} did not finish:\n{text[-4000:]}")
            for learner in by_assignment[assignment]:
                if f"processing assignment '{assignment}' for student '{learner}'" in text:
                    failed.append((learner, assignment, "nbgrader could not grade it: see `nbgrader autograde`"))
                else:
                    graded.append((learner, assignment))
    if progress and done < total:
        progress(total, total, "")
    return GradingRun(verdicts, sorted(graded), sorted(failed))


def _read_lines(index: int, process: subprocess.Popen[str], lines: queue.Queue[tuple[int, str | None]]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.put((index, line))
    lines.put((index, None))


# --- feedback -----------------------------------------------------------------------------------


def feedback(course_dir: Path) -> list[tuple[str, str]]:
    """nbgrader's generate_feedback for every graded assignment; returns what has feedback."""
    build(course_dir)
    done = []
    for assignment in sorted({a for _, a in submitted(course_dir)}):
        if (course_dir / "autograded").is_dir() and any((course_dir / "autograded").glob(f"*/{assignment}")):
            run_nbgrader(course_dir, "generate_feedback", assignment, "--force")
    for learner_dir in sorted((course_dir / "feedback").glob("*")) if (course_dir / "feedback").is_dir() else []:
        for folder in sorted(learner_dir.iterdir()):
            done.append((learner_dir.name, folder.name))
    return done


# --- export -------------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "learner",
    "assignment",
    "case",
    "submitted_at",
    "status",
    "score",
    "max_score",
    "autograded_score",
    "written_score",
)


@dataclass(frozen=True)
class GradeRow:
    learner: str
    assignment: str
    case: str
    submitted_at: str
    status: str
    score: float | None
    max_score: float
    autograded_score: float | None
    written_score: float | None


def grade_rows(course_dir: Path) -> list[GradeRow]:
    """One row per submission in the course folder, from nbgrader's gradebook and the
    verdicts of the last validation."""
    from nbgrader.api import Gradebook, MissingEntry

    bank = case_bank()
    titles = {c.id: f"Case {c.number}: {c.title}" for c in bank.cases}
    maxima = {c.id: float(c.points) for c in bank.cases}
    verdicts = load_verdicts(course_dir)
    rows = []
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", "online-lives") as gb:
        for learner, assignment in submitted(course_dir):
            stamp = submission_dir(course_dir, learner, assignment) / "timestamp.txt"
            submitted_at = stamp.read_text().strip() if stamp.exists() else ""
            title = titles.get(assignment, assignment)
            maximum = maxima.get(assignment, 0.0)
            ungraded = GradeRow(learner, assignment, title, submitted_at, "not graded", None, maximum, None, None)

            verdict = verdicts.get((learner, assignment))
            if verdict is None:
                rows.append(replace(ungraded, status="not graded: not yet validated"))
                continue
            if not verdict.ok:
                rows.append(replace(ungraded, status=f"not graded: {verdict.status} ({verdict.reason})"))
                continue
            try:
                submission = gb.find_submission(assignment, learner)
            except MissingEntry:
                rows.append(replace(ungraded, status="not graded: not yet autograded"))
                continue
            if str(submission.timestamp or "") and submitted_at and _older(submission.timestamp, submitted_at):
                rows.append(replace(ungraded, status="not graded: resubmitted since grading"))
                continue
            auto = written = 0.0
            manual_pending = False
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    points = grade.score
                    if grade.cell_type == "code":
                        auto += points or 0.0
                    else:
                        written += points or 0.0
                    manual_pending = manual_pending or bool(grade.needs_manual_grade)
            status = "awaiting written-answer marking" if manual_pending else "graded"
            rows.append(
                GradeRow(
                    learner,
                    assignment,
                    title,
                    submitted_at,
                    status,
                    round(submission.score, 4),
                    float(submission.max_score),
                    round(auto, 4),
                    None if manual_pending else round(written, 4),
                )
            )
    return rows


def _older(graded_timestamp: object, submitted_at: str) -> bool:
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(graded_timestamp) < parse_utc(submitted_at)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return False


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _safe_cell(value: str) -> str:
    """Spreadsheet programs run a cell that starts with = + - @ as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def export_csv(rows: list[GradeRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                _safe_cell(r.learner),
                r.assignment,
                r.case,
                r.submitted_at,
                _safe_cell(r.status),
                _number(r.score),
                _number(r.max_score),
                _number(r.autograded_score),
                _number(r.written_score),
            ]
        )
    return out.getvalue()


def export_moodle(rows: list[GradeRow]) -> str:
    """Moodle's grade import (CSV): one row per learner, an identifier column, then for each
    case a grade column and a feedback column. Map `Username` to the user field that holds
    the learner id, each case column to its grade item, each `... feedback` column to that
    item's feedback. An empty grade is left unchanged by Moodle; the feedback says why."""
    bank = case_bank()
    cases = [c for c in bank.cases if any(r.assignment == c.id for r in rows)]
    learners = sorted({r.learner for r in rows})
    by_key = {(r.learner, r.assignment): r for r in rows}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = ["Username"]
    for c in cases:
        header += [f"Case {c.number}: {c.title}", f"Case {c.number}: {c.title} feedback"]
    writer.writerow(header)
    for learner in learners:
        line = [_safe_cell(learner)]
        for c in cases:
            r = by_key.get((learner, c.id))
            if r is None:
                line += ["", ""]
            elif r.status == "graded":
                line += [_number(r.score), f"{_number(r.score)} out of {_number(r.max_score)}"]
            else:
                line += ["", _safe_cell(r.status)]
        writer.writerow(line)
    return out.getvalue()


def summary(verdicts: list[Verdict]) -> dict[str, int]:
    counts = {OK: 0, CORRUPT: 0, TAMPERED: 0, "unsafe": 0}
    for v in verdicts:
        counts[v.status] = counts.get(v.status, 0) + 1
    return counts


def verdicts_json(verdicts: list[Verdict]) -> str:
    return json.dumps([v.__dict__ for v in verdicts], indent=1)
