"""Plotly figures built from scores. No widgets here: pages wrap them in FigureWidgets,
reports can render them to static images."""

from __future__ import annotations

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
