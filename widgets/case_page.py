"""The case studies page: one notebook for every case.

`case-studies.ipynb` lists the cases; `case-studies.ipynb?case=<case id>` shows one case's
exercise: the case text, its questions as widgets, a learner id, Submit (a real nbgrader
submission, `grading.submission`) and the assessor's feedback once it has been generated.

Every choice and every piece of typed text is saved to the store as it is given, keyed by
learner, case and question, and restored when the learner comes back. Answer keys,
question feedback and assessor notes never appear here: learners see them only in the
feedback their assessor generates. The rubrics are shown, so marking is transparent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from urllib.parse import urlencode

import ipywidgets as ipw

from course.cases import Case, Criterion, FreeText, Question, case_bank
from course.learners import requested_learner
from course.lessons import course
from course.privacy import warning_for
from course.scoring import MAX_TEXT
from course.store import Service
from grading import submission
from widgets.autosave import Debouncer
from widgets.common import (
    course_planner,
    download_link,
    esc,
    nav_html,
    page_link,
    paragraphs,
    request_query,
    resolve_service,
    store,
    style,
)
from widgets.lesson import FacilitatorNotes, is_trainer_view, key_points_html, lesson_header_html
from widgets.module_complete import ModuleComplete
from widgets.workshop_join import TextShare, WorkshopJoin, revealed_html

CASES_PAGE = "case-studies.ipynb"
CASES_MODULE = "case-studies"
NOTEBOOK_MIME = "application/x-ipynb+json"

Saver = Callable[[str, object], None]  # (question_id, value)

NO_NAMES = (
    "Do not use a child's, family's or client's name anywhere on this page, in your learner "
    "id or in your answers: talk about the case you were given."
)


_SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.IGNORECASE | re.DOTALL)


def without_scripts(document: str) -> str:
    """nbgrader's feedback page without its script tags (MathJax and the like). It is shown
    in a sandboxed frame, where scripts could not run anyway; removing them keeps the
    browser from reporting each blocked one."""
    return _SCRIPT.sub("", document)


def case_link(case_id: str, service: Service | None, learner: str | None = None, participant: str | None = None) -> str:
    """A link to one case's exercise, carrying the chosen service, the learner id and, in a
    live workshop, the participant id."""
    query = {"case": case_id}
    if service:
        query["service"] = service.slug
    if learner:
        query["learner"] = learner
    if participant:
        query["participant"] = participant
    return f"{CASES_PAGE}?{urlencode(query)}"


def _and(words: Sequence[str]) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _section_titles(case: Case) -> str:
    sections = {s.id: s for s in course_planner().sections}
    return _and([f"{sections[s].number}. {sections[s].title}" for s in case.sections])


def case_list_html(service: Service | None, learner: str | None = None, participant: str | None = None) -> str:
    """Every case as a link, with its number, title, whether it is fictional and its sections."""
    rows = []
    for case in case_bank().cases:
        kind = "Fictional" if case.fictional else "From the planner"
        rows.append(
            f'<tr><td>{case.number}</td><td><a href="{esc(case_link(case.id, service, learner, participant))}">'
            f"{esc(case.title)}</a></td><td>{kind}</td><td>{esc(_section_titles(case))}</td></tr>"
        )
    return (
        "<h2>Choose a case</h2><p>Each case is a short account of a young person's situation, with "
        "questions to answer. Choices are marked automatically; your written answers are marked by "
        "an assessor against the rubric shown with each question. Cases from the planner are quoted "
        "from it; fictional cases were written for this course.</p>"
        '<table class="ol-table ol-case-list"><caption class="ol-status">The case studies</caption>'
        '<thead><tr><th scope="col">Case</th><th scope="col">Title</th><th scope="col">Source</th>'
        '<th scope="col">Planner sections it exercises</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>"
        + f'<p class="ol-credit">{esc(case_bank().credit)}</p>'
    )


def rubric_html(free: FreeText) -> str:
    """A free-text question's rubric as a table: each criterion, then each level's points."""

    def levels(criterion: Criterion) -> str:
        return "".join(
            f"<li><strong>{lv.points} {'point' if lv.points == 1 else 'points'}:</strong> {esc(lv.descriptor)}</li>"
            for lv in criterion.levels
        )

    rows = "".join(
        f'<tr><th scope="row">{esc(c.criterion)}</th><td><ul>{levels(c)}</ul></td></tr>' for c in free.rubric
    )
    return (
        f'<table class="ol-table ol-rubric"><caption class="ol-status">How this answer is marked '
        f"({free.points} points)</caption>"
        '<thead><tr><th scope="col">Criterion</th><th scope="col">Points for each level</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


# --- one question ------------------------------------------------------------------------


class ChoiceQuestion(ipw.VBox):
    """An autograded question: a checkbox per option (tick all that apply) or radio buttons
    (choose one, with a way to clear). Every change is saved through `saver` at once."""

    def __init__(self, question: Question, number: int, saver: Saver) -> None:
        self.question = question
        self.number = number
        self._saver = saver
        self._loading = False
        how = "Tick every answer that applies." if question.kind == "multi" else "Choose one answer."
        points = f"{question.points} {'point' if question.points == 1 else 'points'}"
        self._heading = ipw.HTML(
            f'<h3 class="ol-statement" id="question-{esc(question.id)}">Question {number} ({points})</h3>'
            f'<p class="ol-quiz-item">{esc(question.prompt)}</p><p class="ol-status">{how}</p>'
        )
        self._boxes: dict[str, ipw.Checkbox] = {}
        self._radio: ipw.RadioButtons | None = None
        self._clear: ipw.Button | None = None
        if question.kind == "multi":
            self._boxes = {
                o.id: ipw.Checkbox(description=o.label, indent=False, layout=ipw.Layout(width="96%"))
                for o in question.options
            }
            for box in self._boxes.values():
                box.add_class("ol-case-choice")
                box.observe(self._on_tick, names="value")
            controls: list[ipw.Widget] = list(self._boxes.values())
        else:
            self._radio = ipw.RadioButtons(
                options=[(o.label, o.id) for o in question.options],
                value=None,
                description=f"Your answer to question {number}",
                style={"description_width": "initial"},
                layout=ipw.Layout(width="96%"),
            )
            self._radio.observe(self._on_choose, names="value")
            self._clear = ipw.Button(
                description="Clear answer",
                tooltip=f"Leave question {number} unanswered",
                layout=ipw.Layout(width="10rem"),
            )
            self._clear.on_click(self._on_clear)
            controls = [self._radio, self._clear]
        self._revealed = ipw.HTML()
        super().__init__([self._heading, *controls, self._revealed], layout=ipw.Layout(width="100%"))
        self.add_class("ol-case-question")
        self.add_class(f"ol-question-{question.id}")

    @property
    def value(self) -> list[str] | str | None:
        """Option ids ticked, in option order (multi); the option chosen, or None (single)."""
        if self._radio is not None:
            return self._radio.value
        return [option_id for option_id, box in self._boxes.items() if box.value is True]

    @property
    def answered(self) -> bool:
        return bool(self.value)

    def set_value(self, value: object) -> None:
        """Show a stored answer without saving it again; anything not an option is ignored."""
        self._loading = True
        try:
            if self._radio is not None:
                options = {o.id for o in self.question.options}
                self._radio.value = value if isinstance(value, str) and value in options else None
            else:
                chosen = set(value) if isinstance(value, list) else set()
                for option_id, box in self._boxes.items():
                    box.value = option_id in chosen
        finally:
            self._loading = False

    def show_revealed(self, html: str) -> None:
        """The right answer, once a workshop's trainer has revealed it (else "")."""
        self._revealed.value = html

    def set_enabled(self, enabled: bool) -> None:
        for child in (*self._boxes.values(), self._radio, self._clear):
            if child is not None:
                child.disabled = not enabled

    def _on_tick(self, _change: dict) -> None:
        if not self._loading:
            self._saver(self.question.id, self.value)

    def _on_choose(self, change: dict) -> None:
        if not self._loading:
            self._saver(self.question.id, change["new"])

    def _on_clear(self, _button: ipw.Button) -> None:
        if self._radio is not None:
            self._radio.value = None  # fires _on_choose with None


