"""Independent QA checks (course/qa.py): seeded samples across sections, verdicts, discrepancies,
and `online-lives qa-sample`."""

from __future__ import annotations

import shlex
import shutil
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from course import qa
from course.cli import main
from course.content import ContentError, Planner
from course.qa import (
    QAError,
    check_seed,
    clear_check,
    complete_sample,
    discrepancies,
    draw_sample,
    load_qa_guide,
    missing_verdicts,
    open_sample,
    record_check,
    record_note,
    record_sample,
    samples,
    set_checker,
)
from course.scoring import QA_GAP, Answer
from course.store import Service, Store, qa_samples_table


def scored(planner: Planner, ids: list[str] | None = None, score: int = 2) -> dict[str, Answer]:
    """Answers with a self score for `ids` (default: every statement)."""
    wanted = ids if ids is not None else [s.id for s in planner.statements]
    return {sid: Answer(sid, score=score) for sid in wanted}


def section_of(planner: Planner, statement_id: str) -> str:
    return planner.statement(statement_id).section_id


# --- drawing --------------------------------------------------------------------------------


def test_the_same_seed_draws_the_same_sample(planner: Planner) -> None:
    answers = scored(planner)
    first = draw_sample(planner, answers, 6, seed=4821)
    assert first == draw_sample(planner, answers, 6, seed=4821)
    assert len(first) == len(set(first)) == 6


def test_different_seeds_draw_different_samples(planner: Planner) -> None:
    answers = scored(planner)
    draws = {tuple(draw_sample(planner, answers, 6, seed=seed)) for seed in range(20)}
    assert len(draws) >= 15  # 6^6 = 46,656 one-per-section samples, in 720 orders


def test_six_from_36_scored_gives_one_per_section(planner: Planner) -> None:
    answers = scored(planner)
    for seed in range(50):
        drawn = draw_sample(planner, answers, 6, seed)
        assert sorted(section_of(planner, sid) for sid in drawn) == sorted(s.id for s in planner.sections)


def test_twelve_gives_two_per_section_and_any_n_is_spread_evenly(planner: Planner) -> None:
    answers = scored(planner)
    for n in (3, 7, 12, 20):
        counts = Counter(section_of(planner, sid) for sid in draw_sample(planner, answers, n, seed=n))
        assert sum(counts.values()) == n
        assert max(counts.values()) - min(counts.get(s.id, 0) for s in planner.sections) <= 1
    # 3 from 6 sections: three different sections
    assert len({section_of(planner, sid) for sid in draw_sample(planner, answers, 3, seed=9)}) == 3


def test_every_statement_of_a_section_can_be_drawn(planner: Planner) -> None:
    answers = scored(planner)
    seen = {sid for seed in range(200) for sid in draw_sample(planner, answers, 6, seed)}
    assert seen == {s.id for s in planner.statements}


def test_only_scored_statements_are_drawn(planner: Planner) -> None:
    ids = ["1.1", "1.4", "2.2", "5.6"]
    answers = scored(planner, ids)
    answers["3.3"] = Answer("3.3", evidence="Written but not scored", qa_score=2)
    answers["6.1"] = Answer("6.1", score=0)  # 0 is a score: "not at all"
    for seed in range(30):
        drawn = draw_sample(planner, answers, 3, seed)
        assert set(drawn) <= {*ids, "6.1"}
        assert len({section_of(planner, sid) for sid in drawn}) == 3  # still spread when it can be


def test_fewer_scored_than_n_gives_them_all(planner: Planner) -> None:
    answers = scored(planner, ["1.2", "4.4", "4.5"])
    assert sorted(draw_sample(planner, answers, 6, seed=1)) == ["1.2", "4.4", "4.5"]
    assert draw_sample(planner, {}, 6, seed=1) == []


