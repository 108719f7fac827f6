"""One grading worker: nbgrader's own `autograde` for each of several assignments, in one
process, so that nbgrader starts once per worker rather than once per assignment.

`grading.pipeline.autograde` starts one worker per core with a JSON list of jobs,
`[[assignment, [nbgrader autograde arguments...]], ...]`. Each job is exactly what
`nbgrader autograde ASSIGNMENT ARGUMENTS...` runs (nbgrader's `AutogradeApp`), with the
course folder's `nbgrader_config.py`; the worker only keeps the process between them.
"""

from __future__ import annotations

import json
import sys

from course.settings import skip_iri_grammar

FINISHED = "[online-lives] finished"


def _gradebook_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    """SQLite settings for the gradebook while workers write to it.

    WAL lets one worker read while another writes, and with it `synchronous=NORMAL` syncs
    at checkpoints rather than on each of the dozens of commits nbgrader makes per
    submission. A crash of the machine can lose the last grades written (run autograde
    again); it cannot corrupt the gradebook. The busy timeout makes a worker wait for the
    other's write instead of failing.
    """
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def main(argv: list[str]) -> int:
    skip_iri_grammar()  # about 1.5 CPU-seconds of start-up that nbgrader does not need
    import sqlalchemy as sa
    from nbgrader.apps import AutogradeApp

    sa.event.listen(sa.engine.Engine, "connect", _sqlite_only(_gradebook_pragmas))

    jobs = json.loads(argv[0])
    failed = False
    for assignment, arguments in jobs:
        app = AutogradeApp()
        try:
            app.initialize([assignment, *arguments])
            app.start()
        except SystemExit as exc:  # nbgrader exits 1 when any submission failed
            failed = failed or bool(exc.code)
        finally:
            app.reset()
        print(f"{FINISHED} {assignment}", file=sys.stderr, flush=True)
    return 1 if failed else 0


def _sqlite_only(listener):  # type: ignore[no-untyped-def]
    import sqlite3

    def wrapped(dbapi_connection, record):  # type: ignore[no-untyped-def]
        if isinstance(dbapi_connection, sqlite3.Connection):
            listener(dbapi_connection, record)

    return wrapped


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
