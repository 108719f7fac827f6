"""One planner statement: its 0-4 score, evidence, QA score and QA note."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import ipywidgets as ipw

from course.content import Planner, Statement
from course.privacy import warning_for
from course.rounds import CARRIED_NOTE, QA_CLEARED_NOTE
from course.scoring import MAX_TEXT, Answer, flags_for
from widgets.autosave import Debouncer
from widgets.common import esc

NOT_CHECKED = -1  # the QA dropdown's "not checked yet"; the store keeps None

Saver = Callable[[str, str, object], None]  # (statement_id, field, value)
Confirmer = Callable[[str], None]  # (statement_id): keep a carried-forward answer as it is


class StatementRow(ipw.VBox):
    """Widgets for one statement. Every change is saved through `saver` at once; typing
    is debounced (see `Debouncer`)."""

    def __init__(
        self,
        statement: Statement,
        planner: Planner,
        saver: Saver,
        on_change: Callable[[], None],
        confirmer: Confirmer | None = None,
    ) -> None:
        self.statement = statement
        self._confirmer = confirmer
        self._carried_from: int | None = None  # the round a carried-forward answer came from
        self._saver = saver
        self._on_change = on_change
        self._loading = False
        self._cut_note = ""  # said after "Saved at ..." when the last text was cut to the limit
        self._answer = Answer(statement.id)

        wide = ipw.Layout(width="96%")
        self._heading = ipw.HTML(
            f'<h3 class="ol-statement" id="statement-{esc(statement.id)}">'
            f"{esc(statement.id)} {esc(statement.text)}</h3>"
        )
        self._score = ipw.RadioButtons(
            options=[(f"{lvl.level}: {lvl.descriptor}", lvl.level) for lvl in planner.scale],
            index=None,
            description=f"Your score for {statement.id}",
            tooltip="Choose one score from 0 to 4",
            style={"description_width": "initial"},
            layout=wide,
        )
        self._clear = ipw.Button(
            description="Clear score",
            tooltip=f"Mark statement {statement.id} as not yet scored",
            layout=ipw.Layout(width="10rem"),
        )
        self._evidence = ipw.Textarea(
            description=f"Evidence for {statement.id}",
            placeholder="What shows this? For example a policy, a training record, audit figures.",
            continuous_update=True,
            rows=3,
            style={"description_width": "initial"},
            layout=wide,
        )
        self._qa_score = ipw.Dropdown(
            options=[("Not checked", NOT_CHECKED)]
            + [(f"{lvl.level}: {lvl.label}", lvl.level) for lvl in planner.scale],
            value=NOT_CHECKED,
            description=f"QA score for {statement.id}",
            style={"description_width": "initial"},
        )
        self._qa_note = ipw.Textarea(
            description=f"QA note for {statement.id}",
            placeholder="For the independent checker: what was checked, and what was found.",
            continuous_update=True,
            rows=2,
            style={"description_width": "initial"},
            layout=wide,
        )
        self._flags = ipw.HTML()
        self._status = ipw.HTML('<span class="ol-status">Not yet scored.</span>')
        # A new round's answer carried from the last one (course/rounds.py): said in words, with
        # a button to keep it as it is; changing the score or evidence also takes the mark away.
        self._carried = ipw.HTML()
        self._carried.add_class("ol-carried-box")
        self._confirm = ipw.Button(
            description=f"Confirm this answer to {statement.id}",
            tooltip=f"Keep the score and evidence carried forward for statement {statement.id}",
            button_style="primary",
            layout=ipw.Layout(width="16rem", display="none"),
        )
        self._confirm.add_class("ol-confirm")
        self._confirm.on_click(self._on_confirm)
        self._share: ipw.Widget | None = None

        self._evidence_saver = Debouncer(lambda v: self._save("evidence", v))
        self._qa_note_saver = Debouncer(lambda v: self._save("qa_note", v))

        self._score.observe(self._on_score, names="value")
        self._clear.on_click(self._on_clear)
        self._evidence.observe(self._on_evidence, names="value")
        self._qa_score.observe(self._on_qa_score, names="value")
        self._qa_note.observe(self._on_qa_note, names="value")

        qa_box = ipw.VBox([self._qa_score, self._qa_note], layout=ipw.Layout(margin="0 0 0 1rem"))
        super().__init__(
            [
                self._heading,
                self._carried,
                self._confirm,
                self._score,
                self._clear,
                self._evidence,
                qa_box,
                self._flags,
                self._status,
            ],
            layout=ipw.Layout(width="100%"),
        )
        self.add_class("ol-statement-row")
        self.add_class(f"ol-statement-{statement.id.replace('.', '-')}")

    # --- state -----------------------------------------------------------------------------

    @property
    def answer(self) -> Answer:
        return self._answer

    def set_answer(self, answer: Answer | None) -> None:
        """Show a stored answer, without saving it again."""
        answer = answer or Answer(self.statement.id)
        self._loading = True
        try:
            self._answer = answer
            self._score.index = None if answer.score is None else answer.score
            self._evidence.value = answer.evidence
            self._qa_score.value = NOT_CHECKED if answer.qa_score is None else answer.qa_score
            self._qa_note.value = answer.qa_note
        finally:
            self._loading = False
        self._render_flags()
        self._render_carried()
        self._status.value = (
            '<span class="ol-status">Not yet scored.</span>'
            if answer.score is None
            else f'<span class="ol-status">Saved answer: {answer.score}.</span>'
        )

    @property
    def evidence_text(self) -> str:
        """The evidence as it stands in the box now (cut to the limit)."""
        value = self._evidence.value
        return value[:MAX_TEXT] if isinstance(value, str) else ""

    def add_evidence_share(self, share: ipw.Widget) -> None:
        """Place a widget (a workshop's "share this text" box) just below the evidence box."""
        self._share = share
        children = list(self.children)
        children.insert(children.index(self._evidence) + 1, share)
        self.children = children

    def set_enabled(self, enabled: bool) -> None:
        for child in (self._score, self._clear, self._evidence, self._qa_score, self._qa_note, self._confirm):
            child.disabled = not enabled
        set_share_enabled = getattr(self._share, "set_enabled", None)
        if set_share_enabled is not None:
            set_share_enabled(enabled)

    def flush(self) -> None:
        self._evidence_saver.flush()
        self._qa_note_saver.flush()

    # --- handlers ----------------------------------------------------------------------------

    def _on_score(self, change: dict) -> None:
        if self._loading:
            return
        self._save("score", change["new"])

    def _on_clear(self, _button: ipw.Button) -> None:
        self._score.index = None  # fires _on_score with None

    def _on_evidence(self, change: dict) -> None:
        if self._loading:
            return
        self._evidence_saver.push(self._bounded(change["new"], self._evidence))

    def _on_qa_score(self, change: dict) -> None:
        if self._loading:
            return
        value = change["new"]
        self._save("qa_score", None if value == NOT_CHECKED else value)

    def _on_qa_note(self, change: dict) -> None:
        if self._loading:
            return
        self._qa_note_saver.push(self._bounded(change["new"], self._qa_note))

    def _bounded(self, value: object, box: ipw.Textarea) -> str:
        """Text as it arrived, cut to the limit if a client sent more than a person types."""
        text = value if isinstance(value, str) else ""
        self._cut_note = ""
        if len(text) > MAX_TEXT:
            text = text[:MAX_TEXT]
            self._cut_note = f" Text is limited to {MAX_TEXT:,} characters; the rest was not saved."
        return text

    def _save(self, field: str, value: object) -> None:
        self._saver(self.statement.id, field, value)
        self._answer = replace(self._answer, **{field: value})
        if field in ("score", "evidence") and self._answer.carried_forward:  # the store has cleared the mark
            self._answer = replace(self._answer, carried_forward=False, review_note="")
            self._render_carried(changed=True)
        self._render_flags()
        when = datetime.now().strftime("%H:%M:%S")
        scored = "Not yet scored" if self._answer.score is None else f"Score {self._answer.score}"
        self._status.value = f'<span class="ol-status">{scored}. Saved at {when}.{esc(self._cut_note)}</span>'
        self._on_change()

    def set_carried_from(self, round_number: int | None) -> None:
        """The round a carried-forward answer came from (the current round's number - 1)."""
        self._carried_from = round_number
        self._render_carried()

    def _on_confirm(self, _button: ipw.Button) -> None:
        if self._loading or self._confirmer is None or not self._answer.carried_forward:
            return
        self._confirmer(self.statement.id)
        self._answer = replace(self._answer, carried_forward=False, review_note="")
        self._render_carried(confirmed=True)
        when = datetime.now().strftime("%H:%M:%S")
        scored = "Not yet scored" if self._answer.score is None else f"Score {self._answer.score}"
        self._status.value = f'<span class="ol-status">{scored}, confirmed. Saved at {when}.</span>'
        self._on_change()

    def _render_carried(self, confirmed: bool = False, changed: bool = False) -> None:
        answer = self._answer
        if not answer.carried_forward or self._confirmer is None:
            self._confirm.layout.display = "none"
            if confirmed or changed:
                what = "confirmed" if confirmed else "changed"
                self._carried.value = (
                    f'<p class="ol-ok" role="status">&#10003; Answer to {esc(self.statement.id)} {what} '
                    "for this round: it is no longer marked as carried forward.</p>"
                )
            else:
                self._carried.value = ""
            return
        number = self._carried_from
        said = (
            CARRIED_NOTE.format(number=number)
            if number
            else "Carried forward from the last round: confirm it or change it."
        )
        cleared = QA_CLEARED_NOTE.format(number=number) if number else ""
        parts = [
            '<p class="ol-carried" style="border-left: 5px solid #0b4f9c; background: #eef4fb; '
            f'padding: 0.25rem 0.75rem; margin: 0.25rem 0;"><strong>&#8635; {esc(said)}</strong> {esc(cleared)}</p>'
        ]
        if answer.review_note:
            parts.append(
                '<p class="ol-flag ol-review" role="note"><strong>&#9888; Read this statement again.</strong> '
                f"{esc(answer.review_note)}</p>"
            )
        self._carried.value = "".join(parts)
        self._confirm.layout.display = None

    def _render_flags(self) -> None:
        parts = [f'<p class="ol-flag"><strong>Flag:</strong> {esc(f.message)}</p>' for f in flags_for(self._answer)]
        for label, text in (("Evidence", self._answer.evidence), ("QA note", self._answer.qa_note)):
            warning = warning_for(text)
            if warning:
                parts.append(
                    f'<p class="ol-flag"><strong>{label}: check for personal details.</strong> {esc(warning)}</p>'
                )
        self._flags.value = "".join(parts)
