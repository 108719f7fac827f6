"""Where the course keeps its data, read from the environment.

`ONLINE_LIVES_DATA` is the data folder (default: `$XDG_DATA_HOME/online-lives`, which is
`~/.local/share/online-lives` on most machines). `ONLINE_LIVES_DB` is the store, any
SQLAlchemy URL (default: the SQLite file `online-lives.sqlite` in the data folder).
`ONLINE_LIVES_GRADING` is the nbgrader course folder for the graded case studies (default:
`grading` in the data folder). `ONLINE_LIVES_CONTENT` points at another folder of content files (default: the project's
own `datasets/`); the JSON Schemas they are checked against are always the project's own.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATASETS_DIR = PROJECT_ROOT / "datasets"
MODULES_DIR = PROJECT_ROOT / "modules"


def data_dir() -> Path:
    """The data folder, created if it does not exist."""
    configured = os.environ.get("ONLINE_LIVES_DATA")
    if configured:
        path = Path(configured).expanduser()
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path = Path(base) / "online-lives"
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def database_url() -> str:
    """The store's SQLAlchemy URL."""
    configured = os.environ.get("ONLINE_LIVES_DB")
    if configured:
        return configured
    return f"sqlite:///{data_dir() / 'online-lives.sqlite'}"


def content_dir() -> Path:
    """The folder holding the course content (planner and schemas)."""
    configured = os.environ.get("ONLINE_LIVES_CONTENT")
    return Path(configured).expanduser().resolve() if configured else DATASETS_DIR


def grading_dir() -> Path:
    """The nbgrader course folder (source, release, submitted, autograded, feedback, gradebook)."""
    configured = os.environ.get("ONLINE_LIVES_GRADING")
    path = Path(configured).expanduser() if configured else data_dir() / "grading"
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def skip_iri_grammar() -> None:
    """Keep jsonschema from building the grammar of the optional `rfc3987_syntax` package.

    jsonschema builds it on import: about 1 CPU-second in every process that validates
    anything (measured: `import jsonschema` 1.1 s against 0.1 s without it). The course
    never checks the "iri" format, so page kernels and grading workers go without it.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
