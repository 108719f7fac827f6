"""Rounds over time, on the profile page: the current round, starting the next one (after a
confirmation in words), and a trend chart of each section across rounds with the same
figures in a table."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as ipw

from course.charts import rounds_trend_svg
from course.content import Planner
from course.rounds import Round, RoundError, carried_counts, start_new_round, trend
from course.scoring import SectionSummary
from course.store import Service, StoreError
from widgets.common import course_planner, esc, store


def _mean(value: float | None) -> str:
    return "not scored" if value is None else f"{value:.1f}"


class TrendChart(ipw.HTML):
    """Each section's average against the round number, drawn as a small SVG
    (`course.charts.rounds_trend_svg`): no plotly in the browser, so nothing to start there,
    and `show()` just replaces the drawing. Empty until there is a round to show."""

    def __init__(self, planner: Planner, found: list[tuple[Round, list[SectionSummary]]] | None = None) -> None:
        super().__init__()
        self._planner = planner
        self.add_class("ol-rounds-trend")
        self.show(found or [])

    def show(self, found: list[tuple[Round, list[SectionSummary]]]) -> None:
        """Draw these rounds' figures (nothing without a round)."""
        self.value = rounds_trend_svg(self._planner, [(r.number, s) for r, s in found]) if found else ""


def trend_table_html(planner: Planner, found: list[tuple[Round, list[SectionSummary]]]) -> str:
    """The trend chart's figures as a table: a row per section, a column per round."""
    heads = "".join(
        f'<th scope="col">Round {r.number}<br><span class="ol-status">'
        f"{'closed ' + esc(r.closed_on) if r.closed else 'current'}</span></th>"
        for r, _ in found
    )
    rows = "".join(
        f'<tr><th scope="row">{section.number}. {esc(section.title)}</th>'
        + "".join(f"<td>{_mean(summaries[i].self_mean)}</td>" for _, summaries in found)
        + "</tr>"
        for i, section in enumerate(planner.sections)
    )
    return (
        '<table class="ol-table ol-rounds-table"><caption class="ol-status">Section averages (self-assessment, '
        "0 to 4) in each round: the figures in the trend chart</caption>"
        f'<thead><tr><th scope="col">Section</th>{heads}</tr></thead><tbody>{rows}</tbody></table>'
    )