@pytest.mark.parametrize("n", [0, -1, 37, 100, True, 2.0, "6", None])
def test_n_outside_1_to_36_is_refused(planner: Planner, n: object) -> None:
    with pytest.raises(ValueError, match="from 1 to 36"):
        draw_sample(planner, scored(planner), n, seed=1)  # type: ignore[arg-type]


def test_n_of_1_and_36(planner: Planner) -> None:
    answers = scored(planner)
    assert len(draw_sample(planner, answers, 1, seed=3)) == 1
    assert sorted(draw_sample(planner, answers, 36, seed=3)) == sorted(s.id for s in planner.statements)


@pytest.mark.parametrize("seed", [-1, 10**9, "12a", "", 1.5, True])
def test_bad_seeds_are_refused(seed: object) -> None:
    with pytest.raises(QAError, match="seed"):
        check_seed(seed)


def test_a_typed_seed_is_read_as_a_number() -> None:
    assert check_seed(" 4821 ") == 4821
    assert check_seed(0) == 0


# --- samples in the store --------------------------------------------------------------------


def test_record_and_read_back_a_sample(store: Store, service: Service) -> None:
    recorded = record_sample(store, service.id, ["2.3", "1.1", "6.5"], seed=77, checker="  Sam   Patel ")
    assert (recorded.round_number, recorded.seed, recorded.statement_ids, recorded.checker) == (
        1,
        77,
        ("2.3", "1.1", "6.5"),
        "Sam Patel",
    )
    assert recorded.completed_at is None
    assert samples(store, service.id) == [recorded]
    assert open_sample(store, service.id) == recorded
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(qa_samples_table)).one()
    assert row.statement_ids == "2.3 1.1 6.5"  # in the order drawn


def test_the_round_number_comes_from_the_current_round(store: Store, service: Service, planner: Planner) -> None:
    from course.rounds import start_new_round

    assert record_sample(store, service.id, ["1.1"], seed=1).round_number == 1
    start_new_round(store, planner, service.id)
    assert record_sample(store, service.id, ["1.1"], seed=1).round_number == 2


def test_bad_samples_are_refused(store: Store, service: Service) -> None:
    with pytest.raises(QAError, match="at least one"):
        record_sample(store, service.id, [], seed=1)
    with pytest.raises(QAError, match=r"not statements of the planner: 9\.9"):
        record_sample(store, service.id, ["1.1", "9.9"], seed=1)
    with pytest.raises(QAError, match="twice"):
        record_sample(store, service.id, ["1.1", "1.1"], seed=1)
    with pytest.raises(ValueError, match="at most 120"):
        record_sample(store, service.id, ["1.1"], seed=1, checker="x" * 121)
    assert samples(store, service.id) == []


def test_open_sample_is_the_latest_not_completed(store: Store, service: Service) -> None:
    store.save(service.id, "1.1", score=3)
    first = record_sample(store, service.id, ["1.1"], seed=1)
    second = record_sample(store, service.id, ["1.1"], seed=2)  # drawn in the same second
    assert [s.id for s in samples(store, service.id)] == [second.id, first.id]
    assert open_sample(store, service.id) == second
    record_check(store, service.id, "1.1", agree=True)
    done = complete_sample(store, second.id)
    assert done.completed and done.completed_at is not None
    assert open_sample(store, service.id) == first
    complete_sample(store, first.id)
    assert open_sample(store, service.id) is None
    other = store.create_service("Hillside Youth", "2017.1")
    assert samples(store, other.id) == [] and open_sample(store, other.id) is None


def test_completing_needs_a_verdict_on_every_statement(store: Store, service: Service) -> None:
    for sid in ("1.1", "2.1", "3.1"):
        store.save(service.id, sid, score=2)
    drawn = record_sample(store, service.id, ["1.1", "2.1", "3.1"], seed=5)
    record_check(store, service.id, "2.1", agree=True)
    with pytest.raises(QAError, match=r"Still to check: 1\.1, 3\.1\."):
        complete_sample(store, drawn.id)
    assert missing_verdicts(drawn, store.answers(service.id)) == ["1.1", "3.1"]
    record_check(store, service.id, "1.1", agree=False, qa_score=0)
    record_check(store, service.id, "3.1", agree=True)
    first = complete_sample(store, drawn.id)
    assert complete_sample(store, drawn.id).completed_at == first.completed_at  # the first date is kept
    with pytest.raises(QAError, match="not in the store"):
        complete_sample(store, "no-such-sample")


