"""Charts built from scores. No widgets here. Plotly figure dicts (the profile radar, reports
render them to static images) and small SVG strings that pages show in an `HTML` widget: the
section radar (`radar_svg`), line charts (`line_chart_svg`, used by the rounds trend and the
data log) and the area chart (`area_svg`)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from course.content import Planner
from course.scoring import SectionSummary

if TYPE_CHECKING:
    from course.area import SectionStats

SELF_COLOUR = "#1d5fa6"  # dark blue; solid line and circle markers
QA_COLOUR = "#b35806"  # dark orange; dashed line and square markers
AREA_COLOUR = "#00703c"  # dark green; dotted line and diamond markers


def radar_data(planner: Planner, summaries: list[SectionSummary]) -> dict[str, list]:
    """The r/theta values of the radar: None where a section has no scores yet."""
    labels = [f"{s.number}. {s.title}" for s in planner.sections]
    return {
        "theta": [*labels, labels[0]],
        "self": [*(s.self_mean for s in summaries), summaries[0].self_mean],
        "qa": [*(s.qa_mean for s in summaries), summaries[0].qa_mean],
    }


def radar_figure_dict(
    planner: Planner,
    summaries: list[SectionSummary],
    height: int = 380,
    area: Sequence[float | None] | None = None,
) -> dict:
    """A plotly figure (as a dict) of the six section means, self and QA side by side.

    `area`, when given, holds the area's median for each section in planner order (None
    where it is hidden) and adds a third trace, "Area median".

    Self, QA and the area median differ by line style and marker shape as well as colour,
    and each trace is named in the legend, so the chart does not rely on colour alone.
    """
    data = radar_data(planner, summaries)
    figure = {
        "data": [
            {
                "type": "scatterpolar",
                "name": "Self-assessment",
                "r": data["self"],
                "theta": data["theta"],
                "mode": "lines+markers",
                "line": {"color": SELF_COLOUR, "width": 3, "dash": "solid"},
                "marker": {"symbol": "circle", "size": 8},
                "connectgaps": False,
                "hovertemplate": "%{theta}: self %{r}<extra></extra>",
            },
            {
                "type": "scatterpolar",
                "name": "QA check",
                "r": data["qa"],
                "theta": data["theta"],
                "mode": "lines+markers",
                "line": {"color": QA_COLOUR, "width": 2, "dash": "dash"},
                "marker": {"symbol": "square", "size": 8},
                "connectgaps": False,
                "hovertemplate": "%{theta}: QA %{r}<extra></extra>",
            },
        ],
        "layout": {
            "height": height,
            "margin": {"l": 70, "r": 70, "t": 30, "b": 30},
            "polar": {"radialaxis": {"range": [0, 4], "tickvals": [0, 1, 2, 3, 4], "angle": 90}},
            "legend": {"orientation": "h", "y": -0.1},
            "font": {"size": 13, "color": "#1a1a1a"},
            "showlegend": True,
        },
    }
    if area is not None:
        medians = list(area)
        if len(medians) != len(planner.sections):
            raise ValueError(f"expected {len(planner.sections)} area medians, one per section; got {len(medians)}")
        figure["data"].append(
            {
                "type": "scatterpolar",
                "name": "Area median",
                "r": [*medians, medians[0]],
                "theta": data["theta"],
                "mode": "lines+markers",
                "line": {"color": AREA_COLOUR, "width": 2, "dash": "dot"},
                "marker": {"symbol": "diamond", "size": 9},
                "connectgaps": False,
                "hovertemplate": "%{theta}: area median %{r}<extra></extra>",
            }
        )
    return figure


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def radar_svg(planner: Planner, summaries: list[SectionSummary], size: int = 400) -> str:
    """The same radar as `radar_figure_dict`, drawn as a small SVG.

    Section pages update their chart on every click; an SVG string is cheap to rebuild and
    needs no charting library in the browser. Self is a solid line with circles, QA a
    dashed line with squares, both named in a legend; the SVG's description gives every
    value in words for screen readers.
    """
    from html import escape

    # Wide enough for the longest section name on either side of the circle.
    width, margin = size + 260, 130
    centre, middle, radius = width / 2, size / 2, size / 2 - 60
    n = len(planner.sections)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = math.radians(-90 + 360 * i / n)
        r = radius * value / 4
        return centre + r * math.cos(angle), middle + r * math.sin(angle)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ol-radar" width="{width}" height="{size + 40}" '
        f'viewBox="0 0 {width} {size + 40}" role="img" aria-labelledby="ol-radar-title ol-radar-desc" '
        f'data-self="{",".join(_fmt(s.self_mean) for s in summaries)}" '
        f'data-qa="{",".join(_fmt(s.qa_mean) for s in summaries)}">'
    ]
    described = "; ".join(
        f"{sec.number}. {sec.title}: self {_fmt(s.self_mean) or 'not scored'}, QA {_fmt(s.qa_mean) or 'not checked'}"
        for sec, s in zip(planner.sections, summaries, strict=True)
    )
    parts.append('<title id="ol-radar-title">Average score of each section, self-assessment and QA</title>')
    parts.append(f'<desc id="ol-radar-desc">{escape(described)}</desc>')
    for level in (1, 2, 3, 4):
        ring = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, level) for i in range(n)))
        parts.append(f'<polygon points="{ring}" fill="none" stroke="#b1b4b6" stroke-width="1"/>')
        x, y = point(0, level)
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 4:.1f}" font-size="11" fill="#3d3d3d">{level}</text>')
    for i, section in enumerate(planner.sections):
        x, y = point(i, 4)
        parts.append(f'<line x1="{centre}" y1="{middle}" x2="{x:.1f}" y2="{y:.1f}" stroke="#b1b4b6"/>')
        lx, ly = point(i, 4.6)
        anchor = "middle" if abs(lx - centre) < 5 else ("start" if lx > centre else "end")
        parts.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="{anchor}" font-size="13" fill="#1a1a1a">'
            f"{section.number}. {escape(section.title)}</text>"
        )
    for values, colour, dash, marker in (
        ([s.self_mean for s in summaries], SELF_COLOUR, "", "circle"),
        ([s.qa_mean for s in summaries], QA_COLOUR, ' stroke-dasharray="6 4"', "square"),
    ):
        for i in range(n):  # a line joins neighbours only where both are scored
            a, b = values[i], values[(i + 1) % n]
            if a is not None and b is not None:
                (x1, y1), (x2, y2) = point(i, a), point((i + 1) % n, b)
                parts.append(
                    f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
                    f'stroke-width="3"{dash}/>'
                )
        for i, value in enumerate(values):
            if value is None:
                continue
            x, y = point(i, value)
            if marker == "circle":
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>')
            else:
                parts.append(f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}"/>')
    legend_y, x0 = size + 20, margin
    parts.append(
        f'<line x1="{x0}" y1="{legend_y}" x2="{x0 + 30}" y2="{legend_y}" stroke="{SELF_COLOUR}" stroke-width="3"/>'
        f'<circle cx="{x0 + 15}" cy="{legend_y}" r="5" fill="{SELF_COLOUR}"/>'
        f'<text x="{x0 + 38}" y="{legend_y + 4}" font-size="13" fill="#1a1a1a">Self-assessment</text>'
        f'<line x1="{x0 + 180}" y1="{legend_y}" x2="{x0 + 210}" y2="{legend_y}" stroke="{QA_COLOUR}" '
        'stroke-width="3" stroke-dasharray="6 4"/>'
        f'<rect x="{x0 + 190}" y="{legend_y - 5}" width="10" height="10" fill="{QA_COLOUR}"/>'
        f'<text x="{x0 + 218}" y="{legend_y + 4}" font-size="13" fill="#1a1a1a">QA check</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


# --- SVG line charts ------------------------------------------------------------------------
#
# Pages draw their charts as small SVG strings in an `HTML` widget rather than as plotly
# FigureWidgets: a FigureWidget carries plotly's 5 MB JavaScript bundle in its state on every
# page view, and on a busy machine anywidget's 2-second start-up limit then leaves it blank
# (docs/architecture.md, "The radar charts"). Series are told apart by dash pattern, marker
# shape and a legend in words, never by colour alone; each SVG's description gives every
# value in words, and every chart has a table beside it.


@dataclass(frozen=True)
class Series:
    """One line of a line chart: its name, one value per x position (None: no point), its look."""

    name: str
    values: tuple[float | None, ...]
    colour: str
    dash: str  # an SVG stroke-dasharray; "" for a solid line
    marker: str  # "circle", "square", "diamond", "triangle", "cross", "ring" or "none"
    width: float = 2.0


SERIES_STYLES = (  # (colour, dash, marker): dark colours with at least 3:1 contrast on white
    ("#1d5fa6", "", "circle"),
    ("#b35806", "6 4", "square"),
    ("#00703c", "2 3", "diamond"),
    ("#6f2c91", "10 4 2 4", "triangle"),
    ("#1a1a1a", "1 4", "cross"),
    ("#b10e1e", "12 3", "ring"),
)


def marker_svg(shape: str, x: float, y: float, colour: str) -> str:
    """One marker of `shape` (see `Series.marker`) centred on (x, y); "" for "none"."""
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'
    if shape == "ring":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#ffffff" stroke="{colour}" stroke-width="2"/>'
    if shape == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if shape == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 5:.1f} {x + 4.5:.1f},{y + 4:.1f} {x - 4.5:.1f},{y + 4:.1f}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if shape == "cross":
        path = f"M{x - 4:.1f},{y - 4:.1f} L{x + 4:.1f},{y + 4:.1f} M{x - 4:.1f},{y + 4:.1f} L{x + 4:.1f},{y - 4:.1f}"
        return f'<path d="{path}" stroke="{colour}" stroke-width="2"/>'
    return ""


def nice_top(value: float) -> tuple[float, float]:
    """A round top for a y axis at or above `value`, and the step between its grid lines."""
    if value <= 5:
        return 5.0, 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000):
        if value / step <= 6:
            top = step * -(-value // step)
            return float(top), float(step)
    return float(value), float(value / 5)


def value_text(value: float | None) -> str:
    """A value for a chart's axis, data attributes and words: one decimal at most ("none" for None)."""
    if value is None:
        return "none"
    return f"{value:.1f}" if value != int(value) else str(int(value))


