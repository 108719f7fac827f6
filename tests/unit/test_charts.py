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


# --- SVG line charts, the rounds trend and the area chart -------------------------------------


def _attr(svg: str, name: str) -> str:
    """The value of the SVG root's attribute `name`."""
    root = svg.split(">", 1)[0]
    return root.split(f' {name}="', 1)[1].split('"', 1)[0]


def test_line_chart_svg_puts_values_in_data_attributes_and_words_and_escapes_names() -> None:
    from course.charts import Series, line_chart_svg

    svg = line_chart_svg(
        "c<1>",
        'Title & "quotes"',
        ["a", "b", "c"],
        ["A", "B", "C"],
        ["first", "second", "third"],
        [
            Series("Line <one>", (1.0, None, 2.5), "#1d5fa6", "", "circle"),
            Series("Empty", (None, None, None), "#b35806", "6 4", "square"),
        ],
        x_attr="steps",
        y_label="Count",
        x_label="Step",
        y_axis=(4.0, 1.0),
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>") and 'role="img"' in svg
    assert _attr(svg, "data-steps") == "a,b,c"
    assert _attr(svg, "data-series-0") == "1,,2.5" and _attr(svg, "data-series-1") == ",,"
    assert 'id="c&lt;1&gt;"' in svg and "<1>" not in svg
    assert "Title &amp; &quot;quotes&quot;" in svg and "Line &lt;one&gt;" in svg and "<one>" not in svg
    assert "Line &lt;one&gt;: first 1, third 2.5. Empty: no values yet." in svg
    # A gap, not a line through the missing value: two lone points, so no polyline.
    assert "<polyline" not in svg
    assert svg.count("<circle") == 2 + 1  # two values plus the legend's sample
    assert ">Step<" in svg and ">Count<" in svg
    assert ">4</text>" in svg and ">5</text>" not in svg  # the fixed scale, not a rounded-up one


def test_rounds_trend_svg_has_a_line_per_section_told_apart_without_colour(planner: Planner) -> None:
    from course.charts import SERIES_STYLES, rounds_trend_svg

    round_1 = summarise(planner, {"1.1": Answer("1.1", score=2), "2.1": Answer("2.1", score=4)})
    round_2 = summarise(planner, {"1.1": Answer("1.1", score=3), "1.2": Answer("1.2", score=4)})
    svg = rounds_trend_svg(planner, [(1, round_1), (2, round_2)])
    assert _attr(svg, "data-rounds") == "1,2"
    assert _attr(svg, "data-series-0") == "2,3.5"
    assert _attr(svg, "data-series-1") == "4,"  # staff training: not scored in round 2
    assert _attr(svg, "data-series-2") == ","
    assert "1. Data: round 1 2, round 2 3.5." in svg
    assert "2. Staff training: round 1 4." in svg
    assert "6. Parents and carers: not scored in any round yet." in svg
    for label in LABELS:
        assert f">{label}</text>" in svg  # the legend, in words
    styles = SERIES_STYLES[: len(LABELS)]
    assert len({dash for _, dash, _ in styles}) == len({marker for _, _, marker in styles}) == len(LABELS)
    assert svg.count("<polyline") == 1  # only Data has two rounds in a row


def test_rounds_trend_svg_of_one_round_draws_points(planner: Planner) -> None:
    from course.charts import rounds_trend_svg

    svg = rounds_trend_svg(planner, [(1, summarise(planner, some_answers()))])
    assert _attr(svg, "data-rounds") == "1"
    assert _attr(svg, "data-series-0") == "3"
    assert "<polyline" not in svg and ">Round 1</text>" in svg


def _stats(section_id: str, services: int, median=None, q1=None, q3=None):  # type: ignore[no-untyped-def]
    from course.area import SectionStats

    return SectionStats(section_id, services, median, q1, q3)


def test_area_svg_gives_quartiles_median_and_yours_and_labels_hidden_sections() -> None:
    from course.charts import area_svg

    labels = ["1. Data", "2. Staff <training> & more", "3. Assessment tools"]
    stats = [_stats("data", 3, 2.0, 1.5, 3.0), _stats("staff", 2), _stats("tools", 4, 1.25, 1.0, 1.75)]
    svg = area_svg(labels, stats, [2.0, 3.0, None])
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title" in svg
    assert _attr(svg, "data-q1") == "1.5,,1"
    assert _attr(svg, "data-median") == "2,,1.25"
    assert _attr(svg, "data-q3") == "3,,1.75"
    assert _attr(svg, "data-yours") == "2,3,"
    assert _attr(svg, "data-hidden") == "0,1,0"
    desc = svg.split("<desc", 1)[1].split("</desc>", 1)[0]
    assert "1. Data: area lower quartile 1.50, median 2.00, upper quartile 3.00; your service 2.00." in desc
    assert "2. Staff &lt;training&gt; &amp; more: area figures hidden (fewer than 3 services" in desc
    assert "3. Assessment tools: area lower quartile 1.00, median 1.25, upper quartile 1.75; your service not" in desc
    assert "<training>" not in svg
    # Drawn: two bars and two diamonds (not for the hidden section), two circles, each in words.
    assert svg.count(">median ") == 2 and svg.count(">yours ") == 2
    assert ">yours 3.00</text>" in svg and ">median 1.25</text>" in svg
    assert svg.count(">hidden:</tspan>") == 1
    for name in ("Middle half of the area (lower to upper quartile)", "Area median (diamond)", "Your service (circle)"):
        assert f">{name}</text>" in svg
    assert svg.count("<polygon") == 2 + 1  # two medians plus the legend's diamond: a shape, not a colour


def test_area_svg_with_nothing_to_show_hides_everything() -> None:
    from course.charts import area_svg

    svg = area_svg(["1. Data", "2. Staff"], [_stats("data", 0), _stats("staff", 1)], [None, None])
    assert _attr(svg, "data-median") == "," and _attr(svg, "data-yours") == ","
    assert _attr(svg, "data-hidden") == "1,1"
    assert svg.count(">hidden:</tspan>") == 2 and ">median " not in svg and ">yours " not in svg


def test_area_svg_wants_one_of_each_per_section() -> None:
    import pytest

    from course.charts import area_svg

    with pytest.raises(ValueError, match="one label"):
        area_svg(["1. Data"], [], [None])
