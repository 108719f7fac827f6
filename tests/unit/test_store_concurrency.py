"""The store shared between writers: processes writing at once, a writer killed mid-loop,
and several connections creating a brand-new store at the same moment.

Each child is a separate Python interpreter (`sys.executable -c ...`), as Voila kernels are.
Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from course import settings
from course.content import Planner
from course.store import SCHEMA_VERSION, Service, Store, metadata

CHILD_TIMEOUT = 120  # seconds; generous, because the machine may be busy

# A writer: opens the store, says "ready", waits for the go file, then makes 50 saves:
# 25 to statements of its own, 25 to statements 1.1-1.6 that every writer also writes,
# each writer to its own field of them.
WRITER = """
import sys, time
from pathlib import Path
from course.store import Store

url, service_id, k, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
field = ("score", "evidence", "qa_score", "qa_note")[k]
store = Store(url)
print("ready", flush=True)
while not go.exists():
    time.sleep(0.005)
for i in range(25):
    store.save(service_id, f"p{k}.{i}", score=i % 5, evidence=f"writer {k} own {i}")
    value = i % 5 if field.endswith("score") else f"writer {k} shared {i}"
    store.save(service_id, f"1.{i % 6 + 1}", **{field: value})
store.close()
print("done", flush=True)
"""

# A writer that never stops: prints each index once its save has committed.
ENDLESS_WRITER = """
import sys
from course.store import Store

store = Store(sys.argv[1])
service_id = int(sys.argv[2])
i = 0
while True:
    store.save(service_id, f"k.{i}", score=i % 5, evidence=f"kill test {i}")
    print(i, flush=True)
    i += 1
"""


Spawn = Callable[..., subprocess.Popen[str]]


@pytest.fixture
def spawn() -> Iterator[Spawn]:
    """Start `python -c CODE ARGS...` in the project; every child is ended at teardown."""
    children: list[subprocess.Popen[str]] = []

    def start(code: str, *args: object) -> subprocess.Popen[str]:
        child = subprocess.Popen(
            [sys.executable, "-c", code, *map(str, args)],
            cwd=settings.PROJECT_ROOT,
            env=os.environ.copy(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        children.append(child)
        return child

    yield start
    for child in children:
        if child.poll() is None:
            child.kill()
        child.communicate(timeout=CHILD_TIMEOUT)


def wait_for_line(child: subprocess.Popen[str], expected: str) -> None:
    line = child.stdout.readline()
    if line.strip() != expected:
        child.kill()
        _, err = child.communicate(timeout=CHILD_TIMEOUT)
        pytest.fail(f"child said {line!r} instead of {expected!r}; stderr:\n{err}")


def finish(children: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    results = []
    for child in children:
        out, err = child.communicate(timeout=CHILD_TIMEOUT)
        results.append((child.returncode, out, err))
    return results


def last_index(i_mod_6: int, writes: int = 25) -> int:
    """The last i < writes with i % 6 == i_mod_6: the write that should win."""
    return max(i for i in range(writes) if i % 6 == i_mod_6)


def test_four_processes_writing_at_once_lose_nothing(
    store: Store, store_url: str, service: Service, tmp_path: Path, spawn: Spawn
) -> None:
    go = tmp_path / "go"
    writers = [spawn(WRITER, store_url, service.id, k, go) for k in range(4)]
    for writer in writers:
        wait_for_line(writer, "ready")
    go.write_text("go")
    results = finish(writers)

    for k, (code, out, err) in enumerate(results):
        assert "database is locked" not in err
        assert code == 0, f"writer {k} failed:\n{err}"
        assert out.split() == ["done"]

    stored = store.answers(service.id)
    assert len(stored) == 4 * 25 + 6  # every distinct write, plus the six shared statements
    for k in range(4):
        for i in range(25):
            answer = stored[f"p{k}.{i}"]
            assert (answer.score, answer.evidence) == (i % 5, f"writer {k} own {i}")
    for j in range(6):
        last = last_index(j)
        answer = stored[f"1.{j + 1}"]
        # Four writers wrote four different fields of the same rows; none undid another's.
        assert answer.score == last % 5
        assert answer.evidence == f"writer 1 shared {last}"
        assert answer.qa_score == last % 5
        assert answer.qa_note == f"writer 3 shared {last}"


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_store_opens_after_a_writer_is_killed_mid_loop(
    store_url: str, backend: str, planner: Planner, tmp_path: Path, spawn: Spawn
) -> None:
    setup = Store(store_url)
    service = setup.create_service("Riverside CAMHS", planner.version)
    setup.close()

    child = spawn(ENDLESS_WRITER, store_url, service.id)
    committed: list[int] = []
    deadline = time.monotonic() + CHILD_TIMEOUT
    while len(committed) < 40:
        line = child.stdout.readline()
        if not line:  # the child died on its own
            _, err = child.communicate(timeout=CHILD_TIMEOUT)
            pytest.fail(f"the writer stopped after {len(committed)} saves:\n{err}")
        committed.append(int(line))
        assert time.monotonic() < deadline, "the writer is far too slow"
    os.kill(child.pid, signal.SIGKILL)
    rest, _ = child.communicate(timeout=CHILD_TIMEOUT)
    assert child.returncode == -signal.SIGKILL
    committed += [int(line) for line in rest.splitlines(keepends=True) if line.endswith("\n")]
    assert committed == list(range(len(committed)))

    reopened = Store(store_url)
    try:
        stored = reopened.answers(service.id)
        for i in committed:
            assert stored[f"k.{i}"].score == i % 5
            assert stored[f"k.{i}"].evidence == f"kill test {i}"
        # At most the one save in flight at the kill may be there without being reported.
        assert len(committed) <= len(stored) <= len(committed) + 1

        reopened.save(service.id, "6.6", score=4, evidence="after the kill")
        reopened.save(service.id, "k.0", score=None)
        stored = reopened.answers(service.id)
        assert (stored["6.6"].score, stored["6.6"].evidence) == (4, "after the kill")
        assert stored["k.0"].score is None
        assert stored["k.0"].evidence == "kill test 0"
    finally:
        reopened.close()

    if backend == "sqlite":
        raw = sqlite3.connect(tmp_path / "store.sqlite")
        try:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            raw.close()


def check_new_store(url: str, backend: str) -> None:
    """A store made by racing openers: exactly the tables, one schema version, one revision."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT key, value FROM meta")).all() == [
                ("schema_version", str(SCHEMA_VERSION))
            ]
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == ["0003"]
            assert set(sa.inspect(conn).get_table_names()) == set(metadata.tables) | {"alembic_version"}
            if backend == "sqlite":
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


