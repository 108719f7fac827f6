"""The Data module's data log panel (on the Data section page only).

Three parts:

- "Reading a trend (synthetic data)": the trend-reading lesson, a chart of the synthetic
  data set with its rolling three-month average, and questions with feedback for every
  option (feedback is shown on the click; the choice is a self-check and is not stored);
- "Your service's data log": a month chooser and a labelled box for each count. Every value
  is saved the moment it is entered (`Debouncer`, as for typed text). A value that does not
  fit the month's other counts is saved all the same and the page says what does not fit.
  Then a table of the log and a chart of it;
- "Your area": the area's monthly totals when at least 3 of its services reported for a
  month; otherwise a sentence saying why they are hidden.

Counts only: the panel tells people never to enter names or case details, and it has no
free text at all.
"""

from __future__ import annotations

from datetime import datetime

import ipywidgets as ipw

from course.datalog import (
    FIELDS,
    FOUR_CS,
    LABELS,
    MAX_COUNT,
    AreaMonth,
    DataLogError,
    MonthCounts,
    Series,
    SyntheticMonth,
    TrendLesson,
    TrendQuestion,
    area_monthly,
    area_service_list,
    average_series,
    consistency_problems,
    counts_series,
    log_csv,
    min_services,
    month_counts,
    month_label,
    month_log,
    new_form_month,
    recent_months,
    save_field,
    synthetic_referrals,
    trend_lesson,
    trend_svg,
)
from course.store import Service, StoreError
from widgets.autosave import Debouncer
from widgets.common import AREA_PAGE, download_link, esc, page_link, store

HINTS = {
    "online_referrals": "All referrals this month with any online part to them.",
    "content": "How many involved harmful content (what they saw).",
    "contact": "How many involved harmful contact (who they met).",
    "conduct": "How many involved conduct (what they did, or what was done among peers).",
    "commerce": "How many involved commerce (gambling, scams, money, advertising).",
    "reason_for_referral": "How many were referred because of online harm.",
    "found_later": "How many were referred for something else, with online harm found later.",
}

PANEL_CSS = """
<style>
.ol-data-log .ol-count-hint { margin: 0 0 0.4rem 20.5rem; font-size: 0.9rem; color: #3d3d3d; }
.ol-data-log .ol-trend { display: block; margin: 0.5rem 0; }
.ol-data-log details { margin: 0.25rem 0 1rem; }
.ol-data-log summary { cursor: pointer; color: #0b4f9c; text-decoration: underline; }
.ol-data-log .ol-question { border-top: 1px solid #b1b4b6; margin-top: 0.75rem; padding-top: 0.25rem; }
.ol-data-log .widget-radio-box label { white-space: normal; height: auto; line-height: 1.4; margin: 0.2rem 0; }
.ol-counts-only { border: 2px solid #505a5f; padding: 0.25rem 0.75rem; margin: 0.5rem 0; }
</style>
"""


