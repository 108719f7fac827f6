"""Plotly figures built from scores. No widgets here: pages wrap them in FigureWidgets,
reports can render them to static images."""

from __future__ import annotations

import math

from course.content import Planner
from course.scoring import SectionSummary

SELF_COLOUR = "#1d5fa6"  # dark blue; solid line and circle markers
QA_COLOUR = "#b35806"  # dark orange; dashed line and square markers


def radar_data(planner: Planner, summaries: list[SectionSummary]) -> dict[str, list]:
    """The r/theta values of the radar: None where a section has no scores yet."""
    labels = [f"{s.number}. {s.title}" for s in planner.sections]
    return {
        "theta": [*labels, labels[0]],
        "self": [*(s.self_mean for s in summaries), summaries[0].self_mean],
        "qa": [*(s.qa_mean for s in summaries), summaries[0].qa_mean],
    }


def radar_figure_dict(planner: Planner, summaries: list[SectionSummary], height: int = 380) -> dict:
    """A plotly figure (as a dict) of the six section means, self and QA side by side.

    Self and QA differ by line style and marker shape as well as colour, and each trace is
    named in the legend, so the chart does not rely on colour alone.
    """
    data = radar_data(planner, summaries)
    return {
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
