"""The report for the board, on the profile page: an "anonymise" choice and two buttons that
make the report (course/report.py) as PDF or HTML and offer it as a download link."""

from __future__ import annotations

import threading

import ipywidgets as ipw

from course.render import RenderError
from course.report import FORMATS, make_report
from course.store import Service, StoreError
from widgets.common import course_planner, download_link, esc, store

ANONYMISE_LABEL = "Anonymise: remove probable personal data"
MAKING = "Making the report\u2026 (a PDF takes about ten seconds)"


def status_html(message: str, css: str = "ol-status") -> str:
    return f'<p class="{css}" role="status">{message}</p>'


class ReportPanel(ipw.VBox):
    """Heading, the anonymise checkbox, "Make PDF report" and "Make HTML report", and a
    status line that says what is happening, then holds the download link or the error.
    `show(service)` says which service the report is for (None disables the buttons)."""

    def __init__(self) -> None:
        self.service: Service | None = None
        self.pending: threading.Thread | None = None  # the report being made, if any
        self._intro = ipw.HTML(
            "<h2>Report for your board</h2><p>A printable report of this self-assessment: a summary, the "
            "chart of self-assessment, QA check and area median, every section's scores with evidence, QA "
            "and flags, and the action plan. It holds what was typed as evidence and notes: tick "
            "\u201cAnonymise\u201d for a copy to share beyond the service.</p>"
        )
        self.anonymise = ipw.Checkbox(
            value=False, description=ANONYMISE_LABEL, indent=False, layout=ipw.Layout(width="auto")
        )
        self.make_pdf = ipw.Button(description="Make PDF report", button_style="primary")
        self.make_pdf.layout.width = "auto"
        self.make_html = ipw.Button(description="Make HTML report")
        self.make_html.layout.width = "auto"
        self.make_pdf.on_click(lambda _b: self.make("pdf"))
        self.make_html.on_click(lambda _b: self.make("html"))
        self.status = ipw.HTML(status_html(""))
        super().__init__([self._intro, self.anonymise, ipw.HBox([self.make_pdf, self.make_html]), self.status])
        self.add_class("ol-report-panel")
        self.show(None)

    def show(self, service: Service | None) -> None:
        """The service the report is for; a new service clears any earlier link."""
        if service != self.service:
            self.status.value = status_html("")
        self.service = service
        self.make_pdf.disabled = self.make_html.disabled = service is None
        if service is None:
            self.status.value = status_html("Choose a service on the course home to make its report.")

    def make(self, fmt: str) -> None:
        """Make the report in `fmt` ("pdf" or "html") and put its download link in the status line.

        The work runs in a thread (`self.pending`), so the page's kernel keeps answering its
        widgets meanwhile (a PDF takes seconds); the buttons stay disabled until it is done."""
        if fmt not in FORMATS:  # only the two buttons call this; anything else is refused plainly
            self.status.value = status_html(f"Unknown report format {esc(fmt)}.", "ol-error")
            return
        service = self.service
        if service is None:
            self.status.value = status_html("Choose a service on the course home first.", "ol-error")
            return
        if self.pending is not None and self.pending.is_alive():
            return  # a click that arrives while a report is being made
        anonymise = self.anonymise.value is True
        self.make_pdf.disabled = self.make_html.disabled = True
        self.status.value = status_html(MAKING)
        self.pending = threading.Thread(target=self._build, args=(service, fmt, anonymise), daemon=True)
        self.pending.start()

    def _build(self, service: Service, fmt: str, anonymise: bool) -> None:
        try:
            data, filename, mime = make_report(store(), course_planner(), service, fmt, anonymise)
        except (RenderError, StoreError) as exc:
            self.status.value = status_html(f"<strong>The report could not be made.</strong> {esc(exc)}", "ol-error")
            return
        except Exception:  # never a traceback (it could quote what people typed) in the page
            self.status.value = status_html(
                "<strong>The report could not be made</strong> because of an unexpected problem. Nothing was "
                "changed; try again, and if it keeps happening, tell whoever runs the course.",
                "ol-error",
            )
            return
        finally:
            self.make_pdf.disabled = self.make_html.disabled = self.service is None
        if service != self.service:  # the page moved to another service meanwhile
            return
        what = ("anonymised " if anonymise else "") + ("PDF" if fmt == "pdf" else "HTML") + " report"
        link = download_link(data if fmt == "pdf" else data.decode("utf-8"), filename, mime, f"Download the {what}")
        self.status.value = (
            f'<div class="ol-ok" role="status"><p>Your {esc(what)} is ready ({len(data) // 1024 + 1} KB). '
            f"{link}</p></div>"
        )
