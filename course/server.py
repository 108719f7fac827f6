"""Serving the course with Voila.

`online-lives serve` runs Voila on the `modules/` folder with the settings this course
needs (see `voila_arguments`). The site root redirects to the course home.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from course import settings

HOME_NOTEBOOK = "home.ipynb"
DEFAULT_PORT = 8866
DEFAULT_IP = "127.0.0.1"
# Voila's front end loads every installed JupyterLab extension; these two break its pages.
EXTENSION_DENYLIST = ("@jupyter/nbgrader", "@jupyter-notebook/lab-extension")


def home_url(ip: str = DEFAULT_IP, port: int = DEFAULT_PORT) -> str:
    return f"http://{ip}:{port}/voila/render/{HOME_NOTEBOOK}"


def voila_arguments(
    port: int = DEFAULT_PORT,
    ip: str = DEFAULT_IP,
    pool_size: int = 1,
    cull_idle_seconds: int = 600,
    modules_dir: Path | None = None,
    home_pool: int = 0,
) -> list[str]:
    """The Voila command line for the course.

    - preheated kernels (`pool_size` per page, `home_pool` for the course home if larger;
      0 turns preheating off), so that a page's
      HTML is ready before anyone asks for it;
    - idle-kernel culling, because Voila 0.5 never shuts a kernel down when a tab closes
      (its shutdown request fails the xsrf check, voila issue 1458);
    - the nbgrader and notebook front-end extensions left out of the pages;
    - tracebacks hidden from the people using the pages;
    - a generous wait for each cell's output, so a busy machine never drops a page's widgets.
    """
    args = [
        str(modules_dir or settings.MODULES_DIR),
        "--no-browser",
        f"--port={port}",
        f"--Voila.ip={ip}",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_seconds}",
        "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_connected=False",
        # nbclient waits only 4 s for a cell's output after the kernel says it has run it,
        # then logs "Timeout waiting for IOPub output" and goes on WITHOUT the output: on a
        # busy machine a preheated page then comes up blank. Wait up to a minute instead.
        "--VoilaExecutor.iopub_timeout=60",
    ]
    if pool_size > 0:
        # Refill a used pool 5 s later rather than Voila's 1 s, so that the new kernel does
        # not compete for the CPU with the page that has just been opened.
        args += ["--preheat_kernel=True", f"--pool_size={pool_size}", "--VoilaKernelManager.fill_delay=5"]
        if home_pool > pool_size:
            # A workshop's room arrives at the course home together: keep that many kernels
            # ready for it alone (about 110 MB each), and the usual pool for every other page.
            pools = {"default": {"pool_size": pool_size}, HOME_NOTEBOOK: {"pool_size": home_pool}}
            args.append(f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}")
    for extension in EXTENSION_DENYLIST:
        args.append(f"--VoilaConfiguration.extension_denylist={extension}")
    return args


def prepare_environment() -> dict[str, str]:
    """Resolve the data folder, store URL and grading folder once, so every kernel uses the
    same ones whatever its working directory."""
    os.environ["ONLINE_LIVES_DATA"] = str(settings.data_dir())
    os.environ["ONLINE_LIVES_DB"] = settings.database_url()
    os.environ["ONLINE_LIVES_GRADING"] = str(settings.grading_dir())
    return {k: os.environ[k] for k in ("ONLINE_LIVES_DATA", "ONLINE_LIVES_DB", "ONLINE_LIVES_GRADING")}


def run(argv: list[str]) -> None:
    """Start Voila in this process with `argv` (as built by `voila_arguments`)."""
    from jupyter_server.utils import url_path_join
    from tornado.web import RedirectHandler
    from voila.app import Voila

    class CourseVoila(Voila):  # type: ignore[misc]
        def init_handlers(self) -> list:
            home = url_path_join(self.server_url, "voila/render", HOME_NOTEBOOK)
            return [(self.server_url, RedirectHandler, {"url": home}), *super().init_handlers()]

    CourseVoila.launch_instance(argv=argv)


if __name__ == "__main__":  # `python -m course.server ARGS`, used by tests and benchmarks
    prepare_environment()
    run(sys.argv[1:])
