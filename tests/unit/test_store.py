"""The response store, in one process: answers, services, validation, migrations, WAL.

Every test that uses `store` or `store_url` runs twice: on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from course.content import Planner
from course.scoring import Answer
from course.store import (
    MAX_SERVICE_NAME,
    SCHEMA_VERSION,
    Service,
    Store,
    StoreError,
    alembic_config,
    clean_service_name,
    metadata,
    slugify,
)

HEAD_REVISION = "0003"

# --- answers ------------------------------------------------------------------------------


def test_every_field_round_trips(store: Store, service: Service) -> None:
    store.save(service.id, "1.1", score=3, evidence="Referral form has an online field.", qa_score=2, qa_note="Seen")
    stored = store.answers(service.id)
    assert list(stored) == ["1.1"]
    answer = stored["1.1"]
    assert (answer.statement_id, answer.score, answer.evidence, answer.qa_score, answer.qa_note) == (
        "1.1",
        3,
        "Referral form has an online field.",
        2,
        "Seen",
    )
    assert answer.updated_at is not None
    assert datetime.fromisoformat(answer.updated_at).tzinfo is not None


def test_text_round_trips_exactly(store: Store, service: Service) -> None:
    text = "Café — naïve, 日本\nline two\twith a tab, 'quotes' and \"double quotes\"; DROP TABLE answers;--"
    store.save(service.id, "2.2", evidence=text, qa_note=text[::-1])
    answer = store.answers(service.id)["2.2"]
    assert answer.evidence == text
    assert answer.qa_note == text[::-1]


def test_a_new_answer_saved_with_one_field_has_empty_others(store: Store, service: Service) -> None:
    store.save(service.id, "1.2", qa_note="QA only")
    answer = store.answers(service.id)["1.2"]
    assert (answer.score, answer.evidence, answer.qa_score, answer.qa_note) == (None, "", None, "QA only")


def test_saving_one_field_keeps_the_others(store: Store, service: Service) -> None:
    store.save(service.id, "1.1", score=3, evidence="A log", qa_score=2, qa_note="Checked")
    store.save(service.id, "1.1", evidence="A better log")
    store.save(service.id, "1.1", qa_score=4)
    answer = store.answers(service.id)["1.1"]
    assert (answer.score, answer.evidence, answer.qa_score, answer.qa_note) == (3, "A better log", 4, "Checked")


def test_saving_none_clears_a_score(store: Store, service: Service) -> None:
    store.save(service.id, "1.1", score=2, evidence="kept", qa_score=1)
    store.save(service.id, "1.1", score=None)
    answer = store.answers(service.id)["1.1"]
    assert answer.score is None
    assert answer.qa_score == 1
    assert answer.evidence == "kept"
    store.save(service.id, "1.1", qa_score=None)
    assert store.answers(service.id)["1.1"].qa_score is None


def test_zero_is_stored_as_zero_not_none(store: Store, service: Service) -> None:
    store.save(service.id, "1.1", score=0, qa_score=0)
    answer = store.answers(service.id)["1.1"]
    assert answer.score == 0 and answer.score is not None
    assert answer.qa_score == 0 and answer.qa_score is not None


def test_saving_nothing_writes_nothing(store: Store, service: Service) -> None:
    store.save(service.id, "1.1")
    assert store.answers(service.id) == {}


def test_answers_belong_to_their_service(store: Store, planner: Planner) -> None:
    one = store.create_service("Riverside CAMHS", planner.version)
    two = store.create_service("Hillside Youth Service", planner.version)
    store.save(one.id, "1.1", score=4, evidence="one")
    store.save(two.id, "1.1", score=0)
    assert store.answers(one.id)["1.1"].score == 4
    assert store.answers(two.id)["1.1"].score == 0
    assert store.answers(two.id)["1.1"].evidence == ""


def test_answers_to_an_unknown_service_are_refused(store: Store) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        store.save(9999, "1.1", score=1)


def test_count_answers_ignores_answers_cleared_back_to_empty(store: Store, service: Service) -> None:
    store.save(service.id, "1.1", score=1)
    store.save(service.id, "1.2", evidence="x")
    store.save(service.id, "1.3", score=2)
    store.save(service.id, "1.3", score=None)
    assert len(store.answers(service.id)) == 3
    assert store.count_answers(service.id) == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"score": 5}, "a score must be"),
        ({"score": -1}, "a score must be"),
        ({"score": "3"}, "a score must be"),
        ({"score": True}, "a score must be"),
        ({"qa_score": 4.0}, "a score must be"),
        ({"evidence": None}, "expected text"),
        ({"evidence": "x" * 20_001}, "text is limited to 20,000 characters"),
        ({"score": 3, "evidence": 7}, "expected text"),  # one bad field: the good one is not saved
        ({"evidence": "fine", "qa_note": ["no"]}, "expected text"),
        ({"score": 1, "colour": "red"}, "unknown answer field 'colour'"),
    ],
)
def test_invalid_values_raise_and_write_nothing(
    store: Store, service: Service, fields: dict[str, object], message: str
) -> None:
    store.save(service.id, "2.1", score=1, evidence="before")
    with pytest.raises(ValueError, match=message):
        store.save(service.id, "2.1", **fields)
    with pytest.raises(ValueError, match=message):
        store.save(service.id, "2.2", **fields)
    stored = store.answers(service.id)
    assert set(stored) == {"2.1"}
    assert (stored["2.1"].score, stored["2.1"].evidence) == (1, "before")


# --- replace_answers ----------------------------------------------------------------------


def test_replace_answers_replaces_every_answer(store: Store, service: Service) -> None:
    store.save(service.id, "1.1", score=1, evidence="old")
    store.save(service.id, "1.2", score=2)
    count = store.replace_answers(
        service.id,
        [
            Answer("2.1", score=4, evidence="new", qa_score=3, qa_note="ok", updated_at="2024-05-01T10:00:00+00:00"),
            Answer("1.2", score=0),
        ],
    )
    assert count == 2
    stored = store.answers(service.id)
    assert set(stored) == {"2.1", "1.2"}
    assert stored["2.1"] == Answer("2.1", 4, "new", 3, "ok", "2024-05-01T10:00:00+00:00")
    assert stored["1.2"].score == 0
    assert stored["1.2"].updated_at is not None  # filled in when the import has none


def test_replace_answers_with_nothing_clears_the_service(store: Store, service: Service) -> None:
    store.save(service.id, "1.1", score=1)
    assert store.replace_answers(service.id, []) == 0
    assert store.answers(service.id) == {}


def test_replace_answers_leaves_other_services_alone(store: Store, planner: Planner) -> None:
    one = store.create_service("One", planner.version)
    two = store.create_service("Two", planner.version)
    store.save(two.id, "3.3", score=3, evidence="two's")
    store.replace_answers(one.id, [Answer("1.1", score=1)])
    assert store.answers(two.id)["3.3"].evidence == "two's"


def test_replace_answers_with_an_invalid_answer_changes_nothing(store: Store, service: Service) -> None:
    store.save(service.id, "1.1", score=1, evidence="old")
    with pytest.raises(ValueError, match="a score must be"):
        store.replace_answers(service.id, [Answer("2.1", score=4, evidence="x"), Answer("2.2", score=7)])
    stored = store.answers(service.id)
    assert set(stored) == {"1.1"}
    assert stored["1.1"].evidence == "old"


def test_replace_answers_rolls_back_when_the_database_refuses(store: Store, service: Service) -> None:
    """A failure part-way through the insert must not leave the old answers deleted."""
    store.save(service.id, "1.1", score=1, evidence="old")
    with pytest.raises(sa.exc.IntegrityError):
        store.replace_answers(service.id, [Answer("2.1", score=4), Answer("2.1", score=3)])
    stored = store.answers(service.id)
    assert set(stored) == {"1.1"}
    assert stored["1.1"].evidence == "old"


# --- services -----------------------------------------------------------------------------


def test_a_service_is_created_once_per_name_whatever_its_case(store: Store, planner: Planner) -> None:
    first = store.create_service("Riverside CAMHS", planner.version)
    assert (first.name, first.slug, first.planner_version) == ("Riverside CAMHS", "riverside-camhs", "2017.1")
    assert store.create_service("riverside camhs", planner.version) == first
    assert store.create_service("  RIVERSIDE   CAMHS ", planner.version) == first
    assert store.services() == [first]
    assert store.service_by_name("rIvErSiDe CaMhS") == first
    assert store.service("riverside-camhs") == first


def test_slugs_are_unique(store: Store, planner: Planner) -> None:
    first = store.create_service("Riverside CAMHS", planner.version)
    second = store.create_service("Riverside: CAMHS!", planner.version)
    third = store.create_service("Riverside — CAMHS", planner.version)
    assert (first.slug, second.slug, third.slug) == ("riverside-camhs", "riverside-camhs-2", "riverside-camhs-3")
    assert len({first.id, second.id, third.id}) == 3
    assert store.service("riverside-camhs-2") == second


def test_services_are_listed_by_name(store: Store, planner: Planner) -> None:
    for name in ("Zebra Service", "Alpha Team", "Middle Way"):
        store.create_service(name, planner.version)
    assert [s.name for s in store.services()] == ["Alpha Team", "Middle Way", "Zebra Service"]


def test_unknown_services_are_none(store: Store) -> None:
    assert store.service("nobody") is None
    assert store.service_by_name("Nobody") is None


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Riverside CAMHS", "riverside-camhs"),
        ("  Riverside   CAMHS  ", "riverside-camhs"),
        ("Café Ünited", "cafe-united"),
        ("St. Mary's / Youth & Family", "st-mary-s-youth-family"),
        ("日本", "service"),
        ("!!!", "service"),
        ("x" * 100, "x" * 60),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("Riverside CAMHS", "Riverside CAMHS"),
        ("  Riverside\t\nCAMHS  ", "Riverside CAMHS"),
        ("Café — naïve, 日本", "Café — naïve, 日本"),
        ("x" * MAX_SERVICE_NAME, "x" * MAX_SERVICE_NAME),
    ],
)
def test_clean_service_name_tidies_white_space(name: str, cleaned: str) -> None:
    assert clean_service_name(name) == cleaned


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Type a name for the service"),
        ("   \t\n ", "Type a name for the service"),
        ("x" * (MAX_SERVICE_NAME + 1), "at most 120 characters"),
        ("Riverside\x00CAMHS", "characters that cannot be shown"),
        ("Riverside\x07", "characters that cannot be shown"),
        ("Riverside\u200bCAMHS", "characters that cannot be shown"),
        ("Riverside\x7f", "characters that cannot be shown"),
        (None, "must be text"),
        (42, "must be text"),
    ],
)
def test_clean_service_name_rejects_unusable_names(name: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        clean_service_name(name)


def test_create_service_with_a_bad_name_creates_nothing(store: Store, planner: Planner) -> None:
    with pytest.raises(ValueError, match="Type a name"):
        store.create_service("  ", planner.version)
    assert store.services() == []


# --- the file itself ----------------------------------------------------------------------


def test_a_store_written_by_a_newer_version_is_refused(store_url: str, tmp_path: Path) -> None:
    first = Store(store_url)
    with first.engine.begin() as conn:
        conn.execute(sa.text("UPDATE meta SET value = :v WHERE key = 'schema_version'"), {"v": str(SCHEMA_VERSION + 1)})
    first.close()
    with pytest.raises(StoreError) as caught:
        Store(store_url)
    message = str(caught.value)
    assert "newer version of Online Lives" in message
    assert f"store schema {SCHEMA_VERSION + 1}" in message
    assert f"this version understands {SCHEMA_VERSION}" in message
    assert "Update the course" in message


def test_a_new_store_records_its_schema_version_and_reopens(store_url: str, planner: Planner) -> None:
    first = Store(store_url)
    service = first.create_service("Riverside CAMHS", planner.version)
    first.save(service.id, "1.1", score=2)
    first.close()
    again = Store(store_url)
    try:
        with again.engine.connect() as conn:
            version = conn.execute(sa.text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
        assert version == str(SCHEMA_VERSION) == "5"
        assert revision(again) == HEAD_REVISION
        assert again.answers(service.id)["1.1"].score == 2
    finally:
        again.close()


@pytest.mark.usefixtures("sqlite_only")
def test_sqlite_store_uses_wal_and_full_sync(store: Store, tmp_path: Path) -> None:
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    # WAL is a property of the file: a plain sqlite3 connection sees it too.
    raw = sqlite3.connect(tmp_path / "store.sqlite")
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()


def test_store_url_defaults_to_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONLINE_LIVES_DB", f"sqlite:///{tmp_path / 'from-env.sqlite'}")
    opened = Store()
    try:
        assert opened.url == f"sqlite:///{tmp_path / 'from-env.sqlite'}"
        assert (tmp_path / "from-env.sqlite").exists()
    finally:
        opened.close()


def test_store_defaults_to_the_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ONLINE_LIVES_DB")
    monkeypatch.setenv("ONLINE_LIVES_DATA", str(tmp_path / "somewhere" / "data"))
    opened = Store()
    try:
        assert (tmp_path / "somewhere" / "data" / "online-lives.sqlite").exists()
    finally:
        opened.close()


# --- case study drafts --------------------------------------------------------------------


def test_case_drafts_round_trip_as_json(store: Store) -> None:
    store.save_case_draft("learner-1", "case-4-counting-what-we-see", "four-cs", ["contact", "conduct"])
    store.save_case_draft("learner-1", "case-4-counting-what-we-see", "first-step", None)
    store.save_case_draft("learner-1", "case-4-counting-what-we-see", "reflection", "Café <b>naïve</b>\nline two")
    assert store.case_drafts("learner-1", "case-4-counting-what-we-see") == {
        "four-cs": ["contact", "conduct"],
        "first-step": None,
        "reflection": "Café <b>naïve</b>\nline two",
    }


def test_a_case_draft_saved_again_replaces_the_earlier_one(store: Store) -> None:
    store.save_case_draft("learner-1", "case-1-shared-images", "first-step", "tell-dsl")
    store.save_case_draft("learner-1", "case-1-shared-images", "first-step", "ask-to-see")
    assert store.case_drafts("learner-1", "case-1-shared-images") == {"first-step": "ask-to-see"}
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM case_drafts")).scalar() == 1


def test_case_drafts_belong_to_their_learner_and_case(store: Store) -> None:
    store.save_case_draft("learner-1", "case-1-shared-images", "four-cs", ["content"])
    store.save_case_draft("learner-2", "case-1-shared-images", "four-cs", ["contact"])
    store.save_case_draft("learner-1", "case-2-anonymous-app", "four-cs", ["conduct"])
    assert store.case_drafts("learner-1", "case-1-shared-images") == {"four-cs": ["content"]}
    assert store.case_drafts("learner-2", "case-1-shared-images") == {"four-cs": ["contact"]}
    assert store.case_drafts("learner-3", "case-1-shared-images") == {}


@pytest.mark.parametrize(
    ("learner", "case_id", "question_id", "value"),
    [
        ("", "case-1", "q", "x"),
        ("x" * 65, "case-1", "q", "x"),
        ("learner", "c" * 81, "q", "x"),
        ("learner", "case-1", 7, "x"),
        ("learner", "case-1", "q", object()),
    ],
)
def test_unusable_case_drafts_are_refused(store: Store, learner, case_id, question_id, value) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        store.save_case_draft(learner, case_id, question_id, value)
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM case_drafts")).scalar() == 0


# --- migrations (Alembic) ----------------------------------------------------------------

WORKSHOP_TABLES = ["workshop_reveals", "workshop_answers", "workshop_participants", "workshops"]
PLAN_TABLES = ["module_completions", "data_log", "qa_samples", "actions", "round_answers", "rounds"]
PLAN_COLUMNS = [
    ("quiz_rounds", "learner"),
    ("answers", "review_note"),
    ("answers", "carried_forward"),
    ("services", "area"),
]
# What each store schema made before Alembic lacked of the baseline (revision 0001), in an
# order that drops referencing tables first.
MISSING_BEFORE_ALEMBIC = {1: ["case_drafts", "quiz_answers", "quiz_rounds"], 2: ["case_drafts"], 3: []}


def revision(store: Store) -> str:
    with store.engine.connect() as conn:
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()


def table_names(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names())


def schema_differences(store: Store) -> list:
    """What Alembic's autogenerate finds between the store's tables and course/store.py's."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with store.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)


