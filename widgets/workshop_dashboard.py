"""The trainer's dashboard of a live workshop (issue 5): the room's answers as they arrive.

The trainer opens it with the workshop's join code and trainer token (the token is never
read from the address), or starts a new workshop here. Once open, the page recomputes the
workshop's summary every second on the kernel's event loop and updates only the parts whose
HTML changed. No distribution is shown for fewer than 3 answers.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import ipywidgets as ipw

from course import workshops as ws
from course.content import planner
from course.lessons import course
from course.quiz import CATEGORY_IDS, item_bank
from course.workshops import Distribution, Workshop, WorkshopError, WorkshopSummary
from widgets.autosave import kernel_call_later
from widgets.common import download_link, esc, paragraphs, request_query, store, style

REFRESH_SECONDS = 1.0
HIDDEN_MESSAGE = "Fewer than 3 answers: hidden so that no one's answer can be read off"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DASHBOARD_CSS = """
<style>
.ol-dashboard .ol-bar-cell { width: 40%; }
.ol-dashboard .ol-bar-track { display: inline-block; width: 75%; vertical-align: middle; }
.ol-dashboard .ol-bar { display: block; height: 0.9rem; background: #1d5fa6; }
.ol-dashboard .ol-question { border-top: 1px solid #b1b4b6; margin-top: 0.75rem; padding-top: 0.25rem; }
.ol-dashboard .ol-secret { border: 3px solid #b35806; background: #fff4e5; padding: 0.5rem 1rem; }
.ol-dashboard .ol-secret code { font-size: 1.3rem; font-weight: bold; }
.ol-dashboard .ol-code { font-size: 1.6rem; letter-spacing: 0.15em; font-weight: bold; }
.ol-dashboard .widget-text, .ol-dashboard .widget-password, .ol-dashboard .widget-dropdown { width: 32rem; }
.ol-dashboard .widget-label { min-width: 9rem; }
</style>
"""


def _set(widget: ipw.HTML, value: str) -> None:
    """Send new HTML to the browser only when it changed."""
    if widget.value != value:
        widget.value = value


def _kernel_stopping() -> bool:
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return False
    kernel = getattr(shell, "kernel", None)
    return bool(getattr(shell, "exit_now", False) or getattr(kernel, "_shutdown_message", None) is not None)


# --- HTML of the room's answers ----------------------------------------------------------------


def distribution_html(kind: str, item: str, dist: Distribution | None, shown: bool) -> str:
    """One question's answers: a table of counts with a bar each, or why there is none."""
    revealable = kind in ("quiz", "case")
    title = f'<h4>{esc(ws.item_text(kind, item))} <span class="ol-status">({esc(item)})</span></h4>'
    key = ws.answer_key(kind, item) if revealable else ""
    if revealable:
        if shown:
            title += f'<p class="ol-ok">Right answer (revealed): <strong>{esc(key)}</strong></p>'
        else:
            title += '<p class="ol-status">The right answer is hidden until you press Reveal.</p>'
    if dist is None or dist.n == 0:
        return title + '<p class="ol-status">No answers yet.</p>'
    if dist.counts is None:
        return title + f'<p class="ol-status">{dist.n} answered. {HIDDEN_MESSAGE}.</p>'
    right = _right_options(kind, item) if revealable and shown else frozenset()
    rows = []
    for option, count in dist.counts.items():
        label = esc(ws.option_label(kind, item, option))
        if option in right:
            label += " <strong>(right answer)</strong>"
        share = round(100 * count / dist.n) if dist.n else 0
        rows.append(
            f'<tr><th scope="row">{label}</th><td>{count}</td>'
            '<td class="ol-bar-cell"><span class="ol-bar-track">'
            f'<span class="ol-bar" style="width: {share}%"></span></span> {share}%</td></tr>'
        )
    several = " (each person may choose several)" if kind == "quiz" or _is_multi(kind, item) else ""
    return (
        title + f'<table class="ol-table ol-distribution"><caption class="ol-status">{dist.n} answered{several}'
        '</caption><thead><tr><th scope="col">Answer</th><th scope="col">People</th>'
        f'<th scope="col">Share of those who answered</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _right_options(kind: str, item: str) -> frozenset[str]:
    if kind == "quiz":
        return item_bank().item(item).categories
    return ws._case_question(item).answer


def _is_multi(kind: str, item: str) -> bool:
    return kind == "case" and ws._case_question(item).kind == "multi"


def room_html(result: WorkshopSummary) -> str:
    w = result.workshop
    state = (
        f'<p class="ol-flag" role="status">This workshop was closed on {esc(w.closed_at)}: it takes no more '
        "answers. What it collected is shown below, read-only.</p>"
        if w.closed
        else ""
    )
    return (
        f"<h2>{esc(w.title)}</h2>"
        f'<p>Join code: <span class="ol-code">{esc(w.code)}</span></p>{state}'
        f'<p class="ol-room"><strong>{result.joined}</strong> joined, <strong>{result.active}</strong> active in the '
        f"last {ws.ACTIVE_SECONDS // 60} minutes.</p>"
    )


def confusion_html(result: WorkshopSummary) -> str:
    heading = "<h2>The four Cs: which Cs the room takes for which</h2>"
    if result.confusion is None:
        return heading + (
            '<p class="ol-status">Fewer than 3 people have answered four Cs items: hidden so that no one\'s '
            "answer can be read off.</p>"
        )
    bank = item_bank()
    head = "".join(f'<th scope="col">{esc(bank.label(c))}</th>' for c in CATEGORY_IDS)
    body = "".join(
        f'<tr><th scope="row">{esc(bank.label(true))}</th>'
        + "".join(f"<td>{result.confusion[true][c]}</td>" for c in CATEGORY_IDS)
        + "</tr>"
        for true in CATEGORY_IDS
    )
    return heading + (
        '<table class="ol-table ol-confusion"><caption class="ol-status">Rows: a C the item really has. '
        "Columns: the Cs ticked for such items. The diagonal counts right ticks.</caption>"
        f'<thead><tr><th scope="col">Really</th>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def texts_html(result: WorkshopSummary) -> str:
    parts = ["<h2>Shared written answers</h2>"]
    if not result.texts:
        parts.append('<p class="ol-status">None shared yet.</p>')
    for item in sorted(result.texts):
        try:
            title = ws.item_text("text", item)
        except WorkshopError:
            title = item
        shared = result.texts[item]
        parts.append(f"<h4>{esc(title)}</h4>")
        if shared:
            parts.append("<ul>" + "".join(f"<li>{esc(text)}</li>" for text in shared) + "</ul>")
        else:
            parts.append(f'<p class="ol-status">{HIDDEN_MESSAGE}.</p>')
    return "".join(parts)


def notes_html(module_id: str) -> str:
    module = course().module(module_id)
    return (
        f'<aside class="ol-facilitator" aria-label="Facilitator notes"><h3>Facilitator notes: {esc(module.title)}</h3>'
        f'<p class="ol-status">About {module.minutes} minutes.</p>{paragraphs(module.facilitator_notes)}</aside>'
    )


# --- one question on the dashboard ----------------------------------------------------------------


class QuestionPanel(ipw.VBox):
    """A question's distribution with Reveal / Hide (quiz and case questions) and Reset."""

    def __init__(
        self,
        kind: str,
        item: str,
        on_reveal: Callable[[str, str, bool], None],
        on_reset: Callable[[str, str], None],
    ) -> None:
        self.kind, self.item = kind, item
        self._on_reveal, self._on_reset = on_reveal, on_reset
        self._html = ipw.HTML()
        name = ws.item_text(kind, item)
        short = name if len(name) <= 60 else name[:57] + "..."
        # A dashboard shows a panel for every statement: each widget here is a model the
        # browser must build, so only what a panel uses is made, and the reset confirmation
        # only when Reset is pressed.
        self._reveal: ipw.Button | None = None
        self._hide: ipw.Button | None = None
        buttons = []
        if kind in ("quiz", "case"):  # self-assessment scores have no right answer to reveal
            self._reveal = ipw.Button(description="Reveal", tooltip=f"Reveal the right answer: {short}")
            self._hide = ipw.Button(description="Hide", tooltip=f"Hide the right answer again: {short}")
            self._reveal.on_click(self._reveal_clicked)
            self._hide.on_click(self._hide_clicked)
            buttons = [self._reveal, self._hide]
        self._reset = ipw.Button(description="Reset", tooltip=f"Delete the room's answers to: {short}")
        self._reset.on_click(self._reset_clicked)
        self._confirm_box: ipw.HBox | None = None
        super().__init__([self._html, ipw.HBox([*buttons, self._reset])])
        self.add_class("ol-question")
        self.add_class(f"ol-question-{kind}")

    def show(self, dist: Distribution | None, shown: bool, read_only: bool = False) -> None:
        _set(self._html, distribution_html(self.kind, self.item, dist, shown))
        if self._reveal is not None and self._hide is not None:
            self._reveal.disabled = shown
            self._hide.disabled = not shown
        self._reset.disabled = read_only or dist is None or dist.n == 0

    def _reveal_clicked(self, _button: ipw.Button) -> None:
        self._on_reveal(self.kind, self.item, True)

    def _hide_clicked(self, _button: ipw.Button) -> None:
        self._on_reveal(self.kind, self.item, False)

    def _reset_clicked(self, _button: ipw.Button) -> None:
        if self._confirm_box is None:
            self._confirm_text = ipw.HTML()
            self._confirm = ipw.Button(description="Yes, delete them", button_style="danger")
            self._cancel = ipw.Button(description="Cancel")
            self._confirm.on_click(self._confirm_clicked)
            self._cancel.on_click(self._cancel_clicked)
            self._confirm_box = ipw.HBox([self._confirm_text, self._confirm, self._cancel])
            self.children = (*self.children, self._confirm_box)
        self._confirm_text.value = (
            '<p class="ol-flag" role="alert">Delete every answer the room gave to this question? '
            "This cannot be undone.</p>"
        )
        self._confirm_box.layout.display = "flex"

    def _confirm_clicked(self, _button: ipw.Button) -> None:
        self._hide_confirmation()
        self._on_reset(self.kind, self.item)

    def _cancel_clicked(self, _button: ipw.Button) -> None:
        self._hide_confirmation()

    def _hide_confirmation(self) -> None:
        if self._confirm_box is not None:
            self._confirm_box.layout.display = "none"


# --- the page ----------------------------------------------------------------------------------


class WorkshopDashboard(ipw.VBox):
    """The trainer's dashboard. Build it, display it, then call `start()`."""

    def __init__(self) -> None:
        self.workshop: Workshop | None = None
        self._timer: Any = None
        self._stopped = False
        self.last_summary: WorkshopSummary | None = None

        # Opening a workshop, or starting one.
        self._code = ipw.Text(description="Join code", placeholder="for example K7M Q2P")
        self._token = ipw.Password(description="Trainer token")
        self._open = ipw.Button(description="Open dashboard", button_style="primary")
        self._title = ipw.Text(description="Workshop title", placeholder="for example Staff training, 3 March")
        self._create = ipw.Button(description="Start a new workshop")
        self._message = ipw.HTML()
        self._secret = ipw.HTML()
        self._open.on_click(self._open_clicked)
        self._create.on_click(self._create_clicked)
        self._opening = ipw.VBox(
            [
                ipw.HTML(
                    "<h2>Open a workshop</h2><p>Type the workshop's join code and the trainer token you were "
                    "given when it was created.</p>"
                ),
                self._code,
                self._token,
                self._open,
                ipw.HTML(
                    "<h2>Start a new workshop</h2><p>Give it a title. You will see its join code, for "
                    "participants, and its trainer token, for you alone, once.</p>"
                ),
                self._title,
                self._create,
            ]
        )

        # The open dashboard.
        self._room = ipw.HTML()
        self._close = ipw.Button(description="Close workshop", tooltip="Stop taking answers; keep the data")
        self._close_text = ipw.HTML()
        self._close_yes = ipw.Button(description="Yes, close it", button_style="danger")
        self._close_no = ipw.Button(description="Cancel")
        self._close_box = ipw.HBox([self._close_text, self._close_yes, self._close_no])
        self._close_box.layout.display = "none"
        self._close.on_click(self._close_clicked)
        self._close_yes.on_click(self._close_confirmed)
        self._close_no.on_click(self._close_cancelled)
        self._export_csv = ipw.Button(description="Export CSV")
        self._export_xlsx = ipw.Button(description="Export xlsx")
        self._export_csv.on_click(self._export_csv_clicked)
        self._export_xlsx.on_click(self._export_xlsx_clicked)
        self._downloads = ipw.HTML()
        modules = course().modules
        self._module = ipw.Dropdown(
            description="Module in hand", options=[(m.title, m.id) for m in modules], value=modules[0].id
        )
        self._module.observe(self._module_changed, names="value")
        self._notes = ipw.HTML(notes_html(modules[0].id))

        self._statement_panels: dict[str, QuestionPanel] = {}
        section_boxes = []
        for section in planner().sections:
            panels = [
                QuestionPanel("statement", s.id, self._reveal_requested, self._reset_requested)
                for s in section.statements
            ]
            self._statement_panels.update({p.item: p for p in panels})
            section_boxes.append(ipw.VBox([ipw.HTML(f"<h3>{section.number}. {esc(section.title)}</h3>"), *panels]))
        self._quiz_panels: dict[str, QuestionPanel] = {}
        self._quiz_box = ipw.VBox()
        self._case_panels: dict[str, QuestionPanel] = {}
        self._case_box = ipw.VBox()
        self._none_yet = {k: ipw.HTML('<p class="ol-status">No answers yet.</p>') for k in ("quiz", "case")}
        self._confusion = ipw.HTML()
        self._texts = ipw.HTML()
        self._board = ipw.VBox(
            [
                self._room,
                ipw.HBox([self._close, self._export_csv, self._export_xlsx]),
                self._close_box,
                self._downloads,
                ipw.HTML("<h2>The module in hand</h2>"),
                self._module,
                self._notes,
                ipw.HTML(
                    "<h2>Self-assessment: how the room scored its services</h2><p>For each statement, how many "
                    "people gave each score from 0 to 4.</p>"
                ),
                *section_boxes,
                ipw.HTML("<h2>The four Cs quiz</h2><p>For each situation answered, how many ticked each C.</p>"),
                self._quiz_box,
                self._confusion,
                ipw.HTML("<h2>Case studies</h2><p>The choices made on each case question.</p>"),
                self._case_box,
                self._texts,
            ]
        )
        self._board.layout.display = "none"
        super().__init__(
            [
                style(),
                ipw.HTML(DASHBOARD_CSS),
                ipw.HTML(
                    "<h1>Workshop dashboard</h1><p>See the room's answers as they arrive. No distribution is "
                    "shown for fewer than 3 answers, and no one is named.</p>"
                ),
                self._message,
                self._secret,
                self._opening,
                self._board,
            ]
        )
        self.add_class("ol-page")
        self.add_class("ol-dashboard")

    # --- starting ------------------------------------------------------------------------------

    def start(self) -> None:
        """Wait for the page request; a `?code=` in the address fills in the join code (the
        token is never taken from the address)."""
        query = request_query()
        raw = query.get("code")
        if raw:
            try:
                self._code.value = ws.normalise_code(raw)
            except WorkshopError:
                self._code.value = ""

    def _alert(self, text: str) -> None:
        self._message.value = f'<p class="ol-error" role="alert">{esc(text)}</p>'

    def _open_clicked(self, _button: ipw.Button) -> None:
        try:
            workshop = ws.open_as_trainer(store(), self._code.value, self._token.value)
        except WorkshopError as exc:
            self._show_closed_board()
            self._alert(str(exc))
            return
        self._token.value = ""
        self._message.value = ""
        self._secret.value = ""
        self.show_workshop(workshop)

    def _create_clicked(self, _button: ipw.Button) -> None:
        try:
            workshop, token = ws.create_workshop(store(), self._title.value)
        except WorkshopError as exc:
            self._alert(str(exc))
            return
        self._title.value = ""
        self._message.value = ""
        self._secret.value = (
            '<div class="ol-secret" role="alert"><p><strong>Note the trainer token now: it is shown only '
            "once.</strong> You need it to open this dashboard again.</p>"
            f"<p>Join code, for participants: <code>{esc(workshop.code)}</code></p>"
            f"<p>Trainer token, for you alone: <code>{esc(token)}</code></p></div>"
        )
        self._code.value = workshop.code
        self.show_workshop(workshop)

    def _show_closed_board(self) -> None:
        """No workshop open: nothing of any workshop on screen."""
        self.stop()
        self.workshop = None
        self.last_summary = None
        self._board.layout.display = "none"
        self._downloads.value = ""

    def show_workshop(self, workshop: Workshop) -> None:
        """Show this workshop's answers and keep them fresh."""
        self.workshop = workshop
        self._downloads.value = ""
        self._board.layout.display = "flex"
        self._close.disabled = workshop.closed
        self.refresh()
        self._schedule()

    # --- live refresh --------------------------------------------------------------------------

    def _schedule(self) -> None:
        self._stopped = False
        if self._timer is not None:
            return
        call_later = kernel_call_later()  # only a kernel's own loop, as autosave does
        if call_later is not None:
            self._timer = call_later(REFRESH_SECONDS, self._tick)

    def _tick(self) -> None:
        self._timer = None
        # Stop with the page: no workshop open, the widget closed, or the kernel shutting down.
        if self._stopped or self.workshop is None or self.comm is None or _kernel_stopping():
            return
        try:
            self.refresh()
        except Exception:  # a busy or briefly unreachable store: try again next time
            _set(self._message, '<p class="ol-flag" role="status">Could not reach the store: retrying.</p>')
        self._schedule()

    def stop(self) -> None:
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def refresh(self) -> None:
        """Recompute the summary (one set of queries) and update what changed."""
        workshop = self.workshop
        if workshop is None:
            return
        result = ws.summary(store(), workshop)
        self.last_summary = result
        read_only = workshop.closed
        _set(self._room, room_html(result))
        for item, panel in self._statement_panels.items():
            panel.show(result.statements.get(item), False, read_only)
        bank_order = {item.id: n for n, item in enumerate(item_bank().items)}
        self._update_panels(
            result.quiz, "quiz", self._quiz_panels, self._quiz_box, lambda i: bank_order.get(i, 10**6), result
        )
        self._update_panels(result.cases, "case", self._case_panels, self._case_box, lambda i: i, result)
        _set(self._confusion, confusion_html(result))
        _set(self._texts, texts_html(result))
        if self._message.value.startswith('<p class="ol-flag"'):
            self._message.value = ""

    def _update_panels(
        self,
        distributions: dict[str, Distribution],
        kind: str,
        panels: dict[str, QuestionPanel],
        box: ipw.VBox,
        order: Callable[[str], Any],
        result: WorkshopSummary,
    ) -> None:
        for item in distributions:
            if item not in panels:
                try:
                    panels[item] = QuestionPanel(kind, item, self._reveal_requested, self._reset_requested)
                except WorkshopError:  # an item no longer in the course's content
                    continue
        for item, panel in panels.items():
            panel.show(distributions.get(item), (kind, item) in result.revealed, self.workshop.closed)
        wanted = tuple(panels[i] for i in sorted((i for i in panels if i in distributions), key=order))
        if not wanted:
            wanted = (self._none_yet[kind],)
        if tuple(box.children) != wanted:
            box.children = wanted

    # --- the trainer's actions -----------------------------------------------------------------

    def _reveal_requested(self, kind: str, item: str, shown: bool) -> None:
        if self.workshop is None:
            return
        ws.reveal(store(), self.workshop, kind, item, shown)
        self.refresh()

    def _reset_requested(self, kind: str, item: str) -> None:
        if self.workshop is None or self.workshop.closed:
            return
        deleted = ws.reset(store(), self.workshop, kind, item)
        self._message.value = f'<p class="ol-ok" role="status">Deleted {deleted} answers to {esc(item)}.</p>'
        self.refresh()

    def _close_clicked(self, _button: ipw.Button) -> None:
        self._close_text.value = (
            '<p class="ol-flag" role="alert">Close this workshop? It will take no more answers or joins. '
            "What it collected is kept.</p>"
        )
        self._close_box.layout.display = "flex"

    def _close_confirmed(self, _button: ipw.Button) -> None:
        self._close_box.layout.display = "none"
        if self.workshop is None:
            return
        self.workshop = ws.close_workshop(store(), self.workshop)
        self._close.disabled = True
        self.refresh()

    def _close_cancelled(self, _button: ipw.Button) -> None:
        self._close_box.layout.display = "none"

    def _export_csv_clicked(self, _button: ipw.Button) -> None:
        if self.workshop is None:
            return
        text = ws.export_csv(store(), self.workshop)
        name = f"workshop-{self.workshop.code}.csv"
        self._downloads.value = "<p>Ready: " + download_link(text, name, "text/csv", f"Download {name}") + "</p>"

    def _export_xlsx_clicked(self, _button: ipw.Button) -> None:
        if self.workshop is None:
            return
        payload = base64.b64encode(ws.export_xlsx(store(), self.workshop)).decode("ascii")
        name = f"workshop-{self.workshop.code}.xlsx"
        self._downloads.value = (
            f'<p>Ready: <a class="ol-download" download="{esc(name)}" href="data:{XLSX_MIME};base64,{payload}">'
            f"Download {esc(name)}</a></p>"
        )

    def _module_changed(self, change: dict) -> None:
        _set(self._notes, notes_html(change["new"]))
