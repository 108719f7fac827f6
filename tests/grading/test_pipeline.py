"""The real nbgrader pipeline on fixture submissions: collect, validate, autograde, a
scripted manual grade, feedback and export. Each fixture gets exactly the score or verdict
expected, and the grades equal those of plain sequential nbgrader with a kernel."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile

import pytest
from grading_support import CASE, cell, rewrite, right_answers, submit, wrong_answers

from course.cases import case_bank
from course.cli import main
from grading import build, pipeline
from grading.submission import feedback_for

pytestmark = pytest.mark.slow

CASE_1 = case_bank().case(CASE)
PARTLY = {
    "four-cs": ["contact", "conduct", "content"],  # both right, one of two wrong: 1 of 2 points
    "vulnerabilities": ["low-emotional-health"],  # 1 of 1
    "statements": ["3.1", "3.2"],  # two of three right, no wrong: 2 of 3
    "first-step": "ask-to-see",  # 0 of 1
    "signpost": "professionals-online-safety-helpline",  # 1 of 1
}
NON_ASCII = "Zoë's worker asked: “who has the images?” — ça, 日本語, emoji ✓. <b>not bold</b>"
CLASS_ANSWER = "class A(list):\n    def __eq__(self, other):\n        return True\nanswer_four_cs = A()"
WRITES_FILE = "answer_four_cs = [open('pwned.txt', 'w').write('x') and 'contact']"

# learner: (expected verdict, expected autograded score or None)
EXPECTED = {
    "full": ("ok", 8.0),
    "partly": ("ok", 5.0),
    "wrong": ("ok", 0.0),
    "empty": ("ok", 0.0),
    "long-text": ("ok", 8.0),
    "non-ascii": ("ok", 8.0),
    "corrupt-json": ("corrupt", None),
    "other-case": ("tampered", None),
    "test-edited": ("tampered", None),
    "test-deleted": ("tampered", None),
    "always-equal": ("unsafe", None),
    "writes-file": ("unsafe", None),
    "huge-text": ("tampered", None),
}


def _make_fixtures(course_dir):  # type: ignore[no-untyped-def]
    right = right_answers(CASE_1)
    submit(course_dir, "full", right, {"reflection": "I would ask who holds the images and whether she is safe."})
    submit(course_dir, "partly", PARTLY, {"reflection": "Some thoughts."})
    submit(course_dir, "wrong", wrong_answers(CASE_1))
    submit(course_dir, "empty", {})
    submit(course_dir, "long-text", right, {"reflection": "A long answer. " * 1333})
    submit(course_dir, "non-ascii", right, {"reflection": NON_ASCII})
    submit(course_dir, "corrupt-json", right).path.write_text('{"cells": [', encoding="utf-8")
    other = submit(course_dir, "other-case", {}, case_id="case-2-anonymous-app")
    shutil.rmtree(other.path.parent)
    (course_dir / "submitted" / "other-case" / CASE).mkdir()
    (course_dir / "submitted" / "other-case" / CASE / f"{CASE}.ipynb").write_bytes(other.notebook_bytes)
    rewrite(submit(course_dir, "test-edited", {}).path, lambda nb: cell(nb, "four-cs-test").update(source="2.0"))
    rewrite(submit(course_dir, "test-deleted", {}).path, lambda nb: nb["cells"].remove(cell(nb, "four-cs-test")))
    rewrite(
        submit(course_dir, "always-equal", {}).path, lambda nb: cell(nb, "four-cs-answer").update(source=CLASS_ANSWER)
    )
    rewrite(
        submit(course_dir, "writes-file", {}).path, lambda nb: cell(nb, "four-cs-answer").update(source=WRITES_FILE)
    )
    rewrite(
        submit(course_dir, "huge-text", right).path,
        lambda nb: cell(nb, "reflection-answer").update(source="word " * 300_000),
    )


def _auto_scores(course_dir, learners):  # type: ignore[no-untyped-def]
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", "online-lives") as gb:
        for learner in learners:
            submission = gb.find_submission(CASE, learner)
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    scores[(learner, grade.name)] = (grade.auto_score, grade.max_score, grade.needs_manual_grade)
    return scores


@pytest.fixture
def graded(course_dir, tmp_path):  # type: ignore[no-untyped-def]
    """Fixtures made, then a copy for plain nbgrader, then our validate + autograde."""
    _make_fixtures(course_dir)
    baseline = tmp_path / "baseline"
    shutil.copytree(course_dir, baseline)
    progress = []
    run = pipeline.autograde(course_dir, progress=lambda done, total, _a: progress.append((done, total)))
    return course_dir, baseline, run, progress


def test_every_fixture_gets_its_verdict_and_score_and_plain_nbgrader_agrees(graded):
    course_dir, baseline, run, progress = graded
    verdicts = {v.learner: v for v in run.verdicts}
    assert {learner: v.status for learner, v in verdicts.items()} == {k: v[0] for k, v in EXPECTED.items()}
    ok = sorted(k for k, v in EXPECTED.items() if v[0] == "ok")
    assert sorted(learner for learner, _ in run.graded) == ok and run.failed == []
    assert progress[-1] == (len(ok), len(ok))
    rows = {r.learner: r for r in pipeline.grade_rows(course_dir)}
    for learner, (_, score) in EXPECTED.items():
        assert rows[learner].autograded_score == score, learner
    # Nothing in a submission ran: the file-writing answer wrote nothing anywhere.
    assert not list(course_dir.rglob("pwned.txt"))
    # Plain sequential nbgrader, with a kernel, on the same ok submissions gives the same grades.
    refused = ",".join(sorted(k for k, v in EXPECTED.items() if v[0] != "ok"))
    build.run_nbgrader(baseline, "autograde", CASE, "--force", f"--CourseDirectory.student_id_exclude={refused}")
    ours, plain = _auto_scores(course_dir, ok), _auto_scores(baseline, ok)
    assert len(ours) == len(ok) * 6
    assert ours == plain


def test_manual_grade_feedback_and_export(graded, tmp_path):
    from nbgrader.api import Gradebook

    course_dir, _baseline, _run, _progress = graded
    with Gradebook(f"sqlite:///{course_dir / 'gradebook.db'}", "online-lives") as gb:
        # What formgrader does when an assessor types a score and a comment.
        for learner, points in (("full", 6), ("non-ascii", 2)):
            grade = gb.find_grade("reflection-answer", CASE, CASE, learner)
            grade.manual_score, grade.needs_manual_grade = points, False
            gb.find_comment("reflection-answer", CASE, CASE, learner).manual_comment = "Good start."
        gb.db.commit()
    done = pipeline.feedback(course_dir)
    assert ("full", CASE) in done and ("corrupt-json", CASE) not in done
    full = feedback_for(CASE, "full")
    assert full is not None and "14.0 / 16.0" in full.html and "Good start." in full.html
    shown = feedback_for(CASE, "non-ascii")
    assert shown is not None and "Zoë" in shown.html and "日本語" in shown.html
    assert "<b>not bold</b>" not in shown.html  # the learner's text is shown, never run as HTML

    rows = list(csv.DictReader(io.StringIO(pipeline.export_csv(pipeline.grade_rows(course_dir)))))
    by = {r["learner"]: r for r in rows}
    assert (by["full"]["status"], by["full"]["score"], by["full"]["max_score"]) == ("graded", "14", "16")
    assert by["partly"]["status"] == "awaiting written-answer marking" and by["partly"]["autograded_score"] == "5"
    assert (by["empty"]["status"], by["empty"]["score"]) == ("graded", "0")
    assert by["corrupt-json"]["status"].startswith("not graded: corrupt") and by["corrupt-json"]["score"] == ""
    assert by["writes-file"]["status"].startswith("not graded: unsafe")
    assert by["test-deleted"]["status"].startswith("not graded: tampered")

    moodle = list(csv.reader(io.StringIO(pipeline.export_moodle(pipeline.grade_rows(course_dir)))))
    assert moodle[0] == ["Username", "Case 1: Shared images", "Case 1: Shared images feedback"]
    lines = {line[0]: line for line in moodle[1:]}
    assert lines["full"][1:] == ["14", "14 out of 16"]
    assert lines["corrupt-json"][1] == "" and lines["corrupt-json"][2].startswith("not graded: corrupt")


def test_collect_names_learners_from_the_files_and_reports_every_problem(course_dir, tmp_path):
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    other = tmp_path / "other-course"
    shutil.copytree(course_dir, other)
    first = submit(other, "amira", {"four-cs": ["content"]})
    (downloads / "amira-old.ipynb").write_bytes(first.notebook_bytes)
    second = submit(other, "amira", right_answers(CASE_1))
    (downloads / "amira.ipynb").write_bytes(second.notebook_bytes)
    (downloads / "broken.ipynb").write_text("{oops", encoding="utf-8")
    (downloads / "homework.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8"
    )
    with zipfile.ZipFile(downloads / "batch.zip", "w") as archive:
        archive.writestr("ben.ipynb", submit(other, "ben", {}, case_id="case-3-three-phones").notebook_bytes)
        archive.writestr("notes.txt", "not a notebook")
    (downloads / "bad.zip").write_bytes(b"PK\x03\x04 this is not a zip")
    results = pipeline.collect(course_dir, sorted(downloads.iterdir()))
    by = {r.source: r for r in results}
    assert by["amira.ipynb"].status == "imported" and by["amira.ipynb"].learner == "amira"
    assert by["amira-old.ipynb"].status == "duplicate"
    assert by["broken.ipynb"].status == "corrupt" and "not valid JSON" in by["broken.ipynb"].detail
    assert by["homework.ipynb"].status == "wrong assignment"
    assert (
        by["batch.zip:ben.ipynb"].status == "imported" and by["batch.zip:ben.ipynb"].assignment == "case-3-three-phones"
    )
    assert by["batch.zip:notes.txt"].status == "corrupt"
    assert by["bad.zip"].status == "corrupt"
    assert len(results) == 7  # every file accounted for
    imported = course_dir / "submitted" / "amira" / CASE / f"{CASE}.ipynb"
    assert imported.read_bytes() == second.notebook_bytes
    assert (imported.parent / "timestamp.txt").read_text() == second.timestamp
    # The same file again is not newer than what is there: reported, nothing replaced.
    again = pipeline.collect(course_dir, [downloads / "amira.ipynb"])
    assert [r.status for r in again] == ["duplicate"]


def test_the_assessors_commands(course_dir, tmp_path, capsys):
    submit(course_dir, "cli-ok", right_answers(CASE_1), {"reflection": "Written."})
    submit(course_dir, "cli-bad", {}).path.write_text("{", encoding="utf-8")
    assert main(["grade", "validate"]) == 1
    out = capsys.readouterr().out
    assert "corrupt   cli-bad" in out and "ok        cli-ok" in out
    assert main(["grade", "autograde"]) == 0
    out = capsys.readouterr()
    assert "Autograded 1 submissions" in out.out and "Grading [" in out.err
    target = tmp_path / "grades.csv"
    assert main(["grade", "export", "--format", "csv", "-o", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert "cli-ok,case-1-shared-images" in text and "not graded: corrupt" in text
    assert main(["grade", "feedback"]) == 0
    assert "feedback  cli-ok case-1-shared-images" in capsys.readouterr().out


def test_the_rubric_command_prints_criteria_and_assessor_notes(capsys):
    case = case_bank().case("case-4-counting-what-we-see")
    assert main(["grade", "rubric", case.id]) == 0
    out = capsys.readouterr().out
    for criterion in case.free_text[0].rubric:
        assert criterion.criterion in out
    assert case.free_text[0].assessor_notes.splitlines()[0].strip() in out
    assert main(["grade", "rubric", "no-such-case"]) == 2
    assert "no case 'no-such-case'" in capsys.readouterr().err
