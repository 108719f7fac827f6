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


def main(argv: list[str]) -> int:
    skip_iri_grammar()  # about 1.5 CPU-seconds of start-up that nbgrader does not need
    from nbgrader.apps import AutogradeApp

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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
