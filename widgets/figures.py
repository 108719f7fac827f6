"""Live plotly figures: the radar chart of section scores, and the fix every live figure needs."""

from __future__ import annotations

from copy import deepcopy

import plotly.graph_objects as go

from course.charts import radar_figure_dict
from course.content import Planner
from course.scoring import SectionSummary


class RadarChart(go.FigureWidget):
    """Section means, self and QA. `show(summaries)` updates it in place."""

    def __init__(self, planner: Planner, summaries: list[SectionSummary], height: int = 380) -> None:
        self._planner = planner
        super().__init__(radar_figure_dict(planner, summaries, height=height))

    def show(self, summaries: list[SectionSummary]) -> None:
        figure = radar_figure_dict(self._planner, summaries)
        with self.batch_update():
            for trace, data in zip(self.data, figure["data"], strict=True):
                trace.r = data["r"]
        keep_for_late_views(self)


def keep_for_late_views(figure: go.FigureWidget) -> None:
    """Call after updating a FigureWidget.

    plotly sends updates as one-off messages that only views already on screen receive; a
    view drawn later starts from `_widget_data`. Keeping that current too stops a chart
    updated before the browser draws it (as when a page loads) from staying blank.
    """
    figure._widget_data = deepcopy(figure._data)
