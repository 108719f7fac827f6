"""Rounds over time: snapshots, carrying forward, QA cleared, confirming, flags for changed
wording (with a modified copy of the planner), removed statements, the trend, and the start
of a round as one transaction."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from course import content, rounds, settings
from course.charts import rounds_trend_svg
from course.content import ContentError, Planner, load_planner
from course.rounds import RoundError, confirm, current_round, round_answers, start_new_round, trend
from course.store import Service, Store, UnknownService, round_answers_table, rounds_table

NEW_VERSION = "2027.1"
NEW_2_3 = "All staff have had training on online harm within the last two years, including the four Cs"
NOTE_2_3 = (
    "The planner's wording of 2.3 changed in version 2027.1 since your last round: "
    "read it again and confirm or change your score."
)


def planner_copy(tmp_path: Path, planner_text: str, *, revised: str | None, name: str = "content") -> Path:
    """A content folder whose planner is version 2027.1 with statement 2.3 reworded (and, if
    `revised` is given, marked `revised: <revised>`)."""
    folder = tmp_path / name
    shutil.copytree(settings.DATASETS_DIR, folder)
    old = next(s.text for s in load_planner().statements if s.id == "2.3")
    text = planner_text.replace('version: "2017.1"', f'version: "{NEW_VERSION}"', 1)
    line = f'      - id: "2.3"\n        text: "{old}"\n'
    assert line in text
    new_line = f'      - id: "2.3"\n        text: "{NEW_2_3}"\n'
    if revised:
        new_line += f'        revised: "{revised}"\n'
    (folder / content.PLANNER_FILE).write_text(text.replace(line, new_line, 1), encoding="utf-8")
    return folder


def use_content(monkeypatch: pytest.MonkeyPatch, folder: Path) -> Planner:
    """Point ONLINE_LIVES_CONTENT at `folder` and load its planner, as a deployment would."""
    monkeypatch.setenv("ONLINE_LIVES_CONTENT", str(folder))
    content.planner.cache_clear()
    return content.planner()


def score_some(store: Store, service: Service) -> None:
    store.save(service.id, "1.1", score=3, evidence="Referral audit, monthly", qa_score=2, qa_note="Audit seen")
    store.save(service.id, "1.2", score=1)
    store.save(service.id, "2.3", score=4, evidence="Training log", qa_score=4, qa_note="Log checked")
    store.save(service.id, "2.4", score=2, evidence="Induction pack")
    store.save(service.id, "3.1", qa_score=1, qa_note="Only a QA check, no self score")


def test_a_new_service_is_in_round_1(store: Store, service: Service, planner: Planner) -> None:
    current = current_round(store, service.id)
    assert (current.number, current.planner_version, current.closed) == (1, planner.version, False)
    assert rounds.rounds(store, service.id) == [current]


def test_a_service_with_no_round_gets_round_1(store: Store, service: Service) -> None:
    with store.engine.begin() as conn:
        conn.execute(sa.delete(rounds_table))
    made = current_round(store, service.id)
    assert made.number == 1 and not made.closed
    assert current_round(store, service.id) == made  # made once, not again


def test_the_closed_round_is_kept_as_it_was(store: Store, service: Service, planner: Planner) -> None:
    score_some(store, service)
    new = start_new_round(store, planner, service.id)
    first, second = rounds.rounds(store, service.id)
    assert (first.number, second.number, new) == (1, 2, second)
    assert first.closed and not second.closed and first.closed_at == second.started_at
    snap = round_answers(store, first.id)
    assert set(snap) == {"1.1", "1.2", "2.3", "2.4", "3.1"}
    assert (snap["1.1"].score, snap["1.1"].evidence, snap["1.1"].qa_score, snap["1.1"].qa_note) == (
        3,
        "Referral audit, monthly",
        2,
        "Audit seen",
    )
    assert snap["3.1"].score is None and snap["3.1"].qa_score == 1
    wording = rounds.round_wording(store, first.id)
    assert wording["2.3"] == planner.statement("2.3").text


def test_answers_are_carried_forward_with_qa_cleared(store: Store, service: Service, planner: Planner) -> None:
    score_some(store, service)
    start_new_round(store, planner, service.id)
    answers = store.answers(service.id)
    # 3.1 had only a QA check: nothing of the service's own to carry (it stays in round 1's copy).
    assert set(answers) == {"1.1", "1.2", "2.3", "2.4"}
    for answer in answers.values():
        assert answer.carried_forward
        assert answer.qa_score is None and answer.qa_note == ""
        assert answer.review_note == ""  # the planner did not change
    assert (answers["1.1"].score, answers["1.1"].evidence) == (3, "Referral audit, monthly")
    assert (answers["1.2"].score, answers["1.2"].evidence) == (1, "")
    assert rounds.carried_counts(store, service.id) == (4, 0)


def test_confirming_or_changing_takes_the_mark_away(store: Store, service: Service, planner: Planner) -> None:
    score_some(store, service)
    start_new_round(store, planner, service.id)
    assert confirm(store, service.id, "1.1") is True
    assert confirm(store, service.id, "1.1") is False  # nothing left to confirm
    assert confirm(store, service.id, "5.5") is False  # never answered
    store.save(service.id, "1.2", score=2)  # changed
    store.save(service.id, "2.4", evidence="Induction pack, updated")  # changed
    store.save(service.id, "2.3", qa_score=3)  # a QA check is not the service confirming its answer
    answers = store.answers(service.id)
    assert [sid for sid, a in sorted(answers.items()) if a.carried_forward] == ["2.3"]
    assert answers["1.1"].score == 3 and answers["1.1"].evidence == "Referral audit, monthly"
    with pytest.raises(ValueError):
        confirm(store, service.id, "")


def test_changed_wording_marked_revised_is_flagged(
    store: Store, service: Service, planner: Planner, planner_text: str, tmp_path: Path, monkeypatch
) -> None:
    score_some(store, service)
    changed = use_content(monkeypatch, planner_copy(tmp_path, planner_text, revised=NEW_VERSION))
    assert (changed.version, changed.statement("2.3").text, changed.statement("2.3").revised) == (
        NEW_VERSION,
        NEW_2_3,
        NEW_VERSION,
    )
    new = start_new_round(store, changed, service.id)
    assert new.planner_version == NEW_VERSION
    assert store.service(service.slug).planner_version == NEW_VERSION
    answers = store.answers(service.id)
    assert answers["2.3"].review_note == NOTE_2_3
    assert answers["2.3"].carried_forward and answers["2.3"].score == 4
    assert [sid for sid, a in answers.items() if a.review_note] == ["2.3"]
    assert rounds.carried_counts(store, service.id) == (4, 1)
    # Confirming clears the flag with the mark.
    confirm(store, service.id, "2.3")
    assert store.answers(service.id)["2.3"].review_note == ""


def test_revised_alone_flags_and_an_old_revision_does_not(
    store: Store, service: Service, planner: Planner, planner_text: str, tmp_path: Path, monkeypatch
) -> None:
    """`revised` newer than the round being closed flags even when the wording matches the
    snapshot; one no newer than that round does not."""
    score_some(store, service)
    text = planner_text.replace('version: "2017.1"', 'version: "2027.1"', 1)
    old_2_4 = planner.statement("2.4").text
    text = text.replace(
        f'      - id: "2.4"\n        text: "{old_2_4}"\n',
        f'      - id: "2.4"\n        text: "{old_2_4}"\n        revised: "2027.1"\n',
        1,
    )
    old_1_1 = planner.statement("1.1").text
    text = text.replace(
        f'      - id: "1.1"\n        text: "{old_1_1}"\n',
        f'      - id: "1.1"\n        text: "{old_1_1}"\n        revised: "2017.1"\n',
        1,
    )
    path = tmp_path / "planner.yaml"
    path.write_text(text, encoding="utf-8")
    changed = load_planner(path)
    assert changed.statement("2.4").revised == "2027.1" and changed.statement("1.1").revised == "2017.1"
    start_new_round(store, changed, service.id)
    answers = store.answers(service.id)
    assert answers["2.4"].review_note.startswith("The planner's wording of 2.4 changed in version 2027.1")
    assert answers["1.1"].review_note == ""
    assert answers["2.3"].review_note == ""


def test_changed_wording_without_revised_is_caught_from_the_snapshot(
    store: Store, service: Service, planner: Planner, planner_text: str, tmp_path: Path, monkeypatch
) -> None:
    """Round 2 is carried from round 1 and left alone; the planner is then reworded without
    `revised`. Starting round 3 compares round 2's recorded wording (round 1's) with the new."""
    score_some(store, service)
    start_new_round(store, planner, service.id)  # round 2, same planner: nothing flagged
    assert all(not a.review_note for a in store.answers(service.id).values())
    confirm(store, service.id, "1.1")
    changed = use_content(monkeypatch, planner_copy(tmp_path, planner_text, revised=None))
    assert changed.statement("2.3").revised is None
    start_new_round(store, changed, service.id)  # round 3
    second = rounds.rounds(store, service.id)[1]
    assert rounds.round_wording(store, second.id)["2.3"] == planner.statement("2.3").text  # the old wording
    answers = store.answers(service.id)
    assert answers["2.3"].review_note == NOTE_2_3
    assert [sid for sid, a in answers.items() if a.review_note] == ["2.3"]


def test_white_space_alone_is_not_a_change(
    store: Store, service: Service, planner: Planner, planner_text: str, tmp_path: Path
) -> None:
    score_some(store, service)
    start_new_round(store, planner, service.id)
    old = planner.statement("2.3").text
    spaced = old.replace(" ", "  ", 2)
    text = planner_text.replace(f'text: "{old}"', f'text: "{spaced}"', 1).replace(
        'version: "2017.1"', 'version: "2017.2"', 1
    )
    path = tmp_path / "planner.yaml"
    path.write_text(text, encoding="utf-8")
    start_new_round(store, load_planner(path), service.id)
    assert store.answers(service.id)["2.3"].review_note == ""


def test_an_unconfirmed_flag_stays_into_the_next_round(
    store: Store, service: Service, planner_text: str, tmp_path: Path, monkeypatch
) -> None:
    score_some(store, service)
    changed = use_content(monkeypatch, planner_copy(tmp_path, planner_text, revised=NEW_VERSION))
    start_new_round(store, changed, service.id)  # round 2 under 2027.1: 2.3 flagged
    start_new_round(store, changed, service.id)  # round 3: nobody looked at 2.3 yet
    answer = store.answers(service.id)["2.3"]
    assert answer.carried_forward and answer.review_note == NOTE_2_3


def test_answers_to_removed_statements_are_dropped_but_kept_in_the_snapshot(
    store: Store, service: Service, planner: Planner
) -> None:
    score_some(store, service)
    store.save(service.id, "9.9", score=2, evidence="An answer to a statement an older planner had")
    start_new_round(store, planner, service.id)
    assert "9.9" not in store.answers(service.id)
    first = rounds.rounds(store, service.id)[0]
    kept = round_answers(store, first.id)["9.9"]
    assert (kept.score, kept.evidence) == (2, "An answer to a statement an older planner had")


def test_trend_gives_each_round_its_section_means(store: Store, service: Service, planner: Planner) -> None:
    score_some(store, service)
    start_new_round(store, planner, service.id)
    store.save(service.id, "1.2", score=3)  # round 2: data (3 + 3) / 2
    store.save(service.id, "6.1", score=0)
    found = trend(store, planner, service.id)
    assert [r.number for r, _ in found] == [1, 2]
    means = [[s.self_mean for s in summaries] for _, summaries in found]
    assert means == [[2.0, 3.0, None, None, None, None], [3.0, 3.0, None, None, None, 0.0]]
    # QA belongs to its round: round 1 had QA, round 2 none yet.
    assert [s.qa_mean for s in found[0][1]][:3] == [2.0, 4.0, 1.0]
    assert all(s.qa_mean is None for s in found[1][1])
    svg = rounds_trend_svg(planner, [(r.number, summaries) for r, summaries in found])
    assert 'data-rounds="1,2"' in svg
    assert 'data-series-0="2,3"' in svg and 'data-series-1="3,3"' in svg and 'data-series-5=",0"' in svg
    assert "1. Data: round 1 2, round 2 3." in svg
    assert "3. Assessment tools: not scored in any round yet." in svg
    assert "Section average (0 to 4)" in svg and ">Round<" in svg


def test_two_services_have_their_own_rounds(store: Store, service: Service, planner: Planner) -> None:
    other = store.create_service("Hillside School", planner.version)
    score_some(store, service)
    store.save(other.id, "1.1", score=1, qa_score=1)
    start_new_round(store, planner, service.id)
    start_new_round(store, planner, service.id)
    assert [r.number for r in rounds.rounds(store, service.id)] == [1, 2, 3]
    assert [r.number for r in rounds.rounds(store, other.id)] == [1]
    untouched = store.answers(other.id)["1.1"]
    assert (untouched.carried_forward, untouched.qa_score) == (False, 1)
    assert len(trend(store, planner, other.id)) == 1


def test_a_page_that_showed_an_old_round_cannot_start_it_twice(
    store: Store, service: Service, planner: Planner
) -> None:
    score_some(store, service)
    start_new_round(store, planner, service.id, expected=2)
    with pytest.raises(RoundError, match="Round 2 is the current round"):
        start_new_round(store, planner, service.id, expected=2)  # a second click, or a second page
    assert [r.number for r in rounds.rounds(store, service.id)] == [1, 2]


@pytest.mark.parametrize("step", ["_close", "_open_next", "_carry_forward"])
def test_a_failure_part_way_writes_nothing(
    store: Store, service: Service, planner: Planner, monkeypatch, step: str
) -> None:
    score_some(store, service)
    before = store.answers(service.id)
    real = getattr(rounds, step)

    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        real(*args, **kwargs)  # the step's writes happen, then something goes wrong
        raise RuntimeError("the server stopped part-way")

    monkeypatch.setattr(rounds, step, fail)
    with pytest.raises(RuntimeError):
        start_new_round(store, planner, service.id)
    assert store.answers(service.id) == before
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(round_answers_table)).scalar() == 0
        assert conn.execute(sa.select(rounds_table.c.number, rounds_table.c.closed_at)).all() == [(1, None)]


def test_revised_newer_than_the_planner_is_refused(planner_text: str, tmp_path: Path) -> None:
    old = load_planner().statement("3.2").text
    text = planner_text.replace(
        f'      - id: "3.2"\n        text: "{old}"\n',
        f'      - id: "3.2"\n        text: "{old}"\n        revised: "2030.1"\n',
        1,
    )
    path = tmp_path / "planner.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_planner(path)
    line = text.splitlines().index('        revised: "2030.1"') + 1
    assert caught.value.line == line
    assert "'3.2' says it was revised in version '2030.1', newer than the planner's version '2017.1'" in str(
        caught.value
    )


def test_version_order() -> None:
    key = content.version_key
    assert key("2017.1") < key("2017.2") < key("2017.10") < key("2027.1")
    assert key("2027.1") == key("2027.1")


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="online-lives")
    rounds.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.func(args)


def test_command_line_lists_and_starts_rounds(planner: Planner, capsys) -> None:
    store = Store()  # the store the command line opens (ONLINE_LIVES_DB, set per test)
    service = store.create_service("Riverside CAMHS", planner.version)
    score_some(store, service)
    assert run_cli("round", "list", "--service", "Riverside CAMHS") == 0
    out = capsys.readouterr().out
    assert "1\t2017.1\t" in out and "\tcurrent\t2.00\t3.00\t-\t-\t-\t-" in out
    assert run_cli("round", "new", "--service", "riverside camhs") == 0
    out = capsys.readouterr().out
    assert "Closed round 1 of Riverside CAMHS and started round 2" in out
    assert "4 answers carried forward" in out
    assert "QA scores and QA notes were cleared" in out
    assert [r.number for r in rounds.rounds(store, service.id)] == [1, 2]
    assert run_cli("round", "list", "--service", "Riverside CAMHS") == 0
    out = capsys.readouterr().out
    assert "4 answers still carried forward (0 flagged for review)" in out
    with pytest.raises(UnknownService, match="No service called 'Nowhere'"):
        run_cli("round", "new", "--service", "Nowhere")
    store.close()


def test_the_online_lives_command_has_round(planner: Planner, capsys) -> None:
    from course.cli import main

    store = Store()
    service = store.create_service("Hillside School", planner.version)
    store.save(service.id, "4.1", score=2)
    assert main(["round", "new", "--service", "Hillside School"]) == 0
    assert "started round 2" in capsys.readouterr().out
    assert main(["round", "list", "--service", "Hillside School"]) == 0
    assert "2\t2017.1\t" in capsys.readouterr().out
    assert main(["round", "list", "--service", "Nowhere"]) == 1  # a clear message, no traceback
    assert "No service called 'Nowhere'" in capsys.readouterr().err
    store.close()