class RoundsPanel(ipw.VBox):
    """The current round, "Start round N+1" (asks first), and the trend across rounds.
    `show(service)` reads the store; `on_change` is called after a new round starts."""

    def __init__(self, on_change: Callable[[], None] | None = None) -> None:
        planner = course_planner()
        self.service: Service | None = None
        self.round: Round | None = None
        self._on_change = on_change
        self._asking = False  # "Yes, start round N" only counts after "Start round N" asked
        self._status = ipw.HTML()
        self._start = ipw.Button(description="Start round 2", tooltip="Close this round and start the next one")
        self._start.add_class("ol-start-round")
        self._start.on_click(self._on_start)
        self._confirm_text = ipw.HTML()
        self._yes = ipw.Button(description="Yes, start round 2", button_style="primary")
        self._yes.on_click(self._on_yes)
        self._cancel = ipw.Button(description="Cancel, keep this round")
        self._cancel.on_click(self._on_cancel)
        self._confirm_box = ipw.VBox(
            [self._confirm_text, ipw.HBox([self._yes, self._cancel])],
            layout=ipw.Layout(display="none", border="2px solid #0b4f9c", padding="0.25rem 0.75rem"),
        )
        self._message = ipw.HTML()
        self.chart = TrendChart(planner)
        self._table = ipw.HTML()
        super().__init__(
            [
                ipw.HTML(
                    "<h2>Rounds of self-assessment</h2><p>Score the planner again each year (or as often as "
                    "your service reviews it) to see what has changed. A new round starts from this "
                    "round's answers: each is marked \u201ccarried forward\u201d until someone confirms it "
                    "or changes it on the section pages. QA scores and QA notes are not carried: a QA "
                    "check belongs to its own round.</p>"
                ),
                self._status,
                self._start,
                self._confirm_box,
                self._message,
                ipw.HTML(
                    "<h3>Trend across rounds</h3><p>Each section's average score (0 to 4) in each round, "
                    "one line per section, each with its own line style and marker. The table below gives "
                    "the same figures.</p>"
                ),
                self.chart,
                self._table,
            ]
        )
        self.add_class("ol-rounds")
        self.show(None)

    # --- reading -----------------------------------------------------------------------------

    def show(self, service: Service | None) -> None:
        """Show a service's rounds (or nothing to do without one)."""
        self.service = service
        planner = course_planner()
        self._confirm_box.layout.display = "none"
        self._asking = False
        if service is None:
            self.round = None
            self._status.value = "<p>Choose a service to see its rounds.</p>"
            self._start.disabled = True
            self._start.layout.display = "none"
            self.chart.show([])
            self._table.value = ""
            return
        found = trend(store(), planner, service.id)
        self.round = current = found[-1][0]
        carried, review = carried_counts(store(), service.id)
        status = (
            f'<p class="ol-round-status"><strong>Round {current.number}, started {esc(current.started_on)}</strong> '
            f"(planner version {esc(current.planner_version)}).</p>"
        )
        if carried:
            flagged = f", {review} of them flagged because the planner's wording changed" if review else ""
            status += (
                f'<p class="ol-carried-count"><strong>{carried} {"answer is" if carried == 1 else "answers are"} '
                "still carried forward</strong> "
                f"from round {current.number - 1}{flagged}. Confirm or change each one on its section page.</p>"
            )
        elif current.number > 1:
            status += (
                f"<p>Every answer carried forward from round {current.number - 1} has been confirmed or changed.</p>"
            )
        self._status.value = status
        nxt = current.number + 1
        self._start.description = f"Start round {nxt}"
        self._start.disabled = False
        self._start.layout.display = None
        self._yes.description = f"Yes, start round {nxt}"
        self.chart.show(found)
        self._table.value = trend_table_html(planner, found)

    # --- starting a round ----------------------------------------------------------------------

    def _on_start(self, _button: ipw.Button) -> None:
        if self.service is None or self.round is None:
            return
        n, nxt = self.round.number, self.round.number + 1
        self._confirm_text.value = (
            f'<p role="alert"><strong>Start round {nxt}?</strong> Round {n} will be closed and kept as it is '
            "now, for the trend chart.</p><ul>"
            f"<li><strong>Kept:</strong> every score and its evidence, each marked \u201ccarried forward from round "
            f"{n}\u201d until someone confirms it or changes it.</li>"
            "<li><strong>Cleared:</strong> every QA score and QA note: a QA check belongs to its own round "
            f"(round {n}'s stay in its copy).</li>"
            "<li><strong>Flagged:</strong> answers to statements whose wording the planner has changed, to be "
            "read again.</li></ul><p>This cannot be undone.</p>"
        )
        self._message.value = ""
        self._confirm_box.layout.display = None
        self._asking = True

    def _on_cancel(self, _button: ipw.Button) -> None:
        self._confirm_box.layout.display = "none"
        self._asking = False
        self._message.value = '<p class="ol-status" role="status">Nothing was changed.</p>'

    def _on_yes(self, _button: ipw.Button) -> None:
        if self.service is None or self.round is None or not self._asking:
            return  # a click a browser sent without the question being asked: nothing happens
        self._asking = False
        nxt = self.round.number + 1
        try:
            started = start_new_round(store(), course_planner(), self.service.id, expected=nxt)
        except (RoundError, StoreError) as exc:
            self.show(self.service)
            self._message.value = f'<p class="ol-error" role="alert">{esc(exc)}</p>'
            return
        if self._on_change is not None:
            self._on_change()  # the page shows the carried answers (and calls show() again)
        else:
            self.show(self.service)
        self._message.value = (
            f'<p class="ol-ok" role="status">&#10003; Round {started.number} has started. Open each section '
            "to confirm or change the answers carried forward.</p>"
        )
