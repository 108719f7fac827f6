"""The radar chart built from section summaries."""

from __future__ import annotations

import plotly.graph_objects as go

from course.charts import QA_COLOUR, SELF_COLOUR, radar_data, radar_figure_dict
from course.content import Planner
from course.scoring import Answer, summarise

LABELS = [
    "1. Data",
    "2. Staff training",
    "3. Assessment tools",
    "4. Data sharing",
    "5. Safeguarding",
    "6. Parents and carers",
]


def some_answers() -> dict[str, Answer]:
    answers = [
        Answer("1.1", score=4, evidence="x", qa_score=2),
        Answer("1.2", score=2, qa_score=3),
        Answer("3.1", score=0),
        Answer("5.5", score=3, evidence="y"),
        Answer("5.6", score=2),
        Answer("6.1", qa_score=1),  # QA only: section 6 has a QA mean but no self mean
    ]
    return {a.statement_id: a for a in answers}


def test_radar_has_two_traces_self_and_qa(planner: Planner) -> None:
    figure = radar_figure_dict(planner, summarise(planner, some_answers()))
    assert [t["type"] for t in figure["data"]] == ["scatterpolar", "scatterpolar"]
    assert [t["name"] for t in figure["data"]] == ["Self-assessment", "QA check"]


def test_radar_is_a_closed_loop(planner: Planner) -> None:
    figure = radar_figure_dict(planner, summarise(planner, some_answers()))
    for trace in figure["data"]:
        assert trace["theta"] == [*LABELS, LABELS[0]]
        assert len(trace["r"]) == 7
        assert trace["r"][-1] == trace["r"][0]


def test_radar_values_are_section_means_with_none_where_unscored(planner: Planner) -> None:
    self_trace, qa_trace = radar_figure_dict(planner, summarise(planner, some_answers()))["data"]
    assert self_trace["r"] == [3.0, None, 0.0, None, 2.5, None, 3.0]
    assert qa_trace["r"] == [2.5, None, None, None, None, 1.0, 2.5]
    # Gaps stay gaps: an unscored section is not drawn as 0.
    assert self_trace["connectgaps"] is False
    assert qa_trace["connectgaps"] is False


def test_radar_of_an_empty_assessment_is_all_gaps(planner: Planner) -> None:
    data = radar_data(planner, summarise(planner, {}))
    assert data["self"] == [None] * 7
    assert data["qa"] == [None] * 7
    assert data["theta"][0] == data["theta"][-1] == "1. Data"


def test_traces_differ_in_dash_and_marker_not_colour_alone(planner: Planner) -> None:
    self_trace, qa_trace = radar_figure_dict(planner, summarise(planner, some_answers()))["data"]
    assert self_trace["line"]["dash"] == "solid"
    assert qa_trace["line"]["dash"] == "dash"
    assert self_trace["marker"]["symbol"] == "circle"
    assert qa_trace["marker"]["symbol"] == "square"
    assert self_trace["line"]["color"] == SELF_COLOUR
    assert qa_trace["line"]["color"] == QA_COLOUR
    assert SELF_COLOUR != QA_COLOUR
    assert self_trace["mode"] == qa_trace["mode"] == "lines+markers"


def test_radar_axis_runs_0_to_4_and_the_legend_shows(planner: Planner) -> None:
    figure = radar_figure_dict(planner, summarise(planner, {}), height=500)
    layout = figure["layout"]
    assert layout["height"] == 500
    assert layout["polar"]["radialaxis"]["range"] == [0, 4]
    assert layout["polar"]["radialaxis"]["tickvals"] == [0, 1, 2, 3, 4]
    assert layout["showlegend"] is True


def test_radar_dict_is_a_valid_plotly_figure(planner: Planner) -> None:
    figure = go.Figure(radar_figure_dict(planner, summarise(planner, some_answers())))
    assert len(figure.data) == 2
    assert list(figure.data[1].r) == [2.5, None, None, None, None, 1.0, 2.5]
    assert figure.data[1].marker.symbol == "square"


def test_radar_svg_draws_scored_sections_and_describes_them_in_words():
    from course.charts import radar_svg
    from course.content import load_planner
    from course.scoring import Answer, summarise

    planner = load_planner()
    answers = {
        "1.1": Answer("1.1", score=2, qa_score=3),
        "2.1": Answer("2.1", score=4),
        "6.1": Answer("6.1", score=1),
    }
    svg = radar_svg(planner, summarise(planner, answers))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'data-self="2,4,,,,1"' in svg and 'data-qa="3,,,,,"' in svg
    assert "1. Data: self 2, QA 3" in svg and "3. Assessment tools: self not scored, QA not checked" in svg
    assert svg.count("<circle") == 3 + 1  # three scored sections, plus the legend's marker
    assert svg.count("<rect") == 1 + 1  # one QA score, plus the legend's marker
    assert 'stroke-dasharray="6 4"' in svg  # QA is dashed: not told apart by colour alone
