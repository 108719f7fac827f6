"""`online-lives grade ...`: the assessor's commands (see docs/assessors.md)."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from course import settings


def _course_dir(args: argparse.Namespace) -> Path:
    if args.course_dir:
        os.environ["ONLINE_LIVES_GRADING"] = str(Path(args.course_dir).expanduser().resolve())
    return settings.grading_dir()


def _build(args: argparse.Namespace) -> int:
    from course.cases import case_bank
    from grading.build import build, release_path

    course_dir = build(_course_dir(args), force=args.force)
    print(f"Course folder: {course_dir}")
    for case in case_bank().cases:
        print(f"  {case.id}: {release_path(course_dir, case.id).relative_to(course_dir)}")
    return 0


def _collect(args: argparse.Namespace) -> int:
    from grading.pipeline import collect

    paths = [Path(p) for p in args.files]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"online-lives: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    results = collect(_course_dir(args), paths)
    for r in results:
        who = f" ({r.learner}, {r.assignment})" if r.learner else ""
        print(f"{r.status:<16} {r.source}{who}: {r.detail}")
    problems = [r for r in results if r.status not in ("imported", "replaced")]
    print(f"\n{len(results) - len(problems)} imported, {len(problems)} not imported (listed above).")
    return 1 if any(r.status in ("corrupt", "wrong assignment") for r in results) else 0


def _print_verdicts(verdicts: list) -> None:  # type: ignore[type-arg]
    for v in verdicts:
        print(f"{v.status:<9} {v.learner} {v.assignment}: {v.reason}")


def _validate(args: argparse.Namespace) -> int:
    from grading.build import build
    from grading.pipeline import summary
    from grading.validate import validate_all

    course_dir = build(_course_dir(args))
    verdicts = validate_all(course_dir)
    _print_verdicts(verdicts)
    counts = summary(verdicts)
    print("\n" + ", ".join(f"{n} {status}" for status, n in counts.items()) + ". Only ok submissions are graded.")
    return 0 if all(v.ok for v in verdicts) else 1


def _progress_bar(done: int, total: int, assignment: str) -> None:
    width = 30
    filled = width if total == 0 else int(width * done / total)
    end = "\n" if done >= total else ""
    print(f"\rGrading [{'#' * filled}{'.' * (width - filled)}] {done}/{total}", end=end, file=sys.stderr, flush=True)


def _autograde(args: argparse.Namespace) -> int:
    from grading.pipeline import autograde, summary

    run = autograde(_course_dir(args), workers=args.workers, with_kernel=args.with_kernel, progress=_progress_bar)
    refused = [v for v in run.verdicts if not v.ok]
    if refused:
        print("Not graded:")
        _print_verdicts(refused)
    for learner, assignment, message in run.failed:
        print(f"failed    {learner} {assignment}: {message}")
    counts = summary(run.verdicts)
    print(
        f"\nAutograded {len(run.graded)} submissions; {counts['corrupt']} corrupt, {counts['tampered']} tampered, "
        f"{counts['unsafe']} unsafe not graded. Mark written answers in formgrader: online-lives grade formgrader"
    )
    return 1 if run.failed else 0


def _formgrader(args: argparse.Namespace) -> int:
    from grading.build import build, nbgrader_env

    course_dir = build(_course_dir(args))
    jupyter = shutil.which("jupyter", path=nbgrader_env()["PATH"])
    if jupyter is None:
        print("online-lives: jupyter is not installed with the course", file=sys.stderr)
        return 2
    command = [
        jupyter,
        "lab",
        "--no-browser",
        f"--ip={args.ip}",
        f"--port={args.port}",
        f"--ServerApp.root_dir={course_dir}",
        "--LabApp.default_url=/formgrader",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    print(f"Formgrader for {course_dir}: open the address JupyterLab prints below (it carries a login token).")
    os.chdir(course_dir)
    os.execve(jupyter, command, nbgrader_env())  # noqa: S606 - replaces this process with JupyterLab


def _feedback(args: argparse.Namespace) -> int:
    from grading.pipeline import feedback

    done = feedback(_course_dir(args))
    for learner, assignment in done:
        print(f"feedback  {learner} {assignment}")
    print(f"\n{len(done)} feedback files. Learners see theirs on the case-studies page.")
    return 0


def rubric_text(case_id: str) -> str:
    """A case's written questions with their rubrics and assessor notes, as plain text."""
    from course.cases import case_bank

    case = case_bank().case(case_id)
    lines = [f"Case {case.number}: {case.title} ({case.id})", ""]
    for free in case.free_text:
        lines += [f"Written question ({free.points} points): {free.prompt}", ""]
        for criterion in free.rubric:
            lines.append(f"  {criterion.criterion}")
            lines += [f"    {level.points}: {level.descriptor}" for level in criterion.levels]
        lines += ["", "  What a strong answer covers:"]
        lines += [f"    - {line.strip()}" for line in free.assessor_notes.splitlines() if line.strip()]
        lines.append("")
    return "\n".join(lines)


def _rubric(args: argparse.Namespace) -> int:
    from course.cases import case_bank

    cases = case_bank().cases if args.case == "all" else [case_bank().case(args.case)]
    print("\n".join(rubric_text(c.id) for c in cases))
    return 0


def _export(args: argparse.Namespace) -> int:
    from grading.pipeline import export_csv, export_moodle, grade_rows

    rows = grade_rows(_course_dir(args))
    text = export_moodle(rows) if args.format == "moodle" else export_csv(rows)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8", newline="")
        print(f"Wrote {len(rows)} submissions to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    grade = sub.add_parser("grade", help="grade the case studies with nbgrader (assessors)")
    grade.add_argument("--course-dir", help="the nbgrader course folder (default: ONLINE_LIVES_GRADING)")
    steps = grade.add_subparsers(dest="step", required=True)

    build = steps.add_parser("build", help="generate the assignments from datasets/ and release them")
    build.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    build.set_defaults(func=_build)

    collect = steps.add_parser("collect", help="import downloaded submissions (.ipynb files or .zip)")
    collect.add_argument("files", nargs="+")
    collect.set_defaults(func=_collect)

    validate = steps.add_parser("validate", help="check every submission without running it")
    validate.set_defaults(func=_validate)

    autograde = steps.add_parser("autograde", help="validate, then autograde the ok submissions")
    autograde.add_argument("--workers", type=int, default=2, help="nbgrader processes at once (default 2)")
    autograde.add_argument(
        "--with-kernel", action="store_true", help="run plain nbgrader with a kernel (slower; same grades)"
    )
    autograde.set_defaults(func=_autograde)

    formgrader = steps.add_parser("formgrader", help="mark written answers in nbgrader's formgrader")
    formgrader.add_argument("--port", type=int, default=8888)
    formgrader.add_argument("--ip", default="127.0.0.1")
    formgrader.set_defaults(func=_formgrader)

    rubric = steps.add_parser("rubric", help="print a case's rubric and assessor notes (for marking)")
    rubric.add_argument("case", help="a case id (see `online-lives grade build`), or all")
    rubric.set_defaults(func=_rubric)

    feedback = steps.add_parser("feedback", help="generate feedback for every graded submission")
    feedback.set_defaults(func=_feedback)

    export = steps.add_parser("export", help="export grades as CSV")
    export.add_argument("--format", choices=("csv", "moodle"), default="csv")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")
    export.set_defaults(func=_export)
