"""A planner section's page: explanation, six statements, and a live summary."""

from __future__ import annotations

import ipywidgets as ipw

from course.charts import radar_svg
from course.lessons import course
from course.quiz import item_bank
from course.rounds import confirm, current_round
from course.scoring import summarise, summarise_section
from course.store import Service
from widgets.common import (
    course_planner,
    credit_html,
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
from widgets.quiz import QuizRound
from widgets.statement import StatementRow
from widgets.workshop_join import TextShare, WorkshopJoin


def scale_html() -> str:
    planner = course_planner()
    items = "".join(f"<li><strong>{lvl.level}</strong>: {esc(lvl.descriptor)}</li>" for lvl in planner.scale)
    return (
        "<h2>How to score</h2>"
        "<p>Score each statement for your service as it is now, from 0 to 4. "
        "Leave a statement unscored until you are ready: unscored is not the same as 0.</p>"
        f"<ul>{items}</ul>"
        f"<p>{esc(planner.qa_explanation)}</p>"
    )


class SectionPage(ipw.VBox):
    """The page for one planner section. Build it, display it, then call `start()`."""

    def __init__(self, section_id: str) -> None:
        planner = course_planner()
        self.section = planner.section(section_id)
        self.service: Service | None = None
        self._stored_answers: dict = {}
        self._nav = ipw.HTML(nav_html(None, self.section.notebook))
        self._notice = ipw.HTML()
        self.workshop = WorkshopJoin()
        section = self.section
        self.module = course().module(section.id)
        self._facilitator = FacilitatorNotes(self.module)
        intro = "<h2>Why this matters</h2>" + paragraphs(section.explanation)
        if section.prompt:
            intro += f'<p class="ol-quote">{esc(section.prompt)}</p>'
        if section.quote:
            intro += (
                f'<p class="ol-quote">\u201c{esc(section.quote)}\u201d '
                '<span class="ol-credit">(from the planner)</span></p>'
            )
        intro += scale_html() + "<h2>The statements</h2>"
        self._rows = [
            StatementRow(s, planner, self._save, self._refresh_summary, confirmer=self._confirm)
            for s in section.statements
        ]
        self._shares: dict[str, TextShare] = {}
        for row in self._rows:
            share = TextShare(self.workshop, f"statement/{row.statement.id}", _evidence_of(row))
            row.add_evidence_share(share)
            self._shares[row.statement.id] = share
        self._summary = ipw.HTML()
        self._chart = ipw.HTML(radar_svg(planner, summarise(planner, {})))
        self._chart.add_class("ol-section-radar")
        self._footer = ipw.HTML()
        bank = item_bank()
        self.quiz = QuizRound(section.id, bank.for_section(section.id), show_results=False, workshop=self.workshop)
        self._quiz_intro = ipw.HTML()
        # The Data section's page also holds the data log and the trend-reading lesson (widgets/data_log.py).
        self.data_log = _data_log_panel() if section.id == "data" else None
        self.completion = ModuleComplete(section.id)
        self.completion.observe(self._on_learner, names="learner")
        self.workshop.observe(self._on_workshop, names="participant_id")
        super().__init__(
            [
                style(),
                self._nav,
                self.workshop,
                ipw.HTML(
                    f"<h1>{section.number}. {esc(section.title)}: {esc(section.heading)}</h1>"
                    + lesson_header_html(self.module)
                ),
                self._facilitator,
                ipw.HTML(intro),
                self._notice,
                *self._rows,
                *([self.data_log] if self.data_log is not None else []),
                ipw.HTML("<h2>Summary of this section</h2>"),
                self._summary,
                ipw.HTML("<h3>All six sections so far</h3>"),
                self._chart,
                self._quiz_intro,
                self.quiz,
                ipw.HTML(key_points_html(self.module)),
                self.completion,
                self._footer,
                ipw.HTML(credit_html()),
            ]
        )
        self.add_class("ol-page")
        self.add_class(f"ol-section-{section.id}")
        self.set_service(None)

    # --- binding to a service ------------------------------------------------------------------

    def start(self) -> None:
        """Wait for the page request (Voila preheating) and show that service's answers."""
        query = request_query()
        self._facilitator.show_for(is_trainer_view(query))
        self.set_service(resolve_service(query))
        self.completion.start(query)
        self.workshop.resume(query.get("participant"))

    def _participant(self) -> str | None:
        return self.workshop.participant_id or None

    def _learner(self) -> str | None:
        return self.completion.learner or None

    def _on_learner(self, _change: dict) -> None:
        self.quiz.set_learner(self._learner())
        self._render_links()

    def _on_workshop(self, _change: dict) -> None:
        self._render_links()

    def _render_links(self) -> None:
        service, participant = self.service, self._participant()
        self._nav.value = nav_html(service, self.section.notebook, participant, self._learner())
        self._footer.value = self._footer_html()
        quiz_page = esc(page_link("four-cs-quiz.ipynb", service, participant, self._learner()))
        self._quiz_intro.value = (
            "<h2>Check your understanding: the four Cs</h2><p>Five short situations of the kind "
            "this section is about. For each, tick every C that fits: content, contact, conduct, "
            f'commerce. The full quiz is on the <a href="{quiz_page}">'
            "four Cs page</a>.</p>"
        )
        if service is None:
            home = esc(page_link("home.ipynb", None, participant))
            self._notice.value = (
                '<p class="ol-error"><strong>Choose your service first.</strong> '
                f'Answers are saved for a named service. <a href="{home}">Go to the course home</a> '
                "to choose or add one, then come back to this section.</p>"
            )
        else:
            self._notice.value = (
                '<p class="ol-status">Every answer is saved as you give it. '
                "You can close this page and come back at any time.</p>"
            )

    def set_service(self, service: Service | None) -> None:
        self.service = service
        self.quiz.set_service(service)
        if self.data_log is not None:
            self.data_log.set_service(service)
        answers = store().answers(service.id) if service else {}
        self._stored_answers = answers  # the other sections' answers, for the radar
        carried_from = current_round(store(), service.id).number - 1 if service else None
        for row in self._rows:
            row.set_carried_from(carried_from or None)
            row.set_answer(answers.get(row.statement.id))
            row.set_enabled(service is not None)
        self._render_links()
        self._refresh_summary()

    # --- saving and the live summary ---------------------------------------------------------

    def _save(self, statement_id: str, field: str, value: object) -> None:
        if self.service is None:
            return
        store().save(self.service.id, statement_id, **{field: value})
        # Pooled with the workshop after the page's own saving, which it never affects.
        if field == "score":
            self.workshop.record("statement", statement_id, value)
        elif field == "evidence":
            self._shares[statement_id].text_changed(value if isinstance(value, str) else "")

    def _confirm(self, statement_id: str) -> None:
        """Keep a carried-forward answer as it is (course/rounds.py)."""
        if self.service is None:
            return
        confirm(store(), self.service.id, statement_id)

    def answers(self) -> dict:
        return {row.statement.id: row.answer for row in self._rows}

    def _refresh_summary(self) -> None:
        summary = summarise_section(self.section, self.answers())
        mean = "not yet scored" if summary.self_mean is None else f"{summary.self_mean:.1f} out of 4"
        qa = (
            "none checked yet"
            if summary.qa_mean is None
            else f"{summary.qa_mean:.1f} out of 4 ({summary.qa_checked} checked)"
        )
        flags = "".join(f"<li>{esc(f.statement_id)}: {esc(f.message)}</li>" for f in summary.flags)
        self._summary.value = (
            f'<div class="ol-summary" role="status">'
            f"<p><strong>{summary.answered} of {summary.total}</strong> statements scored. "
            f"Section average: <strong>{mean}</strong>. QA average: {qa}.</p>"
            + _carried_html(self.answers())
            + (
                f"<p><strong>Flags ({len(summary.flags)}):</strong></p><ul>{flags}</ul>"
                if flags
                else "<p>No flags.</p>"
            )
            + "</div>"
        )
        self._update_chart()

    def _update_chart(self) -> None:
        planner = course_planner()
        answers = {**self._stored_answers, **self.answers()}
        self._chart.value = radar_svg(planner, summarise(planner, answers))

    def _footer_html(self) -> str:
        participant = self._participant()
        planner = course_planner()
        sections = planner.sections
        i = sections.index(self.section)
        links = []
        if i > 0:
            prev = sections[i - 1]
            links.append(
                f'<a href="{esc(page_link(prev.notebook, self.service, participant, self._learner()))}">'
                f"Previous: {prev.number}. {esc(prev.title)}</a>"
            )
        if i + 1 < len(sections):
            nxt = sections[i + 1]
            href = esc(page_link(nxt.notebook, self.service, participant, self._learner()))
            links.append(f'<a href="{href}">Next: {nxt.number}. {esc(nxt.title)}</a>')
        else:
            href = esc(page_link("profile.ipynb", self.service, participant, self._learner()))
            links.append(f'<a href="{href}">Next: your profile and action plan</a>')
        return f'<nav class="ol-nav" aria-label="Previous and next section">{" ".join(links)}</nav>'


def _carried_html(answers: dict) -> str:
    """How many answers are still carried forward from the last round, in words."""
    carried = [a for a in answers.values() if a.carried_forward]
    if not carried:
        return ""
    review = sum(1 for a in carried if a.review_note)
    to_review = f" ({review} flagged because the planner's wording changed)" if review else ""
    noun = "answer is" if len(carried) == 1 else "answers are"
    return (
        f'<p class="ol-carried-count"><strong>{len(carried)} {noun} still carried forward</strong> from the last '
        f"round{to_review}: confirm or change each one.</p>"
    )


def _data_log_panel() -> ipw.Widget:
    from widgets.data_log import DataLogPanel  # imported only by the Data page

    return DataLogPanel()


def _evidence_of(row: StatementRow):  # type: ignore[no-untyped-def]
    return lambda: row.evidence_text