def line_chart_svg(
    chart_id: str,
    title: str,
    x_values: Sequence[str],
    x_ticks: Sequence[str],
    x_words: Sequence[str],
    series: Sequence[Series],
    *,
    x_attr: str = "x",
    y_label: str = "",
    x_label: str = "",
    y_axis: tuple[float, float] | None = None,
    marker_at: int | None = None,
    marker_label: str = "",
    marker_words: str = "",
    empty_words: str = "no values yet",
    x_inset: float = 0.0,
    dodge: float = 0.0,
    width: int = 760,
    height: int = 340,
) -> str:
    """A line chart as an SVG string, with a visible title, a legend in words and a description
    giving every value.

    `x_values` go in the root's `data-<x_attr>` attribute, `x_ticks` under the x axis (at most
    about 12 shown) and `x_words` in the description ("March 2026 3", "Round 2 3.5"); each
    series' values go in `data-series-<i>`. `y_axis` is (top, step) for a fixed scale, else a
    round top above the highest value. `marker_at` draws a dotted vertical line at that x
    position with `marker_label`; `marker_words` adds it to the description. `x_inset` keeps the
    first and last positions that many pixels inside the axes; `dodge` moves each series that
    many pixels sideways from the next, so that equal values do not hide each other's markers."""
    from html import escape

    left, right, bottom = 56, 36, 56 + (14 if x_label else 0)  # room on the right for the last label
    legend: list[tuple[float, float]] = []
    lx, ly = float(left), 38.0
    for item in series:
        needed = 34 + 6.5 * len(item.name) + 18
        if lx + needed > width - right and lx > left:
            lx, ly = float(left), ly + 20
        legend.append((lx, ly))
        lx += needed
    top = int(ly) + 26
    height += top - 64 + (14 if x_label else 0)  # room for a legend of more than one row
    plot_w, plot_h = width - left - right, height - top - bottom
    if y_axis is None:
        y_top, y_step = nice_top(max((v for s in series for v in s.values if v is not None), default=0.0))
    else:
        y_top, y_step = y_axis
    n = len(x_values)

    def x_at(i: int) -> float:
        return left + x_inset + ((plot_w - 2 * x_inset) * i / (n - 1) if n > 1 else plot_w / 2 - x_inset)

    def y_at(value: float) -> float:
        return top + plot_h - plot_h * value / y_top

    data_attrs = " ".join(
        f'data-series-{i}="{escape(",".join(value_text(v) if v is not None else "" for v in s.values))}"'
        for i, s in enumerate(series)
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ol-trend" id="{escape(chart_id)}" width="100%" '
        f'style="max-width:{width}px" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'data-{escape(x_attr)}="{escape(",".join(x_values))}" {data_attrs}>'
    ]
    described = []
    for s in series:
        points = ", ".join(f"{w} {value_text(v)}" for w, v in zip(x_words, s.values, strict=True) if v is not None)
        described.append(f"{s.name}: {points or empty_words}.")
    if marker_words:
        described.append(f"{marker_label} ({marker_words}).")
    parts.append(f'<title id="{escape(chart_id)}-title">{escape(title)}</title>')
    parts.append(f'<desc id="{escape(chart_id)}-desc">{escape(" ".join(described))}</desc>')
    parts.append(f'<text x="{left}" y="18" font-size="15" font-weight="bold" fill="#1a1a1a">{escape(title)}</text>')
    # The legend, in words, each with a sample of its line and marker (laid out above).
    for (lx, ly), item in zip(legend, series, strict=True):
        sample_dash = f' stroke-dasharray="{item.dash}"' if item.dash else ""
        parts.append(
            f'<line x1="{lx}" y1="{ly}" x2="{lx + 28}" y2="{ly}" stroke="{item.colour}" '
            f'stroke-width="{item.width}"{sample_dash}/>'
        )
        parts.append(marker_svg(item.marker, lx + 14, ly, item.colour))
        parts.append(f'<text x="{lx + 34}" y="{ly + 4}" font-size="12" fill="#1a1a1a">{escape(item.name)}</text>')
    # Grid and axes.
    value = 0.0
    while value <= y_top + 1e-9:
        y = y_at(value)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#dddddd"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#3d3d3d">'
            f"{value_text(value)}</text>"
        )
        value += y_step
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#505a5f"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#505a5f"/>'
    )
    parts.append(
        f'<text x="14" y="{top + plot_h / 2:.1f}" font-size="12" fill="#3d3d3d" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">{escape(y_label)}</text>'
    )
    if x_label:
        parts.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h + 38}" font-size="12" fill="#3d3d3d" '
            f'text-anchor="middle">{escape(x_label)}</text>'
        )
    every = max(1, -(-n // 12))
    for i, tick in enumerate(x_ticks):
        x = x_at(i)
        parts.append(f'<line x1="{x:.1f}" y1="{top + plot_h}" x2="{x:.1f}" y2="{top + plot_h + 4}" stroke="#505a5f"/>')
        if i % every == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{top + plot_h + 18}" font-size="11" text-anchor="middle" fill="#3d3d3d">'
                f"{escape(tick)}</text>"
            )
    if marker_at is not None and 0 <= marker_at < n:
        x = x_at(marker_at)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="#505a5f" stroke-width="1.5" '
            'stroke-dasharray="2 3"/>'
        )
        parts.append(
            f'<text x="{x + 4:.1f}" y="{top + 12}" font-size="11" fill="#1a1a1a">{escape(marker_label)}</text>'
        )
    # The lines: a gap where a position has no value.
    for k, s in enumerate(series):
        shift = (k - (len(series) - 1) / 2) * dodge
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        run: list[str] = []
        runs: list[list[str]] = []
        for i, v in enumerate(s.values):
            if v is None:
                if run:
                    runs.append(run)
                run = []
            else:
                run.append(f"{x_at(i) + shift:.1f},{y_at(v):.1f}")
        if run:
            runs.append(run)
        for points in runs:
            if len(points) > 1:
                parts.append(
                    f'<polyline points="{" ".join(points)}" fill="none" stroke="{s.colour}" '
                    f'stroke-width="{s.width}"{dash}/>'
                )
            elif s.marker == "none":  # a lone value of a line without markers: a short stroke
                x, y = (float(v) for v in points[0].split(","))
                parts.append(
                    f'<line x1="{x - 6:.1f}" y1="{y:.1f}" x2="{x + 6:.1f}" y2="{y:.1f}" stroke="{s.colour}" '
                    f'stroke-width="{s.width + 1}"/>'
                )
        for i, v in enumerate(s.values):
            if v is not None:
                parts.append(marker_svg(s.marker, x_at(i) + shift, y_at(v), s.colour))
    parts.append("</svg>")
    return "".join(parts)


