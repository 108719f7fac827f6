"""The area view: a service's section scores against its area's median and quartiles.

The page shows the chosen service's own averages and the area's aggregates, never another
service's name or scores. Figures built from fewer than `course.area.MIN_SERVICES`
services are hidden (they are never sent to the browser).
"""

from __future__ import annotations

import ipywidgets as ipw

from course.area import (
    MIN_SERVICES,
    SectionStats,
    area_guide,
    area_section_stats,
    area_services,
    clean_area,
    service_position,
    set_area,
)
from course.charts import area_svg
from course.content import Planner
from course.scoring import SectionSummary, summarise
from course.store import Service, StoreError
from widgets.common import (
    AREA_PAGE,
    HOME_PAGE,
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

HIDDEN_MESSAGE = f"Fewer than {MIN_SERVICES} services have scored this section, so the area\u2019s figures are hidden."


def _figure(value: float | None) -> str:
    return "not scored" if value is None else f"{value:.2f}"


def _section_label(planner: Planner, index: int) -> str:
    section = planner.sections[index]
    return f"{section.number}. {section.title}"


class AreaChart(ipw.HTML):
    """The area chart, drawn as a small SVG (`course.charts.area_svg`): no plotly in the
    browser, so nothing to start there. `show(stats, own)` redraws it."""

    def __init__(self, planner: Planner) -> None:
        super().__init__()
        self._planner = planner
        self.add_class("ol-area-compare")
        self.show([SectionStats(s.id, 0, None, None, None) for s in planner.sections], summarise(planner, {}))

    def show(self, stats: list[SectionStats], own: list[SectionSummary]) -> None:
        labels = [_section_label(self._planner, i) for i in range(len(self._planner.sections))]
        self.value = area_svg(labels, stats, [o.self_mean for o in own])


def table_html(planner: Planner, stats: list[SectionStats], own: list[SectionSummary]) -> str:
    """The section-by-section table: the area's figures, your average, where you stand."""
    rows = []
    for index, (s, mine) in enumerate(zip(stats, own, strict=True)):
        label = esc(_section_label(planner, index))
        head = f'<tr data-section="{esc(s.section_id)}"><th scope="row">{label}</th><td>{s.services}</td>'
        yours = _figure(mine.self_mean)
        if s.hidden:
            rows.append(
                f'{head}<td colspan="3" class="ol-area-hidden">{esc(HIDDEN_MESSAGE)}</td>'
                f"<td>{yours}</td><td>not shown</td></tr>"
            )
            continue
        position = service_position(mine.self_mean, s) or "not scored yet"
        low, high = ("shown from 5 services",) * 2 if s.q1 is None else (_figure(s.q1), _figure(s.q3))
        rows.append(
            f"{head}<td>{low}</td><td>{_figure(s.median)}</td><td>{high}</td>"
            f"<td>{yours}</td><td>{esc(position)}</td></tr>"
        )
    return (
        '<table class="ol-table ol-area-table"><caption class="ol-status">Your service against the area, '
        "section by section (averages from 0 to 4)</caption><thead><tr>"
        '<th scope="col">Section</th><th scope="col">Services with scores</th>'
        '<th scope="col">Lower quartile</th><th scope="col">Median</th><th scope="col">Upper quartile</th>'
        '<th scope="col">Your service\u2019s average</th><th scope="col">Where you stand</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


class AreaPage(ipw.VBox):
    """The area page. Build it, display it, then call `start()`."""

    def __init__(self) -> None:
        planner = course_planner()
        guide = area_guide()
        self.service: Service | None = None
        self._syncing = False
        self._nav = ipw.HTML(nav_html(None, AREA_PAGE))
        self._title = ipw.HTML("<h1>Area view</h1>")
        self._missing = ipw.HTML()
        self._area = ipw.Text(
            description="Area name",
            placeholder="For example: Northshire",
            continuous_update=False,
            disabled=True,
            style={"description_width": "initial"},
            layout=ipw.Layout(width="32rem"),
        )
        self._area.add_class("ol-area-name")
        self._save = ipw.Button(description="Save area", button_style="primary", disabled=True)
        self._save.add_class("ol-area-save")
        self._status = ipw.HTML()
        self._count = ipw.HTML()
        self._table = ipw.HTML()
        self._chart = AreaChart(planner)
        self._chart_words = ipw.HTML()
        self._area.observe(self._on_area, names="value")
        self._save.on_click(lambda _b: self.save_area(self._area.value))
        super().__init__(
            [
                style(),
                self._nav,
                self._title,
                ipw.HTML(
                    "<h2>What an area is, and why agencies compare</h2>"
                    + paragraphs("\n\n".join(guide["what_an_area_is"]))
                ),
                self._missing,
                ipw.HTML(f"<h2>Your service\u2019s area</h2>{paragraphs(guide['area_name_help'])}"),
                ipw.HBox([self._area, self._save]),
                self._status,
                self._count,
                ipw.HTML("<h2>How to read the figures</h2>" + paragraphs("\n\n".join(guide["how_to_read"]))),
                self._table,
                ipw.HTML(
                    "<p>The chart shows the same figures. For each section, the pale bar runs from the "
                    "area\u2019s lower to its upper quartile, the dark diamond marks the area median and "
                    "the open circle your service\u2019s average; each marker is also labelled in words.</p>"
                ),
                self._chart,
                self._chart_words,
                ipw.HTML(credit_html()),
            ]
        )
        self.add_class("ol-page")
        self.add_class("ol-area")
        self.refresh()

    def start(self) -> None:
        self.set_service(resolve_service(request_query()))

    def set_service(self, service: Service | None) -> None:
        self.service = service
        self._status.value = ""
        self.refresh()

    # --- saving the area -----------------------------------------------------------------

    def _on_area(self, change: dict) -> None:
        if not self._syncing:
            self.save_area(change["new"])

    def save_area(self, value: object) -> None:
        """Save the area typed for this service at once (Enter, leaving the box, or the
        button); a bad name keeps what was typed and says what is wrong."""
        if self.service is None:
            self._status.value = '<p class="ol-error" role="alert">Choose a service on the course home first.</p>'
            return
        try:
            cleaned = clean_area(value)
            if cleaned.casefold() == self.service.area.casefold() and cleaned:
                self._show_saved()
                return
            self.service = set_area(store(), self.service.id, cleaned)
        except (ValueError, StoreError) as exc:
            self._status.value = f'<p class="ol-error" role="alert">Not saved: {esc(exc)}</p>'
            return
        self.refresh()
        self._show_saved()

    def _show_saved(self) -> None:
        area = self.service.area if self.service else ""
        text = (
            f"Saved: your service is in the area \u201c{esc(area)}\u201d."
            if area
            else "Saved: your service is not in any area."
        )
        self._status.value = f'<p class="ol-ok ol-area-status" role="status">{text}</p>'

    # --- showing ---------------------------------------------------------------------------

    def refresh(self) -> None:
        planner = course_planner()
        service = self.service
        if service is not None:
            service = store().service(service.slug) or service  # another tab may have changed it
            self.service = service
        self._nav.value = nav_html(service, AREA_PAGE)
        self._title.value = f"<h1>Area view: {esc(service.name)}</h1>" if service else "<h1>Area view</h1>"
        self._area.disabled = self._save.disabled = service is None
        self._syncing = True
        try:
            self._area.value = service.area if service else ""
        finally:
            self._syncing = False
        own = summarise(planner, store().answers(service.id) if service else {})
        if service is None:
            self._missing.value = (
                '<p class="ol-error"><strong>No service chosen.</strong> '
                f'<a href="{esc(page_link(HOME_PAGE, None))}">Choose or add your service on the course home</a>, '
                "then come back to this page from its navigation.</p>"
            )
            self._count.value = self._table.value = self._chart_words.value = ""
            self._chart.show([SectionStats(s.id, 0, None, None, None) for s in planner.sections], own)
            return
        self._missing.value = ""
        if not service.area:
            self._count.value = (
                '<p class="ol-area-count">Your service is not in an area yet, so there is nothing to compare '
                "with. Type your area\u2019s name above and save it.</p>"
            )
            stats = [SectionStats(s.id, 0, None, None, None) for s in planner.sections]
        else:
            members = len(area_services(store(), service.area))
            noun = "service" if members == 1 else "services"
            self._count.value = (
                f'<p class="ol-area-count"><strong>{members} {noun} in this area</strong> '
                f"(\u201c{esc(service.area)}\u201d), your own included.</p>"
            )
            stats = area_section_stats(store(), planner, service.area)
        self._table.value = table_html(planner, stats, own)
        self._chart.show(stats, own)
        self._chart_words.value = self._words(planner, stats, own)

    def _words(self, planner: Planner, stats: list[SectionStats], own: list[SectionSummary]) -> str:
        items = []
        for index, (s, mine) in enumerate(zip(stats, own, strict=True)):
            label = esc(_section_label(planner, index))
            area = (
                "area figures hidden"
                if s.hidden
                else f"area median {_figure(s.median)} (quartiles are shown from 5 services)"
                if s.q1 is None
                else f"area middle half {_figure(s.q1)} to {_figure(s.q3)}, median {_figure(s.median)}"
            )
            items.append(f"<li>{label}: {area}; your service {_figure(mine.self_mean)}.</li>")
        return (
            f'<details class="ol-area-words"><summary>The chart in words</summary><ul>{"".join(items)}</ul></details>'
        )
