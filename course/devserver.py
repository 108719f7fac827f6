"""Start the course's Voila server in a child process, for tests and benchmarks.

It runs the same server as `online-lives serve` (same arguments), on a free port of the
loopback address, with its own store and Jupyter folders so that it touches nothing of
the person's own.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from course import server, settings

# Debian's chromium, driven by Playwright by its path (never `playwright install`, which
# downloads a browser). Background networking off: this machine has no network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """Debian's chromium, if it is installed."""
    import shutil

    found = shutil.which("chromium") or "/usr/bin/chromium"
    return found if Path(found).exists() else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_env(root: Path, db_url: str | None = None) -> dict[str, str]:
    """Environment for a server (and its kernels) confined to `root`."""
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        path = root / name.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    env["ONLINE_LIVES_DATA"] = str(data)
    env["ONLINE_LIVES_DB"] = db_url or f"sqlite:///{data / 'online-lives.sqlite'}"
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("QUERY_STRING", None)
    return env


@dataclass
class CourseServer:
    root: Path
    port: int
    process: subprocess.Popen
    env: dict[str, str]
    log_path: Path
    extra: dict = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def page_url(self, notebook: str, **query: str) -> str:
        from urllib.parse import urlencode

        suffix = f"?{urlencode(query)}" if query else ""
        return f"{self.base_url}/voila/render/{notebook}{suffix}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def kernel_processes(server: CourseServer) -> list:
    """The kernel processes the server has started (psutil.Process objects)."""
    import psutil  # a test dependency: only tests and benchmarks start servers this way

    def is_kernel(p: psutil.Process) -> bool:
        try:
            return "ipykernel_launcher" in " ".join(p.cmdline())
        except psutil.Error:  # it ended (or is a zombie) since children() listed it
            return False

    children = psutil.Process(server.process.pid).children(recursive=True)
    return [p for p in children if is_kernel(p)]


def _wait_for_quiet_kernels(server: CourseServer, expected: int, deadline: float) -> None:
    """Voila reports a pool "filled" when its kernels start, not when they have run their
    notebooks. Wait until the pool kernels have all gone quiet (under 0.05 CPU-s in 1 s)."""
    import psutil

    while time.monotonic() < deadline:
        kernels = kernel_processes(server)
        try:
            before = sum(sum(k.cpu_times()[:2]) for k in kernels)
            time.sleep(1.0)
            after = sum(sum(k.cpu_times()[:2]) for k in kernels)
        except psutil.Error:
            continue
        if len(kernels) >= expected and after - before < 0.05:
            return
    raise TimeoutError(f"the course server's kernels did not settle:\n{server.log()}")


def start(
    root: Path,
    pool_size: int = 1,
    db_url: str | None = None,
    port: int | None = None,
    modules_dir: Path | None = None,
    timeout: float = 120.0,
    wait_for_pools: bool = True,
    home_pool: int = 0,
) -> CourseServer:
    """Start a server and wait until it answers (and, with preheating, its pools are full)."""
    root.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    env = isolated_env(root, db_url)
    args = server.voila_arguments(port=port, pool_size=pool_size, modules_dir=modules_dir, home_pool=home_pool)
    log_path = root / "server.log"
    log = log_path.open("w", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "course.server", *args],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    running = CourseServer(root, port, process, env, log_path)
    deadline = time.monotonic() + timeout
    expected_pools = 0
    if pool_size > 0 and wait_for_pools:
        expected_pools = len(list((modules_dir or settings.MODULES_DIR).glob("*.ipynb")))
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the course server exited early:\n{running.log()}")
        try:
            with urllib.request.urlopen(f"{running.base_url}/voila/tree", timeout=2):  # noqa: S310
                pass
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
            continue
        if running.log().count("is filled with") >= expected_pools:
            if expected_pools:
                _wait_for_quiet_kernels(running, expected_pools, deadline)
            return running
        time.sleep(0.3)
    running.stop()
    raise TimeoutError(f"the course server did not start within {timeout:.0f} s:\n{running.log()}")


@dataclass
class FormgraderServer(CourseServer):
    """JupyterLab with nbgrader's formgrader, started by `online-lives grade formgrader`."""

    token: str = ""

    def url(self, path: str = "/lab") -> str:
        return f"{self.base_url}{path}?token={self.token}"


def start_formgrader(course_dir: Path, root: Path, timeout: float = 90.0) -> FormgraderServer:
    """Run the assessor's command `online-lives grade --course-dir <course_dir> formgrader` on a
    free port, with a known login token and Jupyter folders under `root`; wait until the
    formgrader answers."""
    import secrets

    from grading.build import nbgrader_env

    root.mkdir(parents=True, exist_ok=True)
    port = free_port()
    token = secrets.token_hex(16)
    env = {**isolated_env(root), "PATH": nbgrader_env()["PATH"], "JUPYTER_TOKEN": token}
    # No network here: JupyterLab must not ask about fetching its news (a pop-up over the page).
    news = Path(env["JUPYTER_CONFIG_DIR"]) / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True, exist_ok=True)
    (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}\n', encoding="utf-8")
    log_path = root / "formgrader.log"
    log = log_path.open("w", encoding="utf-8")
    command = [sys.executable, "-m", "course.cli", "grade", "--course-dir", str(course_dir)]
    process = subprocess.Popen(
        [*command, "formgrader", "--port", str(port), "--ip", "127.0.0.1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    running = FormgraderServer(root, port, process, env, log_path, token=token)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the formgrader exited early:\n{running.log()}")
        try:
            with urllib.request.urlopen(running.url("/formgrader/gradebook"), timeout=2):  # noqa: S310
                return running
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    running.stop()
    raise TimeoutError(f"the formgrader did not start within {timeout:.0f} s:\n{running.log()}")
