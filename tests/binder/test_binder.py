"""Binder can build the course and opens it on the course home."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from course import server, settings

ROOT = settings.PROJECT_ROOT
BINDER = ROOT / "binder"


def test_binder_files_say_what_binder_needs():
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    requirements = [line.strip() for line in (BINDER / "requirements.txt").read_text().splitlines() if line.strip()]
    assert "-e ." in requirements
    config = json.loads((BINDER / "jupyter_server_config.json").read_text())
    voila = config["VoilaConfiguration"]
    assert voila["show_tracebacks"] is False
    assert voila["extension_denylist"] == list(server.EXTENSION_DENYLIST)
    assert config["MappingKernelManager"]["cull_idle_timeout"] > 0


@pytest.mark.slow
def test_repo2docker_accepts_the_configuration():
    repo2docker = shutil.which("jupyter-repo2docker", path=str(Path(sys.executable).parent))
    assert repo2docker, "jupyter-repo2docker is a test dependency"
    result = subprocess.run(
        [repo2docker, "--no-build", "--no-run", "--debug", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "python=3.11" in output
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in output
    assert "./binder/postBuild" in output


def test_readme_launch_url_opens_the_course_home():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"https://mybinder\.org/v2/gh/[^\s)]+", readme)
    assert links, "the README has a Binder launch link"
    for link in links:
        match = re.search(r"urlpath=(?:%2F)?voila(?:%2F|/)render(?:%2F|/)([^&\s)]+)", link)
        assert match, f"{link} does not open Voila"
        path = match.group(1).replace("%2F", "/")
        assert path == f"modules/{server.HOME_NOTEBOOK}"
        assert (ROOT / path).is_file()
