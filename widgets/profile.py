"""The profile: radar chart, all 36 statements, flags, the action plan and exports."""

from __future__ import annotations

from datetime import date

import ipywidgets as ipw

from course.exports import to_csv, to_json
from course.lessons import course
from course.scoring import flags_for, summarise
from course.store import Service
from widgets.action_plan import ActionPlanEditor
from widgets.common import (
    PROFILE_PAGE,
    course_planner,
    credit_html,
    download_link,
    esc,
    nav_html,
    page_link,
    request_query,
    resolve_service,
    store,
    style,
)
from widgets.figures import RadarChart
from widgets.lesson import FacilitatorNotes, is_trainer_view, key_points_html, lesson_header_html
from widgets.module_complete import ModuleComplete
from widgets.report_panel import ReportPanel
from widgets.rounds_panel import RoundsPanel
from widgets.workshop_join import WorkshopJoin


def _score(value: int | None) -> str:
    return "not scored" if value is None else str(value)


def _mean(value: float | None) -> str:
    return "not scored" if value is None else f"{value:.1f}"


class ProfilePage(ipw.VBox):
    """The profile page. Build it, display it, then call `start()`."""

    def __init__(self) -> None:
        planner = course_planner()
        self.service: Service | None = None
        self.module = course().module("profile")
        self._nav = ipw.HTML(nav_html(None, PROFILE_PAGE))
        self.workshop = WorkshopJoin()
        self.workshop.observe(self._on_workshop, names="participant_id")
        self.completion = ModuleComplete("profile")
        self.completion.observe(self._on_learner, names="learner")
        self._title = ipw.HTML("<h1>Profile and action plan</h1>")
        self._facilitator = FacilitatorNotes(self.module)
        self._chart = RadarChart(planner, summarise(planner, {}))
        self._sections = ipw.HTML()
        self._rounds = RoundsPanel(on_change=lambda: self.refresh())  # rounds over time (course/rounds.py)
        self._plan = ipw.HTML()
        self._actions = ActionPlanEditor()  # the action plan, edited and saved in place (course/actions.py)
        self._flags = ipw.HTML()
        self._table = ipw.HTML()
        self._downloads = ipw.HTML()
        self._redact = ipw.Checkbox(  # downloads with course.privacy.redact applied
            value=False,
            description="Remove probable personal data from downloads",
            indent=False,
            layout=ipw.Layout(width="auto"),
        )
        self._redact.observe(lambda _change: self.refresh(), names="value")
        self._download_links = ipw.HTML()
        self._report = ReportPanel()  # the report for the board (course/report.py)
        self._refresh = ipw.Button(description="Refresh", tooltip="Read the latest answers from the store")
        self._refresh.on_click(lambda _b: self.refresh())
        super().__init__(
            [
                style(),
                self._nav,
                self.workshop,
                self._title,
                ipw.HTML(lesson_header_html(self.module)),
                self._facilitator,
                self._refresh,
                ipw.HTML(
                    "<h2>Your scores by section</h2><p>The chart shows each section's average "
                    "score from 0 (centre) to 4 (edge): your self-assessment as a solid line with "
                    "circles, the QA check as a dashed line with squares. The table below gives the "
                    "same figures.</p>"
                ),
                self._chart,
                self._sections,
                self._rounds,
                self._plan,
                self._actions,
                self._flags,
                self._table,
                self._downloads,
                self._redact,
                self._download_links,
                self._actions.downloads,
                self._report,
                ipw.HTML(key_points_html(self.module)),
                self.completion,
                ipw.HTML(credit_html()),
            ]
        )
        self.add_class("ol-page")
        self.add_class("ol-profile")
        self.refresh()

    def start(self) -> None:
        query = request_query()
        self._facilitator.show_for(is_trainer_view(query))
        self.service = resolve_service(query)
        self.completion.start(query)
        if not self.workshop.resume(query.get("participant")):  # joining refreshes the page itself
            self.refresh()

    def _on_learner(self, _change: dict) -> None:
        participant = self.workshop.participant_id or None
        self._nav.value = nav_html(self.service, PROFILE_PAGE, participant, self.completion.learner or None)

    def _on_workshop(self, _change: dict) -> None:
        self.refresh()

    def set_service(self, service: Service | None) -> None:
        self.service = service
        self.refresh()

    def refresh(self) -> None:
        planner = course_planner()
        service = self.service
        answers = store().answers(service.id) if service else {}
        summaries = summarise(planner, answers)
        participant = self.workshop.participant_id or None
        self._nav.value = nav_html(service, PROFILE_PAGE, participant, self.completion.learner or None)
        self._title.value = (
            f"<h1>Profile and action plan: {esc(service.name)}</h1>" if service else "<h1>Profile and action plan</h1>"
        )
        self._chart.show(summaries)
        self._rounds.show(service)

        rows = "".join(
            f"<tr><td>{section.number}. {esc(section.title)}</td><td>{s.answered} of {s.total}</td>"
            f"<td>{_mean(s.self_mean)}</td><td>{_mean(s.qa_mean)}</td><td>{len(s.flags)}</td></tr>"
            for section, s in zip(planner.sections, summaries, strict=True)
        )
        self._sections.value = (
            '<table class="ol-table ol-section-summary"><caption class="ol-status">Section averages</caption>'
            '<thead><tr><th scope="col">Section</th><th scope="col">Scored</th><th scope="col">Self average</th>'
            f'<th scope="col">QA average</th><th scope="col">Flags</th></tr></thead><tbody>{rows}</tbody></table>'
        )
        if service is None:
            self._plan.value = (
                '<p class="ol-error"><strong>No service chosen.</strong> '
                f'<a href="{esc(page_link("home.ipynb", None, participant))}">Choose or add your service on the '
                "course home</a>.</p>"
            )
            self._flags.value = self._table.value = self._downloads.value = self._download_links.value = ""
            self._redact.layout.display = "none"
            self._report.show(None)
            self._actions.show(None)
            return

        self._plan.value = ""
        self._actions.show(service, answers)  # suggestions, planned actions, the not-scored note

        flags = [f for s in planner.statements for f in flags_for(answers.get(s.id))]
        self._flags.value = "<h2>Flags</h2>" + (
            '<ul class="ol-flag-list">'
            + "".join(
                f'<li class="ol-flag"><strong>Flag, {esc(f.statement_id)}:</strong> {esc(f.message)}</li>'
                for f in flags
            )
            + "</ul>"
            if flags
            else "<p>No flags: every score of 3 or 4 has evidence, and no QA score differs from "
            "the self-assessment by 2 or more.</p>"
        )

        body = []
        for section in planner.sections:
            for statement in section.statements:
                a = answers.get(statement.id)
                marks = " ".join(f"Flag: {f.message}" for f in flags_for(a))
                body.append(
                    f'<tr data-statement="{esc(statement.id)}"><th scope="row">{esc(statement.id)}</th>'
                    f"<td>{esc(statement.text)}</td><td>{_score(a.score if a else None)}</td>"
                    f"<td>{esc(a.evidence if a else '')}</td><td>{_score(a.qa_score if a else None)}</td>"
                    f"<td>{esc(a.qa_note if a else '')}</td><td>{esc(marks)}</td></tr>"
                )
        self._table.value = (
            "<h2>All 36 statements</h2>"
            '<table class="ol-table ol-statements"><caption class="ol-status">Every statement with its '
            'score, evidence and QA</caption><thead><tr><th scope="col">No.</th><th scope="col">Statement</th>'
            '<th scope="col">Score</th><th scope="col">Evidence</th><th scope="col">QA score</th>'
            f'<th scope="col">QA note</th><th scope="col">Flags</th></tr></thead><tbody>{"".join(body)}</tbody></table>'
        )

        stem = f"online-lives-{service.slug}-{date.today().isoformat()}"
        self._downloads.value = (
            "<h2>Download</h2><p>Keep a copy of your assessment, or move it to another computer. "
            "The JSON file can be uploaded on the course home to resume. The files hold "
            "everything typed into the evidence and QA boxes: store them as carefully as any "
            "other service record. Tick the box to replace probable personal data (names, phone numbers, "
            "emails, postcodes, dates of birth) with labels such as “[name removed]”.</p>"
        )
        self._redact.layout.display = None
        redact = self._redact.value is True
        self._download_links.value = (
            download_link(
                to_json(planner, service, answers, redact=redact),
                f"{stem}.json",
                "application/json",
                "Download my assessment (JSON)",
            )
            + download_link(
                to_csv(planner, service, answers, redact=redact),
                f"{stem}.csv",
                "text/csv",
                "Download as a spreadsheet (CSV)",
            )
            + f'<p><a href="{esc(page_link("home.ipynb", service, participant))}">Back to the course home</a></p>'
        )
        self._report.show(service)
