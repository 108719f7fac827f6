"""`online-lives serve`: the command the README gives, with the settings the course needs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest

from course import devserver, server, settings


def test_voila_arguments_carry_the_course_settings():
    args = server.voila_arguments(port=9999, pool_size=2)
    assert args[0] == str(settings.MODULES_DIR)
    assert "--port=9999" in args
    assert "--Voila.ip=127.0.0.1" in args
    assert "--preheat_kernel=True" in args and "--pool_size=2" in args
    assert "--VoilaConfiguration.show_tracebacks=False" in args
    assert any(a.startswith("--MappingKernelManager.cull_idle_timeout=") for a in args)
    for extension in ("@jupyter/nbgrader", "@jupyter-notebook/lab-extension"):
        assert f"--VoilaConfiguration.extension_denylist={extension}" in args
    assert "--preheat_kernel=True" not in server.voila_arguments(pool_size=0)


def test_a_workshop_room_can_have_home_page_kernels_kept_ready():
    import json

    assert not any("kernel_pools_config" in a for a in server.voila_arguments(pool_size=1))
    args = server.voila_arguments(pool_size=1, home_pool=30)
    pools = next(a for a in args if a.startswith("--VoilaKernelManager.kernel_pools_config="))
    assert json.loads(pools.split("=", 1)[1]) == {"default": {"pool_size": 1}, "home.ipynb": {"pool_size": 30}}
    assert not any("kernel_pools_config" in a for a in server.voila_arguments(pool_size=0, home_pool=30))


def test_runtime_dependencies_are_pinned():
    project = tomllib.loads((settings.PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    deps = project["dependencies"]
    assert all("==" in d for d in deps), deps
    names = {d.split("==")[0].lower() for d in deps}
    assert {"voila", "ipywidgets", "plotly", "anywidget", "sqlalchemy"} <= names


def test_default_data_folder_and_store(monkeypatch, tmp_path):
    monkeypatch.delenv("ONLINE_LIVES_DATA", raising=False)
    monkeypatch.delenv("ONLINE_LIVES_DB", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = tmp_path / ".local" / "share" / "online-lives"
    assert settings.data_dir() == expected
    assert settings.database_url() == f"sqlite:///{expected / 'online-lives.sqlite'}"
    monkeypatch.setenv("ONLINE_LIVES_DATA", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("ONLINE_LIVES_DB", "postgresql://user@localhost/online_lives")
    assert settings.data_dir() == tmp_path / "elsewhere"
    assert settings.database_url() == "postgresql://user@localhost/online_lives"


@pytest.mark.slow
def test_serve_prints_the_home_url_and_serves_it(tmp_path):
    port = devserver.free_port()
    env = devserver.isolated_env(tmp_path)
    env.pop("ONLINE_LIVES_DB")  # the default store, in the data folder
    cli = Path(sys.executable).parent / "online-lives"
    process = subprocess.Popen(
        [str(cli), "serve", "--port", str(port), "--pool-size", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        first = process.stdout.readline()
        home = f"http://127.0.0.1:{port}/voila/render/home.ipynb"
        # A new data folder: the case studies' nbgrader releases are made first.
        assert first.startswith("Preparing the case-study exercises with nbgrader")
        assert process.stdout.readline().strip() == f"Online Lives course home: {home}"
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as response:
                    assert response.url == home  # / redirects to the course home
                    assert "Online Lives" in response.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        assert (Path(env["ONLINE_LIVES_DATA"]) / "online-lives.sqlite").exists()
        grading = Path(env["ONLINE_LIVES_DATA"]) / "grading"
        assert (grading / "release" / "case-1-shared-images" / "case-1-shared-images.ipynb").is_file()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
