"""The QA check page: an independent person draws a random sample of scored statements,
gives a verdict on each (agree, or their own score) with a note, and marks the check complete.
The same page shows every statement where the self-assessment and QA differ, and past checks.

The rules live in `course/qa.py`; this page only shows them and passes on what the checker
gives. Every verdict is saved on the click, every note as it is typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

import ipywidgets as ipw

from course.content import Planner
from course.privacy import warning_for
from course.qa import (
    DEFAULT_SAMPLE,
    MAX_SAMPLE,
    MIN_SAMPLE,
    QAError,
    QASample,
    check_seed,
    clean_checker,
    clear_check,
    complete_sample,
    discrepancies,
    draw_sample,
    missing_verdicts,
    new_seed,
    open_sample,
    qa_guide,
    record_check,
    record_note,
    record_sample,
    samples,
    set_checker,
)
from course.scoring import MAX_TEXT, QA_GAP, Answer
from course.store import Service, StoreError
from widgets.autosave import Debouncer
from widgets.common import (
    HOME_PAGE,
    QA_PAGE,
    course_planner,
    credit_html,
    esc,
    nav_html,
    page_link,
    request_query,
    resolve_service,
    store,
    style,
)

AGREE = "agree"
DIFFERENT = "different"
VERDICTS = (("Agree with the score", AGREE), ("Record a different score", DIFFERENT))
NO_SCORE = -1  # the QA dropdown's "Choose a score"; nothing is saved for it

QA_CSS = """
<style>
.ol-qa-page .ol-qa-evidence { white-space: pre-wrap; border-left: 4px solid #505a5f; padding-left: 0.75rem;
  margin: 0.25rem 0 0.5rem; }