def test_a_new_store_is_made_by_the_migrations_and_matches_store_py(store: Store) -> None:
    assert revision(store) == HEAD_REVISION
    assert table_names(store) == set(metadata.tables) | {"alembic_version"}
    assert schema_differences(store) == []
    with store.engine.connect() as conn:
        indexes = {index["name"] for index in sa.inspect(conn).get_indexes("workshop_answers")}
    assert "ix_workshop_answers_workshop_id" in indexes


@pytest.mark.parametrize("version", [1, 2, 3])
def test_a_store_made_before_alembic_is_upgraded_and_keeps_its_data(
    store_url: str, planner: Planner, version: int
) -> None:
    # A store as schema `version` left it: its tables only, no alembic_version.
    first = Store(store_url)
    service = first.create_service("Riverside CAMHS", planner.version)
    first.save(service.id, "1.1", score=2, evidence="Audit", qa_score=1, qa_note="Seen")
    first.save(service.id, "6.6", score=0)
    round_id = first.start_quiz_round("four-cs-quiz", ["seed-1", "seed-2"], "1", service_id=service.id, seed=7)
    first.record_quiz_answer(round_id, "seed-1", ["content", "contact"], 0.5)
    first.save_case_draft("learner-1", "case-1-shared-images", "reflection", "Written before")
    with first.engine.begin() as conn:
        for table in [*PLAN_TABLES, *WORKSHOP_TABLES, "alembic_version", *MISSING_BEFORE_ALEMBIC[version]]:
            conn.execute(sa.text(f"DROP TABLE {table}"))
        for table, column in PLAN_COLUMNS:
            if table not in MISSING_BEFORE_ALEMBIC[version]:
                conn.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN {column}"))
        conn.execute(sa.text("UPDATE meta SET value = :v WHERE key = 'schema_version'"), {"v": str(version)})
    first.close()

    again = Store(store_url)
    try:
        with again.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT key, value FROM meta")).all() == [("schema_version", "5")]
        assert revision(again) == HEAD_REVISION
        assert table_names(again) == set(metadata.tables) | {"alembic_version"}
        assert schema_differences(again) == []
        # Every row the old store had is still there, unchanged.
        assert again.services() == [service]
        assert [r.number for r in again_rounds(again, service.id)] == [1]  # round 1 made by the migration
        stored = again.answers(service.id)
        assert stored["1.1"] == Answer("1.1", 2, "Audit", 1, "Seen", stored["1.1"].updated_at)
        assert stored["6.6"].score == 0
        quiz = [(a["round_id"], a["item_id"], a["chosen"], a["score"]) for a in again.quiz_answers()]
        drafts = again.case_drafts("learner-1", "case-1-shared-images")
        if version >= 2:
            assert quiz == [(round_id, "seed-1", "contact content", 0.5)]
        else:
            assert quiz == []
        assert drafts == ({"reflection": "Written before"} if version >= 3 else {})
        # The tables it gained work.
        again.save_case_draft("learner-1", "case-1-shared-images", "reflection", "Kept")
        assert again.case_drafts("learner-1", "case-1-shared-images") == {"reflection": "Kept"}
        new_round = again.start_quiz_round("1", ["seed-3"], "1")
        again.record_quiz_answer(new_round, "seed-3", ["commerce"], 1.0)
        with again.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO workshops (id, code, title, token_hash, created_at) "
                    "VALUES ('w1', 'ABC123', 'Room', :hash, '2026-01-01')"
                ),
                {"hash": "0" * 64},
            )
    finally:
        again.close()

    # And it opens again without migrating anything.
    third = Store(store_url)
    try:
        assert revision(third) == HEAD_REVISION
        assert third.answers(service.id)["1.1"].evidence == "Audit"
    finally:
        third.close()