def test_connections_creating_a_new_store_at_the_same_moment_all_succeed(
    backend: str, new_store_url: Callable[[], str]
) -> None:
    """Kernels starting together on a fresh install all create the same new store.

    Threads, each with its own Store (so its own connections), race to create each of
    several new stores (files, or PostgreSQL databases) at the same instant; every one of
    them must get a working store, migrated once.
    """
    workers, files = 6, (20 if backend == "sqlite" else 8)
    urls = [new_store_url() for _ in range(files)]
    barrier = threading.Barrier(workers, timeout=CHILD_TIMEOUT)
    errors: list[str] = []

    def open_each() -> None:
        for j in range(files):
            barrier.wait()
            try:
                Store(urls[j]).close()
            except Exception as exc:  # collected, so the test names every failure
                errors.append(f"store {j}: {type(exc).__name__}: {str(exc).splitlines()[0]}")

    threads = [threading.Thread(target=open_each) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(CHILD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    for url in urls:
        check_new_store(url, backend)


# A kernel starting up: opens the store once the go file exists, and says how it went.
OPENER = """
import sys, time
from pathlib import Path
from course.store import Store

url, go = sys.argv[1], Path(sys.argv[2])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.005)
Store(url).close()
print("opened", flush=True)
"""


def test_processes_opening_a_new_store_at_the_same_moment_all_succeed(
    backend: str, new_store_url: Callable[[], str], tmp_path: Path, spawn: Spawn
) -> None:
    """Separate interpreters, as Voila kernels are, create one new store at the same instant."""
    url = new_store_url()
    go = tmp_path / "go-open"
    openers = [spawn(OPENER, url, go) for _ in range(4)]
    for opener in openers:
        wait_for_line(opener, "ready")
    go.write_text("go")
    for k, (code, out, err) in enumerate(finish(openers)):
        assert code == 0, f"opener {k} failed:\n{err}"
        assert out.split() == ["opened"]
    check_new_store(url, backend)


def test_threads_adding_the_same_service_at_once_get_the_same_service(store_url: str) -> None:
    """Two people add "Riverside CAMHS" at the same instant: one service, no error."""
    url = store_url
    Store(url).close()
    results: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def add() -> None:
        store = Store(url)
        try:
            start.wait()
            results.append(store.create_service("Riverside CAMHS", "2017.1").id)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=add) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1 and len(results) == 8
