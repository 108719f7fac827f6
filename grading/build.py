"""The nbgrader course folder: its configuration, the source notebooks generated from the
case data, and nbgrader's own `generate_assignment` to make the releases.

The committed copy of the sources (`grading/source/`) is what `write_sources` makes from
`datasets/cases.yaml`; a test fails if they differ. Regenerate it with
`python -m grading.build`.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from course import settings
from course.cases import CaseBank, case_bank
from grading.notebooks import notebook_text, source_notebook

GRADING_PACKAGE = Path(__file__).resolve().parent
COMMITTED_SOURCE = GRADING_PACKAGE / "source"
CONFIG_FILE = GRADING_PACKAGE / "nbgrader_config.py"
STAMP_FILE = ".online-lives-build"
LOCK_FILE = ".online-lives.lock"


class GradingError(RuntimeError):
    """nbgrader could not do what was asked; the message says what and where."""


def sources(bank: CaseBank | None = None) -> dict[str, str]:
    """Each assignment's source notebook text, keyed by `<assignment>/<assignment>.ipynb`."""
    bank = bank or case_bank()
    return {f"{c.id}/{c.id}.ipynb": notebook_text(source_notebook(c, bank.credit)) for c in bank.cases}


def write_sources(target: Path, bank: CaseBank | None = None) -> list[Path]:
    written = []
    for relative, text in sources(bank).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def assignments(bank: CaseBank | None = None) -> list[str]:
    return [c.id for c in (bank or case_bank()).cases]


def release_path(course_dir: Path, assignment: str) -> Path:
    return course_dir / "release" / assignment / f"{assignment}.ipynb"


def build_stamp(bank: CaseBank | None = None) -> str:
    digest = hashlib.sha256(CONFIG_FILE.read_bytes())
    for relative, text in sorted(sources(bank).items()):
        digest.update(relative.encode() + b"\0" + text.encode())
    return digest.hexdigest()


@contextlib.contextmanager
def course_lock(course_dir: Path) -> Iterator[None]:
    """One writer at a time in a course folder (several page kernels, the CLI)."""
    course_dir.mkdir(parents=True, exist_ok=True)
    with open(course_dir / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def nbgrader_env() -> dict[str, str]:
    """The environment nbgrader runs in: this Python's scripts first on PATH (nbgrader calls
    `alembic` by name), no query string of a page kernel."""
    env = dict(os.environ)
    scripts = str(Path(sys.executable).parent)
    env["PATH"] = scripts + os.pathsep + env.get("PATH", "")
    env.pop("QUERY_STRING", None)
    return env


def run_nbgrader(course_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run unmodified nbgrader in the course folder; GradingError with its log on failure."""
    result = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course_dir,
        env=nbgrader_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if check and result.returncode != 0:
        raise GradingError(f"nbgrader {args[0]} failed in {course_dir}:\n{result.stdout}{result.stderr}")
    return result


def is_built(course_dir: Path, bank: CaseBank | None = None) -> bool:
    stamp = course_dir / STAMP_FILE
    if not stamp.exists() or stamp.read_text().strip() != build_stamp(bank):
        return False
    return all(release_path(course_dir, a).exists() for a in assignments(bank))


def build(course_dir: Path | None = None, force: bool = False) -> Path:
    """Make the course folder ready: configuration, sources from the data, releases made by
    nbgrader's generate_assignment (which also records each assignment in the gradebook).
    Does nothing when it is already built from the current data, unless `force`."""
    course_dir = course_dir or settings.grading_dir()
    with course_lock(course_dir):
        if not force and is_built(course_dir):
            return course_dir
        shutil.copyfile(CONFIG_FILE, course_dir / "nbgrader_config.py")
        write_sources(course_dir / "source")
        run_nbgrader(course_dir, "generate_assignment", "--force", "*")
        (course_dir / STAMP_FILE).write_text(build_stamp() + "\n")
    return course_dir


def ensure_release(assignment: str, course_dir: Path | None = None) -> Path:
    """The released notebook of an assignment, building the course folder first if needed."""
    course_dir = course_dir or settings.grading_dir()
    if not is_built(course_dir):
        build(course_dir)
    return release_path(course_dir, assignment)


if __name__ == "__main__":  # regenerate the committed sources from datasets/
    if COMMITTED_SOURCE.exists():
        shutil.rmtree(COMMITTED_SOURCE)
    for path in write_sources(COMMITTED_SOURCE):
        print(path.relative_to(GRADING_PACKAGE.parent))
