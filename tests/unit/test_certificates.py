"""The completion certificate: module completions, the quiz and case requirements with their
reasons, pass marks from the course file, and the PDF read back with pypdf.

The graded cases come from a real nbgrader course folder: built by `grading.build.build`,
submissions autograded by `grading.pipeline.autograde`, written answers marked through
nbgrader's gradebook API. That folder is built once for this module (about 20 s)."""

from __future__ import annotations

import io
import shutil
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from certificate_fixtures import (
    answer_round,
    complete_every_module,
    mark_written,
    pass_every_quiz,
    quiz_contexts,
    submit,
)

from course import certificates
from course.cases import case_bank
from course.cli import main
from course.content import ContentError, planner
from course.lessons import course, load_course
from course.store import Store
from grading import build, pipeline

DAY = date(2026, 11, 30)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'store.sqlite'}")
    yield s
    s.close()


@pytest.fixture
def no_grades(tmp_path: Path) -> Path:
    """A course folder with nothing submitted."""
    folder = tmp_path / "grading"
    folder.mkdir()
    return folder


def by_key(result: certificates.Eligibility) -> dict[str, certificates.Requirement]:
    return {f"{r.kind}:{r.key}": r for r in result.requirements}


# --- module completions -------------------------------------------------------------------------


def test_marking_a_module_complete_is_kept_and_can_be_undone(store):
    assert certificates.completions(store, "ada") == {}
    first = certificates.mark_complete(store, "ada", "introduction")
    assert certificates.mark_complete(store, "ada", "introduction") == first  # the first date is kept
    assert certificates.completions(store, "ada") == {"introduction": first}
    assert certificates.completions(store, "bea") == {}
    certificates.mark_incomplete(store, "ada", "introduction")
    assert certificates.completions(store, "ada") == {}
    assert certificates.completed_on("2026-11-29T20:16:40+00:00") == "29 November 2026"


@pytest.mark.parametrize(
    ("learner", "module"),
    [("", "introduction"), ("<b>x</b>", "introduction"), ("ada", "no-such-module"), ("ada", None)],
)
def test_marking_refuses_bad_learners_and_modules(store, learner, module):
    with pytest.raises(ValueError):
        certificates.mark_complete(store, learner, module)
    assert certificates.completions(store, "ada") == {}


# --- each requirement's reason ---------------------------------------------------------------------


def test_a_new_learner_has_every_requirement_unmet_with_its_reason(store, no_grades):
    result = certificates.eligibility(store, "ada", no_grades)
    plan = course()
    assert not result.eligible
    assert [r.key for r in result.of_kind("module")] == [m.id for m in plan.modules]
    assert [r.key for r in result.of_kind("quiz")] == quiz_contexts()
    assert len(quiz_contexts()) == 1 + len(planner().sections)
    assert [r.key for r in result.of_kind("case")] == [c.id for c in case_bank().cases]
    reasons = {r.kind: r.reason for r in result.requirements}
    assert reasons == {
        "module": "Not marked complete yet.",
        "quiz": "No round answered yet.",
        "case": "Not submitted yet.",
    }
    assert result.quiz_score is None and result.case_points is None


def test_one_module_missing_is_named(store, no_grades):
    complete_every_module(store, "ada", leave_out=("safeguarding",))
    result = by_key(certificates.eligibility(store, "ada", no_grades))
    assert not result["module:safeguarding"].met
    assert result["module:safeguarding"].reason == "Not marked complete yet."
    assert result["module:introduction"].met
    assert result["module:introduction"].reason.startswith("Marked complete on ")


def test_quiz_rounds_count_only_when_finished_and_the_best_counts(store, no_grades):
    answer_round(store, "ada", "data", [1.0, 1.0], size=5)  # two of five answered: not finished
    result = by_key(certificates.eligibility(store, "ada", no_grades))
    assert not result["quiz:data"].met
    assert "No round finished yet" in result["quiz:data"].reason

    answer_round(store, "ada", "data", [1.0, 0.5, 0.5, 0.5, 0.5])  # 60%
    result = by_key(certificates.eligibility(store, "ada", no_grades))
    assert not result["quiz:data"].met and result["quiz:data"].score == pytest.approx(0.6)
    assert result["quiz:data"].reason == (
        "Best round 60% (1 round finished), below the pass mark of 70%: try another round."
    )

    answer_round(store, "ada", "data", [1.0, 1.0, 1.0, 0.5, 0.0])  # 70%: exactly the pass mark
    answer_round(store, "bea", "data", [0.0] * 5)  # another learner's round does not count for ada
    answer_round(store, None, "data", [1.0] * 5)  # nor does a round with no learner
    result = by_key(certificates.eligibility(store, "ada", no_grades))
    assert result["quiz:data"].met and result["quiz:data"].score == pytest.approx(0.7)
    assert result["quiz:data"].reason == "Best round 70% (2 rounds finished); the pass mark is 70%."
    assert not result["quiz:four-cs-quiz"].met