def test_the_checker_can_be_named_after_the_draw(store: Store, service: Service) -> None:
    drawn = record_sample(store, service.id, ["1.1"], seed=5)
    assert set_checker(store, drawn.id, " Ana  Lee ").checker == "Ana Lee"
    assert samples(store, service.id)[0].checker == "Ana Lee"
    assert set_checker(store, drawn.id, "   ").checker == ""


# --- verdicts --------------------------------------------------------------------------------


def test_agree_saves_the_self_score_as_the_qa_score(store: Store, service: Service) -> None:
    store.save(service.id, "4.2", score=3, evidence="Referral form asks about online life")
    assert record_check(store, service.id, "4.2", agree=True, note="Saw the form") == 3
    answer = store.answers(service.id)["4.2"]
    assert (answer.score, answer.qa_score, answer.qa_note, answer.evidence) == (
        3,
        3,
        "Saw the form",
        "Referral form asks about online life",
    )


def test_a_different_score_is_saved_with_its_note(store: Store, service: Service) -> None:
    store.save(service.id, "2.6", score=4)
    assert record_check(store, service.id, "2.6", agree=False, qa_score=1, note="No research cited") == 1
    answer = store.answers(service.id)["2.6"]
    assert (answer.score, answer.qa_score, answer.qa_note) == (4, 1, "No research cited")


def test_a_different_score_is_required(store: Store, service: Service) -> None:
    store.save(service.id, "2.6", score=4)
    with pytest.raises(QAError, match=r"Choose your own score for statement 2\.6"):
        record_check(store, service.id, "2.6", agree=False)
    for bad in (5, -1, "3", 2.0, True):
        with pytest.raises(QAError, match="0 to 4"):
            record_check(store, service.id, "2.6", agree=False, qa_score=bad)  # type: ignore[arg-type]
    assert store.answers(service.id)["2.6"].qa_score is None


def test_agreeing_needs_a_self_score(store: Store, service: Service) -> None:
    store.save(service.id, "1.3", evidence="Not yet scored")
    with pytest.raises(QAError, match="no self score to agree with"):
        record_check(store, service.id, "1.3", agree=True)
    with pytest.raises(QAError, match="no self score"):
        record_check(store, service.id, "1.4", agree=True)
    store.save(service.id, "1.3", score=2)
    with pytest.raises(QAError, match="gives QA score 2, not 4"):
        record_check(store, service.id, "1.3", agree=True, qa_score=4)
    with pytest.raises(QAError, match="Choose whether"):
        record_check(store, service.id, "1.3", agree="yes")  # type: ignore[arg-type]
    assert store.answers(service.id)["1.3"].qa_score is None


def test_verdicts_on_unknown_statements_and_long_notes_are_refused(store: Store, service: Service) -> None:
    with pytest.raises(QAError, match=r"9\.1"):
        record_check(store, service.id, "9.1", agree=False, qa_score=1)
    store.save(service.id, "1.1", score=1)
    with pytest.raises(ValueError, match="limited to 20,000"):
        record_check(store, service.id, "1.1", agree=True, note="x" * 20_001)
    assert store.answers(service.id)["1.1"].qa_score is None


def test_notes_and_clearing_a_verdict(store: Store, service: Service) -> None:
    store.save(service.id, "5.1", score=2)
    record_note(store, service.id, "5.1", "Looked at the log")
    record_check(store, service.id, "5.1", agree=False, qa_score=4, note="Looked at the log")
    clear_check(store, service.id, "5.1")
    answer = store.answers(service.id)["5.1"]
    assert (answer.score, answer.qa_score, answer.qa_note) == (2, None, "Looked at the log")


