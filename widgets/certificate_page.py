"""The certificate page: what a learner has done towards the course certificate, what is
still to do (with links to those pages), and the certificate as a PDF once every
requirement is met (`course.certificates`).

The learner id comes from the hub, or from the address (`?learner=`), or is typed here. The
name for the certificate is typed here each time and never stored.
"""

from __future__ import annotations

from datetime import date

import ipywidgets as ipw

from course import certificates
from course.certificates import Eligibility, Requirement
from course.learners import clean_learner_id, requested_learner
from course.lessons import course
from course.store import Service
from widgets.common import (
    CERTIFICATE_PAGE,
    download_link,
    esc,
    nav_html,
    page_link,
    request_query,
    resolve_service,
    store,
    style,
)

PDF_MIME = "application/pdf"
MAX_PARTICIPANT = 64
KINDS = (
    ("module", "Modules marked complete"),
    ("quiz", "Four Cs quizzes passed"),
    ("case", "Case studies graded and passed"),
)


def _status(requirement: Requirement) -> str:
    """Met or not, in a symbol and in words (never colour alone)."""
    if requirement.met:
        return '<span class="ol-met"><span aria-hidden="true">&#10003;</span> Met</span>'
    return '<span class="ol-not-met"><span aria-hidden="true">&#10007;</span> Not yet</span>'


def checklist_html(result: Eligibility, link) -> str:  # type: ignore[no-untyped-def]
    """Every requirement in a table per kind: what it is, met or not, and why. `link` gives
    the address of the page where a requirement is done."""
    parts = []
    for kind, caption in KINDS:
        rows = result.of_kind(kind)
        if not rows:
            continue
        met = sum(1 for r in rows if r.met)
        body = "".join(
            f'<tr class="{"ol-row-met" if r.met else "ol-row-not-met"}" data-requirement="{esc(r.kind)}:{esc(r.key)}">'
            f'<th scope="row"><a href="{esc(link(r))}">{esc(r.title)}</a></th>'
            f"<td>{_status(r)}</td><td>{esc(r.reason)}</td></tr>"
            for r in rows
        )
        parts.append(
            f'<table class="ol-table ol-checklist ol-checklist-{kind}"><caption class="ol-status">'
            f"<strong>{esc(caption)}: {met} of {len(rows)}</strong></caption>"
            '<thead><tr><th scope="col">Requirement</th><th scope="col">Done?</th>'
            f'<th scope="col">Details</th></tr></thead><tbody>{body}</tbody></table>'
        )
    return "".join(parts)


def todo_html(result: Eligibility, link) -> str:  # type: ignore[no-untyped-def]
    """What is still to do, as links, or that everything is done."""
    missing = result.missing
    if not missing:
        return (
            '<div class="ol-ok ol-eligible" role="status"><p><strong>&#10003; Every requirement is met.</strong> '
            "Type your name below and download your certificate.</p></div>"
        )
    items = "".join(f'<li><a href="{esc(link(r))}">{esc(r.title)}</a>: {esc(r.reason)}</li>' for r in missing)
    noun = "requirement is" if len(missing) == 1 else "requirements are"
    return (
        f'<div class="ol-flag ol-not-eligible" role="status"><p><strong>Not yet: {len(missing)} {noun} '
        f"still to do.</strong> The download stays switched off until they are all met.</p>"
        f'<ul class="ol-todo">{items}</ul></div>'
    )