def again_rounds(store: Store, service_id: int) -> list:
    from course.store import rounds_table

    with store.engine.connect() as conn:
        return conn.execute(sa.select(rounds_table).where(rounds_table.c.service_id == service_id)).all()


def test_the_plans_migration_goes_down_to_workshops_keeping_answers_and_up_again(
    store: Store, planner: Planner
) -> None:
    from alembic import command

    service = store.create_service("Riverside CAMHS", planner.version)
    store.save(service.id, "1.1", score=3, evidence="Kept")
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0002")
    assert revision(store) == "0002"
    assert not set(PLAN_TABLES) & table_names(store)
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT value FROM meta")).scalar() == "4"
        assert conn.execute(sa.text("SELECT evidence FROM answers")).scalars().all() == ["Kept"]
    store.close()
    again = Store(store.url)
    try:
        assert revision(again) == HEAD_REVISION
        assert schema_differences(again) == []
        assert again.answers(service.id)["1.1"].evidence == "Kept"
        assert [r.number for r in again_rounds(again, service.id)] == [1]
    finally:
        again.close()


def test_a_store_at_an_unknown_revision_is_refused(store_url: str) -> None:
    first = Store(store_url)
    with first.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0099'"))
    first.close()
    with pytest.raises(StoreError) as caught:
        Store(store_url)
    message = str(caught.value)
    assert "newer version of Online Lives" in message
    assert "store revision 0099" in message
    assert f"this version knows revisions up to {HEAD_REVISION}" in message
    assert "Update the course" in message