def test_a_verdict_does_not_mark_a_carried_answer_as_reviewed(store: Store, service: Service) -> None:
    """The QA score is the checker's; only the service's own score or evidence confirms a carried answer."""
    store.save(service.id, "1.1", score=2)
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE answers SET carried_forward = :yes"), {"yes": True})
    record_check(store, service.id, "1.1", agree=True)
    assert store.answers(service.id)["1.1"].carried_forward is True


# --- discrepancies ---------------------------------------------------------------------------


def test_discrepancies_biggest_first_with_labels(planner: Planner) -> None:
    answers = {
        "1.1": Answer("1.1", score=3, qa_score=3),  # agrees: not listed
        "1.2": Answer("1.2", score=4, qa_score=1),  # 3 lower
        "2.1": Answer("2.1", score=1, qa_score=2),  # 1 higher
        "3.4": Answer("3.4", score=2, qa_score=0),  # 2 lower
        "4.1": Answer("4.1", score=None, qa_score=2),  # no self score
        "5.5": Answer("5.5", score=2, qa_score=None),  # not checked
        "6.6": Answer("6.6", score=0, qa_score=2),  # 2 higher
    }
    found = discrepancies(planner, answers)
    assert [(d.statement_id, d.self_score, d.qa_score, d.difference) for d in found] == [
        ("1.2", 4, 1, -3),
        ("3.4", 2, 0, -2),
        ("6.6", 0, 2, 2),
        ("2.1", 1, 2, 1),
    ]
    assert [d.label for d in found] == [
        "QA is 3 lower than the self-assessment",
        "QA is 2 lower than the self-assessment",
        "QA is 2 higher than the self-assessment",
        "QA is 1 higher than the self-assessment",
    ]
    assert [d.symbol for d in found] == ["▼", "▼", "▲", "▲"]
    assert [d.flagged for d in found] == [True, True, True, False]
    assert QA_GAP == 2
    assert found[0].section_id == "data"
    assert discrepancies(planner, {}) == []


# --- the guidance --------------------------------------------------------------------------


def test_the_guidance_loads_and_a_broken_copy_names_file_and_line(tmp_path: Path) -> None:
    guide = load_qa_guide()
    assert guide["title"] and len(guide["how_to"]) >= 3
    text = (qa.settings.content_dir() / qa.QA_GUIDE_FILE).read_text(encoding="utf-8")
    broken = tmp_path / "qa-guide.yaml"
    broken.write_text(text.replace("how_to:", "how_to_do_it:"), encoding="utf-8")
    with pytest.raises(ContentError, match=r"qa-guide\.yaml"):
        load_qa_guide(broken)


def test_check_content_names_a_broken_guide_and_its_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from course import cases, content, lessons, quiz, settings

    copy = tmp_path / "datasets"
    shutil.copytree(settings.DATASETS_DIR, copy)
    target = copy / qa.QA_GUIDE_FILE
    lines = target.read_text(encoding="utf-8").splitlines()
    first_field = next(i for i, line in enumerate(lines) if line and not line.startswith("#"))
    lines.insert(first_field, "unexpected_field: true")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("ONLINE_LIVES_CONTENT", str(copy))
    for cached in (content.planner, quiz.item_bank, lessons.course, lessons.introduction, cases.case_bank):
        cached.cache_clear()
    try:
        problems = content.check_content()
    finally:
        for cached in (content.planner, quiz.item_bank, lessons.course, lessons.introduction, cases.case_bank):
            cached.cache_clear()
    assert len(problems) == 1, problems
    assert "qa-guide.yaml" in problems[0] and f"line {first_field + 1}" in problems[0]


# --- online-lives qa-sample ------------------------------------------------------------------