class CertificatePage(ipw.VBox):
    """The certificate page. Build it, display it, then call `start()`."""

    def __init__(self) -> None:
        # nbgrader's gradebook API (about 1 CPU-second to import) is loaded while the kernel is
        # preheated, not while a learner waits for the page.
        import nbgrader.api  # noqa: F401

        import grading.pipeline  # noqa: F401

        self.service: Service | None = None
        self.participant: str | None = None
        self.learner: str | None = None
        self.result: Eligibility | None = None
        plan = course()
        rules = plan.certificate
        self._nav = ipw.HTML(nav_html(None, CERTIFICATE_PAGE))
        self._learner_box = ipw.Text(
            description="Your learner id",
            placeholder="The id your course organiser gave you",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=ipw.Layout(width="32rem"),
        )
        self._use = ipw.Button(description="Use this learner id")
        self._check = ipw.Button(description="Check again", tooltip="Read your progress and grades again")
        self._learner_message = ipw.HTML()
        self._todo = ipw.HTML()
        self._checklist = ipw.HTML()
        self._name = ipw.Text(
            description="Your name as it should appear on the certificate",
            placeholder="For example: Sam Taylor",
            continuous_update=True,
            style={"description_width": "initial"},
            layout=ipw.Layout(width="40rem"),
        )
        self._download = ipw.Button(
            description="Download certificate (PDF)",
            button_style="primary",
            disabled=True,
            layout=ipw.Layout(width="18rem"),
        )
        self._result = ipw.HTML()
        self._learner_box.observe(lambda change: self._apply(change["new"]), names="value")
        self._use.on_click(lambda _b: self._apply(self._learner_box.value))
        self._check.on_click(lambda _b: self.refresh())
        self._download.on_click(self._on_download)
        super().__init__(
            [
                style(),
                ipw.HTML(CERTIFICATE_CSS),
                self._nav,
                ipw.HTML(
                    f"<h1>Your course certificate</h1><p>The {esc(plan.title)} certificate is for a learner who "
                    "has:</p><ul>"
                    f"<li>marked all {len(plan.modules)} modules of the course complete, at the end of each "
                    "module's page;</li>"
                    "<li>finished a round of the four Cs quiz page, and of each section's four Cs questions, "
                    f"with a score of at least {rules.quiz_pass_mark * 100:.0f}% (your best round counts);</li>"
                    "<li>submitted every case study, marked by an assessor at "
                    f"{rules.case_pass_mark * 100:.0f}% of its points or more.</li></ul>"
                    "<h2>Who you are</h2>"
                ),
                ipw.HBox([self._learner_box, self._use, self._check]),
                self._learner_message,
                ipw.HTML("<h2>Where you are</h2>"),
                self._todo,
                self._checklist,
                ipw.HTML(
                    "<h2>Your certificate</h2><p>Your name is used only to print the certificate: it is not "
                    "kept anywhere.</p>"
                ),
                self._name,
                self._download,
                self._result,
            ]
        )
        self.add_class("ol-page")
        self.add_class("ol-certificate-page")
        self.refresh()

    def start(self) -> None:
        query = request_query()
        self.service = resolve_service(query)
        participant = query.get("participant")
        self.participant = participant if participant and len(participant) <= MAX_PARTICIPANT else None
        raw, fixed = requested_learner(query)
        self._learner_box.disabled = self._use.disabled = fixed
        if raw is not None:
            self._learner_box.value = raw  # fires _apply when it changes
            self._apply(raw)
        else:
            self.refresh()

    # --- the learner ---------------------------------------------------------------------------

    def _apply(self, raw: object) -> None:
        try:
            learner = clean_learner_id(raw)
        except ValueError as exc:
            self.learner = None
            self._learner_message.value = f'<p class="ol-error" role="alert">{esc(exc)}</p>'
            self.refresh()
            return
        self._learner_message.value = ""
        if learner != self.learner:
            self.learner = learner
            self._result.value = ""
        self.refresh()

    def _link(self, requirement: Requirement) -> str:
        case = {"case": requirement.key} if requirement.kind == "case" else {}
        anchor = "#module-complete" if requirement.kind == "module" else ""
        return page_link(requirement.page, self.service, self.participant, self.learner, **case) + anchor

    # --- eligibility -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the learner's completions, quiz rounds and grades again."""
        self._nav.value = nav_html(self.service, CERTIFICATE_PAGE, self.participant, self.learner)
        if self.learner is None:
            self.result = None
            self._todo.value = (
                '<p class="ol-flag ol-learner-needed"><strong>Enter your learner id</strong> to see what you have '
                "done and what is still to do.</p>"
            )
            self._checklist.value = ""
            self._download.disabled = True
            return
        try:
            self.result = certificates.eligibility(store(), self.learner)
        except Exception:  # the person sees a plain message, never a traceback
            self.result = None
            self._todo.value = (
                '<p class="ol-error" role="alert"><strong>Your progress could not be read.</strong> Try '
                "“Check again” in a minute, and tell your course organiser if it keeps happening.</p>"
            )
            self._checklist.value = ""
            self._download.disabled = True
            return
        self._todo.value = todo_html(self.result, self._link)
        self._checklist.value = checklist_html(self.result, self._link)
        self._download.disabled = not self.result.eligible

    # --- the PDF ---------------------------------------------------------------------------------

    def _on_download(self, _button: ipw.Button) -> None:
        if self.learner is None:
            return
        self.refresh()  # grades may have changed since the page was opened
        result = self.result
        if result is None or not result.eligible:
            self._result.value = (
                '<p class="ol-error" role="alert"><strong>No certificate yet.</strong> Some requirements are '
                "not met: see the list above.</p>"
            )
            return
        try:
            name = certificates.clean_name(self._name.value)
        except ValueError as exc:
            self._result.value = f'<p class="ol-error" role="alert">{esc(exc)}</p>'
            return
        self._download.disabled = True
        self._result.value = '<p class="ol-status" role="status">Preparing your certificate…</p>'
        today = date.today()
        try:
            pdf = certificates.certificate_pdf(name, self.learner, result, today)
        except ValueError as exc:
            self._result.value = f'<p class="ol-error" role="alert">{esc(exc)}</p>'
            return
        except Exception as exc:  # RenderError says why in plain words; anything else gets a plain message
            from course.render import RenderError

            why = str(exc) if isinstance(exc, RenderError) else "Something went wrong on the server."
            self._result.value = (
                f'<p class="ol-error" role="alert"><strong>The certificate could not be made.</strong> '
                f"{esc(why)} Try again, and tell your course organiser if it keeps happening.</p>"
            )
            return
        finally:
            self._download.disabled = not (self.result is not None and self.result.eligible)
        link = download_link(
            pdf, certificates.certificate_filename(self.learner, today), PDF_MIME, "Save your certificate (PDF)"
        )
        self._result.value = (
            f'<div class="ol-ok ol-certificate-ready" role="status"><p><strong>Your certificate is ready.</strong> '
            f"It is dated {esc(certificates.long_date(today))}.</p><p>{link}</p></div>"
        )


CERTIFICATE_CSS = """
<style>
.ol-met { font-weight: bold; color: #00703c; white-space: nowrap; }
.ol-not-met { font-weight: bold; color: #942514; white-space: nowrap; }
.ol-todo { margin: 0.25rem 0 0.5rem; }
</style>
"""
