"""Real rendering for documents people keep: plotly figures as static SVG images (kaleido),
and HTML pages printed to PDF by headless Chromium.

Both use Debian's `chromium`, which `make serve` and `make test` install. Where it is
missing, `RenderError` says so in plain words; HTML reports still work without it.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from course.devserver import CHROMIUM_ARGS, chromium_path  # one place for Chromium's settings

PDF_TIMEOUT = 120  # seconds for Chromium to print one document
NO_CHROMIUM = (
    "PDF files and chart images need Debian's chromium, which is not installed on this machine. "
    "Run `make serve` (it installs it), or `apt-get install chromium`; the HTML report works without it."
)

_kaleido_lock = threading.Lock()


class RenderError(RuntimeError):
    """A document could not be rendered; the message says why, for a person."""


def _require_chromium() -> str:
    path = chromium_path()
    if path is None:
        raise RenderError(NO_CHROMIUM)
    return path


def figures_svg(figures: Sequence[dict]) -> list[str]:
    """Each plotly figure (as a dict) rendered by plotly.js in Chromium, through kaleido, as SVG.

    One browser serves all the figures of a call (the first costs about 2.5 s, each further
    one about 0.2 s).
    """
    if not figures:
        return []
    os.environ.setdefault("BROWSER_PATH", _require_chromium())
    import kaleido

    with _kaleido_lock:
        kaleido.start_sync_server(silence_warnings=True)
        try:
            rendered = [kaleido.calc_fig_sync(figure, opts={"format": "svg"}) for figure in figures]
        except Exception as exc:  # kaleido's own errors carry no personal data, only plotly's
            raise RenderError(f"A chart could not be drawn: {exc}") from exc
        finally:
            kaleido.stop_sync_server(silence_warnings=True)
    return [svg.decode("utf-8") if isinstance(svg, bytes) else str(svg) for svg in rendered]


def figure_svg(figure: dict) -> str:
    """One plotly figure as SVG text (see `figures_svg`)."""
    return figures_svg([figure])[0]


@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="online-lives-render-") as folder:
        yield Path(folder)


def html_to_pdf(html: str) -> bytes:
    """Print a self-contained HTML document to PDF with headless Chromium; returns the PDF's bytes.

    The page is loaded from a private temporary folder, with the network left off, so the
    document must carry its images inline (data: URIs or inline SVG). Page size and margins
    come from the document's own `@page` CSS.
    """
    chromium = _require_chromium()
    with _scratch() as folder:
        source = folder / "document.html"
        target = folder / "document.pdf"
        source.write_text(html, encoding="utf-8")
        command = [
            chromium,
            "--headless",
            *CHROMIUM_ARGS,
            f"--user-data-dir={folder / 'profile'}",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            result = subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise RenderError(f"Chromium took more than {PDF_TIMEOUT} s to print the PDF.") from None
        if not target.exists() or target.stat().st_size == 0:
            detail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            raise RenderError(f"Chromium could not print the PDF (exit {result.returncode}: {detail[0]}).")
        data = target.read_bytes()
    if not data.startswith(b"%PDF"):
        raise RenderError("Chromium wrote something that is not a PDF.")
    return data
