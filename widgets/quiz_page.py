"""The four Cs quiz page: the categories explained, a round of ten items, and results."""

from __future__ import annotations

import ipywidgets as ipw

from course.lessons import course
from course.quiz import item_bank
from course.store import Service
from widgets.common import credit_html, esc, nav_html, request_query, resolve_service, style
from widgets.lesson import FacilitatorNotes, is_trainer_view, key_points_html, lesson_header_html
from widgets.module_complete import ModuleComplete
from widgets.quiz import QuizRound
from widgets.workshop_join import WorkshopJoin

QUIZ_PAGE = "four-cs-quiz.ipynb"
QUIZ_MODULE = "four-cs-quiz"
ROUND = 10


def categories_html() -> str:
    bank = item_bank()
    parts = []
    for category in bank.categories:
        examples = "".join(f"<li>{esc(e)}</li>" for e in category.examples)
        parts.append(f"<h3>{esc(category.label)}</h3><p>{esc(category.description)}</p><ul>{examples}</ul>")
    return (
        "<h2>The four Cs</h2><p>The planner sorts online risks into four categories for "
        "convenience, and says plainly that a situation can fit more than one. Use them as a "
        "way of asking questions, not as boxes.</p>" + "".join(parts)
    )


class QuizPage(ipw.VBox):
    """The four Cs quiz. Build it, display it, then call `start()`."""

    def __init__(self) -> None:
        self.module = course().module(QUIZ_MODULE)
        self.service: Service | None = None
        self._nav = ipw.HTML(nav_html(None, QUIZ_PAGE))
        self._facilitator = FacilitatorNotes(self.module)
        self.workshop = WorkshopJoin()
        self.workshop.observe(self._on_workshop, names="participant_id")
        self.quiz = QuizRound(QUIZ_MODULE, size=ROUND, workshop=self.workshop)
        self.completion = ModuleComplete(QUIZ_MODULE)
        self.completion.observe(self._on_learner, names="learner")
        bank = item_bank()
        super().__init__(
            [
                style(),
                self._nav,
                self.workshop,
                ipw.HTML(f"<h1>{esc(self.module.title)}</h1>" + lesson_header_html(self.module)),
                self._facilitator,
                ipw.HTML(categories_html()),
                ipw.HTML(
                    f"<h2>The quiz</h2><p>A round of {ROUND} situations drawn at random from "
                    f"{len(bank.items)}. For each, tick every C that fits and check your answer. "
                    "A part-right answer earns part of the mark: each right C you tick earns its "
                    "share, each wrong one takes its share away.</p>"
                ),
                self.quiz,
                ipw.HTML(key_points_html(self.module)),
                self.completion,
                ipw.HTML(f'<p class="ol-credit">{esc(bank.credit)}</p>' + credit_html()),
            ]
        )
        self.add_class("ol-page")
        self.add_class("ol-quiz-page")

    def start(self) -> None:
        query = request_query()
        self._facilitator.show_for(is_trainer_view(query))
        self.service = resolve_service(query)
        self.quiz.set_service(self.service)
        self.completion.start(query)
        self._on_workshop({})
        if query.get("seed", "").isdigit():  # a repeatable round, for trainers and tests
            self.quiz.reseed(int(query["seed"]))
        self.workshop.resume(query.get("participant"))

    def _on_learner(self, _change: dict) -> None:
        self.quiz.set_learner(self.completion.learner or None)
        self._on_workshop({})

    def _on_workshop(self, _change: dict) -> None:
        participant = self.workshop.participant_id or None
        self._nav.value = nav_html(self.service, QUIZ_PAGE, participant, self.completion.learner or None)