def _table(caption: str, header: list[str], rows: list[list[str]], css: str) -> str:
    """An accessible table: a caption, column headers with scope, the first cell of each row a
    row header. Cells are already escaped."""
    head = "".join(f'<th scope="col">{h}</th>' for h in header)
    body = "".join(
        f'<tr><th scope="row">{row[0]}</th>{"".join(f"<td>{cell}</td>" for cell in row[1:])}</tr>' for row in rows
    )
    return (
        f'<table class="ol-table {css}"><caption>{esc(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def synthetic_chart_svg(data: list[SyntheticMonth]) -> str:
    months = [m.month for m in data]
    counts = [float(m.counts.online_referrals) for m in data]
    step = new_form_month(data)
    return trend_svg(
        "ol-synthetic-chart",
        "Synthetic data: referrals with an online component each month",
        months,
        [
            Series("Monthly count", tuple(counts), "#1d5fa6", "", "circle", 2.0),
            average_series("Rolling 3-month average", counts),
        ],
        marker_month=step,
        marker_label="New referral form",
    )


def synthetic_table_html(data: list[SyntheticMonth]) -> str:
    averages = average_series("", [float(m.counts.online_referrals) for m in data]).values
    rows = [
        [
            esc(month_label(m.month)),
            str(m.counts.online_referrals),
            "" if avg is None else f"{avg:.1f}",
            "new" if m.referral_form == "new" else "old",
        ]
        for m, avg in zip(data, averages, strict=True)
    ]
    table = _table(
        "Synthetic data: the imaginary service's monthly counts",
        ["Month", "Referrals with an online component", "Rolling 3-month average", "Referral form"],
        rows,
        "ol-synthetic-table",
    )
    return f"<details><summary>The chart's figures as a table</summary>{table}</details>"


class TrendQuestionBox(ipw.VBox):
    """One multiple-choice question about the synthetic chart; feedback for the option chosen."""

    def __init__(self, number: int, question: TrendQuestion) -> None:
        self.question = question
        self._choice = ipw.RadioButtons(
            options=[(o.text, o.id) for o in question.options],
            index=None,
            description=f"Your answer to question {number}",
            style={"description_width": "initial"},
            layout=ipw.Layout(width="96%"),
        )
        self._feedback = ipw.HTML()
        self._choice.observe(self._on_choice, names="value")
        super().__init__(
            [
                ipw.HTML(f'<h4 class="ol-question">Question {number}. {esc(question.text)}</h4>'),
                self._choice,
                self._feedback,
            ]
        )
        self.add_class("ol-trend-question")
        self.add_class(f"ol-trend-question-{question.id}")

    def _on_choice(self, change: dict) -> None:
        value = change["new"]
        try:
            option = self.question.option(value) if isinstance(value, str) else None
        except KeyError:
            option = None
        if option is None:
            self._feedback.value = ""
            return
        verdict = "Correct." if option.correct else "Not quite."
        css = "ol-ok" if option.correct else "ol-flag"
        self._feedback.value = (
            f'<div role="status"><p class="{css}"><strong>{verdict}</strong> {esc(option.feedback)}</p></div>'
        )


class DataLogPanel(ipw.VBox):
    """The data log panel of the Data section page. `set_service(service)` binds it."""

    def __init__(self, lesson: TrendLesson | None = None, synthetic: list[SyntheticMonth] | None = None) -> None:
        self.service: Service | None = None
        self._loading = False
        lesson = lesson or trend_lesson()
        data = synthetic if synthetic is not None else synthetic_referrals()
        self.questions = [TrendQuestionBox(i, q) for i, q in enumerate(lesson.questions, start=1)]
        parts = "".join(
            f"<h4>{esc(part.heading)}</h4>" + "".join(f"<p>{esc(p)}</p>" for p in part.paragraphs)
            for part in lesson.parts
        )
        self._lesson = ipw.HTML(
            "<h2>Reading a trend (synthetic data)</h2>"
            f"<p>{esc(lesson.introduction)}</p>{parts}"
            f'<p class="ol-ok"><strong>Synthetic data.</strong> {esc(lesson.synthetic_note)}</p>'
            f'<figure class="ol-figure">{synthetic_chart_svg(data)}'
            f'<figcaption class="ol-status">{esc(lesson.chart_description)}</figcaption></figure>'
            + synthetic_table_html(data)
            + "<h3>Check your reading of the chart</h3><p>Choose an answer to see feedback on it.</p>"
        )

        months = recent_months()
        self._month = ipw.Dropdown(
            options=[(month_label(m), m) for m in months],
            value=months[1],  # last month: the most recent complete one
            description="Month",
            style={"description_width": "20rem"},
            layout=ipw.Layout(width="32rem"),
        )
        self._boxes: dict[str, ipw.BoundedIntText] = {}
        rows: list[ipw.Widget] = []
        for field in FIELDS:
            box = ipw.BoundedIntText(
                value=0,
                min=0,
                max=MAX_COUNT,
                step=1,
                description=LABELS[field],
                continuous_update=True,
                style={"description_width": "20rem"},
                layout=ipw.Layout(width="30rem"),
            )
            box.add_class(f"ol-count-{field.replace('_', '-')}")
            box.observe(self._on_count(field), names="value")
            self._boxes[field] = box
            rows.extend([box, ipw.HTML(f'<p class="ol-count-hint">{esc(HINTS[field])}</p>')])
        self._savers = {field: Debouncer(self._saver(field)) for field in FIELDS}
        self._month.observe(self._on_month, names="value")
        self._status = ipw.HTML()
        self._problems = ipw.HTML()
        self._table = ipw.HTML()
        self._chart = ipw.HTML()
        self._download = ipw.HTML()
        self._area = ipw.HTML()

        super().__init__(
            [
                ipw.HTML(PANEL_CSS),
                self._lesson,
                *self.questions,
                ipw.HTML(
                    "<h2>Your service's data log</h2>"
                    "<p>Each month, record how many of your service's referrals had an online component, "
                    "which of the four Cs they involved, and whether online harm was the reason for the "
                    "referral or was found later. Choose the month, then type the counts: each one is saved "
                    "as you type it. A referral can involve more than one C, so the four Cs may add up to "
                    "more than the total.</p>"
                    '<p class="ol-counts-only"><strong>Counts only.</strong> Never enter names, initials, '
                    "dates of birth or any detail of a case here: only how many.</p>"
                ),
                self._month,
                *rows,
                self._status,
                self._problems,
                self._table,
                self._chart,
                self._download,
                ipw.HTML("<h2>Your area</h2>"),
                self._area,
            ]
        )
        self.add_class("ol-data-log")
        self.set_service(None)

    # --- binding --------------------------------------------------------------------------

    def set_service(self, service: Service | None) -> None:
        self.flush()
        self.service = service
        for widget in (self._month, *self._boxes.values()):
            widget.disabled = service is None
        self._status.value = (
            '<p class="ol-status">Choose your service on the course home to keep a data log.</p>'
            if service is None
            else '<p class="ol-status">Every count is saved as you type it.</p>'
        )
        self._load_month()
        self.refresh()

    def flush(self) -> None:
        """Save any count still waiting for a pause in typing."""
        for saver in getattr(self, "_savers", {}).values():
            saver.flush()

    # --- the month's counts -----------------------------------------------------------------

    def _load_month(self) -> None:
        """Show the chosen month's saved counts (0 where none), without saving them again."""
        stored = month_counts(store(), self.service.id, self._month.value) if self.service else None
        self._loading = True
        try:
            for field, box in self._boxes.items():
                box.value = stored.value(field) if stored else 0
        finally:
            self._loading = False
        self._show_problems(self._month.value, consistency_problems(stored) if stored else [])

    def _on_month(self, _change: dict) -> None:
        self.flush()  # a count typed for the month before goes to that month
        self._load_month()
        if self.service is not None:
            self._status.value = (
                f'<p class="ol-status">Showing {esc(month_label(self._month.value))}. '
                "Every count is saved as you type it.</p>"
            )

    def _on_count(self, field: str):  # type: ignore[no-untyped-def]
        def handler(change: dict) -> None:
            if self._loading or self.service is None:
                return
            self._savers[field].push((self.service, self._month.value, change["new"]))

        return handler

    def _saver(self, field: str):  # type: ignore[no-untyped-def]
        def save(pending: tuple[Service, str, object]) -> None:
            self._save(field, *pending)

        return save

    def _save(self, field: str, service: Service, month: str, value: object) -> None:
        label, when = LABELS[field], datetime.now().strftime("%H:%M:%S")
        try:
            problems = save_field(store(), service.id, month, field, value)
        except (DataLogError, StoreError) as exc:
            self._status.value = (
                f'<p class="ol-error" role="alert"><strong>{esc(label)} for {esc(month_label(month))} was not '
                f"saved.</strong> {esc(exc)} The number is still in its box: correct it and it will be saved.</p>"
            )
            return
        capped = (
            f" {MAX_COUNT:,} is the most a month's count can be; a larger number was cut to {MAX_COUNT:,}. "
            "Check the figure."
            if value == MAX_COUNT
            else ""
        )
        self._status.value = (
            f'<p class="ol-status" role="status">Saved: {esc(label)}, {esc(month_label(month))}: {esc(value)}, '
            f"at {when}.{esc(capped)}</p>"
        )
        self._show_problems(month, problems)
        self.refresh()

    def _show_problems(self, month: str, problems: list[str]) -> None:
        self._problems.value = (
            '<div class="ol-flag" role="alert"><p><strong>Check these counts for '
            f"{esc(month_label(month))}.</strong> They are saved, but they do not fit together yet "
            "(this month is left out of the area figures until they do):</p><ul>"
            + "".join(f"<li>{esc(p)}</li>" for p in problems)
            + "</ul></div>"
            if problems
            else ""
        )

    # --- the log, its chart, the area ---------------------------------------------------------

    def refresh(self) -> None:
        """Redraw the table, the chart and the area from the store."""
        if self.service is None:
            self._table.value = self._chart.value = self._download.value = ""
            self._area.value = '<p class="ol-status">Choose your service to see your area\'s figures.</p>'
            return
        log = month_log(store(), self.service.id)
        self._table.value = self._log_table(log)
        self._chart.value = self._log_chart(log)
        self._download.value = (
            download_link(log_csv(log), f"{self.service.slug}-data-log.csv", "text/csv", "Download the log (CSV)")
            if log
            else ""
        )
        self._area.value = self._area_html()

    def _log_table(self, log: list[MonthCounts]) -> str:
        if not log:
            return "<p>No months recorded yet. Choose a month above and type its counts.</p>"
        rows = []
        for counts in log:
            problems = consistency_problems(counts)
            check = "To check: " + " ".join(problems) if problems else "Counts fit together"
            rows.append([esc(month_label(counts.month)), *(str(counts.value(f)) for f in FIELDS), esc(check)])
        return _table(
            f"Data log of {self.service.name if self.service else ''}: counts per month",
            ["Month", *(esc(LABELS[f]) for f in FIELDS), "Check"],
            rows,
            "ol-data-log-table",
        )

    def _log_chart(self, log: list[MonthCounts]) -> str:
        if not log:
            return ""
        months = [c.month for c in log]
        series = counts_series(log, ("online_referrals", *FOUR_CS))
        note = (
            "<p>The chart shows your months in order. Referrals with an online component are a solid line "
            "with circles; content is dashed with squares, contact dotted with diamonds, conduct dash-dotted "
            "with triangles, and commerce finely dotted with crosses. The table above gives the same figures.</p>"
        )
        if len(log) < 3:
            note += "<p>A trend needs at least three months: keep recording.</p>"
        return note + trend_svg(
            "ol-own-log-chart", "Your service: referrals with an online component, by the four Cs", months, series
        )

    def _area_html(self) -> str:
        service = self.service
        assert service is not None
        least = min_services()
        if not service.area:
            link = esc(page_link(AREA_PAGE, service))
            return (
                "<p>Your service is not part of an area, so there are no area figures to compare with. "
                f'A lead can add it to an area on the <a href="{link}">Area view</a> page.</p>'
            )
        members = area_service_list(store(), service.area)
        name = esc(service.area)
        if len(members) < least:
            return (
                f"<p>Area figures for {name} are hidden: the area has {len(members)} "
                f"service{'s' if len(members) != 1 else ''}, and figures are shown only for months in which at "
                f"least {least} services reported, so that no single service's counts can be picked out.</p>"
            )
        monthly = area_monthly(store(), service.area)
        shown = [m for m in monthly if not m.hidden]
        if not shown:
            return (
                f"<p>Area figures for {name} are hidden: no month yet has counts from at least {least} of its "
                f"{len(members)} services. They appear for each month in which {least} or more services "
                "report, so that no single service's counts can be picked out.</p>"
            )
        return self._area_chart(name, monthly, least)

    def _area_chart(self, name: str, monthly: list[AreaMonth], least: int) -> str:
        first = next(i for i, m in enumerate(monthly) if not m.hidden)
        months = monthly[first:]
        values = [None if m.totals is None else float(m.totals.online_referrals) for m in months]
        chart = trend_svg(
            "ol-area-chart",
            f"Area {self.service.area if self.service else ''}: referrals with an online component, all services",
            [m.month for m in months],
            [
                Series("Area total", tuple(values), "#00703c", "", "diamond", 2.5),
                average_series("Rolling 3-month average", values),
            ],
        )
        rows = []
        for m in monthly:
            if m.totals is None:
                rows.append(
                    [esc(month_label(m.month)), str(m.services), f"hidden: fewer than {least} services reported", ""]
                )
            else:
                cs = ", ".join(f"{LABELS[c].lower()} {m.totals.value(c)}" for c in FOUR_CS)
                rows.append([esc(month_label(m.month)), str(m.services), str(m.totals.online_referrals), esc(cs)])
        table = _table(
            f"Area {self.service.area if self.service else ''}: monthly totals across its services",
            ["Month", "Services reporting", "Referrals with an online component", "By the four Cs"],
            rows,
            "ol-area-table",
        )
        return (
            f"<p>All services in {name} added together, for months in which at least {least} services reported "
            "(other months are hidden, so that no single service's counts can be picked out). Compare the "
            "direction of your own line with the area's, not the size: the area adds up several services.</p>"
            + chart
            + table
        )