def test_a_round_started_before_the_learner_was_known_can_be_claimed(store):
    round_id = answer_round(store, None, "data", [1.0] * 5)
    certificates.claim_quiz_round(store, round_id, "ada")
    certificates.claim_quiz_round(store, round_id, "bea")  # already claimed: kept as ada's
    assert certificates.quiz_bests(store, "ada")["data"].best == pytest.approx(1.0)
    assert "data" not in certificates.quiz_bests(store, "bea")


def test_pass_marks_come_from_the_course_file(tmp_path, store, no_grades, monkeypatch):
    answer_round(store, "ada", "data", [0.5] * 5)
    assert not by_key(certificates.eligibility(store, "ada", no_grades))["quiz:data"].met

    content = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parents[2] / "datasets", content)
    text = (content / "course.yaml").read_text(encoding="utf-8")
    (content / "course.yaml").write_text(text.replace("quiz_pass_mark: 0.7", "quiz_pass_mark: 0.5"), encoding="utf-8")
    monkeypatch.setenv("ONLINE_LIVES_CONTENT", str(content))
    course.cache_clear()
    try:
        assert course().certificate.quiz_pass_mark == 0.5
        result = certificates.eligibility(store, "ada", no_grades)
        assert result.quiz_pass_mark == 0.5
        assert by_key(result)["quiz:data"].met
    finally:
        course.cache_clear()


