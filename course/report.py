"""The report for a service's board: one printable A4 document, as HTML or PDF.

`gather_report` reads everything about one service from the store (answers, flags, section
summaries, the action plan, the current round and the area's medians) into a `Report`;
`report_html` writes it as a self-contained HTML document (inline CSS, the radar chart as
inline SVG drawn by plotly through kaleido); `report_pdf` prints that document to PDF with
headless Chromium (`course.render`). With `anonymise=True`, every piece of free text
(evidence, QA notes, actions) goes through `course.privacy.redact` and owners' names are
replaced, for a copy that can be shared beyond the service.

Every piece of stored text is escaped with `html.escape`; nothing stored is ever placed in
the document as markup.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from statistics import mean

from course.actions import STATUSES, PlannedAction, planned_actions
from course.area import area_section_stats, area_services
from course.charts import radar_figure_dict
from course.content import Planner, Section
from course.privacy import redact
from course.rounds import current_round
from course.scoring import ACTION_THRESHOLD, Answer, Flag, SectionSummary, flags_for, summarise
from course.store import Service, Store

OWNER_REMOVED = "[owner removed]"
DASH = "\u2013"  # an empty score in a table
FORMATS = ("pdf", "html")
CHART_WIDTH, CHART_HEIGHT = 760, 600  # CSS pixels; the chart is scaled to the page's width


@dataclass(frozen=True)
class Report:
    """Everything the board report shows about one service, read at one moment.

    `summaries` and `area_medians` are in planner order; an area median is None where it is
    hidden (fewer than 3 services with scores) or the service belongs to no area. `actions`
    maps statement ids to planned actions, in planner order. `round_number` is None only
    where rounds are not recorded. `made_on` is the day the report was made.
    """

    planner: Planner
    service: Service
    made_on: date
    round_number: int | None
    round_started: str | None
    answers: dict[str, Answer]
    summaries: list[SectionSummary]
    flags: list[Flag]
    actions: dict[str, PlannedAction]
    statuses: tuple[str, ...] = STATUSES
    area_medians: list[float | None] = field(default_factory=list)
    area_services: int = 0

    @property
    def slug(self) -> str:
        return self.service.slug

    def default_filename(self, extension: str) -> str:
        """`online-lives-report-<slug>-<date>.<extension>`."""
        return f"online-lives-report-{self.slug}-{self.made_on.isoformat()}.{extension}"


# --- gathering ----------------------------------------------------------------------------


def gather_report(store: Store, planner: Planner, service: Service, today: date | None = None) -> Report:
    """Read everything the report needs about `service` from `store`."""
    answers = store.answers(service.id)
    summaries = summarise(planner, answers)
    flags = [f for s in planner.statements for f in flags_for(answers.get(s.id))]

    actions = planned_actions(store, service.id)
    found = current_round(store, service.id)

    medians: list[float | None] = [None] * len(planner.sections)
    in_area = 0
    if service.area:
        by_section = {s.section_id: s for s in area_section_stats(store, planner, service.area)}
        medians = [(stats.median if (stats := by_section.get(section.id)) else None) for section in planner.sections]
        in_area = len(area_services(store, service.area))
    return Report(
        planner=planner,
        service=service,
        made_on=today or date.today(),
        round_number=found.number,
        round_started=found.started_at,
        answers=answers,
        summaries=summaries,
        flags=flags,
        actions=actions,
        statuses=STATUSES,
        area_medians=medians,
        area_services=in_area,
    )


# --- words --------------------------------------------------------------------------------


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _text(value: str, anonymise: bool) -> str:
    """Stored free text as escaped HTML, line breaks kept; redacted when anonymising."""
    text = redact(value) if anonymise else value
    return "<br>".join(_e(line) for line in text.strip().splitlines())


def _mean(value: float | None, missing: str = "not scored") -> str:
    return missing if value is None else f"{value:.1f}"


def _day(value: date | str | None) -> str:
    if value is None:
        return ""
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {day:%B %Y}"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _list_words(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _section_name(section: Section) -> str:
    return f"{section.number}. {section.title}"


def _overdue(action: PlannedAction, today: date) -> bool:
    if not action.deadline or action.status == "done":
        return False
    try:
        return date.fromisoformat(action.deadline) < today
    except ValueError:
        return False


def summary_points(report: Report) -> list[str]:
    """The summary in plain words, one sentence or two per point (plain text, not HTML)."""
    planner, answers = report.planner, report.answers
    scores = [a.score for s in planner.statements if (a := answers.get(s.id)) and a.score is not None]
    total = len(planner.statements)
    sections_scored = sum(1 for s in report.summaries if s.answered)
    complete = sum(1 for s in report.summaries if s.complete)
    points = []
    if not scores:
        points.append(
            f"No statement is scored yet: none of the {total} statements in {len(planner.sections)} sections."
        )
    else:
        average = mean(scores)
        level = planner.scale[round(average)].label.lower()
        points.append(
            f"{len(scores)} of {total} statements are scored, in {sections_scored} of {len(planner.sections)} "
            f"sections ({complete} fully scored). The average self-assessed score is {average:.1f} out of 4, "
            f"roughly \u201c{level}\u201d."
        )
    qa_pairs = [
        (a.score, a.qa_score) for s in planner.statements if (a := answers.get(s.id)) and a.qa_score is not None
    ]
    if qa_pairs:
        qa_average = mean(q for _, q in qa_pairs)
        self_same = [s for s, _ in qa_pairs if s is not None]
        compare = f" The service's own average for the same statements is {mean(self_same):.1f}." if self_same else ""
        points.append(
            f"An independent QA check scored {_count(len(qa_pairs), 'statement')}, "
            f"with an average of {qa_average:.1f}.{compare}"
        )
    else:
        points.append("No statement has had an independent QA check yet.")
    scored = [
        (s.self_mean, section)
        for s, section in zip(report.summaries, planner.sections, strict=True)
        if s.self_mean is not None
    ]
    if len(scored) >= 2:
        top, bottom = max(v for v, _ in scored), min(v for v, _ in scored)
        if top == bottom:
            points.append(f"Every scored section has the same average, {top:.1f}.")
        else:
            strongest = [_section_name(sec) for v, sec in scored if v == top]
            weakest = [_section_name(sec) for v, sec in scored if v == bottom]
            points.append(
                f"Strongest {'section' if len(strongest) == 1 else 'sections'}: {_list_words(strongest)} "
                f"(average {top:.1f}). Weakest {'section' if len(weakest) == 1 else 'sections'}: "
                f"{_list_words(weakest)} (average {bottom:.1f})."
            )
    elif len(scored) == 1:
        points.append(
            f"Only one section has scores so far: {_section_name(scored[0][1])} (average {scored[0][0]:.1f})."
        )
    kinds = Counter(f.kind for f in report.flags)
    if report.flags:
        parts = []
        if kinds["no-evidence"]:
            parts.append(f"{kinds['no-evidence']} with a score of 3 or 4 but no evidence")
        if kinds["qa-gap"]:
            parts.append(f"{kinds['qa-gap']} where the self-assessment and the QA check differ by 2 or more")
        points.append(f"{_count(len(report.flags), 'flag')} to look at: {_list_words(parts)}.")
    else:
        points.append(
            "No flags: every score of 3 or 4 has evidence, and no QA score differs from the self-assessment "
            "by 2 or more."
        )
    carried = sum(1 for a in answers.values() if a.carried_forward)
    if carried:
        points.append(
            f"{_count(carried, 'answer')} carried forward from the last round "
            f"{'is' if carried == 1 else 'are'} not yet confirmed or changed."
        )
    if report.actions:
        by_status = Counter(a.status for a in report.actions.values())
        order = [*report.statuses, *sorted(set(by_status) - set(report.statuses))]
        counted = [f"{by_status[s]} {s}" for s in order if by_status[s]]
        overdue = sum(1 for a in report.actions.values() if _overdue(a, report.made_on))
        late = (
            f" {overdue} {'is' if overdue == 1 else 'are'} past {'its' if overdue == 1 else 'their'} deadline."
            if overdue
            else ""
        )
        points.append(f"The action plan has {_count(len(report.actions), 'action')}: {_list_words(counted)}.{late}")
    else:
        points.append("No actions are recorded in the action plan yet.")
    low = _low_without_action(report)
    if low:
        points.append(
            f"{_count(len(low), 'statement')} scored {ACTION_THRESHOLD} or below "
            f"{'has' if len(low) == 1 else 'have'} no action yet: {', '.join(low)}."
        )
    if report.service.area:
        shown = sum(1 for m in report.area_medians if m is not None)
        if shown:
            points.append(
                f"The area \u201c{report.service.area}\u201d has {_count(report.area_services, 'service')}; "
                f"its median is shown for {_count(shown, 'section')} (a median needs at least 3 services with scores)."
            )
        else:
            points.append(
                f"The area \u201c{report.service.area}\u201d has too few services with scores for a median "
                "(at least 3 are needed), so none is shown."
            )
    return points


def _low_without_action(report: Report) -> list[str]:
    return [
        s.id
        for s in report.planner.statements
        if (a := report.answers.get(s.id))
        and a.score is not None
        and a.score <= ACTION_THRESHOLD
        and not (report.actions.get(s.id) and report.actions[s.id].action.strip())
    ]


# --- the document -------------------------------------------------------------------------

CSS = """
@page { size: A4; margin: 16mm 14mm 18mm 14mm;
  @bottom-center { content: "Page " counter(page) " of " counter(pages); font-size: 9pt; color: #3d3d3d; }
  @bottom-left { content: "Online Lives: report for the board"; font-size: 9pt; color: #3d3d3d; } }
html { font-family: "Liberation Sans", "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; line-height: 1.4;
  color: #1a1a1a; background: #fff; }
body { margin: 0; }
@media screen { body { max-width: 270mm; margin: 1rem auto; padding: 0 1rem; } }
h1 { font-size: 22pt; margin: 0 0 4mm; line-height: 1.2; }
h2 { font-size: 15pt; margin: 0 0 3mm; break-after: avoid; }
h3 { font-size: 12pt; margin: 5mm 0 2mm; break-after: avoid; }
p { margin: 0 0 2.5mm; }
@page wide { size: A4 landscape; }
.part { break-before: page; }
.part:first-of-type { break-before: auto; }
.wide { page: wide; }
.section-part + .section-part { margin-top: 8mm; }
caption { break-after: avoid; }
.front .service { font-size: 16pt; font-weight: bold; margin-bottom: 5mm; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 6mm; margin: 0 0 6mm; }
.facts dt { font-weight: bold; }
.facts dd { margin: 0; }
.notice { border-left: 4px solid #505a5f; background: #f3f2f1; padding: 2mm 4mm; margin: 0 0 5mm; }
.summary li { margin-bottom: 1.5mm; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 5mm; font-size: 9pt; }
caption { text-align: left; font-weight: bold; font-size: 10pt; padding-bottom: 1.5mm; }
th, td { border: 1px solid #8a8d8f; padding: 1.2mm 1.6mm; text-align: left; vertical-align: top; }
td { overflow-wrap: anywhere; }
th { background: #f3f2f1; overflow-wrap: normal; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
tr.long { break-inside: auto; }
td.num, th.num { text-align: right; white-space: nowrap; }
.statements col.no { width: 4%; } .statements col.text { width: 22%; } .statements col.score { width: 13%; }
.statements col.evidence { width: 31%; } .statements col.qa { width: 5%; } .statements col.note { width: 14%; }
.statements col.flags { width: 11%; }
.actions col.no { width: 4%; } .actions col.text { width: 26%; } .actions col.score { width: 5%; }
.actions col.action { width: 33%; } .actions col.owner { width: 12%; } .actions col.deadline { width: 11%; }
.actions col.status { width: 9%; }
.muted { color: #3d3d3d; }
.flag { font-weight: bold; }
figure { margin: 0 0 4mm; break-inside: avoid; }
figure > svg { display: block; width: 100%; height: auto; max-height: 175mm; }
figcaption { font-size: 9.5pt; margin-top: 2mm; }
.chart-missing { border: 1px dashed #505a5f; padding: 4mm; }
.credit { font-size: 9pt; color: #3d3d3d; }
"""

_chart_cache: dict[str, str] = {}


def chart_figure(report: Report) -> dict:
    """The plotly radar figure (as a dict) the report shows: self, QA and, where the service
    has an area with any median shown, the area median."""
    has_area = any(m is not None for m in report.area_medians)
    figure = radar_figure_dict(
        report.planner, report.summaries, height=CHART_HEIGHT, area=report.area_medians if has_area else None
    )
    figure["layout"].update(
        width=CHART_WIDTH,
        margin={"l": 150, "r": 150, "t": 40, "b": 70},
        font={"size": 15, "color": "#1a1a1a", "family": "Liberation Sans, DejaVu Sans, Arial, sans-serif"},
        legend={"orientation": "h", "y": -0.08, "x": 0.5, "xanchor": "center", "font": {"size": 15}},
    )
    return figure


def chart_svg(report: Report) -> str:
    """The radar chart as SVG text, drawn by plotly in Chromium (kaleido); cached by figure,
    as drawing one costs about 2.5 s. Raises `course.render.RenderError` where it cannot be drawn."""
    from course.render import figure_svg

    figure = chart_figure(report)
    key = json.dumps(figure, sort_keys=True)
    if key not in _chart_cache:
        if len(_chart_cache) > 16:
            _chart_cache.clear()
        _chart_cache[key] = figure_svg(figure)
    return _chart_cache[key]


def _chart_html(report: Report) -> str:
    from course.render import RenderError

    has_area = any(m is not None for m in report.area_medians)
    traces = "self-assessment as a solid line with circles, the QA check as a dashed line with squares"
    if has_area:
        traces += ", and the area median as a dotted line with diamonds"
    caption = (
        f"Figure 1. The average score of each section, from 0 at the centre to 4 at the edge: {traces}. "
        "Table 2 gives the same figures."
    )
    try:
        svg = chart_svg(report)
    except RenderError as exc:
        return (
            f'<div class="chart-missing" role="note"><p>The chart could not be drawn here ({_e(exc)}). '
            "Table 2 below gives the same figures.</p></div>"
        )
    label = _e("Radar chart of section averages: self-assessment, QA check" + (" and area median" if has_area else ""))
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    return f'<figure aria-label="Figure 1">{svg}<figcaption>{_e(caption)}</figcaption></figure>'


LONG_ROW = 1200  # characters of free text in a row beyond which it may be split across pages


def _row_class(free_text: str) -> str:
    """A row is kept on one page unless its text is long; a row taller than a page moved
    whole would leave an empty page behind."""
    return ' class="long"' if len(free_text) > LONG_ROW else ""


def _score_cell(planner: Planner, score: int | None, missing: str) -> str:
    if score is None:
        return f'<span class="muted">{_e(missing)}</span>'
    return f"<strong>{score}</strong>: {_e(planner.descriptor(score))}"


def _front(report: Report, anonymise: bool) -> str:
    planner, service = report.planner, report.service
    facts = [("Date of report", _day(report.made_on))]
    if report.round_number is not None:
        started = f", begun {_day(report.round_started)}" if report.round_started else ""
        facts.append(("Round", f"Round {report.round_number}{started}"))
    else:
        facts.append(("Round", "not recorded"))
    facts.append(("Planner", f"{planner.title}, version {planner.version}"))
    if service.area:
        facts.append(("Area", service.area))
    facts_html = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    notice = (
        '<p class="notice"><strong>This copy is anonymised.</strong> Probable personal data (names after words '
        "such as \u201ccalled\u201d or a title, phone numbers, email addresses, postcodes and dates of birth) "
        "has been replaced by labels such as \u201c[name removed]\u201d in evidence, QA notes and actions, "
        "and owners\u2019 names by \u201c[owner removed]\u201d. The check is cautious and can miss things: "
        "read the report before you share it.</p>"
        if anonymise
        else '<p class="notice">This report holds the evidence and notes typed into the self-assessment. '
        "Keep it as carefully as any other service record, or make an anonymised copy to share more widely.</p>"
    )
    points = "".join(f"<li>{_e(p)}</li>" for p in summary_points(report))
    return (
        '<section class="part front" aria-labelledby="front-title">'
        '<h1 id="front-title">Online Lives self-assessment: report for the board</h1>'
        f'<p class="service">{_e(service.name)}</p>'
        f'<dl class="facts">{facts_html}</dl>{notice}'
        f'<h2>Summary</h2><ul class="summary">{points}</ul>'
        f"{_averages_table(report, 1, 'Table 1. Each section at a glance')}"
        "</section>"
    )


def _averages_table(report: Report, number: int, caption: str) -> str:
    has_area = bool(report.service.area)
    rows = []
    for section, s, median in zip(report.planner.sections, report.summaries, _medians(report), strict=True):
        area_cell = f'<td class="num">{_e(_mean(median, "not shown"))}</td>' if has_area else ""
        rows.append(
            f'<tr><th scope="row">{_e(_section_name(section))}</th><td class="num">{s.answered} of {s.total}</td>'
            f'<td class="num">{_e(_mean(s.self_mean))}</td>'
            f'<td class="num">{_e(_mean(s.qa_mean, "not checked"))} ({s.qa_checked} checked)</td>'
            f'{area_cell}<td class="num">{len(s.flags)}</td></tr>'
        )
    area_head = '<th scope="col" class="num">Area median</th>' if has_area else ""
    return (
        f'<table class="averages"><caption>{_e(caption)}</caption><thead><tr><th scope="col">Section</th>'
        '<th scope="col" class="num">Scored</th><th scope="col" class="num">Self average</th>'
        f'<th scope="col" class="num">QA average</th>{area_head}<th scope="col" class="num">Flags</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _medians(report: Report) -> list[float | None]:
    medians = list(report.area_medians)
    return medians + [None] * (len(report.planner.sections) - len(medians))


def _chart_part(report: Report) -> str:
    note = ""
    if report.service.area:
        note = (
            "<p>The area median is the middle of the section averages of the services in the area "
            f"\u201c{_e(report.service.area)}\u201d, this one included. It is shown only for sections where at "
            "least 3 services have scores.</p>"
        )
    return (
        '<section class="part" aria-labelledby="chart-title"><h2 id="chart-title">Scores by section</h2>'
        f"{note}{_chart_html(report)}"
        f"{_averages_table(report, 2, 'Table 2. The figures in the chart')}</section>"
    )


def _flag_words(answer: Answer | None) -> str:
    if answer is None:
        return ""
    words = [f'<span class="flag">Flag:</span> {_e(f.message)}' for f in flags_for(answer)]
    if answer.carried_forward:
        words.append("Carried forward from the last round, not yet confirmed.")
    if answer.review_note:
        words.append(f"Review: {_e(answer.review_note)}")
    return "<br>".join(words)


def _section_part(report: Report, index: int, anonymise: bool) -> str:
    planner = report.planner
    section, summary = planner.sections[index], report.summaries[index]
    median = _medians(report)[index]
    line = (
        f"Self-assessed average {_mean(summary.self_mean)} ({summary.answered} of {summary.total} statements "
        f"scored); QA average {_mean(summary.qa_mean, 'not checked')} ({summary.qa_checked} checked)"
    )
    if report.service.area:
        line += f"; area median {_mean(median, 'not shown')}"
    line += f"; {_count(len(summary.flags), 'flag')}."
    rows = []
    for statement in section.statements:
        a = report.answers.get(statement.id)
        rows.append(
            f"<tr{_row_class(a.evidence + a.qa_note if a else '')}>"
            f'<th scope="row">{_e(statement.id)}</th><td>{_e(statement.text)}</td>'
            f"<td>{_score_cell(planner, a.score if a else None, 'Not scored')}</td>"
            f"<td>{_text(a.evidence, anonymise) if a else ''}</td>"
            f'<td class="num">{_e(a.qa_score) if a and a.qa_score is not None else DASH}</td>'
            f"<td>{_text(a.qa_note, anonymise) if a else ''}</td><td>{_flag_words(a)}</td></tr>"
        )
    title_id = f"section-{_e(section.id)}"
    return (
        f'<section class="{"part " if index == 0 else ""}wide section-part" aria-labelledby="{title_id}">'
        f'<h2 id="{title_id}">Section {_e(_section_name(section))}</h2><p>{_e(line)}</p>'
        f'<table class="statements"><caption>Table {3 + index}. Section {_e(_section_name(section))}: every '
        "statement with its score, evidence and QA check</caption>"
        '<colgroup><col class="no"><col class="text"><col class="score"><col class="evidence"><col class="qa">'
        '<col class="note"><col class="flags"></colgroup>'
        '<thead><tr><th scope="col">No.</th><th scope="col">Statement</th><th scope="col">Score</th>'
        '<th scope="col">Evidence</th><th scope="col">QA score</th><th scope="col">QA note</th>'
        f'<th scope="col">Flags</th></tr></thead><tbody>{"".join(rows)}</tbody></table></section>'
    )


def _action_part(report: Report, anonymise: bool) -> str:
    planner = report.planner
    table_number = 3 + len(planner.sections)
    known = {s.id: s for s in planner.statements}
    rows = []
    for statement_id, action in report.actions.items():
        statement = known.get(statement_id)
        text = _e(statement.text) if statement else "(not in this version of the planner)"
        answer = report.answers.get(statement_id)
        score = answer.score if answer and answer.score is not None else None
        owner = (OWNER_REMOVED if action.owner.strip() else "") if anonymise else action.owner
        deadline = _day(action.deadline) if action.deadline else "none set"
        if _overdue(action, report.made_on):
            deadline += " (past its deadline)"
        rows.append(
            f'<tr{_row_class(action.action)}><th scope="row">{_e(statement_id)}</th><td>{text}</td>'
            f'<td class="num">{DASH if score is None else score}</td><td>{_text(action.action, anonymise)}</td>'
            f"<td>{_e(owner)}</td><td>{_e(deadline)}</td><td>{_e(action.status)}</td></tr>"
        )
    if rows:
        table = (
            f'<table class="actions"><caption>Table {table_number}. The action plan, in planner order</caption>'
            '<colgroup><col class="no"><col class="text"><col class="score"><col class="action"><col class="owner">'
            '<col class="deadline"><col class="status"></colgroup>'
            '<thead><tr><th scope="col">No.</th><th scope="col">Statement</th><th scope="col">Score</th>'
            '<th scope="col">Action</th><th scope="col">Owner</th><th scope="col">Deadline</th>'
            f'<th scope="col">Status</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
        )
    else:
        table = "<p>No actions are recorded yet. The profile page suggests where to start.</p>"
    low = _low_without_action(report)
    missing = (
        f"<p>Scored {ACTION_THRESHOLD} or below with no action recorded yet: {_e(', '.join(low))}.</p>" if low else ""
    )
    return (
        '<section class="part wide" aria-labelledby="actions-title"><h2 id="actions-title">Action plan</h2>'
        f"{table}{missing}</section>"
    )


def _about_part(report: Report) -> str:
    planner = report.planner
    scale = "".join(
        f'<tr><th scope="row" class="num">{level.level}</th><td>{_e(level.label)}</td>'
        f"<td>{_e(level.descriptor)}</td></tr>"
        for level in planner.scale
    )
    round_words = f"round {report.round_number}" if report.round_number is not None else "the current round"
    return (
        '<section class="part" aria-labelledby="about-title"><h2 id="about-title">About this report</h2>'
        f"<p>Made on {_e(_day(report.made_on))} from {_e(round_words)} of the self-assessment of "
        f"{_e(report.service.name)}, with version {_e(planner.version)} of the planner.</p>"
        "<p>Each statement is scored from 0 to 4. A section\u2019s average is the mean of its scored statements "
        "only: a statement not yet scored is left out, never counted as 0. A flag marks a score of 3 or 4 with no "
        "evidence recorded, or a QA score that differs from the self-assessment by 2 or more.</p>"
        f'<table class="scale"><caption>Table {4 + len(planner.sections)}. The scale</caption><thead><tr>'
        '<th scope="col" class="num">Score</th><th scope="col">Label</th><th scope="col">What it means</th>'
        "</tr></thead>"
        f"<tbody>{scale}</tbody></table>"
        f'<p class="credit">{_e(planner.source.credit)}</p></section>'
    )


def report_html(report: Report, anonymise: bool = False) -> str:
    """The report as one self-contained, printable A4 HTML document."""
    title = f"Online Lives report: {report.service.name}" + (" (anonymised)" if anonymise else "")
    parts = [
        _front(report, anonymise),
        _chart_part(report),
        *(_section_part(report, i, anonymise) for i in range(len(report.planner.sections))),
        _action_part(report, anonymise),
        _about_part(report),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{CSS}</style></head>"
        f"<body><main>{''.join(parts)}</main></body></html>\n"
    )


def report_pdf(report: Report, anonymise: bool = False) -> bytes:
    """The report printed to PDF by headless Chromium; raises `course.render.RenderError`
    with a plain message where it cannot be."""
    from course.render import html_to_pdf

    return html_to_pdf(report_html(report, anonymise))


def make_report(
    store: Store, planner: Planner, service: Service, fmt: str, anonymise: bool = False
) -> tuple[bytes, str, str]:
    """The report for `service` as (bytes, file name, MIME type); `fmt` is "pdf" or "html"."""
    if fmt not in FORMATS:
        raise ValueError(f"The report's format must be pdf or html, not {fmt!r}.")
    report = gather_report(store, planner, service)
    if fmt == "pdf":
        return report_pdf(report, anonymise), report.default_filename("pdf"), "application/pdf"
    return report_html(report, anonymise).encode("utf-8"), report.default_filename("html"), "text/html"


# --- the command --------------------------------------------------------------------------


def _cli_report(args: argparse.Namespace) -> int:
    from course.content import planner
    from course.render import RenderError

    store = Store()
    service = store.find_service(args.service)
    try:
        data, filename, _mime = make_report(store, planner(), service, args.format, args.anonymise)
    except RenderError as exc:
        print(f"online-lives: {exc}", file=sys.stderr)
        return 2
    target = Path(args.output or filename)
    target.write_bytes(data)
    print(f"Wrote {target}" + (" (anonymised)" if args.anonymise else ""), file=sys.stderr)
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    """`online-lives report --service NAME --format pdf|html [--anonymise] [-o FILE]`."""
    report = sub.add_parser("report", help="make a service's report for its board, as PDF or HTML")
    report.add_argument("--service", required=True, help="the service's name")
    report.add_argument("--format", choices=FORMATS, default="pdf", help="pdf (default) or html")
    report.add_argument(
        "--anonymise",
        action="store_true",
        help="remove probable personal data from evidence, notes, actions and owners",
    )
    report.add_argument(
        "--output", "-o", help="file to write (default: online-lives-report-<service>-<date>.<format> here)"
    )
    report.set_defaults(func=_cli_report)
