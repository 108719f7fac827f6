"""The four Cs quiz: a round of items, ticked one at a time, with feedback after each, and a
results view of scores by category and of which Cs are taken for which."""

from __future__ import annotations

import random
from collections.abc import Sequence

import ipywidgets as ipw

from course.quiz import (
    CATEGORY_IDS,
    ROUND_SIZE,
    AnswerRecord,
    ItemBank,
    Mark,
    RiskItem,
    category_scores,
    confusion,
    draw,
    item_bank,
    mark,
)
from course.store import Service
from widgets.common import esc, store
from widgets.workshop_join import WorkshopJoin, revealed_html


def _and(words: Sequence[str]) -> str:
    words = list(words)
    if not words:
        return "none"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def feedback_html(bank: ItemBank, item: RiskItem, result: Mark) -> str:
    """Feedback on one answer, in words: never by colour alone."""
    correct = _and([bank.label(c) for c in CATEGORY_IDS if c in item.categories])
    if result.full:
        verdict = "<strong>Right.</strong>"
    elif result.score > 0:
        verdict = f"<strong>Partly right: {result.score:.2g} of 1.</strong>"
    else:
        verdict = "<strong>Not this time: 0 of 1.</strong>"
    parts = [
        f"<p>{verdict} This is <strong>{esc(correct)}</strong>.</p>",
        f"<p>{esc(item.feedback)}</p>",
    ]
    if result.misses:
        parts.append(
            f"<p>You did not tick: {esc(_and([bank.label(c) for c in CATEGORY_IDS if c in result.misses]))}.</p>"
        )
    for distractor in item.distractors:
        if distractor.category in result.false_alarms:
            parts.append(
                f"<p><strong>Why not {esc(bank.label(distractor.category))}?</strong> {esc(distractor.why)}</p>"
            )
    others = result.false_alarms - {d.category for d in item.distractors}
    if others:
        parts.append(f"<p>{esc(_and([bank.label(c) for c in CATEGORY_IDS if c in others]))}: not part of this one.</p>")
    css = "ol-ok" if result.full else "ol-flag"
    return f'<div class="{css} ol-quiz-feedback" role="status">{"".join(parts)}</div>'


class QuizResults(ipw.VBox):
    """Score by category and a confusion chart, for the answers given on this page."""

    def __init__(self, bank: ItemBank) -> None:
        import plotly.graph_objects as go  # only pages that show results pay for plotly

        from widgets.figures import keep_for_late_views

        self._keep_for_late_views = keep_for_late_views
        self._bank = bank
        self._table = ipw.HTML()
        labels = [bank.label(c) for c in CATEGORY_IDS]
        self._chart = go.FigureWidget(
            data=[
                go.Heatmap(
                    z=[[0] * 4 for _ in range(4)],
                    x=labels,
                    y=labels,
                    text=[["0"] * 4 for _ in range(4)],
                    texttemplate="%{text}",
                    colorscale=[[0, "#ffffff"], [1, "#1d5fa6"]],
                    showscale=False,
                    hovertemplate="Really %{y}, ticked %{x}: %{z}<extra></extra>",
                )
            ],
            layout={
                "height": 340,
                "margin": {"l": 100, "r": 20, "t": 20, "b": 60},
                "xaxis": {"title": {"text": "What was ticked"}, "side": "bottom"},
                "yaxis": {"title": {"text": "What the item really is"}, "autorange": "reversed"},
                "font": {"size": 13, "color": "#1a1a1a"},
            },
        )
        super().__init__(
            [
                ipw.HTML("<h3>Your results so far</h3>"),
                self._table,
                ipw.HTML(
                    "<p>The chart counts, for items that really are one C (rows), which Cs were "
                    "ticked (columns). Numbers on the diagonal are right; numbers off it show "
                    "which Cs are taken for which.</p>"
                ),
                self._chart,
            ]
        )
        self.add_class("ol-quiz-results")
        self.show([])

    def show(self, answers: Sequence[AnswerRecord]) -> None:
        bank = self._bank
        scores = category_scores(bank, answers)
        rows = "".join(
            f"<tr><th scope='row'>{esc(bank.label(c))}</th><td>{s['spotted']} of {s['present']}</td>"
            f"<td>{s['false_alarms']}</td></tr>"
            for c, s in scores.items()
        )
        total = sum(a.score for a in answers)
        self._table.value = (
            f"<p>{len(answers)} answered, {total:.1f} marks.</p>"
            '<table class="ol-table ol-category-scores"><caption class="ol-status">Score by category</caption>'
            '<thead><tr><th scope="col">Category</th><th scope="col">Spotted when present</th>'
            f'<th scope="col">Ticked when not present</th></tr></thead><tbody>{rows}</tbody></table>'
        )
        matrix = confusion(bank, answers)
        z = [[matrix[t][c] for c in CATEGORY_IDS] for t in CATEGORY_IDS]
        with self._chart.batch_update():
            self._chart.data[0].z = z
            self._chart.data[0].text = [[str(v) for v in row] for row in z]
        self._keep_for_late_views(self._chart)


