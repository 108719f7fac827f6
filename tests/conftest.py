"""Fixtures shared by every test folder."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from course.store import Store
from widgets import common

PG_MISSING = "PostgreSQL is not installed: run `make test`, which installs PostgreSQL."


@pytest.fixture
def page_store(tmp_path, monkeypatch) -> Iterator[Store]:  # type: ignore[no-untyped-def]
    """The store the page widgets use in this process, on a fresh SQLite file."""
    monkeypatch.setenv("ONLINE_LIVES_DATA", str(tmp_path))
    monkeypatch.setenv("ONLINE_LIVES_DB", f"sqlite:///{tmp_path / 'pages.sqlite'}")
    monkeypatch.delenv("QUERY_STRING", raising=False)
    common.store.cache_clear()
    yield common.store()
    common.store().close()
    common.store.cache_clear()


# --- a throwaway PostgreSQL cluster ---------------------------------------------------------


def postgres_bin_dir() -> Path | None:
    """Debian's PostgreSQL binaries (/usr/lib/postgresql/<version>/bin), the newest version."""
    found = [Path(p).parent for p in glob.glob("/usr/lib/postgresql/*/bin/initdb")]
    if not found:
        return None
    return max(found, key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresCluster:
    """A cluster in a temporary folder, on 127.0.0.1 only, run as the `postgres` user if we are root.

    PostgreSQL refuses to run as root; `runuser -u postgres --` runs its programs as the
    `postgres` account Debian's package creates, which then owns the folder.
    """

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.as_root = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="online-lives-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self.running = False
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")

    def run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=self.root)
        if check and result.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"{program} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}\n{log}")
        return result

    def init(self) -> None:
        self.run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"
        )
        # Throwaway data: durability settings off for speed; sockets only in our own folder.
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                "\nlisten_addresses = '127.0.0.1'\n"
                f"port = {self.port}\n"
                f"unix_socket_directories = '{self.root}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "max_connections = 200\n"
            )

    def start(self) -> None:
        self.run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "60")
        self.running = False

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres").replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(sql)

    def create_database(self) -> str:
        """A new, empty database; returns its SQLAlchemy URL."""
        name = f"t_{uuid.uuid4().hex[:16]}"
        self.admin(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """A PostgreSQL cluster for the whole session, started on first use and stopped at the end."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        pytest.fail(PG_MISSING)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.fail("The PostgreSQL driver psycopg is missing: run `make test`, which installs it.")
    cluster = PostgresCluster(bin_dir)
    started = time.monotonic()
    try:
        cluster.init()
        cluster.start()
    except BaseException:
        cluster.remove()
        raise
    cluster.start_seconds = time.monotonic() - started  # type: ignore[attr-defined]
    try:
        yield cluster
    finally:
        if cluster.running:
            cluster.stop()
        cluster.remove()


@pytest.fixture
def postgres_database(postgres: PostgresCluster) -> Iterator[str]:
    """A fresh, empty database in the session's cluster, dropped after the test."""
    url = postgres.create_database()
    yield url
    if not postgres.running:  # a test stopped it and failed before starting it again
        postgres.start()
    postgres.drop_database(url)
