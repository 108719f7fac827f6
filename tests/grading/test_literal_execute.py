"""The kernel-free execution step: answers are read as values, never run; the course's test
code runs with a small set of builtins; results and errors look as a kernel's would."""

from __future__ import annotations

import nbformat
import pytest

from grading import pipeline
from grading.literal_execute import SAFE_BUILTINS, LiteralAnswerError, LiteralExecute, bind_literal, run_trusted


def _ns() -> dict:
    return {"__builtins__": SAFE_BUILTINS}


def test_answers_are_bound_as_values():
    namespace = _ns()
    bind_literal('answer_four_cs = ["contact", "conduct"]\nanswer_first_step = None', namespace)
    assert namespace["answer_four_cs"] == ["contact", "conduct"] and namespace["answer_first_step"] is None
    bind_literal("# YOUR ANSWER HERE", namespace)  # unanswered: nothing bound


@pytest.mark.parametrize(
    "source",
    [
        "answer_four_cs = open('x', 'w')",
        "answer_four_cs = [__import__('os').system('true')]",
        "import os",
        "answer_four_cs = A()",
        "x, y = 1, 2",
        "answer_four_cs[0] = 'a'",
    ],
)
def test_anything_but_a_literal_is_refused_and_never_run(source, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises((LiteralAnswerError, ValueError)):
        bind_literal(source, _ns())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("source", ["open('written.txt', 'w')", "__import__('os')", "exec('1')", "eval('1')"])
def test_test_code_has_no_files_imports_or_eval(source, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(NameError):
        run_trusted(source, _ns())
    assert list(tmp_path.iterdir()) == []


def test_outputs_look_as_a_kernels_would():
    meta = {
        "grade": True,
        "grade_id": "t",
        "locked": True,
        "points": 2,
        "schema_version": 3,
        "solution": False,
        "task": False,
    }
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("text"),
            nbformat.v4.new_code_cell(
                'answer = ["a"]', metadata={"nbgrader": {**meta, "grade": False, "solution": True, "locked": False}}
            ),
            nbformat.v4.new_code_cell("x = len(answer)\nround(x * 1.5, 4)", metadata={"nbgrader": meta}),
            nbformat.v4.new_code_cell("missing_name + 1", metadata={"nbgrader": {**meta, "grade_id": "u"}}),
        ]
    )
    out, _ = LiteralExecute().preprocess(nb, {"nbgrader": {"student": "s", "assignment": "a"}})
    answer, test, failing = out.cells[1:]
    assert (answer.execution_count, answer.outputs) == (1, [])
    assert test.outputs == [nbformat.v4.new_output("execute_result", data={"text/plain": "1.5"}, execution_count=2)]
    assert failing.outputs[0].output_type == "error" and failing.outputs[0].ename == "NameError"


def test_the_kernel_path_is_cut_off_from_the_network_where_the_machine_allows(monkeypatch):
    monkeypatch.setattr(pipeline, "_can_unshare", lambda: True)
    monkeypatch.setattr(pipeline.shutil, "which", lambda name: f"/usr/bin/{name}")
    jobs = [("case-1-shared-images", pipeline._job_arguments(["bad"], with_kernel=True))]
    command = pipeline._worker_command(jobs, with_kernel=True)
    assert command[:2] == ["unshare", "--net"] and "ip link set lo up" in command[-1]
    assert "grading.autograde_worker" in command[-1]
    fast = pipeline._job_arguments(["bad", "worse"], with_kernel=False)
    assert "--Autograde.autograde_preprocessors=grading.literal_execute.LiteralExecute" in fast
    assert "--CourseDirectory.student_id_exclude=bad,worse" in fast
    assert pipeline._worker_command(jobs, with_kernel=False)[1:3] == ["-m", "grading.autograde_worker"]


def test_assignments_are_shared_among_workers_by_load():
    counts = {"a": 10, "b": 9, "c": 2, "d": 1}
    assert pipeline.plan_workers(counts, 2) == [["a", "d"], ["b", "c"]]
    assert pipeline.plan_workers(counts, 8) == [["a"], ["b"], ["c"], ["d"]]
    assert pipeline.plan_workers(counts, 1) == [["a", "b", "c", "d"]]
    assert pipeline.plan_workers({}, 2) == []


def test_every_workers_output_is_read_while_the_others_run(course_dir, monkeypatch):
    """A worker that writes more than a pipe holds (nbgrader logs about 2 KB a submission)
    must not wait for an earlier worker to finish before its output is read."""
    import sys

    from grading_support import submit

    submit(course_dir, "pipe-1", {}, case_id="case-1-shared-images")
    submit(course_dir, "pipe-2", {}, case_id="case-2-anonymous-app")
    marker = course_dir / "second-worker-done"
    slow = (
        "import pathlib, sys, time\n"
        f"marker = pathlib.Path({str(marker)!r})\n"
        "deadline = time.monotonic() + 20\n"
        "while not marker.exists() and time.monotonic() < deadline:\n"
        "    time.sleep(0.05)\n"
        "print('second worker seen:', marker.exists())\n"
        "print('[online-lives] finished case-1-shared-images', file=sys.stderr)\n"
    )
    chatty = (
        "import pathlib, sys\n"
        "sys.stdout.write('] log line\\n' * 20000)\n"  # 220 KB: more than a pipe holds
        "sys.stdout.flush()\n"
        f"pathlib.Path({str(marker)!r}).touch()\n"
        "print('[online-lives] finished case-2-anonymous-app', file=sys.stderr)\n"
    )

    def fake_worker(jobs, with_kernel):  # type: ignore[no-untyped-def]
        return [sys.executable, "-c", slow if jobs[0][0] == "case-1-shared-images" else chatty]

    monkeypatch.setattr(pipeline, "_worker_command", fake_worker)
    seen = []
    monkeypatch.setattr(pipeline, "_read_lines", _recording(pipeline._read_lines, seen))
    run = pipeline.autograde(course_dir, workers=2)
    assert sorted(run.graded) == [("pipe-1", "case-1-shared-images"), ("pipe-2", "case-2-anonymous-app")]
    assert "second worker seen: True\n" in seen


def _recording(read_lines, seen):  # type: ignore[no-untyped-def]
    def wrapper(index, process, lines):  # type: ignore[no-untyped-def]
        class Tee:
            def put(self, item):  # type: ignore[no-untyped-def]
                if item[1] is not None and not item[1].startswith("]"):
                    seen.append(item[1])
                lines.put(item)

        read_lines(index, process, Tee())

    return wrapper