class WrittenQuestion(ipw.VBox):
    """A free-text question: the prompt, its rubric, a text box (saved as typed, debounced)
    and a warning when the text looks as if it names someone or holds contact details."""

    def __init__(self, free: FreeText, number: int, saver: Saver, share: TextShare | None = None) -> None:
        self.free = free
        self.share = share
        self.number = number
        self._saver = saver
        self._loading = False
        self._heading = ipw.HTML(
            f'<h3 class="ol-statement" id="question-{esc(free.id)}">Question {number} '
            f"({free.points} points, marked by an assessor)</h3>"
            f'<p class="ol-quiz-item">{esc(free.prompt)}</p>' + rubric_html(free)
        )
        self._text = ipw.Textarea(
            description=f"Your answer to question {number}",
            placeholder="Write your answer here. It is saved as you type.",
            continuous_update=True,
            rows=8,
            style={"description_width": "initial"},
            layout=ipw.Layout(width="96%"),
        )
        self._warning = ipw.HTML()
        self._saver_debounced = Debouncer(self._save)
        self._text.observe(self._on_text, names="value")
        extra = [share] if share is not None else []
        super().__init__([self._heading, self._text, *extra, self._warning], layout=ipw.Layout(width="100%"))
        self.add_class("ol-case-question")
        self.add_class(f"ol-question-{free.id}")

    @property
    def value(self) -> str:
        return _bounded(self._text.value)

    @property
    def answered(self) -> bool:
        return bool(self.value.strip())

    def set_value(self, value: object) -> None:
        self._loading = True
        try:
            self._text.value = value if isinstance(value, str) else ""
        finally:
            self._loading = False
        self._render_warning(self.value)

    def set_enabled(self, enabled: bool) -> None:
        self._text.disabled = not enabled
        if self.share is not None:
            self.share.set_enabled(enabled)

    def flush(self) -> None:
        self._saver_debounced.flush()

    def _on_text(self, change: dict) -> None:
        if not self._loading:
            self._saver_debounced.push(_bounded(change["new"]))

    def _save(self, text: str) -> None:
        self._saver(self.free.id, text)
        self._render_warning(text)
        if self.share is not None:
            self.share.text_changed(text)

    def _render_warning(self, text: str) -> None:
        warning = warning_for(text, about="case")
        self._warning.value = (
            f'<p class="ol-flag"><strong>Check for personal details.</strong> {esc(warning)}</p>' if warning else ""
        )