@pytest.mark.parametrize("bad", ["0", "1.5", "-0.2", '"high"'])
def test_the_schema_refuses_a_pass_mark_outside_zero_to_one(tmp_path, bad):
    text = (Path(__file__).resolve().parents[2] / "datasets" / "course.yaml").read_text(encoding="utf-8")
    path = tmp_path / "course.yaml"
    path.write_text(text.replace("case_pass_mark: 0.6", f"case_pass_mark: {bad}"), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_course(path)
    message = str(caught.value)
    assert "course.yaml" in message and "case_pass_mark" in message
    assert load_course().certificate.case_pass_mark == 0.6


# --- graded cases, from a real nbgrader gradebook ----------------------------------------------------


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real nbgrader course folder: ada submitted every case (right answers, written answers
    marked in full); bea submitted case 1 with wrong answers (marked 0); cy submitted case 1
    and it is autograded but the written answer is not marked; dee submitted after grading.
    One autograde run: autograding again would reopen the written answers for marking."""
    root = tmp_path_factory.mktemp("certificates")
    course_dir = build.build(root / "grading")
    store = Store(f"sqlite:///{root / 'store.sqlite'}")
    complete_every_module(store, "ada")
    pass_every_quiz(store, "ada")
    store.close()
    cases = case_bank().cases
    for case in cases:
        submit(course_dir, "ada", case)
    submit(course_dir, "bea", cases[0], right=False)
    submit(course_dir, "cy", cases[0])
    run = pipeline.autograde(course_dir, workers=1)  # one writer to the gradebook at a time
    assert not run.failed, run.failed
    mark_written(course_dir, "ada", [c.id for c in cases])
    mark_written(course_dir, "bea", [cases[0].id], fraction=0.0)
    submit(course_dir, "dee", cases[0])
    return root


@pytest.fixture
def graded_store(graded: Path) -> Store:
    s = Store(f"sqlite:///{graded / 'store.sqlite'}")
    yield s
    s.close()


@pytest.mark.slow
def test_a_learner_with_everything_done_is_eligible(graded, graded_store):
    result = certificates.eligibility(graded_store, "ada", graded / "grading")
    assert result.eligible, certificates.missing_text(result)
    cases = result.of_kind("case")
    assert all(r.reason.startswith("Graded ") and r.score == 1.0 for r in cases)
    total = sum(c.points for c in case_bank().cases)
    assert result.case_points == (total, total)
    assert result.quiz_score == pytest.approx(0.8)
    assert by_key(result)["case:case-1-shared-images"].reason == "Graded 16 of 16 points (100%); the pass mark is 60%."


@pytest.mark.slow
def test_each_case_state_gives_its_reason(graded, graded_store):
    first = case_bank().cases[0].id
    reasons = {
        learner: by_key(certificates.eligibility(graded_store, learner, graded / "grading"))[f"case:{first}"]
        for learner in ("bea", "cy", "dee")
    }
    assert not any(r.met for r in reasons.values())
    assert reasons["bea"].reason == (
        "Graded 0 of 16 points (0%), below the pass mark of 60%: answer it again and resubmit."
    )
    assert reasons["cy"].reason == "Submitted, but not graded yet (awaiting written-answer marking)."
    assert reasons["dee"].reason == "Submitted, but not graded yet (not yet validated)."
    second = by_key(certificates.eligibility(graded_store, "bea", graded / "grading"))[
        f"case:{case_bank().cases[1].id}"
    ]
    assert second.reason == "Not submitted yet."


@pytest.mark.slow
def test_the_pdf_holds_the_name_date_modules_and_scores(graded, graded_store):
    from pypdf import PdfReader

    result = certificates.eligibility(graded_store, "ada", graded / "grading")
    pdf = certificates.certificate_pdf("Ada Lovelace-Øster", "ada", result, DAY)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    assert abs(float(box.width) - 842) < 3 and abs(float(box.height) - 595) < 3  # A4 in points
    text = " ".join(unicodedata.normalize("NFKC", reader.pages[0].extract_text()).split())  # "ﬁ" is "fi"
    for expected in ("Ada Lovelace-Øster", "30 November 2026", "Certificate of completion", "ada"):
        assert expected in text
    for module in course().modules:
        assert " ".join(module.title.split()) in text, module.title
    total = sum(c.points for c in case_bank().cases)
    assert "Quiz score: 80%" in text
    assert f"Case score: {total} of {total} points (100%)" in text
    assert "Adrienne Katz and Cathy Street" in text


@pytest.mark.slow
def test_the_cli_writes_the_pdf_or_says_what_is_missing(graded, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ONLINE_LIVES_DB", f"sqlite:///{graded / 'store.sqlite'}")
    monkeypatch.setenv("ONLINE_LIVES_GRADING", str(graded / "grading"))
    target = tmp_path / "cert.pdf"
    assert main(["certificate", "--learner", "ada", "--name", "Ada Lovelace", "-o", str(target)]) == 0
    assert target.read_bytes().startswith(b"%PDF")
    capsys.readouterr()
    assert main(["certificate", "--learner", "bea", "--name", "Bea", "-o", str(tmp_path / "no.pdf")]) == 2
    err = capsys.readouterr().err
    assert "bea cannot have the certificate yet" in err
    assert "- Introduction: online lives: Not marked complete yet." in err
    assert "Case 1: Shared images: Graded 0 of 16 points" in err
    assert not (tmp_path / "no.pdf").exists()


# --- the certificate's HTML -----------------------------------------------------------------------


def eligible_result(learner: str = "ada") -> certificates.Eligibility:
    """A result with every requirement met (for the HTML checks that need no gradebook)."""
    result = certificates.eligibility(Store("sqlite://"), learner, Path("/nonexistent"))
    met = tuple(
        certificates.Requirement(r.kind, r.key, r.title, True, "done", r.page, 0.9, 9.0, 10.0)
        if r.kind == "case"
        else certificates.Requirement(r.kind, r.key, r.title, True, "done", r.page, 0.75 if r.kind == "quiz" else None)
        for r in result.requirements
    )
    return certificates.Eligibility(learner, met, result.quiz_pass_mark, result.case_pass_mark)


def test_the_name_is_escaped_and_the_page_is_a4_landscape():
    html = certificates.certificate_html('<script>alert("x")</script> & Co', "ada", eligible_result(), DAY)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in html
    assert "@page { size: A4 landscape" in html
    assert "30 November 2026" in html and "Quiz score:</strong> 75%" in html
    assert "63 of 70 points (90%)" in html
    for module in course().modules:
        assert certificates._esc(module.title) in html
    assert certificates._esc(planner().source.credit) in html


def test_the_certificate_is_refused_when_not_eligible_or_the_name_is_unusable(store, no_grades):
    result = certificates.eligibility(store, "ada", no_grades)
    with pytest.raises(ValueError, match=r"not available yet\. Still to do: Introduction: online lives: Not marked"):
        certificates.certificate_html("Ada", "ada", result, DAY)
    with pytest.raises(ValueError, match="not available yet"):
        certificates.certificate_pdf("Ada", "ada", result, DAY)
    for bad in ("", "   ", None, "x" * 121, "Ada\x00"):
        with pytest.raises(ValueError):
            certificates.certificate_html(bad, "ada", eligible_result(), DAY)
    with pytest.raises(ValueError, match="another learner"):
        certificates.certificate_html("Ada", "bea", eligible_result("ada"), DAY)