class QuizRound(ipw.VBox):
    """A round of four Cs items: tick, check, read the feedback, go on; then try again."""

    def __init__(
        self,
        context: str,
        items: Sequence[RiskItem] | None = None,
        size: int = ROUND_SIZE,
        seed: int | None = None,
        show_results: bool = True,
        workshop: WorkshopJoin | None = None,
    ) -> None:
        self.bank = item_bank()
        self.workshop = workshop  # a live workshop: each checked answer is pooled with the room
        self.context = context
        self.service: Service | None = None
        self.learner: str | None = None  # recorded on the rounds, for the certificate
        self._pool = tuple(items if items is not None else self.bank.items)
        self._size = min(size, len(self._pool))
        self._seed = seed
        self._rounds_drawn = 0
        self._seen: set[str] = set()
        self._answers: list[AnswerRecord] = []
        self._round_id: str | None = None
        self._round_seed: int | None = None
        self._items: list[RiskItem] = []
        self._index = 0
        self._round_marks: list[float] = []

        self._progress = ipw.HTML()
        self._question = ipw.HTML()
        self._revealed = ipw.HTML()
        self._boxes = {
            c.id: ipw.Checkbox(
                description=f"{c.label}: {c.description}",
                indent=False,
                layout=ipw.Layout(width="96%"),
            )
            for c in self.bank.categories
        }
        for box in self._boxes.values():
            box.add_class("ol-quiz-choice")
        self._check = ipw.Button(description="Check answer", button_style="primary")
        self._feedback = ipw.HTML()
        self._next = ipw.Button(description="Next item")
        self._retry = ipw.Button(description="Try another round")
        self._round_result = ipw.HTML()
        self.results = QuizResults(self.bank) if show_results else None

        self._check.on_click(self._on_check)
        self._next.on_click(self._on_next)
        self._retry.on_click(self._on_retry)

        children: list[ipw.Widget] = [
            self._progress,
            self._question,
            self._revealed,
            ipw.HTML('<p class="ol-status">Tick every C that fits: one situation can fit more than one.</p>'),
            *self._boxes.values(),
            self._check,
            self._feedback,
            self._next,
            self._round_result,
            self._retry,
        ]
        if self.results is not None:
            children.append(self.results)
        super().__init__(children)
        self.add_class("ol-quiz")
        if workshop is not None:
            workshop.observe(self._on_revealed, names="revealed")
        self.new_round()

    # --- state ---------------------------------------------------------------------------------

    @property
    def current(self) -> RiskItem | None:
        return self._items[self._index] if self._index < len(self._items) else None

    @property
    def items(self) -> list[RiskItem]:
        return list(self._items)

    def set_service(self, service: Service | None) -> None:
        self.service = service

    def set_learner(self, learner: str | None) -> None:
        """Record rounds under this learner id; a round already under way without one is
        recorded under it too (the page learnt who was answering after the round began)."""
        self.learner = learner or None
        if self.learner and self._round_id is not None:
            from course.certificates import claim_quiz_round

            try:
                claim_quiz_round(store(), self._round_id, self.learner)
            except Exception:  # noqa: S110 - the next round is recorded under the learner anyway
                pass

    def reseed(self, seed: int | None) -> None:
        """Start again from a given seed (a trainer's `?seed=` makes a round repeatable)."""
        self._seed = seed
        self._rounds_drawn = 0
        self._seen.clear()
        self.new_round()

    def new_round(self) -> None:
        if self._seed is None:
            self._round_seed = random.SystemRandom().randrange(2**31)
        else:
            self._round_seed = self._seed + self._rounds_drawn
        self._rounds_drawn += 1
        self._items = draw(self._pool, self._size, seed=self._round_seed, exclude=self._seen)
        self._seen.update(i.id for i in self._items)
        self._round_id = None  # recorded in the store with the first answer
        self._index = 0
        self._round_marks = []
        self._round_result.value = ""
        self._retry.layout.display = "none"
        self._show_item()

    def _show_item(self) -> None:
        item = self.current
        for box in self._boxes.values():
            box.value = False
            box.disabled = False
        self._feedback.value = ""
        self._next.layout.display = "none"
        self._check.layout.display = "flex"
        self._check.disabled = False
        if item is None:
            return
        self._progress.value = f'<p class="ol-status">Item {self._index + 1} of {len(self._items)}</p>'
        self._question.value = f'<p class="ol-quiz-item"><strong>{esc(item.text)}</strong></p>'
        self._show_revealed()

    def _show_revealed(self) -> None:
        item = self.current
        shown = self.workshop.revealed if self.workshop is not None else frozenset()
        self._revealed.value = revealed_html("quiz", item.id, shown) if item is not None else ""

    def _on_revealed(self, _change: dict) -> None:
        self._show_revealed()

    # --- handlers ------------------------------------------------------------------------------

    def _on_check(self, _button: ipw.Button) -> None:
        item = self.current
        if item is None:
            return
        chosen = [c for c, box in self._boxes.items() if box.value is True]
        if not chosen:
            self._feedback.value = '<p class="ol-error" role="alert">Tick at least one of the four Cs first.</p>'
            return
        result = mark(item, chosen)
        if self._round_id is None:
            self._round_id = store().start_quiz_round(
                self.context,
                [i.id for i in self._items],
                self.bank.version,
                service_id=self.service.id if self.service else None,
                seed=self._round_seed,
                learner=self.learner,
            )
        store().record_quiz_answer(self._round_id, item.id, chosen, result.score)
        if self.workshop is not None:  # after the page's own saving, which it never affects
            self.workshop.record("quiz", item.id, chosen)
        self._answers.append(AnswerRecord(self._round_id, item.id, frozenset(chosen), result.score))
        self._round_marks.append(result.score)
        for box in self._boxes.values():
            box.disabled = True
        self._check.disabled = True
        self._check.layout.display = "none"
        self._feedback.value = feedback_html(self.bank, item, result)
        last = self._index + 1 >= len(self._items)
        self._next.description = "See how the round went" if last else "Next item"
        self._next.layout.display = "flex"
        if self.results is not None:
            self.results.show(self._answers)

    def _on_next(self, _button: ipw.Button) -> None:
        self._index += 1
        if self._index < len(self._items):
            self._show_item()
            return
        total = sum(self._round_marks)
        self._progress.value = ""
        self._question.value = ""
        self._revealed.value = ""
        self._feedback.value = ""
        self._next.layout.display = "none"
        self._check.layout.display = "none"
        for box in self._boxes.values():
            box.disabled = True
        self._round_result.value = (
            f'<p class="ol-ok" role="status"><strong>Round complete: {total:.1f} out of '
            f"{len(self._round_marks)}.</strong> Try another round for different items.</p>"
        )
        self._retry.layout.display = "flex"

    def _on_retry(self, _button: ipw.Button) -> None:
        self.new_round()
