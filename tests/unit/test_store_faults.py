"""Faults: the store is briefly locked or unreachable. Answers queue and arrive, never vanish.

Every write goes through `Store.write`, which tries again while the store is locked or its
server cannot be reached, for up to ONLINE_LIVES_STORE_RETRY_SECONDS, then raises StoreError
in words a page can show. Each test runs on SQLite and on PostgreSQL: "unreachable" is
another process holding an exclusive lock (SQLite) or the server stopped (PostgreSQL).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa

from course import settings
from course.content import Planner
from course.scoring import Answer
from course.store import UNREACHABLE_MESSAGE, Service, Store, StoreError, is_transient

TIMEOUT = 120
PLAIN_MESSAGE = "The answers could not be saved: the store cannot be reached."

# Holds an exclusive lock on the whole store until it reads a line on stdin.
SQLITE_LOCKER = """
import sqlite3, sys
path = sys.argv[1].removeprefix("sqlite:///")
conn = sqlite3.connect(path, isolation_level=None, timeout=30)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("COMMIT")
conn.close()
"""

POSTGRES_LOCKER = """
import sys, psycopg
conn = psycopg.connect(sys.argv[1].replace("+psycopg", ""))
conn.execute("LOCK TABLE answers, quiz_rounds, quiz_answers, case_drafts, services IN ACCESS EXCLUSIVE MODE")
print("locked", flush=True)
sys.stdin.readline()
conn.commit()
conn.close()
"""


class Locker:
    """Another process holding an exclusive lock on the store until `release()`."""

    def __init__(self, url: str, backend: str) -> None:
        code = SQLITE_LOCKER if backend == "sqlite" else POSTGRES_LOCKER
        self.child = subprocess.Popen(
            [sys.executable, "-c", code, url],
            cwd=settings.PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        line = self.child.stdout.readline()
        if line.strip() != "locked":
            self.child.kill()
            pytest.fail(f"the locker said {line!r}: {self.child.communicate(timeout=TIMEOUT)[1]}")

    def release(self) -> None:
        if self.child.poll() is None:
            self.child.stdin.write("go\n")
            self.child.stdin.flush()
        _, err = self.child.communicate(timeout=TIMEOUT)
        assert self.child.returncode == 0, err


@pytest.fixture
def outage(backend: str, store_url: str, request: pytest.FixtureRequest) -> Iterator[tuple[Callable, Callable]]:
    """(begin, end): make the store unreachable (SQLite: locked; PostgreSQL: server stopped), and back."""
    lockers: list[Locker] = []
    postgres = request.getfixturevalue("postgres") if backend == "postgresql" else None

    def begin() -> None:
        if postgres is None:
            lockers.append(Locker(store_url, backend))
        else:
            postgres.stop("fast")

    def end() -> None:
        if postgres is None:
            lockers.pop().release()
        else:
            postgres.start()

    yield begin, end
    while lockers:
        lockers.pop().release()
    if postgres is not None and not postgres.running:
        postgres.start()


def save_ten(store: Store, service_id: int, done: list[int], errors: list[BaseException]) -> None:
    """Ten answers, one after the other, as a page saves them; `done` records each that returned."""
    try:
        for i in range(10):
            store.save(service_id, f"q.{i}", score=i % 5, evidence=f"answer {i}")
            store.save(service_id, "1.1", evidence=f"latest {i}")
            done.append(i)
    except BaseException as exc:  # reported by the test
        errors.append(exc)


def assert_all_ten_arrived(store: Store, service_id: int) -> None:
    stored = store.answers(service_id)
    for i in range(10):
        assert (stored[f"q.{i}"].score, stored[f"q.{i}"].evidence) == (i % 5, f"answer {i}")
    assert stored["1.1"].evidence == "latest 9"  # in order: the last save is the one kept


def test_answers_saved_while_another_process_locks_the_store_all_arrive_in_order(
    store: Store, store_url: str, backend: str, service: Service
) -> None:
    locker = Locker(store_url, backend)
    done: list[int] = []
    errors: list[BaseException] = []
    saver = threading.Thread(target=save_ten, args=(store, service.id, done, errors))
    started = time.monotonic()
    saver.start()
    time.sleep(3)
    assert done == [], "a save went through a lock that another process held"
    locker.release()
    saver.join(TIMEOUT)
    assert not saver.is_alive()
    assert errors == []
    assert done == list(range(10))
    assert time.monotonic() - started >= 3
    assert_all_ten_arrived(store, service.id)


def test_answers_saved_while_the_server_is_down_arrive_when_it_is_back(
    store: Store, backend: str, service: Service, outage: tuple[Callable, Callable]
) -> None:
    if backend != "postgresql":
        pytest.skip("a server to stop: PostgreSQL only (SQLite's outage is the lock above)")
    begin, end = outage
    store.save(service.id, "0.0", score=1)  # a pooled connection, which the stop will break
    begin()
    done: list[int] = []
    errors: list[BaseException] = []
    saver = threading.Thread(target=save_ten, args=(store, service.id, done, errors))
    saver.start()
    time.sleep(3)
    assert done == [] and saver.is_alive()
    end()
    saver.join(TIMEOUT)
    assert not saver.is_alive()
    assert errors == []
    assert done == list(range(10))
    assert_all_ten_arrived(store, service.id)
    assert store.answers(service.id)["0.0"].score == 1


def test_a_store_unreachable_for_longer_than_the_limit_is_a_plain_error_and_nothing_is_half_written(
    store_url: str, planner: Planner, monkeypatch: pytest.MonkeyPatch, outage: tuple[Callable, Callable]
) -> None:
    monkeypatch.setenv("ONLINE_LIVES_STORE_RETRY_SECONDS", "2")
    store = Store(store_url)
    try:
        service = store.create_service("Riverside CAMHS", planner.version)
        store.save(service.id, "1.1", score=1, evidence="before")
        store.save(service.id, "1.2", score=2)
        round_id = store.start_quiz_round("four-cs-quiz", ["seed-1"], "1")
        begin, end = outage
        begin()
        writes = {
            "save": lambda: store.save(service.id, "1.1", score=4, evidence="during"),
            "replace_answers": lambda: store.replace_answers(service.id, [Answer("2.1", score=3)]),
            "record_quiz_answer": lambda: store.record_quiz_answer(round_id, "seed-1", ["content"], 1.0),
            "save_case_draft": lambda: store.save_case_draft("learner-1", "case-1", "q", "during"),
            "start_quiz_round": lambda: store.start_quiz_round("four-cs-quiz", ["seed-2"], "1"),
            "create_service": lambda: store.create_service("Hillside", planner.version),
        }
        try:
            for name, write in writes.items():
                started = time.monotonic()
                with pytest.raises(StoreError) as caught:
                    write()
                took = time.monotonic() - started
                assert str(caught.value) == UNREACHABLE_MESSAGE, name
                assert str(caught.value).startswith(PLAIN_MESSAGE)
                assert "Traceback" not in str(caught.value) and "sqlite" not in str(caught.value).lower()
                assert 1.5 <= took <= 15, f"{name} gave up after {took:.1f} s"
        finally:
            end()
        # Back again: exactly what was there before, nothing from the failed writes.
        stored = store.answers(service.id)
        assert set(stored) == {"1.1", "1.2"}
        assert (stored["1.1"].score, stored["1.1"].evidence) == (1, "before")
        assert stored["1.2"].score == 2
        assert store.quiz_answers() == []
        assert store.case_drafts("learner-1", "case-1") == {}
        assert [s.name for s in store.services()] == ["Riverside CAMHS"]
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM quiz_rounds")).scalar() == 1
        # And writes work again.
        store.save(service.id, "1.1", evidence="after")
        assert store.answers(service.id)["1.1"].evidence == "after"
    finally:
        store.close()


# --- the helper itself --------------------------------------------------------------------


def locked_error() -> sa.exc.OperationalError:
    return sa.exc.OperationalError("INSERT INTO answers", {}, sqlite3.OperationalError("database is locked"))


def test_write_tries_again_with_growing_pauses_until_it_succeeds(store: Store) -> None:
    attempts: list[float] = []

    def work(conn: sa.Connection) -> str:
        attempts.append(time.monotonic())
        if len(attempts) < 4:
            raise locked_error()
        return "written"

    assert store.write(work) == "written"
    assert len(attempts) == 4
    assert attempts[-1] - attempts[0] >= 0.3  # pauses of 0.05, 0.1 and 0.2 s


def test_write_does_not_retry_a_refused_write(store: Store) -> None:
    attempts: list[int] = []

    def work(conn: sa.Connection) -> None:
        attempts.append(1)
        raise sa.exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))

    with pytest.raises(sa.exc.IntegrityError):
        store.write(work)
    assert attempts == [1]


def test_write_gives_up_after_the_configured_time(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONLINE_LIVES_STORE_RETRY_SECONDS", "0.5")

    def work(conn: sa.Connection) -> None:
        raise locked_error()

    started = time.monotonic()
    with pytest.raises(StoreError, match="the store cannot be reached") as caught:
        store.write(work)
    assert 0.4 <= time.monotonic() - started <= 5
    assert isinstance(caught.value.__cause__, sa.exc.OperationalError)


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (locked_error(), True),
        (sa.exc.OperationalError("x", {}, sqlite3.OperationalError("no such table: answers")), False),
        (sa.exc.IntegrityError("x", {}, sqlite3.IntegrityError("FOREIGN KEY constraint failed")), False),
        (sa.exc.DBAPIError("x", {}, Exception("gone"), connection_invalidated=True), True),
        (ValueError("a score must be 0 to 4"), False),
    ],
)
def test_which_errors_are_worth_trying_again(error: BaseException, transient: bool) -> None:
    assert is_transient(error) is transient
