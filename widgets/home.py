"""The course home: what the course is, the scale, choosing a service, the sections with
their progress, and resuming from a downloaded file."""

from __future__ import annotations

import ipywidgets as ipw

from course.exports import ImportedAssessment, ImportRefused, parse_assessment
from course.lessons import course
from course.scoring import summarise
from course.store import Service
from widgets.common import (
    HELP_PAGE,
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
from widgets.section import scale_html
from widgets.workshop_join import WorkshopJoin

NO_SERVICE = ""


def intro_html() -> str:
    planner = course_planner()
    return (
        "<h1>Online Lives: self-assessment for services</h1>"
        "<p>This course is for people who work with children and young people: school staff, "
        "mental health and social care teams, youth workers and safeguarding leads. It helps "
        "your service look honestly at how well it understands and responds to the online "
        "lives of the children and young people it supports.</p>"
        "<p>It is built on the planning tool <em>"
        f"{esc(planner.title)}</em> by {esc(' and '.join(planner.source.authors))} "
        f"({esc(planner.source.publisher)}, {planner.source.year}). The planner has six "
        "sections, each with six statements. For each statement you give your service a score "
        "from 0 to 4 and note the evidence; an independent person can then check it (QA).</p>"
        "<p>When you have scored the sections, your profile shows your strengths and gaps, "
        "flags scores that need evidence or a second look, and lists where to act first.</p>"
    )


class HomePage(ipw.VBox):
    """The course home. Build it, display it, then call `start()`."""

    def __init__(self) -> None:
        self.service: Service | None = None
        self._pending_import: ImportedAssessment | None = None
        self._nav = ipw.HTML(nav_html(None, "home.ipynb"))
        self.workshop = WorkshopJoin()
        self.workshop.observe(self._on_workshop, names="participant_id")

        self._choose = ipw.Dropdown(
            description="Choose your service",
            options=[("Choose a service", NO_SERVICE)],
            value=NO_SERVICE,
            style={"description_width": "initial"},
        )
        self._new_name = ipw.Text(
            description="Or add a new service",
            placeholder="For example: Riverside CAMHS",
            style={"description_width": "initial"},
            layout=ipw.Layout(width="32rem"),
        )
        self._add = ipw.Button(description="Add service", button_style="primary")
        self._service_message = ipw.HTML()
        self._sections = ipw.HTML()

        self._upload = ipw.FileUpload(
            accept=".json,application/json",
            multiple=False,
            description="Upload to resume",
            tooltip="Choose an assessment file you downloaded from the profile page",
            layout=ipw.Layout(width="auto"),
        )
        self._upload_message = ipw.HTML()
        self._replace = ipw.Button(description="Replace stored answers", button_style="danger")
        self._keep = ipw.Button(description="Keep what is stored")
        self._confirm = ipw.HBox([self._replace, self._keep], layout=ipw.Layout(display="none"))

        self._choose.observe(self._on_choose, names="value")
        self._add.on_click(self._on_add)
        self._upload.observe(self._on_upload, names="value")
        self._replace.on_click(self._on_replace)
        self._keep.on_click(self._on_keep)

        super().__init__(
            [
                style(),
                self._nav,
                self.workshop,
                ipw.HTML(intro_html()),
                ipw.HTML(
                    "<h2>Your service</h2><p>Answers are saved for a named service. "
                    "Several services can share this course; choose yours or add it.</p>"
                ),
                self._choose,
                ipw.HBox([self._new_name, self._add]),
                self._service_message,
                ipw.HTML(scale_html()),
                self._sections,
                ipw.HTML(
                    "<h2>Resume from a downloaded file</h2><p>If you used the course somewhere that "
                    "does not keep your answers (such as Binder), upload the assessment file you "
                    "downloaded from your profile page. Nothing already stored is replaced without "
                    "asking you first.</p>"
                ),
                self._upload,
                self._upload_message,
                self._confirm,
                ipw.HTML(credit_html()),
            ]
        )
        self.add_class("ol-page")
        self.add_class("ol-home")
        self._refresh_services()
        self._render()

    def start(self) -> None:
        """Wait for the page request (Voila preheating) and select the service it names.

        The list of services is read after the wait: a preheated kernel may have been
        waiting for minutes, and services added meanwhile must be there to choose.
        """
        query = request_query()
        self._refresh_services()
        self.select(resolve_service(query))
        self.workshop.resume(query.get("participant"))

    def _on_workshop(self, _change: dict) -> None:
        self._render()

    # --- services ------------------------------------------------------------------------------

    def _refresh_services(self) -> None:
        options = [("Choose a service", NO_SERVICE)] + [(s.name, s.slug) for s in store().services()]
        current = self.service.slug if self.service else NO_SERVICE
        self._choose.options = options
        self._choose.value = current if current in {v for _, v in options} else NO_SERVICE

    def select(self, service: Service | None) -> None:
        self.service = service
        self._choose.value = service.slug if service else NO_SERVICE
        self._render()

    def _on_choose(self, change: dict) -> None:
        slug = change["new"]
        service = store().service(slug) if isinstance(slug, str) and slug else None
        if service != self.service:
            self.service = service
            self._service_message.value = ""
            self._render()

    def _on_add(self, _widget: object) -> None:
        try:
            service = store().create_service(self._new_name.value, course_planner().version)
        except ValueError as exc:
            self._service_message.value = f'<p class="ol-error" role="alert">{esc(exc)}</p>'
            return
        self._new_name.value = ""
        self._refresh_services()
        self.select(service)
        self._service_message.value = (
            f'<p class="ol-ok" role="status">You are now assessing <strong>{esc(service.name)}</strong>. '
            "Start with any section below.</p>"
        )

    # --- the section list --------------------------------------------------------------------------

    def _render(self) -> None:
        participant = self.workshop.participant_id or None
        self._nav.value = nav_html(self.service, "home.ipynb", participant)
        planner = course_planner()
        plan = course()
        answers = store().answers(self.service.id) if self.service else {}
        summaries = {s.section_id: s for s in summarise(planner, answers)}
        sections = {s.id: s for s in planner.sections}
        rows = []
        for module in plan.modules:
            section = sections.get(module.id)
            title = f"{section.number}. {section.title}" if section else module.title
            covers = section.summary if section else module.questions[0]
            if section:
                summary = summaries[section.id]
                progress = f"{summary.answered} of {summary.total} scored"
            else:
                progress = ""
            rows.append(
                f'<tr><td><a href="{esc(page_link(module.notebook, self.service, participant))}">{esc(title)}</a></td>'
                f"<td>{esc(covers)}</td><td>{module.minutes} min</td>"
                f'<td class="ol-progress" data-section="{esc(module.id)}">{progress}</td></tr>'
            )
        heading = (
            f"<h2>The course plan</h2><p>{len(plan.modules)} modules, about {plan.minutes // 60} hours "
            f"{plan.minutes % 60} minutes in all. Take them in order or go straight to the section you need.</p>"
        )
        if not self.service:
            heading += '<p class="ol-status">Choose or add your service above before you start scoring.</p>'
        self._sections.value = (
            heading
            + '<table class="ol-table ol-course-plan"><caption class="ol-status">Modules, time and your progress'
            '</caption><thead><tr><th scope="col">Module</th><th scope="col">What it covers</th>'
            '<th scope="col">Time</th><th scope="col">Your progress</th></tr></thead><tbody>'
            + "".join(rows)
            + "</tbody></table>"
            + f'<p><a href="{esc(page_link(HELP_PAGE, self.service, participant))}">Sources of help</a>: national '
            "and local services, parental controls, further reading.</p>"
        )

    # --- resume from a file ---------------------------------------------------------------------

    def _on_upload(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        name = str(upload.get("name", "the file"))[:200]
        self._confirm.layout.display = "none"
        self._pending_import = None
        try:
            imported = parse_assessment(bytes(upload["content"]), course_planner(), filename=name)
        except ImportRefused as exc:
            self._upload_message.value = f'<p class="ol-error" role="alert"><strong>Not loaded.</strong> {esc(exc)}</p>'
            return
        finally:
            self._upload.value = ()  # so the same file can be chosen again
        existing = store().service_by_name(imported.service_name)
        stored = store().count_answers(existing.id) if existing else 0
        if existing and stored:
            self._pending_import = imported
            self._upload_message.value = (
                f'<p class="ol-flag" role="alert"><strong>{esc(existing.name)}</strong> already has '
                f"{stored} answered statements stored here. Replace them with the {imported.answered} "
                f"in {esc(name)}?</p>"
            )
            self._confirm.layout.display = "flex"
            return
        self._import(imported)

    def _on_replace(self, _button: ipw.Button) -> None:
        if self._pending_import is not None:
            self._import(self._pending_import)

    def _on_keep(self, _button: ipw.Button) -> None:
        self._pending_import = None
        self._confirm.layout.display = "none"
        self._upload_message.value = '<p class="ol-status" role="status">Nothing was changed.</p>'

    def _import(self, imported: ImportedAssessment) -> None:
        service = store().create_service(imported.service_name, course_planner().version)
        count = store().replace_answers(service.id, imported.answers)
        self._pending_import = None
        self._confirm.layout.display = "none"
        self._refresh_services()
        self.select(service)
        self._upload_message.value = (
            f'<p class="ol-ok" role="status">Loaded {count} answered statements for '
            f"<strong>{esc(service.name)}</strong>.</p>"
        )
