"""The lesson parts every module shows (after the Carpentries): estimated minutes, the
questions it answers, objectives, key points, and facilitator notes for trainers.

Facilitator notes are hidden from learners. A trainer opens any page with `view=trainer`
in its address (for example `01-data.ipynb?view=trainer`) to see them.
"""

from __future__ import annotations

import ipywidgets as ipw

from course.lessons import Module
from widgets.common import esc, paragraphs

TRAINER_VIEW = "trainer"


def is_trainer_view(query: dict[str, str]) -> bool:
    return query.get("view") == TRAINER_VIEW


def _items(values: tuple[str, ...]) -> str:
    return "".join(f"<li>{esc(v)}</li>" for v in values)


def lesson_header_html(module: Module) -> str:
    return (
        f'<div class="ol-lesson-header"><p class="ol-status">About {module.minutes} minutes.</p>'
        f"<h2>Questions this module answers</h2><ul>{_items(module.questions)}</ul>"
        f"<h2>By the end you can</h2><ul>{_items(module.objectives)}</ul></div>"
    )


def key_points_html(module: Module) -> str:
    return f'<div class="ol-key-points"><h2>Key points</h2><ul>{_items(module.key_points)}</ul></div>'


class FacilitatorNotes(ipw.HTML):
    """The module's facilitator notes: shown only in the trainer view."""

    def __init__(self, module: Module) -> None:
        super().__init__(
            f'<aside class="ol-facilitator" aria-label="Facilitator notes"><h2>Facilitator notes</h2>'
            f"{paragraphs(module.facilitator_notes)}</aside>",
            layout=ipw.Layout(display="none"),
        )
        self.add_class("ol-facilitator-notes")

    def show_for(self, trainer: bool) -> None:
        self.layout.display = "block" if trainer else "none"