.ol-qa-page .ol-qa-lower { color: #b10e1e; font-weight: bold; }
.ol-qa-page .ol-qa-higher { color: #0b4f9c; font-weight: bold; }
.ol-qa-page .ol-qa-controls { border: 2px solid #0b4f9c; border-radius: 4px; padding: 0.5rem 1rem; margin: 0.5rem 0; }
.ol-qa-page .widget-radio-box label { white-space: normal; }
</style>
"""


def _when(stamp: str | None) -> str:
    """An ISO time stamp from the store as "29 November 2026, 20:15 UTC"."""
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"


def _level(planner: Planner, score: int | None) -> str:
    return "not scored" if score is None else f"{score}: {planner.descriptor(score)}"


def _text(value: object) -> str:
    """Text as it arrived from the browser, cut to the limit (a browser can send anything)."""
    return value[:MAX_TEXT] if isinstance(value, str) else ""


def _saved_at() -> str:
    return datetime.now().strftime("%H:%M:%S")


class QACheckRow(ipw.VBox):
    """One drawn statement: what the service said, the checker's verdict, score and note."""

    def __init__(
        self,
        planner: Planner,
        service: Service,
        statement_id: str,
        answer: Answer | None,
        on_change: Callable[[], None],
    ) -> None:
        self.planner = planner
        self.service = service
        self.statement = planner.statement(statement_id)
        self.answer = answer or Answer(statement_id)
        self._on_change = on_change
        self._loading = False
        section = planner.section(self.statement.section_id)
        sid = self.statement.id
        evidence = (
            f'<div class="ol-qa-evidence">{esc(self.answer.evidence)}</div>'
            if self.answer.evidence.strip()
            else '<p class="ol-qa-evidence">No evidence is recorded.</p>'
        )
        self._about = ipw.HTML(
            f'<h3 class="ol-statement" id="qa-{esc(sid)}">{esc(sid)} {esc(self.statement.text)}</h3>'
            f"<p>Section {section.number}: {esc(section.title)}. "
            f"<strong>Self score:</strong> {esc(_level(planner, self.answer.score))}.</p>"
            f"<p><strong>Evidence the service gave:</strong></p>{evidence}"
        )
        self._verdict = ipw.RadioButtons(
            options=VERDICTS,
            index=None,
            description=f"Your verdict on {sid}",
            style={"description_width": "initial"},
            layout=ipw.Layout(width="96%"),
        )
        self._qa_score = ipw.Dropdown(
            options=[("Choose a score", NO_SCORE)]
            + [(f"{lvl.level}: {lvl.label}", lvl.level) for lvl in planner.scale],
            value=NO_SCORE,
            description=f"QA score for {sid}",
            disabled=True,
            style={"description_width": "initial"},
            layout=ipw.Layout(width="24rem"),
        )
        self._note = ipw.Textarea(
            description=f"QA note for {sid}",
            placeholder="What you saw, and why you agree or would score it differently. About the service, "
            "never a named child or member of staff.",
            continuous_update=True,
            rows=2,
            style={"description_width": "initial"},
            layout=ipw.Layout(width="96%"),
        )
        self._warning = ipw.HTML()
        self._status = ipw.HTML()
        self._note_saver = Debouncer(self._save_note)
        self._verdict.observe(self._on_verdict, names="value")
        self._qa_score.observe(self._on_qa_score, names="value")
        self._note.observe(self._on_note, names="value")
        super().__init__([self._about, self._verdict, self._qa_score, self._note, self._warning, self._status])
        self.add_class("ol-qa-row")
        self.add_class(f"ol-qa-{sid.replace('.', '-')}")
        self._show(self.answer)

    # --- state ------------------------------------------------------------------------------

    @property
    def statement_id(self) -> str:
        return self.statement.id

    @property
    def verdict(self) -> str | None:
        return self._verdict.value

    def _show(self, answer: Answer) -> None:
        """Show a stored verdict and note without saving them again."""
        self._loading = True
        try:
            if answer.qa_score is None:
                self._verdict.value = None
                self._qa_score.value = NO_SCORE
            else:
                self._verdict.value = AGREE if answer.qa_score == answer.score else DIFFERENT
                self._qa_score.value = answer.qa_score
            self._note.value = answer.qa_note
        finally:
            self._loading = False
        self._qa_score.disabled = self._verdict.disabled or self._verdict.value != DIFFERENT
        self._render_warning()
        if answer.qa_score is None:
            self._status.value = '<p class="ol-status">No verdict yet.</p>'
        else:
            self._status.value = f'<p class="ol-status">Saved verdict: {esc(self._verdict_words())}.</p>'

    def _verdict_words(self) -> str:
        if self.answer.qa_score is None:
            return "no verdict yet"
        if self.answer.qa_score == self.answer.score:
            return f"agrees with the self score (QA score {self.answer.qa_score})"
        self_score = "not scored" if self.answer.score is None else self.answer.score
        return f"a different score: QA {self.answer.qa_score}, self {self_score}"

    def set_enabled(self, enabled: bool) -> None:
        self._verdict.disabled = not enabled
        self._note.disabled = not enabled
        self._qa_score.disabled = not enabled or self._verdict.value != DIFFERENT

    def flush(self) -> None:
        self._note_saver.flush()

    # --- handlers ----------------------------------------------------------------------------

    def _on_verdict(self, change: dict) -> None:
        if self._loading:
            return
        verdict = change["new"]
        self._qa_score.disabled = verdict != DIFFERENT
        if verdict == AGREE:
            self._record(agree=True)
        elif verdict == DIFFERENT:
            score = self._qa_score.value
            if isinstance(score, int) and 0 <= score <= 4 and score != self.answer.score:
                self._record(agree=False, qa_score=score)
                return
            # Not a verdict until the checker's own score is chosen: take away any earlier "agree".
            self._guard(lambda: clear_check(store(), self.service.id, self.statement_id))
            self.answer = replace(self.answer, qa_score=None)
            self._set_dropdown(NO_SCORE)
            self._status.value = (
                '<p class="ol-status" role="status">Now choose your own score from the list '
                f"“QA score for {esc(self.statement_id)}”.</p>"
            )
            self._on_change()

    def _on_qa_score(self, change: dict) -> None:
        if self._loading or self._verdict.value != DIFFERENT:
            return
        score = change["new"]
        if score == NO_SCORE:
            self._guard(lambda: clear_check(store(), self.service.id, self.statement_id))
            self.answer = replace(self.answer, qa_score=None)
            self._status.value = '<p class="ol-status" role="status">No verdict yet: choose a score.</p>'
            self._on_change()
            return
        self._record(agree=False, qa_score=score)

    def _on_note(self, change: dict) -> None:
        if self._loading:
            return
        self._note_saver.push(_text(change["new"]))
        self._render_warning()

    def _set_dropdown(self, value: int) -> None:
        self._loading = True
        try:
            self._qa_score.value = value
        finally:
            self._loading = False

    def _guard(self, work: Callable[[], object]) -> bool:
        """Run a save; on a problem, say so in the row (nothing the checker gave is lost)."""
        try:
            work()
        except (QAError, StoreError, ValueError) as exc:
            self._status.value = f'<p class="ol-error" role="status">{esc(exc)}</p>'
            return False
        return True

    def _record(self, *, agree: bool, qa_score: int | None = None) -> None:
        self._note_saver.flush()
        note = _text(self._note.value)
        saved: list[int] = []
        ok = self._guard(
            lambda: saved.append(
                record_check(store(), self.service.id, self.statement_id, agree=agree, qa_score=qa_score, note=note)
            )
        )
        if not ok:
            if agree:  # e.g. the self score was removed since the draw: show what is stored
                self._loading = True
                try:
                    self._verdict.value = None
                finally:
                    self._loading = False
            return
        self.answer = replace(self.answer, qa_score=saved[0], qa_note=note)
        if agree:
            self._set_dropdown(saved[0])
            words = f"you agree with the self score ({saved[0]})"
        elif saved[0] == self.answer.score:
            words = f"your score {saved[0]} is the same as the self score, so it counts as agreeing"
        else:
            words = f"your QA score is {saved[0]} (self score {self.answer.score})"
        self._status.value = f'<p class="ol-ok" role="status">Saved at {_saved_at()}: {esc(words)}.</p>'
        self._on_change()

    def _save_note(self, note: str) -> None:
        if self._guard(lambda: record_note(store(), self.service.id, self.statement_id, note)):
            self.answer = replace(self.answer, qa_note=note)
            cut = (
                f" Notes are limited to {MAX_TEXT:,} characters; the rest was not saved."
                if isinstance(self._note.value, str) and len(self._note.value) > MAX_TEXT
                else ""
            )
            self._status.value = (
                f'<p class="ol-status">Note saved at {_saved_at()}.{esc(cut)} '
                f"Verdict: {esc(self._verdict_words())}.</p>"
            )

    def _render_warning(self) -> None:
        warning = warning_for(_text(self._note.value))
        self._warning.value = (
            f'<p class="ol-flag"><strong>QA note: check for personal details.</strong> {esc(warning)}</p>'
            if warning
            else ""
        )


class QAPage(ipw.VBox):
    """The QA check page. Build it, display it, then call `start()`."""

    def __init__(self) -> None:
        self.planner = course_planner()
        self.service: Service | None = None
        self.sample: QASample | None = None
        self.rows: list[QACheckRow] = []
        guide = qa_guide()
        self._nav = ipw.HTML(nav_html(None, QA_PAGE))
        self._title = ipw.HTML(f"<h1>{esc(guide['title'])}</h1>")
        steps = "".join(f"<li>{esc(step)}</li>" for step in guide["how_to"])
        self._guide = ipw.HTML(
            "<h2>What an independent QA check is</h2>"
            + "".join(f"<p>{esc(p)}</p>" for p in guide["what_it_is"])
            + f"<h2>How to do a check well</h2><ol>{steps}</ol><p>{esc(guide['verdicts'])}</p>"
        )
        self._notice = ipw.HTML()
        self._checker = ipw.Text(
            description="Checker's name",
            placeholder="The independent person doing this check",
            continuous_update=True,
            style={"description_width": "initial"},
            layout=ipw.Layout(width="30rem"),
        )
        self._size = ipw.BoundedIntText(
            value=DEFAULT_SAMPLE,
            min=MIN_SAMPLE,
            max=MAX_SAMPLE,
            description="How many statements",
            style={"description_width": "initial"},
            layout=ipw.Layout(width="16rem"),
        )
        self._seed = ipw.Text(
            description="Seed (optional)",
            placeholder="Empty: a new random sample",
            style={"description_width": "initial"},
            layout=ipw.Layout(width="24rem"),
        )
        self._draw = ipw.Button(
            description="Draw a sample",
            button_style="primary",
            layout=ipw.Layout(width="12rem"),
            tooltip="Draw statements at random across the sections",
        )
        self._draw_message = ipw.HTML()
        named = {"checker": self._checker, "size": self._size, "seed": self._seed, "draw": self._draw}
        for css, control in named.items():
            control.add_class(f"ol-qa-{css}")
        self._checker_saver = Debouncer(self._save_checker)
        self._checker.observe(self._on_checker, names="value")
        self._draw.on_click(self._on_draw)
        controls = ipw.VBox(
            [
                ipw.HTML(
                    "<h2>Draw a sample</h2><p>Type your name, choose how many statements to check "
                    "(six gives one from each section), then draw. To repeat an earlier draw, type its seed.</p>"
                ),
                self._checker,
                ipw.HBox([self._size, self._seed]),
                self._draw,
                self._draw_message,
            ]
        )
        controls.add_class("ol-qa-controls")
        self._sample_heading = ipw.HTML()
        self._rows_box = ipw.VBox()
        self._complete = ipw.Button(
            description="Mark this check complete",
            tooltip="Every statement needs a verdict",
            button_style="primary",
            layout=ipw.Layout(width="18rem"),
        )
        self._complete.on_click(self._on_complete)
        self._complete.add_class("ol-qa-complete")
        self._complete_message = ipw.HTML()
        self._discrepancies = ipw.HTML()
        self._history = ipw.HTML()
        super().__init__(
            [
                style(),
                ipw.HTML(QA_CSS),
                self._nav,
                self._title,
                self._guide,
                self._notice,
                controls,
                self._sample_heading,
                self._rows_box,
                self._complete,
                self._complete_message,
                self._discrepancies,
                self._history,
                ipw.HTML(credit_html()),
            ]
        )
        self.add_class("ol-page")
        self.add_class("ol-qa-page")
        self.set_service(None)

    # --- binding to a service ------------------------------------------------------------------

    def start(self) -> None:
        """Wait for the page request (Voila preheating) and show that service's QA check."""
        self.set_service(resolve_service(request_query()))

    def set_service(self, service: Service | None) -> None:
        self._flush()
        self.service = service
        self._nav.value = nav_html(service, QA_PAGE)
        self._draw_message.value = self._complete_message.value = ""
        if service is None:
            self._title.value = f"<h1>{esc(qa_guide()['title'])}</h1>"
            self._notice.value = (
                '<p class="ol-error"><strong>Choose your service first.</strong> A QA check is of a named '
                f'service. <a href="{esc(page_link(HOME_PAGE, None))}">Go to the course home</a> to choose one, '
                "then come back to this page.</p>"
            )
            for control in (self._checker, self._size, self._seed, self._draw):
                control.disabled = True
            self._show_sample(None)
            self._discrepancies.value = self._history.value = ""
            return
        self._title.value = f"<h1>{esc(qa_guide()['title'])}: {esc(service.name)}</h1>"
        self._notice.value = (
            '<p class="ol-status">Every verdict and note is saved as you give it. You can close this page '
            "and come back: an open check is kept until it is marked complete.</p>"
        )
        for control in (self._checker, self._size, self._seed, self._draw):
            control.disabled = False
        found = samples(store(), service.id)
        current = open_sample(store(), service.id) or (found[0] if found else None)
        self._show_sample(current)
        self.refresh()

    # --- the sample ------------------------------------------------------------------------------

    def _flush(self) -> None:
        self._checker_saver.flush()
        for row in self.rows:
            row.flush()

    def _show_sample(self, sample: QASample | None) -> None:
        self.sample = sample
        self._set_checker_box(sample.checker if sample else "")
        if sample is None or self.service is None:
            self.rows = []
            self._rows_box.children = ()
            self._sample_heading.value = (
                "<h2>The sample</h2><p>No sample has been drawn for this service yet.</p>" if self.service else ""
            )
            self._complete.disabled = True
            self._complete.layout.display = "none"
            return
        answers = store().answers(self.service.id)
        self.rows = [
            QACheckRow(self.planner, self.service, sid, answers.get(sid), self._on_row_change)
            for sid in sample.statement_ids
        ]
        for row in self.rows:
            row.set_enabled(not sample.completed)
        self._rows_box.children = tuple(self.rows)
        checker = f"checker {esc(sample.checker)}" if sample.checker else "checker not named yet"
        state = (
            f'<p class="ol-ok"><strong>This check was marked complete on {esc(_when(sample.completed_at))}.</strong> '
            "Its verdicts are shown below and kept with the answers. Draw a new sample for the next check.</p>"
            if sample.completed
            else "<p>Give a verdict on each statement below, then mark the check complete.</p>"
        )
        self._sample_heading.value = (
            f"<h2>The sample: {len(sample.statement_ids)} statements</h2>"
            f"<p>Drawn on {esc(_when(sample.drawn_at))} for round {sample.round_number}, {checker}. "
            f"Seed <strong>{sample.seed}</strong> (type it in the seed box to draw the same statements again).</p>"
            + state
        )
        self._complete.disabled = sample.completed
        self._complete.layout.display = None

    def _set_checker_box(self, value: str) -> None:
        self._checker.unobserve(self._on_checker, names="value")
        try:
            self._checker.value = value
        finally:
            self._checker.observe(self._on_checker, names="value")

    def _on_checker(self, change: dict) -> None:
        if self.sample is not None and not self.sample.completed:
            self._checker_saver.push(change["new"])

    def _save_checker(self, value: object) -> None:
        sample = self.sample
        if sample is None or sample.completed:
            return
        try:
            self.sample = set_checker(store(), sample.id, value if isinstance(value, str) else "")
        except (QAError, StoreError, ValueError) as exc:
            self._draw_message.value = f'<p class="ol-error" role="status">{esc(exc)}</p>'
            return
        self._draw_message.value = f'<p class="ol-status" role="status">Checker\'s name saved at {_saved_at()}.</p>'
        self.refresh()

    def _on_draw(self, _button: ipw.Button) -> None:
        service = self.service
        if service is None:
            return
        self._flush()
        try:
            checker = clean_checker(self._checker.value)
            size = self._size.value
            seed_text = self._seed.value.strip() if isinstance(self._seed.value, str) else ""
            seed = check_seed(seed_text) if seed_text else new_seed()
            answers = store().answers(service.id)
            drawn = draw_sample(self.planner, answers, size, seed)
            if not drawn:
                self._draw_message.value = (
                    '<p class="ol-error" role="status"><strong>Nothing to check yet.</strong> No statement has a '
                    "self score. Score statements on the section pages first.</p>"
                )
                return
            sample = record_sample(store(), service.id, drawn, seed, checker)
        except (QAError, StoreError, ValueError) as exc:
            self._draw_message.value = f'<p class="ol-error" role="status">{esc(exc)}</p>'
            return
        note = (
            f" Only {len(drawn)} statements have a self score, so all of them are in the sample."
            if len(drawn) < size
            else ""
        )
        self._show_sample(sample)
        self._complete_message.value = ""
        self.refresh()
        self._draw_message.value = (
            f'<p class="ol-ok" role="status">Drew {len(drawn)} statements with seed {seed}.{esc(note)} '
            "They are listed below.</p>"
        )

    def _on_row_change(self) -> None:
        self._complete_message.value = ""
        self.refresh()

    def _on_complete(self, _button: ipw.Button) -> None:
        sample = self.sample
        if sample is None or self.service is None:
            return
        self._flush()
        try:
            done = complete_sample(store(), sample.id)
        except (QAError, StoreError, ValueError) as exc:
            self._complete_message.value = f'<p class="ol-error" role="status">{esc(exc)}</p>'
            return
        self._show_sample(done)
        self._complete_message.value = (
            '<p class="ol-ok" role="status"><strong>Check complete.</strong> '
            f"Marked on {esc(_when(done.completed_at))}. The differences are in the table below.</p>"
        )
        self.refresh()

    # --- what the check found ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Rebuild the discrepancy table and the list of past samples from the store."""
        service = self.service
        if service is None:
            return
        answers = store().answers(service.id)
        self._discrepancies.value = self._discrepancy_html(answers)
        self._history.value = self._history_html()
        if self.sample is not None and not self.sample.completed:
            missing = missing_verdicts(self.sample, answers)
            self._complete.tooltip = (
                "Every statement has a verdict" if not missing else f"Still to check: {', '.join(missing)}"
            )

    def _discrepancy_html(self, answers: dict[str, Answer]) -> str:
        found = discrepancies(self.planner, answers)
        heading = (
            "<h2>Where the self-assessment and QA differ</h2>"
            "<p>Every statement of this service with a QA score that is not the same as its self score, "
            "the biggest difference first. ▼ means QA scored it lower than the service did; ▲ means higher. "
            f"A difference of {QA_GAP} or more is flagged: talk it through with the service.</p>"
        )
        if not found:
            checked = sum(1 for a in answers.values() if a.qa_score is not None and a.score is not None)
            text = (
                "No statement has both a self score and a QA score yet."
                if not checked
                else f"No differences: all {checked} statements with a QA score match the self-assessment."
            )
            return heading + f'<p class="ol-status ol-qa-no-differences">{text}</p>'
        rows = []
        for d in found:
            statement = self.planner.statement(d.statement_id)
            section = self.planner.section(d.section_id)
            css = "ol-qa-higher" if d.difference > 0 else "ol-qa-lower"
            flag = f" <strong>Flag:</strong> {QA_GAP} or more apart." if d.flagged else ""
            rows.append(
                f'<tr class="ol-qa-difference-{esc(d.statement_id.replace(".", "-"))}">'
                f'<th scope="row">{esc(d.statement_id)}</th>'
                f"<td>{esc(statement.text)}</td>"
                f"<td>{section.number}. {esc(section.title)}</td>"
                f"<td>{d.self_score}</td><td>{d.qa_score}</td>"
                f'<td><span class="{css}"><span aria-hidden="true">{d.symbol}</span> '
                f"{abs(d.difference)} {d.direction}</span></td>"
                f"<td>{esc(d.label)}.{flag}</td></tr>"
            )
        return (
            heading + '<table class="ol-table ol-qa-discrepancies">'
            "<caption>Statements where the QA score differs from the self score</caption>"
            '<thead><tr><th scope="col">Statement</th><th scope="col">Wording</th><th scope="col">Section</th>'
            '<th scope="col">Self score</th><th scope="col">QA score</th><th scope="col">Difference</th>'
            f'<th scope="col">In words</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
        )

    def _history_html(self) -> str:
        assert self.service is not None
        found = samples(store(), self.service.id)
        if not found:
            return "<h2>Past checks</h2><p>No QA check has been drawn for this service yet.</p>"
        rows = "".join(
            f"<tr><td>{esc(_when(s.drawn_at))}</td><td>{esc(s.checker) or 'not named'}</td>"
            f"<td>{s.round_number}</td><td>{esc(' '.join(s.statement_ids))}</td><td>{s.seed}</td>"
            f"<td>{'Complete (' + esc(_when(s.completed_at)) + ')' if s.completed else 'Not complete'}</td></tr>"
            for s in found
        )
        return (
            '<h2>Past checks</h2><table class="ol-table ol-qa-history"><caption>QA samples for this service, '
            'newest first</caption><thead><tr><th scope="col">Drawn</th><th scope="col">Checker</th>'
            '<th scope="col">Round</th><th scope="col">Statements</th><th scope="col">Seed</th>'
            f'<th scope="col">State</th></tr></thead><tbody>{rows}</tbody></table>'
        )