def test_a_store_made_before_alembic_by_a_newer_schema_is_refused(store_url: str) -> None:
    first = Store(store_url)
    with first.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE alembic_version"))
        conn.execute(sa.text("UPDATE meta SET value = '9' WHERE key = 'schema_version'"))
    first.close()
    with pytest.raises(
        StoreError, match="newer version of Online Lives \\(store schema 9, this version understands 5\\)"
    ):
        Store(store_url)


def test_the_workshop_migration_goes_down_and_up_again(store: Store) -> None:
    from alembic import command

    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0001")
    assert revision(store) == "0001"
    assert not set(WORKSHOP_TABLES) & table_names(store)
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT value FROM meta")).scalar() == "3"
    store.close()
    again = Store(store.url)
    try:
        assert revision(again) == HEAD_REVISION
        assert schema_differences(again) == []
    finally:
        again.close()


def test_the_migrations_ship_in_the_package() -> None:
    import tomllib
    from importlib import resources

    from course import settings

    folder = resources.files("course") / "migrations"
    for name in (
        "env.py",
        "script.py.mako",
        "versions/0001_baseline.py",
        "versions/0002_workshops.py",
        "versions/0003_plans.py",
    ):
        assert (folder / name).is_file(), name
    pyproject = tomllib.loads((settings.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = pyproject["tool"]["setuptools"]
    assert {"course.migrations", "course.migrations.versions"} <= set(setuptools["packages"])
    assert setuptools["package-data"]["course.migrations"] == ["script.py.mako"]
    assert "alembic==1.20.1" in pyproject["project"]["dependencies"]


def test_case_drafts_are_never_logged(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    secret = "A boy called Jamie Smith, 07700 900123"
    with caplog.at_level("DEBUG"):
        store.save_case_draft("learner-1", "case-1-shared-images", "reflection", secret)
        assert store.case_drafts("learner-1", "case-1-shared-images") == {"reflection": secret}
    assert not [r for r in caplog.records if "Jamie" in r.getMessage() or "learner-1" in r.getMessage()]