@pytest.fixture
def cli_service(store: Store, store_url: str, planner: Planner, monkeypatch: pytest.MonkeyPatch) -> Service:
    """A service with every statement scored, in the store the command opens."""
    monkeypatch.setenv("ONLINE_LIVES_DB", store_url)
    service = store.create_service("Riverside CAMHS", planner.version)
    for i, statement in enumerate(planner.statements):
        store.save(service.id, statement.id, score=i % 5)
    return service


def test_cli_draws_records_and_prints_the_sample(
    store: Store, cli_service: Service, planner: Planner, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["qa-sample", "--service", "Riverside CAMHS", "--n", "6", "--seed", "4821", "--checker", "Sam Patel"]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert err == ""
    drawn = draw_sample(planner, store.answers(cli_service.id), 6, 4821)
    recorded = samples(store, cli_service.id)
    assert len(recorded) == 1
    assert (recorded[0].statement_ids, recorded[0].seed, recorded[0].checker) == (tuple(drawn), 4821, "Sam Patel")
    assert "Seed: 4821\n" in out
    assert "online-lives qa-sample --service 'Riverside CAMHS' --n 6 --seed 4821" in out
    assert "Checker: Sam Patel" in out
    lines = out.splitlines()
    for sid in drawn:
        statement = planner.statement(sid)
        section = planner.section(statement.section_id)
        score = store.answers(cli_service.id)[sid].score
        line = next(line for line in lines if line.startswith(f"{sid} "))
        assert f"{section.number}. {section.title}" in line
        assert f"{score} ({planner.scale[score].label})" in line
        assert line.endswith(statement.text)
    assert lines[-1] == (
        "Record the checker's verdicts on the QA page: "
        "http://127.0.0.1:8866/voila/render/qa-check.ipynb?service=riverside-camhs"
    )
    # The printed command draws the same sample again.
    again = shlex.split(next(line for line in lines if line.startswith("To draw the same")).split(": ", 1)[1])
    assert main(again[1:]) == 0
    out, _ = capsys.readouterr()
    assert samples(store, cli_service.id)[0].statement_ids == tuple(drawn)
    assert "was not marked complete; this one replaces it" in out


def test_cli_without_a_seed_prints_the_new_one(store: Store, cli_service: Service, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["qa-sample", "--service", "riverside-camhs", "--n", "3"]) == 0
    out, _ = capsys.readouterr()
    seed = samples(store, cli_service.id)[0].seed
    assert f"Seed: {seed}\n" in out
    assert "Checker: not given" in out


def test_cli_refuses_bad_input_and_records_nothing(
    store: Store, cli_service: Service, planner: Planner, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["qa-sample", "--service", "Riverside CAMHS", "--n", "37"]) == 2
    assert "from 1 to 36" in capsys.readouterr().err
    assert main(["qa-sample", "--service", "Riverside CAMHS", "--seed", "-4"]) == 2
    assert "seed must be" in capsys.readouterr().err
    assert main(["qa-sample", "--service", "Nowhere"]) == 1
    assert "No service called 'Nowhere'" in capsys.readouterr().err
    empty = store.create_service("Hillside Youth", planner.version)
    assert main(["qa-sample", "--service", "Hillside Youth"]) == 1
    assert "no self scores yet" in capsys.readouterr().err
    assert samples(store, cli_service.id) == [] and samples(store, empty.id) == []


def test_cli_with_fewer_scored_statements_than_asked(
    store: Store, store_url: str, planner: Planner, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ONLINE_LIVES_DB", store_url)
    service = store.create_service("Small Service", planner.version)
    store.save(service.id, "1.1", score=1)
    store.save(service.id, "6.2", score=3)
    assert main(["qa-sample", "--service", "Small Service", "--n", "6", "--seed", "1"]) == 0
    out, _ = capsys.readouterr()
    assert "Only 2 statements have a self score, so all of them are in the sample." in out
    assert sorted(samples(store, service.id)[0].statement_ids) == ["1.1", "6.2"]
