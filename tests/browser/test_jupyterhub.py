"""The JupyterHub configuration, for real: JupyterHub from PyPI and configurable-http-proxy
from the npm registry on loopback, two users logging in through the hub's own page, each
reaching the course home in Voila, both joining one workshop, and the trainer's dashboard
counting them both."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import HERE, open_course_page, screenshot

from course import devserver
from course.store import Store
from course.workshops import create_workshop, summary

PROJECT = HERE.parent.parent
CHP = HERE / "node_modules" / ".bin" / "configurable-http-proxy"
USERS = ("alice", "bob")
HUB_TIMEOUT = 180_000  # ms: the hub starts each user's server on first login


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[dict]:
    if not CHP.exists():
        pytest.fail("configurable-http-proxy is missing: run `make test`, which installs it from the npm registry.")
    port = devserver.free_port()
    password = secrets.token_urlsafe(12)
    env = devserver.isolated_env(tmp_path)
    env.update(
        ONLINE_LIVES_HUB_AUTH="dummy",
        ONLINE_LIVES_HUB_PASSWORD=password,
        ONLINE_LIVES_HUB_USERS=",".join(USERS),
        ONLINE_LIVES_HUB_SPAWNER="simple",
        ONLINE_LIVES_HUB_PORT=str(port),
        ONLINE_LIVES_HUB_STATE=str(tmp_path / "hub"),
        ONLINE_LIVES_CHP=str(CHP),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    log_path = tmp_path / "jupyterhub.log"
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "jupyterhub"), "-f", str(PROJECT / "deploy" / "jupyterhub_config.py")],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterHub exited:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/hub/health", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterHub did not start:\n{log_path.read_text()}")
                time.sleep(0.5)
        yield {"base": base, "password": password, "env": env, "log": log_path}
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
        _stop_left_behind(env["ONLINE_LIVES_DATA"])


def _stop_left_behind(data: str) -> None:
    """The hub stops its users' servers when it stops; stop any it could not."""
    import psutil

    for process in psutil.process_iter(["cmdline"]):
        try:
            if "jupyterhub-singleuser" in " ".join(process.info["cmdline"] or ()):
                if process.environ().get("ONLINE_LIVES_DATA") == data:
                    process.kill()
        except psutil.Error:
            continue


def _log_in(browser, hub: dict, user: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{hub['base']}/hub/login", timeout=60_000)
    page.get_by_label("Username").fill(user)
    page.get_by_label("Password").fill(hub["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**/user/{user}/voila/render/modules/home.ipynb**", timeout=HUB_TIMEOUT)
    open_course_page(page, page.url)
    return context, page


def test_two_users_reach_the_course_join_one_workshop_and_the_dashboard_sees_both(browser, hub):
    store = Store(hub["env"]["ONLINE_LIVES_DB"])
    workshop, token = create_workshop(store, "Hub check")
    contexts = []
    try:
        pages = {}
        for user in USERS:
            context, page = _log_in(browser, hub, user)
            contexts.append(context)
            page.get_by_role("heading", name="Online Lives: self-assessment for services").wait_for()
            join = page.locator(".ol-workshop")
            join.get_by_label("Workshop join code").fill(workshop.code)
            join.get_by_role("button", name="Join").click()
            page.get_by_text(f"You are in workshop {workshop.title}").wait_for(timeout=30_000)
            pages[user] = page
        screenshot(pages["bob"], "jupyterhub-home-joined")
        assert summary(store, workshop).joined == 2

        # The trainer (here alice, in another tab) opens the dashboard on her own server.
        dashboard = contexts[0].new_page()
        open_course_page(dashboard, f"{hub['base']}/user/alice/voila/render/modules/workshop-dashboard.ipynb")
        dashboard.get_by_label("Join code").fill(workshop.code)
        dashboard.get_by_label("Trainer token").fill(token)
        dashboard.get_by_role("button", name="Open dashboard").click()
        dashboard.get_by_text("2 joined").wait_for(timeout=30_000)
        screenshot(dashboard, "jupyterhub-dashboard")
    finally:
        for context in contexts:
            context.close()
        store.close()