def _bounded(value: object) -> str:
    """Text as it arrived, cut to the limit if a client sent more than a person types."""
    text = value if isinstance(value, str) else ""
    return text[:MAX_TEXT]


# --- one case's exercise -------------------------------------------------------------------


class CaseExercise(ipw.VBox):
    """One case: its text, learner id, questions, Submit and feedback."""

    def __init__(self, case: Case, workshop: WorkshopJoin | None = None) -> None:
        self.case = case
        self.workshop = workshop  # a live workshop: choices are pooled with the room as they are made
        self.learner: str | None = None
        self.on_learner: Callable[[str | None], None] | None = None  # told of each change (the page's links)
        bank = case_bank()
        text = paragraphs(case.text)
        if case.origin == "seed":
            text += f'<p class="ol-credit">{esc(bank.credit)}</p>'
        self._learner_box = ipw.Text(
            description="Your learner id",
            placeholder="The id your course organiser gave you",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=ipw.Layout(width="32rem"),
        )
        self._use_learner = ipw.Button(description="Use this learner id")
        self._learner_message = ipw.HTML()
        self._status = ipw.HTML()
        self._choices = [ChoiceQuestion(q, n, self._save) for n, q in enumerate(case.questions, start=1)]
        self._choice_ids = {q.id for q in case.questions}
        first_written = len(case.questions) + 1
        self._written = [
            WrittenQuestion(f, n, self._save, self._share_for(f))
            for n, f in enumerate(case.free_text, start=first_written)
        ]
        self._submit = ipw.Button(description="Submit your answers", button_style="primary")
        self._submit_anyway = ipw.Button(description="Submit anyway", button_style="warning")
        self._keep_working = ipw.Button(description="Keep working")
        self._confirm = ipw.HBox([self._submit_anyway, self._keep_working], layout=ipw.Layout(display="none"))
        self._result = ipw.HTML()
        self._last_submitted = ipw.HTML()
        self._check_feedback = ipw.Button(description="Check for feedback")
        self._feedback = ipw.HTML()

        self._learner_box.observe(self._on_learner, names="value")
        self._use_learner.on_click(self._on_use_learner)
        self._submit.on_click(self._on_submit)
        self._submit_anyway.on_click(self._on_submit_anyway)
        self._keep_working.on_click(self._on_keep_working)
        self._check_feedback.on_click(self._on_check_feedback)

        super().__init__(
            [
                ipw.HTML(f'<div class="ol-case-text"><h2>The case</h2>{text}</div>'),
                ipw.HTML(
                    "<h2>Who is answering</h2><p>Your answers are kept under your learner id, so you "
                    "can come back to them, and your assessor uses it to return your marks and "
                    f"feedback.</p><p><strong>{esc(NO_NAMES)}</strong></p>"
                ),
                ipw.HBox([self._learner_box, self._use_learner]),
                self._learner_message,
                self._status,
                ipw.HTML("<h2>The questions</h2>"),
                *self._choices,
                *self._written,
                ipw.HTML(
                    "<h2>Submit your answers</h2><p>When you are ready, submit your answers to your "
                    "assessor. You can change them and submit again: the latest submission is the "
                    "one marked, and earlier ones are kept aside.</p>"
                ),
                self._submit,
                self._confirm,
                self._result,
                self._last_submitted,
                self._check_feedback,
                self._feedback,
            ]
        )
        self.add_class("ol-case-exercise")
        self.add_class(f"ol-case-{case.id}")
        if workshop is not None:
            workshop.observe(self._on_revealed, names="revealed")
            self._on_revealed({"new": workshop.revealed})
        self.set_learner(None)

    def _share_for(self, free: FreeText) -> TextShare | None:
        """The "share this text with the room" box of a written question (in a workshop)."""
        if self.workshop is None:
            return None
        return TextShare(
            self.workshop, f"case/{self.case.id}/{free.id}", lambda: self.free_text()[free.id], about="case"
        )

    def _on_revealed(self, change: dict) -> None:
        for question in self._choices:
            question.show_revealed(revealed_html("case", f"{self.case.id}/{question.question.id}", change["new"]))

    # --- the learner ---------------------------------------------------------------------------

    def use_learner(self, raw: str, fixed: bool = False) -> None:
        """Fill in the learner id and use it; `fixed` (a hub gave it) makes it read-only."""
        self._learner_box.value = raw  # fires _on_learner when it changes
        self._learner_box.disabled = fixed
        self._use_learner.disabled = fixed
        self._apply_learner(raw)

    def _on_learner(self, change: dict) -> None:
        self._apply_learner(change["new"])

    def _on_use_learner(self, _button: ipw.Button) -> None:
        self._apply_learner(self._learner_box.value)

    def _apply_learner(self, raw: object) -> None:
        try:
            learner = submission.clean_learner_id(raw)
        except ValueError as exc:
            self.set_learner(None)
            self._learner_message.value = f'<p class="ol-error" role="alert">{esc(exc)}</p>'
            return
        self._learner_message.value = ""
        if learner != self.learner:
            self.set_learner(learner)

    def set_learner(self, learner: str | None) -> None:
        """Answer as this learner: their drafts are restored and their feedback shown."""
        self.flush()  # what was typed goes to the learner who typed it
        self.learner = learner
        drafts = store().case_drafts(learner, self.case.id) if learner else {}
        for question in (*self._choices, *self._written):
            qid = question.question.id if isinstance(question, ChoiceQuestion) else question.free.id
            question.set_value(drafts.get(qid))
            question.set_enabled(learner is not None)
        for button in (self._submit, self._check_feedback):
            button.disabled = learner is None
        self._confirm.layout.display = "none"
        self._result.value = ""
        if learner is None:
            self._status.value = (
                '<p class="ol-flag ol-learner-needed"><strong>Enter your learner id to start.</strong> '
                "The questions stay switched off until then, so that your answers are saved under "
                "your id and nobody else's.</p>"
            )
        else:
            restored = f" {len(drafts)} saved answers were restored." if drafts else ""
            self._status.value = (
                f'<p class="ol-status ol-save-status">Answering as <strong>{esc(learner)}</strong>. '
                f"Your answers are saved as you go: you can close this page and come back.{restored}</p>"
            )
        self._refresh_feedback()
        if self.on_learner is not None:
            self.on_learner(learner)

    # --- saving ----------------------------------------------------------------------------------

    def _save(self, question_id: str, value: object) -> None:
        if self.learner is None:
            return
        store().save_case_draft(self.learner, self.case.id, question_id, value)
        when = datetime.now().strftime("%H:%M:%S")
        self._status.value = (
            f'<p class="ol-status ol-save-status">Answering as <strong>{esc(self.learner)}</strong>. '
            f"Your answers are saved as you go. Last saved at {when}.</p>"
        )
        # Choices are pooled with a workshop after the page's own saving, which it never affects;
        # written answers only through their "share" box.
        if self.workshop is not None and question_id in self._choice_ids:
            self.workshop.record("case", f"{self.case.id}/{question_id}", value)

    def flush(self) -> None:
        for question in self._written:
            question.flush()

    def choices(self) -> dict[str, list[str] | str | None]:
        return {q.question.id: q.value for q in self._choices}

    def free_text(self) -> dict[str, str]:
        return {q.free.id: q.value for q in self._written}

    # --- submitting --------------------------------------------------------------------------------

    def unanswered(self) -> list[str]:
        """Each unanswered question, as 'question N (its prompt)'."""
        missing = [q for q in (*self._choices, *self._written) if not q.answered]
        return [
            f"question {q.number} ({q.question.prompt if isinstance(q, ChoiceQuestion) else q.free.prompt})"
            for q in missing
        ]

    def _on_submit(self, _button: ipw.Button) -> None:
        if self.learner is None:
            return
        missing = self.unanswered()
        if not missing:
            self._do_submit()
            return
        items = "".join(f"<li>{esc(m)}</li>" for m in missing)
        self._result.value = (
            f'<div class="ol-flag" role="alert"><p><strong>{len(missing)} of '
            f"{len(self._choices) + len(self._written)} questions are not answered yet:</strong></p>"
            f"<ul>{items}</ul><p>Submit anyway, or keep working and submit later?</p></div>"
        )
        self._confirm.layout.display = "flex"

    def _on_submit_anyway(self, _button: ipw.Button) -> None:
        self._do_submit()

    def _on_keep_working(self, _button: ipw.Button) -> None:
        self._confirm.layout.display = "none"
        self._result.value = (
            '<p class="ol-status" role="status">Nothing was submitted. Your answers are saved here.</p>'
        )

    def _do_submit(self) -> None:
        self._confirm.layout.display = "none"
        if self.learner is None:
            return
        self.flush()
        self._submit.disabled = True
        self._result.value = '<p class="ol-status" role="status">Submitting your answers…</p>'
        try:
            done = submission.submit(self.case, self.learner, self.choices(), self.free_text())
        except submission.SubmissionError as exc:
            self._result.value = f'<p class="ol-error" role="alert"><strong>Not submitted.</strong> {esc(exc)}</p>'
            return
        except Exception:  # the person sees a plain message, never a traceback
            self._result.value = (
                '<p class="ol-error" role="alert"><strong>Not submitted.</strong> Something went wrong '
                "on the server. Your answers are still saved here: try again in a minute, and tell your "
                "course organiser if it keeps happening.</p>"
            )
            return
        finally:
            self._submit.disabled = self.learner is None
        kept = (
            "<p>Your earlier submission was kept aside; this one replaces it for marking.</p>"
            if done.kept_aside is not None
            else ""
        )
        link = download_link(
            done.notebook_bytes.decode("utf-8"),
            done.filename,
            NOTEBOOK_MIME,
            "Download your submission",
        )
        self._result.value = (
            f'<div class="ol-ok ol-submitted" role="status"><p><strong>Submitted at {esc(done.timestamp)}.</strong> '
            f"Your assessor will mark it.</p>{kept}"
            "<p>Binder forgets your work when the session ends: download this file and send it to "
            f"your assessor.</p><p>{link}</p></div>"
        )
        self._refresh_feedback()

    # --- feedback ---------------------------------------------------------------------------------

    def _on_check_feedback(self, _button: ipw.Button) -> None:
        self._refresh_feedback()
        if self.learner is not None and not self._feedback.value:
            self._feedback.value = (
                '<p class="ol-status" role="status">No feedback yet. Your assessor generates it after '
                "marking: check again later.</p>"
            )

    def _refresh_feedback(self) -> None:
        if self.learner is None:
            self._last_submitted.value = ""
            self._feedback.value = ""
            return
        latest = submission.latest_submission(self.case.id, self.learner)
        self._last_submitted.value = (
            f'<p class="ol-status ol-last-submitted">Last submitted: {esc(latest)}.</p>'
            if latest
            else '<p class="ol-status ol-last-submitted">Not submitted yet.</p>'
        )
        feedback = submission.feedback_for(self.case.id, self.learner)
        if feedback is None:
            self._feedback.value = ""
            return
        earlier = (
            f'<p class="ol-flag">This feedback is for an earlier submission '
            f"({esc(feedback.submitted_at or 'date not recorded')}), not your latest one.</p>"
            if latest and feedback.submitted_at != latest
            else ""
        )
        self._feedback.value = (
            '<div class="ol-feedback"><h2>Your feedback</h2>'
            f"{earlier}"
            f'<iframe title="Feedback from your assessor" sandbox="" srcdoc="{esc(without_scripts(feedback.html))}" '
            'style="width:100%;height:40rem;border:1px solid #b1b4b6"></iframe>'
            f"<p>{download_link(feedback.html, feedback.filename, 'text/html', 'Download your feedback')}</p></div>"
        )