def rounds_trend_svg(planner: Planner, rounds: Sequence[tuple[int, Sequence[SectionSummary]]]) -> str:
    """Each section's self-assessed average (0 to 4) against the round number, one line per
    section, as an SVG: `rounds` holds (round number, the round's section summaries in planner
    order) oldest first. The root's `data-rounds` holds the round numbers and `data-series-<i>`
    section i's averages ("" where a round has no scores for it); a section with no scores in
    a round has a gap."""
    numbers = [number for number, _ in rounds]
    series = [
        Series(
            f"{section.number}. {section.title}",
            tuple(summaries[i].self_mean for _, summaries in rounds),
            *SERIES_STYLES[i % len(SERIES_STYLES)],
        )
        for i, section in enumerate(planner.sections)
    ]
    return line_chart_svg(
        "ol-rounds-trend-chart",
        "Each section's average score in each round (self-assessment, 0 to 4)",
        [str(n) for n in numbers],
        [f"Round {n}" for n in numbers],
        [f"round {n}" for n in numbers],
        series,
        x_attr="rounds",
        y_label="Section average (0 to 4)",
        x_label="Round",
        y_axis=(4.0, 1.0),
        empty_words="not scored in any round yet",
        x_inset=30,
        dodge=4,
    )


# --- the area chart ---------------------------------------------------------------------------

