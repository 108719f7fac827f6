"""Live workshops (course/workshops.py) and the `online-lives workshop` commands."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from course import cli, workshops
from course.store import (
    workshop_answers_table,
    workshop_participants_table,
    workshop_reveals_table,
    workshops_table,
)
from course.workshops import (
    CODE_ALPHABET,
    MIN_GROUP,
    WorkshopError,
    answer_key,
    close_workshop,
    create_workshop,
    export_csv,
    export_rows,
    export_xlsx,
    join,
    normalise_code,
    open_as_trainer,
    participant,
    record,
    reset,
    reveal,
    revealed,
    summary,
    workshop_by_code,
)

CASE_MULTI = "case-1-shared-images/four-cs"
CASE_SINGLE = "case-1-shared-images/first-step"


def counts(store) -> dict[str, int]:  # type: ignore[no-untyped-def]
    tables = (workshops_table, workshop_participants_table, workshop_answers_table, workshop_reveals_table)
    with store.engine.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() for t in tables}


@pytest.fixture
def quiz_item() -> str:
    from course.quiz import item_bank

    return item_bank().items[0].id


@pytest.fixture
def workshop(store):  # type: ignore[no-untyped-def]
    return create_workshop(store, "Staff training, 3 March")[0]


def room(store, workshop, n: int):  # type: ignore[no-untyped-def]
    return [join(store, workshop.code, f"P{i}") for i in range(n)]


# --- codes and tokens -----------------------------------------------------------------------


def test_code_and_token(store):
    workshop, token = create_workshop(store, "  Staff   training ")
    assert workshop.title == "Staff training"
    assert len(workshop.code) == 6 and set(workshop.code) <= set(CODE_ALPHABET)
    assert not set("0O1IL") & set(CODE_ALPHABET)
    assert len(token) >= 24
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(workshops_table)).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(tuple(row))  # only the hash is stored
    assert open_as_trainer(store, workshop.code.lower(), token) == workshop
    assert not workshop.closed


def test_codes_are_unique_even_when_a_draw_collides(store, monkeypatch):
    first, _ = create_workshop(store, "First")
    draws = iter([first.code, first.code, "ABCDEF"])
    monkeypatch.setattr(workshops, "_new_code", lambda: next(draws))
    second, _ = create_workshop(store, "Second")
    assert second.code == "ABCDEF"
    assert len({w.code for w in workshops.workshops(store)}) == 2


def test_token_is_checked_in_constant_time(store, monkeypatch, workshop):
    calls = []
    real = workshops.hmac.compare_digest
    monkeypatch.setattr(workshops.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    with pytest.raises(WorkshopError, match="does not match") as raised:
        open_as_trainer(store, workshop.code, "wrong-token")
    assert calls
    assert "wrong-token" not in str(raised.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("k7m q2p", "K7MQ2P"), ("K7M-Q2P", "K7MQ2P"), (" abcdef ", "ABCDEF")],
)
def test_normalise_code(raw, expected):
    assert normalise_code(raw) == expected


@pytest.mark.parametrize("raw", ["", "ABC", "ABCDEFG", "ABCDE0", "OIL123", None, 123])
def test_impossible_codes_are_refused(raw):
    with pytest.raises(WorkshopError):
        normalise_code(raw)


def test_titles_are_checked(store):
    for bad in ("", "   ", "x" * 121, "bad\x00title", None):
        with pytest.raises(WorkshopError):
            create_workshop(store, bad)
    assert counts(store)["workshops"] == 0


# --- joining and recording --------------------------------------------------------------------


def test_join_and_refusals_write_nothing(store, workshop):
    joined = join(store, workshop.code.lower(), "  Blue   fox ")
    assert joined.pseudonym == "Blue fox"
    assert participant(store, joined.id) == joined
    assert join(store, workshop.code).pseudonym == ""
    before = counts(store)
    with pytest.raises(WorkshopError, match="No workshop has the code"):
        join(store, "ZZZZZZ" if workshop.code != "ZZZZZZ" else "YYYYYY")
    with pytest.raises(WorkshopError, match="at most 40"):
        join(store, workshop.code, "x" * 41)
    with pytest.raises(WorkshopError, match="email address or a phone"):
        join(store, workshop.code, "sam@example.org")
    with pytest.raises(WorkshopError, match="email address or a phone"):
        join(store, workshop.code, "07700 900123")
    close_workshop(store, workshop)
    with pytest.raises(WorkshopError, match="is closed"):
        join(store, workshop.code, "Late")
    assert counts(store) == before


def test_wrong_code_and_wrong_token_for_the_trainer(store, workshop):
    with pytest.raises(WorkshopError, match="No workshop has the code"):
        open_as_trainer(store, "ABCDEF" if workshop.code != "ABCDEF" else "BCDEFG", "x")
    with pytest.raises(WorkshopError, match="Type the trainer token"):
        open_as_trainer(store, workshop.code, "  ")
    with pytest.raises(WorkshopError, match="No workshop"):
        workshop_by_code(store, "ABCDEF" if workshop.code != "ABCDEF" else "BCDEFG")


def test_record_validates_every_kind(store, workshop, quiz_item):
    p = join(store, workshop.code)
    record(store, p.id, "statement", "1.1", 3)
    record(store, p.id, "quiz", quiz_item, ["contact", "content"])
    record(store, p.id, "case", CASE_MULTI, ["contact"])
    record(store, p.id, "case", CASE_SINGLE, _first_option(CASE_SINGLE))
    record(store, p.id, "text", "case/case-1-shared-images/reflection", "We would talk to the DSL.")
    record(store, p.id, "text", "statement/1.1", "Monthly audit")
    before = counts(store)
    bad = [
        ("mood", "1.1", 3),
        ("statement", "9.9", 3),
        ("statement", "1.1", 5),
        ("statement", "1.1", -1),
        ("statement", "1.1", True),
        ("statement", "1.1", "3"),
        ("quiz", "no-such-item", ["contact"]),
        ("quiz", quiz_item, ["contact", "cookies"]),
        ("quiz", quiz_item, "contact"),
        ("case", "case-1-shared-images/nope", ["contact"]),
        ("case", "no-case/four-cs", ["contact"]),
        ("case", CASE_MULTI, ["not-an-option"]),
        ("case", CASE_SINGLE, ["a list"]),
        ("case", CASE_SINGLE, "not-an-option"),
        ("text", "case/case-1-shared-images/nope", "text"),
        ("text", "profile/x", "text"),
        ("text", "statement/1.1", "x" * 2001),
        ("text", "statement/1.1", 42),
    ]
    for kind, item, value in bad:
        with pytest.raises(WorkshopError):
            record(store, p.id, kind, item, value)
    with pytest.raises(WorkshopError, match="not in this workshop"):
        record(store, "no-such-participant", "statement", "1.1", 2)
    assert counts(store) == before


def _first_option(item: str) -> str:
    return workshops._case_question(item).options[0].id


def test_latest_answer_wins_and_none_removes_it(store, workshop):
    p = join(store, workshop.code)
    record(store, p.id, "statement", "1.1", 1)
    record(store, p.id, "statement", "1.1", 4)
    rows = export_rows(store, workshop)
    assert [(r["item"], r["value"]) for r in rows] == [("1.1", "4")]
    record(store, p.id, "statement", "1.1", None)
    assert export_rows(store, workshop) == []


def test_closed_workshop_takes_no_answers(store, workshop):
    p = join(store, workshop.code)
    record(store, p.id, "statement", "1.1", 2)
    closed = close_workshop(store, workshop)
    assert closed.closed and closed.closed_at
    before = counts(store)
    with pytest.raises(WorkshopError, match="is closed"):
        record(store, p.id, "statement", "1.1", 4)
    assert counts(store) == before
    assert export_rows(store, workshop)[0]["value"] == "2"  # data kept


# --- aggregation and the minimum group -------------------------------------------------------------


def test_minimum_group_rule(store, workshop, quiz_item):
    people = room(store, workshop, 3)
    for p, score in zip(people[:2], (1, 3), strict=True):
        record(store, p.id, "statement", "1.1", score)
        record(store, p.id, "quiz", quiz_item, ["contact"])
    result = summary(store, workshop)
    assert result.statements["1.1"].n == 2 and result.statements["1.1"].hidden
    assert result.quiz[quiz_item].counts is None
    assert result.confusion is None
    record(store, people[2].id, "statement", "1.1", 3)
    record(store, people[2].id, "quiz", quiz_item, ["contact", "conduct"])
    result = summary(store, workshop)
    assert MIN_GROUP == 3
    assert result.statements["1.1"].counts == {"0": 0, "1": 1, "2": 0, "3": 2, "4": 0}
    assert result.quiz[quiz_item].counts == {"content": 0, "contact": 3, "conduct": 1, "commerce": 0}
    assert result.quiz[quiz_item].n == 3
    assert result.confusion is not None


def test_aggregation_per_kind(store, workshop, quiz_item):
    from course.quiz import item_bank

    people = room(store, workshop, 4)
    single = workshops._case_question(CASE_SINGLE)
    for i, p in enumerate(people):
        record(store, p.id, "statement", "2.3", i % 2)
        record(store, p.id, "quiz", quiz_item, ["content"] if i else ["content", "commerce"])
        record(store, p.id, "case", CASE_MULTI, ["contact", "conduct"] if i else ["contact"])
        record(store, p.id, "case", CASE_SINGLE, single.options[i % 2].id)
        if i < 3:
            record(store, p.id, "text", "statement/2.3", f"note {i}")
    record(store, people[0].id, "text", "statement/2.4", "alone")
    result = summary(store, workshop)
    assert (result.joined, result.active) == (4, 4)
    assert result.statements["2.3"].counts == {"0": 2, "1": 2, "2": 0, "3": 0, "4": 0}
    assert result.quiz[quiz_item].counts == {"content": 4, "contact": 0, "conduct": 0, "commerce": 1}
    assert result.cases[CASE_MULTI].counts == {"content": 0, "contact": 4, "conduct": 3, "commerce": 0}
    assert result.cases[CASE_SINGLE].counts[single.options[0].id] == 2
    assert result.cases[CASE_SINGLE].counts[single.options[1].id] == 2
    assert result.texts["statement/2.3"] == ["note 0", "note 1", "note 2"]
    assert result.texts["statement/2.4"] == []  # one shared text: hidden
    truth = item_bank().item(quiz_item).categories
    for true in truth:
        assert result.confusion[true]["content"] == 4
        assert result.confusion[true]["commerce"] == 1
    for other in set(workshops.CATEGORY_IDS) - truth:
        assert sum(result.confusion[other].values()) == 0


def test_active_participants(store, workshop):
    room(store, workshop, 3)
    later = datetime.now(UTC) + timedelta(seconds=workshops.ACTIVE_SECONDS + 60)
    assert summary(store, workshop, at=later).active == 0
    assert summary(store, workshop, at=later).joined == 3


def test_other_workshops_are_not_counted(store, workshop):
    other, _ = create_workshop(store, "Other")
    for p in room(store, other, 3):
        record(store, p.id, "statement", "1.1", 2)
    result = summary(store, workshop)
    assert result.joined == 0 and result.statements == {}


def test_reveal_hide_and_reset(store, workshop, quiz_item):
    people = room(store, workshop, 3)
    for p in people:
        record(store, p.id, "quiz", quiz_item, ["contact"])
    reveal(store, workshop, "quiz", quiz_item)
    reveal(store, workshop, "quiz", quiz_item)  # twice is fine
    assert revealed(store, workshop.id) == {("quiz", quiz_item)}
    assert summary(store, workshop).revealed == {("quiz", quiz_item)}
    reveal(store, workshop, "quiz", quiz_item, shown=False)
    assert revealed(store, workshop.id) == frozenset()
    reveal(store, workshop, "quiz", quiz_item)
    assert reset(store, workshop, "quiz", quiz_item) == 3
    assert quiz_item not in summary(store, workshop).quiz
    assert revealed(store, workshop.id) == frozenset()
    with pytest.raises(WorkshopError):
        reveal(store, workshop, "quiz", "no-such-item")


def test_answer_key():
    from course.quiz import item_bank

    bank = item_bank()
    two = next(i for i in bank.items if i.categories == {"contact", "conduct"})
    assert answer_key("quiz", two.id) == "Contact and Conduct"
    question = workshops._case_question(CASE_SINGLE)
    label = next(o.label for o in question.options if o.id in question.answer)
    assert answer_key("case", CASE_SINGLE) == label
    assert answer_key("statement", "1.1") == ""
    with pytest.raises(WorkshopError):
        answer_key("quiz", "no-such-item")


# --- exports ----------------------------------------------------------------------------------


def test_exports_number_participants_and_never_name_them(store, workshop, quiz_item):
    people = [join(store, workshop.code, name) for name in ("Zebra", "Yak", "Xerus")]
    for i, p in enumerate(people):
        record(store, p.id, "statement", "1.1", i)
        record(store, p.id, "quiz", quiz_item, ["contact"])
    record(store, people[0].id, "statement", "1.2", 4)
    record(store, people[1].id, "text", "statement/1.1", '=HYPERLINK("http://x")')
    text = export_csv(store, workshop)
    for name in ("Zebra", "Yak", "Xerus"):
        assert name not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["participant"] for r in rows} == {"Participant 1", "Participant 2", "Participant 3"}
    assert {(r["participant"], r["item"], r["value"]) for r in rows if r["kind"] == "statement"} == {
        ("Participant 1", "1.1", "0"),
        ("Participant 1", "1.2", "4"),
        ("Participant 2", "1.1", "1"),
        ("Participant 3", "1.1", "2"),
    }
    shared = next(r for r in rows if r["kind"] == "text")
    assert shared["value"].startswith("'=")  # a spreadsheet shows it, never runs it

    book = load_workbook(io.BytesIO(export_xlsx(store, workshop)))
    assert book.sheetnames == ["Summary", "Answers"]
    cells = [[c for c in row] for row in book["Summary"].iter_rows(values_only=True)]
    flat = [str(c) for row in cells for c in row if c is not None]
    assert "Staff training, 3 March" in flat
    hidden = [row for row in cells if row[0] == "statement" and row[1] == "1.2"]
    assert hidden and hidden[0][4] == "fewer than 3 answers"  # one answer: marked, no counts
    shown = [row for row in cells if row[0] == "statement" and row[1] == "1.1"]
    assert [row[5] for row in shown] == [1, 1, 1, 0, 0]
    quiz_rows = [row for row in cells if row[0] == "quiz"]
    assert quiz_rows[0][6] == answer_key("quiz", quiz_item)
    answers = list(book["Answers"].iter_rows(values_only=True))
    assert answers[0] == workshops.EXPORT_COLUMNS
    assert len(answers) - 1 == len(rows)
    assert all(not str(c).startswith("=") for row in answers for c in row if c)
    for name in ("Zebra", "Yak", "Xerus"):
        assert name not in flat and all(name not in str(c) for row in answers for c in row)


# --- the command line -------------------------------------------------------------------------


def test_cli_new_list_close_export(store_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ONLINE_LIVES_DB", store_url)
    assert cli.main(["workshop", "new", "Evening session"]) == 0
    out = capsys.readouterr().out
    code = out.split("Join code (give it to participants): ")[1].split()[0]
    token = out.split("shown only now): ")[1].split()[0]
    assert "http://127.0.0.1:8866/voila/render/workshop-dashboard.ipynb" in out

    from course.store import Store

    store = Store(store_url)
    for p in [join(store, code) for _ in range(3)]:
        record(store, p.id, "statement", "3.1", 2)

    assert cli.main(["workshop", "list"]) == 0
    listing = capsys.readouterr().out
    assert code in listing and "Evening session" in listing and "open" in listing and "\t3\t" in listing
    assert token not in listing

    assert cli.main(["workshop", "export", code, "--token", "nope", "--format", "csv", "-o", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "does not match" in err and "nope" not in err
    assert not (tmp_path / "x").exists()

    out_csv, out_xlsx = tmp_path / "w.csv", tmp_path / "w.xlsx"
    assert cli.main(["workshop", "export", code, "--token", token, "--format", "csv", "-o", str(out_csv)]) == 0
    assert out_csv.read_text(encoding="utf-8").count("Participant") == 3
    assert cli.main(["workshop", "export", code, "--token", token, "--format", "xlsx", "-o", str(out_xlsx)]) == 0
    assert load_workbook(out_xlsx).sheetnames == ["Summary", "Answers"]

    assert cli.main(["workshop", "close", code, "--token", "wrong"]) == 2
    assert "does not match" in capsys.readouterr().err
    assert cli.main(["workshop", "close", code.lower(), "--token", token]) == 0
    capsys.readouterr()
    assert cli.main(["workshop", "list"]) == 0
    assert "closed" in capsys.readouterr().out
    assert cli.main(["workshop", "close", "ABC", "--token", token]) == 2
    assert "join code is 6" in capsys.readouterr().err
    store.close()
