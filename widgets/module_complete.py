"""The end of every module page: who the learner is, and "Mark this module as complete".

The learner id is the one the case studies use (`course.learners`): the JupyterHub user
under JupyterHub (read-only), otherwise typed once and carried from page to page in the
address (`?learner=`). Marking a module complete is saved at once in the store
(`course.certificates.mark_complete`), shows "Completed on <date>", and can be undone.
Completions count towards the course certificate (`certificate.ipynb`).
"""

from __future__ import annotations

import ipywidgets as ipw
import traitlets

from course import certificates
from course.learners import clean_learner_id, requested_learner
from course.lessons import course
from widgets.common import CERTIFICATE_PAGE, esc, store

MARK = "Mark this module as complete"
UNDO = "Undo: mark this module as not complete"


class ModuleComplete(ipw.VBox):
    """A learner id box and a button that marks one module of the course plan complete.

    `learner` is the usable learner id ("" when there is none): pages observe it to carry the
    id in their links. It is a plain trait, not synced with the browser."""

    learner = traitlets.Unicode("")

    def __init__(self, module_id: str) -> None:
        self.module = course().module(module_id)
        self.completed_at: str | None = None
        self._fixed = False
        self._learner_box = ipw.Text(
            description="Your learner id",
            placeholder="The id your course organiser gave you",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=ipw.Layout(width="32rem"),
        )
        self._use = ipw.Button(description="Use this learner id", tooltip="Keep your progress under this learner id")
        self._learner_message = ipw.HTML()
        self._button = ipw.Button(
            description=MARK,
            tooltip=f"Record that you have finished {self.module.title}",
            layout=ipw.Layout(width="24rem"),
        )
        self._button.add_class("ol-module-complete-button")
        self._status = ipw.HTML()
        self._learner_box.observe(self._on_learner_box, names="value")
        self._use.on_click(lambda _b: self._apply(self._learner_box.value))
        self._button.on_click(self._on_button)
        self._intro = ipw.HTML(
            f'<h2 id="module-complete">Finished this module?</h2><p>When you have worked through '
            f"{esc(self.module.title)}, mark it complete. Your marks are kept under your learner id "
            "and count towards the course certificate. Your id travels with you to the next page, so "
            "you type it once.</p>"
        )
        self._learner_row = ipw.HBox([self._learner_box, self._use])
        super().__init__([self._intro, self._learner_row, self._learner_message, self._button, self._status])
        self.add_class("ol-module-complete")
        self._render()

    # --- the learner ---------------------------------------------------------------------------

    def start(self, query: dict[str, str]) -> None:
        """Take the learner from the hub, or from the page address (after `request_query()`)."""
        raw, fixed = requested_learner(query)
        if raw is not None:
            self.use_learner(raw, fixed=fixed)

    def use_learner(self, raw: str, fixed: bool = False) -> None:
        """Fill in the learner id and use it; `fixed` (a hub gave it) makes it read-only."""
        self._fixed = fixed
        self._learner_box.disabled = fixed
        self._use.disabled = fixed
        self._learner_box.value = raw  # fires _on_learner_box when it changes
        self._apply(raw)

    def ask_for_learner(self, ask: bool) -> None:
        """Show the learner id box, or leave it out when another box on the page asks for the
        id (the case exercise) and this one `follow`s it."""
        shown = [self._learner_row, self._learner_message] if ask else []
        self.children = [self._intro, *shown, self._button, self._status]

    def follow(self, learner: str | None) -> None:
        """Use a learner id that the page has already checked (or none)."""
        self._learner_message.value = ""
        self.learner = learner or ""
        self.refresh()

    def _on_learner_box(self, change: dict) -> None:
        self._apply(change["new"])

    def _apply(self, raw: object) -> None:
        try:
            learner = clean_learner_id(raw)
        except ValueError as exc:
            self.learner = ""
            self._learner_message.value = f'<p class="ol-error" role="alert">{esc(exc)}</p>'
            self.refresh()
            return
        self._learner_message.value = ""
        self.learner = learner
        self.refresh()

    # --- completion ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read this learner's mark on the module from the store."""
        self.completed_at = (
            certificates.completions(store(), self.learner).get(self.module.id) if self.learner else None
        )
        self._render()

    def _on_button(self, _button: ipw.Button) -> None:
        if not self.learner:
            return
        try:
            if self.completed_at:
                certificates.mark_incomplete(store(), self.learner, self.module.id)
                self.completed_at = None
                done = "Marked as not complete."
            else:
                self.completed_at = certificates.mark_complete(store(), self.learner, self.module.id)
                done = ""
        except Exception:  # the person sees a plain message, never a traceback
            self._status.value = (
                '<p class="ol-error" role="alert"><strong>Not saved.</strong> The course could not reach its '
                "store. Try again in a minute, and tell your course organiser if it keeps happening.</p>"
            )
            return
        self._render(done)

    def _render(self, note: str = "") -> None:
        learner = self.learner
        self._button.disabled = not learner
        self._button.description = UNDO if self.completed_at else MARK
        self._button.button_style = "" if self.completed_at else "primary"
        if not learner:
            self._status.value = (
                '<p class="ol-flag ol-learner-needed"><strong>Enter your learner id</strong> to mark this '
                "module complete.</p>"
            )
        elif self.completed_at:
            self._status.value = (
                f'<p class="ol-ok ol-completed" role="status"><strong>&#10003; Completed on '
                f"{esc(certificates.completed_on(self.completed_at))}</strong> (learner {esc(learner)}). "
                f'See what is left for your certificate on the <a href="{esc(self._certificate_link())}">'
                "certificate page</a>.</p>"
            )
        else:
            self._status.value = (
                f'<p class="ol-status ol-not-completed" role="status">{esc(note)} Not marked complete yet '
                f"(learner {esc(learner)}).</p>"
            )

    def _certificate_link(self) -> str:
        from urllib.parse import urlencode

        return f"{CERTIFICATE_PAGE}?{urlencode({'learner': self.learner})}"