AREA_IQR_NAME = "Middle half of the area (lower to upper quartile)"
AREA_MEDIAN_NAME = "Area median (diamond)"
AREA_OWN_NAME = "Your service (circle)"
AREA_IQR_COLOUR = "#9ecae1"  # pale blue fill, outlined in the median's dark blue
AREA_MEDIAN_COLOUR = "#08306b"
AREA_OWN_COLOUR = "#b35806"
# A white outline drawn under a label's letters, so that a bar's edge or a grid line crossing it
# does not make it harder to read.
HALO = ' stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'


def _two_lines(label: str) -> tuple[str, str]:
    """A long label split at the space nearest its middle (never straight after the number)."""
    spaces = [i for i, ch in enumerate(label) if ch == " "][1:]
    if len(label) <= 14 or not spaces:
        return label, ""
    cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return label[:cut], label[cut + 1 :]


def _two(value: float | None) -> str:
    return "not scored" if value is None else f"{value:.2f}"


def area_svg(
    labels: Sequence[str],
    stats: Sequence[SectionStats],
    own: Sequence[float | None],
    width: int = 900,
    height: int = 440,
) -> str:
    """The area chart as an SVG: for each section (`labels`, in planner order) a pale bar from
    the area's lower to its upper quartile, the median as a dark diamond on it and the
    service's own average (`own`) as an open circle to its right, each labelled in words. A
    hidden section (`SectionStats.hidden`) has no bar or diamond and says so at the top.

    The root's `data-q1`, `data-median`, `data-q3` and `data-yours` hold the figures in section
    order ("" where there is none), `data-hidden` 1 or 0 per section; the description gives
    every figure in words. Only the area's aggregates and the service's own averages are drawn."""
    from html import escape

    from course.area import MIN_SERVICES

    if not len(labels) == len(stats) == len(own):
        raise ValueError(
            f"expected one label, one stats and one own average per section; got {len(labels)}, "
            f"{len(stats)} and {len(own)}"
        )
    left, right = 60, 20
    legend_items = [AREA_IQR_NAME, AREA_MEDIAN_NAME, AREA_OWN_NAME]
    legend: list[tuple[float, float]] = []
    lx, ly = float(left), 40.0
    for name in legend_items:
        needed = 30 + 6.5 * len(name) + 24
        if lx + needed > width - right and lx > left:
            lx, ly = float(left), ly + 22
        legend.append((lx, ly))
        lx += needed
    top, bottom = int(ly) + 24, 50
    height += top - 64
    plot_w, plot_h = width - left - right, height - top - bottom
    low, high = -0.45, 4.6  # room under 0 for a median's label, above 4 for "hidden"
    n = len(labels)
    slot = plot_w / max(n, 1)

    def y_at(value: float) -> float:
        return top + plot_h - plot_h * (value - low) / (high - low)

    def attr(values: Sequence[float | None]) -> str:
        return ",".join("" if v is None else f"{v:g}" for v in values)

    words = []
    for label, s, mine in zip(labels, stats, own, strict=True):
        if s.hidden:
            area = f"area figures hidden (fewer than {MIN_SERVICES} services have scored it)"
        else:
            area = (
                f"area median {_two(s.median)} (quartiles are shown from 5 services)"
                if s.q1 is None
                else f"area lower quartile {_two(s.q1)}, median {_two(s.median)}, upper quartile {_two(s.q3)}"
            )
        words.append(f"{label}: {area}; your service {_two(mine)}.")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ol-area-svg" width="100%" style="max-width:{width}px" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="ol-area-compare-title ol-area-compare-desc" '
        f'data-q1="{attr([s.q1 for s in stats])}" data-median="{attr([s.median for s in stats])}" '
        f'data-q3="{attr([s.q3 for s in stats])}" data-yours="{attr(own)}" '
        f'data-hidden="{",".join("1" if s.hidden else "0" for s in stats)}">',
        '<title id="ol-area-compare-title">Your service against the area, section by section (averages 0 to 4)</title>',
        f'<desc id="ol-area-compare-desc">{escape(" ".join(words))}</desc>',
        f'<text x="{left}" y="18" font-size="15" font-weight="bold" fill="#1a1a1a">Your service against the area, '
        "section by section</text>",
    ]
    # The legend, in words, each with a sample of its mark.
    for (lx, ly), name in zip(legend, legend_items, strict=True):
        if name == AREA_IQR_NAME:
            parts.append(
                f'<rect x="{lx + 4}" y="{ly - 7}" width="20" height="14" fill="{AREA_IQR_COLOUR}" '
                f'stroke="{AREA_MEDIAN_COLOUR}"/>'
            )
        elif name == AREA_MEDIAN_NAME:
            parts.append(_diamond(lx + 14, ly))
        else:
            parts.append(_ring(lx + 14, ly))
        parts.append(f'<text x="{lx + 30}" y="{ly + 4}" font-size="12" fill="#1a1a1a">{escape(name)}</text>')
    # Grid and axes.
    for level in range(5):
        y = y_at(level)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#dddddd"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#3d3d3d">{level}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#505a5f"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#505a5f"/>'
        f'<text x="14" y="{top + plot_h / 2:.1f}" font-size="12" fill="#3d3d3d" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">Section average (0 to 4)</text>'
    )
    for i, (label, s, mine) in enumerate(zip(labels, stats, own, strict=True)):
        centre = left + slot * (i + 0.5)
        # The bar and diamond left of centre, the circle right of it; the median's label goes under
        # the bar and the circle's to its right, so that neither can cover the other.
        bar_x, circle_x = centre - 0.15 * slot, centre + 0.14 * slot
        first, second = _two_lines(label)
        parts.append(
            f'<text x="{centre:.1f}" y="{top + plot_h + 18}" font-size="12" text-anchor="middle" fill="#1a1a1a">'
            f'<tspan x="{centre:.1f}">{escape(first)}</tspan>'
            + (f'<tspan x="{centre:.1f}" dy="15">{escape(second)}</tspan>' if second else "")
            + "</text>"
        )
        if s.hidden:
            parts.append(
                f'<text x="{centre:.1f}" y="{y_at(4.4):.1f}" font-size="12" text-anchor="middle" fill="#1a1a1a">'
                f'<tspan x="{centre:.1f}">hidden:</tspan><tspan x="{centre:.1f}" dy="14">fewer than '
                f"{MIN_SERVICES}</tspan></text>"
            )
        else:
            if s.q1 is not None and s.q3 is not None:
                y1, y3 = y_at(s.q1), y_at(s.q3)
                parts.append(
                    f'<rect x="{bar_x - 0.13 * slot:.1f}" y="{min(y1, y3):.1f}" width="{0.26 * slot:.1f}" '
                    f'height="{max(abs(y1 - y3), 2):.1f}" fill="{AREA_IQR_COLOUR}" stroke="{AREA_MEDIAN_COLOUR}"/>'
                )
            if s.median is not None:
                parts.append(_diamond(bar_x, y_at(s.median)))
                below = y_at(min(v for v in (s.q1, s.median) if v is not None))
                parts.append(
                    f'<text x="{bar_x:.1f}" y="{below + 18:.1f}" font-size="11" text-anchor="middle" fill="#1a1a1a"'
                    f"{HALO}>median {s.median:.2f}</text>"
                )
        if mine is not None:
            y = y_at(mine)
            parts.append(_ring(circle_x, y))
            parts.append(
                f'<text x="{circle_x + 10:.1f}" y="{y + 4:.1f}" font-size="11" fill="#1a1a1a"{HALO}>'
                f"yours {mine:.2f}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _diamond(x: float, y: float) -> str:
    points = f"{x:.1f},{y - 8:.1f} {x + 8:.1f},{y:.1f} {x:.1f},{y + 8:.1f} {x - 8:.1f},{y:.1f}"
    return f'<polygon points="{points}" fill="{AREA_MEDIAN_COLOUR}" stroke="#ffffff" stroke-width="1"/>'


def _ring(x: float, y: float) -> str:
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#ffffff" stroke="{AREA_OWN_COLOUR}" stroke-width="3"/>'