# --- the page ------------------------------------------------------------------------------------


class CasePage(ipw.VBox):
    """The case studies. Build it, display it, then call `start()`: the request's `case`
    picks the exercise (none or an unknown one shows the list)."""

    def __init__(self) -> None:
        self.module = course().module(CASES_MODULE)
        self.service: Service | None = None
        self.exercise: CaseExercise | None = None
        self._nav = ipw.HTML(nav_html(None, CASES_PAGE))
        self.workshop = WorkshopJoin()
        self.workshop.observe(self._on_workshop, names="participant_id")
        self._learner: str | None = None
        self.completion = ModuleComplete(CASES_MODULE)
        self.completion.observe(self._on_learner, names="learner")
        self._title = ipw.HTML(f"<h1>{esc(self.module.title)}</h1>")
        self._facilitator = FacilitatorNotes(self.module)
        self._notice = ipw.HTML()
        self._body = ipw.VBox()
        super().__init__(
            [
                style(),
                self._nav,
                self.workshop,
                self._title,
                ipw.HTML(lesson_header_html(self.module)),
                self._facilitator,
                self._notice,
                self._body,
                ipw.HTML(key_points_html(self.module)),
                self.completion,
            ]
        )
        self.add_class("ol-page")
        self.add_class("ol-case-page")

    def start(self) -> None:
        """Wait for the page request (Voila preheating), then show the case it names."""
        query = request_query()
        self._facilitator.show_for(is_trainer_view(query))
        self.service = resolve_service(query)
        learner, from_hub = requested_learner(query)
        self.show_case(query.get("case"), learner, fixed=from_hub)
        if self.exercise is None:
            self.completion.start(query)
        self._on_workshop({})
        self.workshop.resume(query.get("participant"))

    def _participant(self) -> str | None:
        return self.workshop.participant_id or None

    def _on_learner(self, _change: dict) -> None:
        if self.completion.learner:
            self._learner = self.completion.learner
        self._on_workshop({})

    def _on_workshop(self, _change: dict) -> None:
        self._nav.value = nav_html(self.service, CASES_PAGE, self._participant(), self._learner)
        if self.exercise is None:
            self._body.children = [ipw.HTML(case_list_html(self.service, self._learner, self._participant()))]
        else:
            self._notice.value = self._exercise_notice(self.exercise.case)

    def _exercise_notice(self, case: Case) -> str:
        kind = "a fictional case written for this course" if case.fictional else "a case from the planner"
        every_case = esc(page_link(CASES_PAGE, self.service, self._participant(), self._learner))
        return (
            f'<p class="ol-status">This is {kind}. It exercises the planner sections '
            f"{esc(_section_titles(case))}. "
            f'<a href="{every_case}">All case studies</a></p>'
        )

    def show_case(self, case_id: str | None, learner: str | None = None, fixed: bool = False) -> None:
        """One case's exercise, or the list of cases when `case_id` is None or unknown."""
        bank = case_bank()
        case = next((c for c in bank.cases if c.id == case_id), None)
        if case is None:
            self.exercise = None
            self._title.value = f"<h1>{esc(self.module.title)}</h1>"
            self._notice.value = (
                f'<p class="ol-error" role="alert">There is no case called \u201c{esc(case_id)}\u201d. '
                "Choose one of the cases below.</p>"
                if case_id
                else ""
            )
            self._learner = _usable(learner)
            self.completion.ask_for_learner(True)
            self._body.children = [ipw.HTML(case_list_html(self.service, self._learner, self._participant()))]
            return
        self._title.value = f"<h1>Case {case.number}: {esc(case.title)}</h1>"
        self._learner = _usable(learner)
        self._notice.value = self._exercise_notice(case)
        self.exercise = CaseExercise(case, workshop=self.workshop)
        # The exercise asks for the learner id; the completion box at the end follows it.
        self.completion.ask_for_learner(False)
        self.exercise.on_learner = self.completion.follow
        self._body.children = [self.exercise]
        if learner:
            self.exercise.use_learner(learner, fixed=fixed)


def _usable(learner: str | None) -> str | None:
    try:
        return submission.clean_learner_id(learner) if learner else None
    except ValueError:
        return None
