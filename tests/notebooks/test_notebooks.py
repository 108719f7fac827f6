"""Every page notebook executes headless, and stays thin and output-free in git."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course import settings
from course.content import load_planner
from course.store import Store

NOTEBOOKS = sorted(settings.MODULES_DIR.glob("*.ipynb"))
MAX_CODE_LINES = 6  # import, build, display, start: anything more belongs in widgets/


def test_there_is_a_page_for_home_profile_and_each_section():
    names = {p.name for p in NOTEBOOKS}
    expected = {"home.ipynb", "profile.ipynb", *(s.notebook for s in load_planner().sections)}
    assert expected <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs_and_thin(path: Path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "strip outputs"
    lines = [
        line
        for c in code
        for line in "".join(c["source"]).splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert len(lines) <= MAX_CODE_LINES, f"{path.name} has {len(lines)} lines of code"
    assert nb["metadata"].get("title", "").startswith("Online Lives"), "the page title comes from metadata.title"


@pytest.fixture
def kernel_env(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    db = f"sqlite:///{tmp_path / 'nb.sqlite'}"
    monkeypatch.setenv("ONLINE_LIVES_DATA", str(tmp_path))
    monkeypatch.setenv("ONLINE_LIVES_DB", db)
    store = Store(db)
    service = store.create_service("Notebook Check Service", load_planner().version)
    store.save(service.id, "1.1", score=2, evidence="Audit")
    monkeypatch.setenv("QUERY_STRING", f"service={service.slug}")
    yield store
    store.close()


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executes_headless_without_errors(path: Path, kernel_env):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    views = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == 1, "each page displays exactly one widget: the page"
