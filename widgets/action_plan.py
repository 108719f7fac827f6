"""The action plan editor on the profile page: an action, an owner, a deadline and a status for
any statement, saved the moment they are given.

It suggests the lowest-scored statements (0 to 2, lowest first) that have no action yet, each
with the course team's guidance on moving up a level and a "Use the suggested action" button,
and lists every statement that already has an action. Any other statement can be added from
a dropdown. Typing is saved after a short pause (`widgets/autosave.py`); choices at once. A bad
deadline gets a plain message and loses nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

import ipywidgets as ipw

from course.actions import (
    MAX_ACTION,
    STATUSES,
    NextStep,
    PlannedAction,
    action_plan_csv,
    action_plan_xlsx,
    check_deadline,
    current_round_number,
    next_steps,
    planned_actions,
    save_action,
)
from course.content import Planner, Statement
from course.privacy import warning_for
from course.scoring import Answer, action_plan, unanswered
from course.store import Service, StoreError
from widgets.autosave import Debouncer
from widgets.common import course_planner, download_link, esc, store

MAX_SUGGESTIONS = 6  # unplanned low statements suggested at once; the rest come as these are planned
CHOOSE = ""  # the "add a statement" dropdown's resting value
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What a row holds: action, owner, deadline (ISO or None), status.
Fields = dict[str, object]
RowSaver = Callable[[str, Fields], PlannedAction]

EDITOR_CSS = """
<style>
.ol-action-row { border-top: 2px solid #b1b4b6; margin-top: 1rem; padding-top: 0.25rem; }
.ol-action-row details { margin: 0.25rem 0 0.5rem; }
.ol-action-row summary { cursor: pointer; color: #0b4f9c; text-decoration: underline; }
.ol-action-row .ol-next-step { border-left: 4px solid #0b4f9c; padding-left: 0.75rem; margin-top: 0.25rem; }
.ol-action-fields .widget-text, .ol-action-fields .widget-dropdown { margin-right: 1rem; }
</style>
"""


def parse_deadline(value: object) -> str | None:
    """A deadline as typed: YYYY-MM-DD, or a UK date DD/MM/YYYY (turned into YYYY-MM-DD); None
    for empty. ValueError with the plain message otherwise."""
    if isinstance(value, str):
        found = _UK_DATE.fullmatch(value.strip())
        if found:
            day, month, year = (int(part) for part in found.groups())
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                raise ValueError(
                    f"{value.strip()} is not a real date. Write it as YYYY-MM-DD, for example 2027-03-31."
                ) from None
    return check_deadline(value)


def _score_text(planner: Planner, score: int | None) -> str:
    if score is None:
        return "Not scored yet."
    return f"Scored {score}: {planner.scale[score].descriptor}."


class ActionRow(ipw.VBox):
    """One statement's action, owner, deadline and status. Each change is saved through `saver`
    (text after a pause in typing); `on_saved` is called after every successful save."""

    def __init__(
        self,
        statement: Statement,
        planner: Planner,
        step: NextStep | None,
        saver: RowSaver,
        on_saved: Callable[[PlannedAction], None],
    ) -> None:
        self.statement = statement
        self._planner = planner
        self._step = step
        self._saver = saver
        self._on_saved = on_saved
        self._loading = False
        self._stored = False  # whether the store holds an action for this statement
        self._saved: Fields = {"action": "", "owner": "", "deadline": None, "status": STATUSES[0]}
        sid = statement.id
        wide = ipw.Layout(width="96%")
        label = {"description_width": "initial"}

        self._heading = ipw.HTML()
        self._guidance = ipw.HTML()
        self._use = ipw.Button(
            description=f"Use the suggested action for {sid}",
            tooltip=f"Put our suggested first action for {sid} in the action box, and save it",
            layout=ipw.Layout(width="max-content", margin="0 0 0.5rem 0"),
        )
        self._action = ipw.Textarea(
            description=f"Action for {sid}",
            placeholder="What will the service do? For example: add an online question to the referral form.",
            continuous_update=True,
            rows=2,
            style=label,
            layout=wide,
        )
        self._owner = ipw.Text(
            description=f"Owner for {sid}",
            placeholder="A name or a role",
            continuous_update=True,
            style=label,
            layout=ipw.Layout(width="auto"),
        )
        self._deadline = ipw.Text(
            description=f"Deadline for {sid} (YYYY-MM-DD)",
            placeholder="for example 2027-03-31",
            continuous_update=True,
            style=label,
            layout=ipw.Layout(width="auto"),
        )
        self._status = ipw.Dropdown(
            options=[(status.capitalize(), status) for status in STATUSES],
            value=STATUSES[0],
            description=f"Status for {sid}",
            style=label,
            layout=ipw.Layout(width="auto"),
        )
        self._message = ipw.HTML()
        self._warning = ipw.HTML()

        self._action_saver = Debouncer(lambda v: self._save("action", v))
        self._owner_saver = Debouncer(lambda v: self._save("owner", v))
        self._deadline_saver = Debouncer(lambda v: self._save("deadline", v))

        self._use.on_click(self._on_use)
        self._action.observe(self._on_action, names="value")
        self._owner.observe(self._on_owner, names="value")
        self._deadline.observe(self._on_deadline, names="value")
        self._status.observe(self._on_status, names="value")

        fields = ipw.HBox([self._owner, self._deadline, self._status], layout=ipw.Layout(flex_flow="row wrap"))
        fields.add_class("ol-action-fields")
        parts: list[ipw.Widget] = [self._heading, self._guidance]
        if step is not None:
            parts.append(self._use)
        parts += [self._action, fields, self._message, self._warning]
        super().__init__(parts, layout=ipw.Layout(width="100%"))
        self.add_class("ol-action-row")
        self.add_class(f"ol-action-{sid.replace('.', '-')}")

    # --- state -------------------------------------------------------------------------------

    def load(self, planned: PlannedAction | None, score: int | None) -> None:
        """Show the stored action (or an empty row) and the statement's score, without saving."""
        sid = self.statement.id
        self._loading = True
        try:
            self._stored = planned is not None
            self._saved = {
                "action": planned.action if planned else "",
                "owner": planned.owner if planned else "",
                "deadline": planned.deadline if planned else None,
                "status": planned.status if planned else STATUSES[0],
            }
            self._action.value = str(self._saved["action"])
            self._owner.value = str(self._saved["owner"])
            self._deadline.value = str(self._saved["deadline"] or "")
            self._status.value = str(self._saved["status"])
        finally:
            self._loading = False
        self._heading.value = (
            f'<h3 id="action-{esc(sid.replace(".", "-"))}">{esc(sid)} {esc(self.statement.text)}</h3>'
            f'<p class="ol-status">{esc(_score_text(self._planner, score))}</p>'
        )
        if self._step is not None:
            is_open = " open" if planned is None else ""
            self._guidance.value = (
                f"<details{is_open}><summary>Our guidance on moving up a level on {esc(sid)}</summary>"
                f'<div class="ol-next-step"><p>{esc(self._step.guidance)}</p>'
                f"<p><strong>Suggested first action:</strong> {esc(self._step.first_action)}</p></div></details>"
            )
        self._message.value = (
            f'<span class="ol-status">In the plan: {esc(self._saved["status"])}.</span>'
            if planned
            else '<span class="ol-status">No action yet: write one, or use the suggestion.</span>'
        )
        self._render_warning()

    @property
    def saved(self) -> Fields:
        """What the store holds for this row (action, owner, deadline, status)."""
        return dict(self._saved)

    def flush(self) -> None:
        for saver in (self._action_saver, self._owner_saver, self._deadline_saver):
            saver.flush()

    def focus_action(self) -> None:
        self._action.focus()

    # --- handlers ------------------------------------------------------------------------------

    def _on_use(self, _button: ipw.Button) -> None:
        if self._step is None:
            return
        suggestion = self._step.first_action
        current = self._action.value if isinstance(self._action.value, str) else ""
        if suggestion in current:
            self._action_saver.flush()
            return
        # Typed text is never replaced: the suggestion goes after it.
        self._action.value = f"{current.rstrip()}\n{suggestion}" if current.strip() else suggestion
        self._action_saver.flush()  # a click is saved at once

    def _on_action(self, change: dict) -> None:
        if self._loading:
            return
        text = change["new"] if isinstance(change["new"], str) else ""
        self._render_warning(text)
        self._action_saver.push(text)

    def _on_owner(self, change: dict) -> None:
        if not self._loading:
            self._owner_saver.push(change["new"])

    def _on_deadline(self, change: dict) -> None:
        if not self._loading:
            self._deadline_saver.push(change["new"])

    def _on_status(self, change: dict) -> None:
        if not self._loading:
            self.flush()  # typed text first, so that it is saved with the status
            self._save("status", change["new"])

    # --- saving --------------------------------------------------------------------------------

    def _save(self, field: str, value: object) -> None:
        fields = dict(self._saved)
        try:
            if field == "deadline":
                value = parse_deadline(value)
            elif field == "action" and isinstance(value, str) and len(value.strip()) > MAX_ACTION:
                raise ValueError(
                    f"An action can be at most {MAX_ACTION:,} characters; this one has {len(value.strip()):,}. "
                    "Shorten it: the last saved version is kept."
                )
            fields[field] = value
            saved = self._saver(self.statement.id, fields)
        except (ValueError, StoreError) as exc:
            self._message.value = (
                f'<p class="ol-error"><strong>Not saved:</strong> {esc(exc)} Nothing else was changed.</p>'
            )
            return
        self._saved = {"action": saved.action, "owner": saved.owner, "deadline": saved.deadline, "status": saved.status}
        kept = bool(saved.action or saved.owner or saved.deadline)
        when = datetime.now().strftime("%H:%M:%S")
        if kept:
            message = f"Saved at {when}: {saved.status}"
            message += f", due {saved.deadline}." if saved.deadline else "."
        elif self._stored:
            message = f"Saved at {when}: taken off the action plan (the action, owner and deadline are all empty)."
        else:
            message = "Nothing to save yet: write an action, an owner or a deadline to add this statement to the plan."
        self._stored = kept
        pending_deadline = self._deadline_problem()
        if pending_deadline:
            self._message.value = (
                f'<p class="ol-error">{esc(message)} <strong>The deadline was not saved:</strong> '
                f"{esc(pending_deadline)}</p>"
            )
        else:
            self._message.value = f'<span class="ol-status">{esc(message)}</span>'
        self._on_saved(saved)

    def _deadline_problem(self) -> str | None:
        """The message for the deadline box, if what it shows cannot be saved."""
        try:
            parse_deadline(self._deadline.value)
        except ValueError as exc:
            return str(exc)
        return None

    def _render_warning(self, text: str | None = None) -> None:
        text = self._action.value if text is None else text
        warning = warning_for(text if isinstance(text, str) else "", "action")
        self._warning.value = (
            f'<p class="ol-flag"><strong>Action for {esc(self.statement.id)}: check for personal details.</strong> '
            f"{esc(warning)}</p>"
            if warning
            else ""
        )


class ActionPlanEditor(ipw.VBox):
    """The action plan of one service. Call `show(service)` (or `refresh()`); every change is
    saved at once. `downloads` is a widget with the plan as xlsx and CSV (optionally redacted), kept up to date
    with every save, for the page's download section; `on_change` is called after each save."""

    def __init__(self, on_change: Callable[[], None] | None = None) -> None:
        self.service: Service | None = None
        self._on_change = on_change
        self._planner = course_planner()
        self._steps = next_steps()
        self._answers: dict[str, Answer] = {}
        self._actions: dict[str, PlannedAction] = {}
        self._rows: dict[str, ActionRow] = {}
        self._adding = False
        self._intro = ipw.HTML()
        self._counts = ipw.HTML()
        self._list = ipw.VBox(layout=ipw.Layout(width="100%"))
        self._add = ipw.Dropdown(
            options=[("Choose a statement", CHOOSE)],
            value=CHOOSE,
            description="Add an action for another statement",
            style={"description_width": "initial"},
            layout=ipw.Layout(width="96%"),
        )
        self._add.observe(self._on_add, names="value")
        self._add_message = ipw.HTML()
        self._links = ipw.HTML()
        self._redact = ipw.Checkbox(
            value=False,
            description="Remove probable personal data (names, phone numbers, email addresses, postcodes, dates "
            "of birth) from the action plan files",
            indent=False,
            layout=ipw.Layout(width="96%"),
        )
        self._redact.observe(self._on_redact, names="value")
        self.downloads = ipw.VBox(
            [
                ipw.HTML(
                    "<h3>Action plan</h3><p>The action plan as a workbook (a summary and one sheet per section) or as "
                    "a CSV file (one row per action). It holds what you typed: store it as carefully as any other "
                    "service record.</p>"
                ),
                self._redact,
                self._links,
            ],
            layout=ipw.Layout(width="100%", display="none"),
        )
        self.downloads.add_class("ol-action-downloads")
        super().__init__(
            [ipw.HTML(EDITOR_CSS), self._intro, self._counts, self._list, self._add, self._add_message],
            layout=ipw.Layout(width="100%"),
        )
        self.add_class("ol-action-plan")

    @property
    def rows(self) -> list[ActionRow]:
        """The rows shown, in order."""
        return list(self._list.children)  # type: ignore[arg-type]

    def row(self, statement_id: str) -> ActionRow:
        return next(r for r in self.rows if r.statement.id == statement_id)

    def refresh(self) -> None:
        self.show(self.service)

    def flush(self) -> None:
        for row in self._rows.values():
            row.flush()

    def show(self, service: Service | None, answers: dict[str, Answer] | None = None) -> None:
        """Show `service`'s plan: its planned actions and the lowest unplanned statements."""
        self.flush()  # pending typing belongs to the service shown until now
        self.service = service
        if service is None:
            self.layout.display = "none"
            self._list.children = ()
            self._links.value = ""
            self.downloads.layout.display = "none"
            return
        self.layout.display = None
        self.downloads.layout.display = None
        planner = self._planner
        self._answers = store().answers(service.id) if answers is None else answers
        self._actions = planned_actions(store(), service.id)
        low = action_plan(planner, self._answers)
        suggested = [item.statement.id for item in low if item.statement.id not in self._actions][:MAX_SUGGESTIONS]
        order = {s.id: i for i, s in enumerate(planner.statements)}

        def key(sid: str) -> tuple[int, int]:
            score = self._score(sid)
            return (5 if score is None else score, order[sid])

        shown = sorted(set(suggested) | set(self._actions), key=key)
        self._list.children = tuple(self._row_for(sid, self._actions.get(sid)) for sid in shown)

        missing = unanswered(planner, self._answers)
        waiting = sum(1 for item in low if item.statement.id not in self._actions) - len(suggested)
        if len(suggested) == 1:
            lead = (
                "<p>Suggested first: the lowest-scored statement (scored 0 to 2) that has no action yet, with our "
                "guidance on moving up a level.</p>"
            )
        elif suggested:
            lead = (
                f"<p>Suggested first: the {len(suggested)} lowest-scored statements (scored 0 to 2) that have "
                "no action yet, lowest first, each with our guidance on moving up a level.</p>"
            )
        if suggested and waiting:
            lead += (
                f"<p>{waiting} more {'statement is' if waiting == 1 else 'statements are'} scored 0 to 2: "
                "they are suggested here once these have actions, or add them now from the list below.</p>"
            )
        if not suggested and low:
            lead = "<p>Every statement scored 0 to 2 has an action.</p>"
        elif not suggested:
            lead = "<p>No statement is scored below 3, so there are no suggestions.</p>"
        note = (
            f"<p>{len(missing)} of {len(planner.statements)} statements are not scored yet: "
            f"{esc(', '.join(s.id for s in missing))}.</p>"
            if missing
            else ""
        )
        self._intro.value = (
            "<h2>Action plan: where to act first</h2>"
            "<p>For each statement you want to improve, write what the service will do, who owns it, a "
            "deadline and how far it has got. Everything is saved as you type. To take a statement off the "
            "plan, empty its action, owner and deadline.</p>" + lead + note
        )
        self._render_add_options()
        self._add_message.value = ""
        self._changed(notify=False)

    # --- internals -------------------------------------------------------------------------------

    def _score(self, statement_id: str) -> int | None:
        answer = self._answers.get(statement_id)
        return answer.score if answer else None

    def _row_for(self, statement_id: str, planned: PlannedAction | None) -> ActionRow:
        row = self._rows.get(statement_id)
        if row is None:
            statement = self._planner.statement(statement_id)
            row = ActionRow(statement, self._planner, self._steps.get(statement_id), self._save, self._saved)
            self._rows[statement_id] = row
        row.load(planned, self._score(statement_id))
        return row

    def _save(self, statement_id: str, fields: Fields) -> PlannedAction:
        if self.service is None:
            raise ValueError("Choose a service on the course home first.")
        return save_action(store(), self.service.id, statement_id, **fields)  # type: ignore[arg-type]

    def _saved(self, saved: PlannedAction) -> None:
        if saved.action or saved.owner or saved.deadline:
            self._actions[saved.statement_id] = saved
        else:
            self._actions.pop(saved.statement_id, None)
        self._changed()

    def _changed(self, notify: bool = True) -> None:
        counts = {status: sum(1 for a in self._actions.values() if a.status == status) for status in STATUSES}
        total = len(self._actions)
        self._counts.value = (
            f'<p class="ol-status">{total} {"action" if total == 1 else "actions"} in the plan: '
            + ", ".join(f"{n} {status}" for status, n in counts.items())
            + ".</p>"
        )
        self._links.value = self._download_links()
        if notify and self._on_change is not None:
            self._on_change()

    def _download_links(self) -> str:
        service = self.service
        if service is None:
            return ""
        redact = self._redact.value is True
        stem = f"online-lives-action-plan-{service.slug}-{date.today().isoformat()}" + ("-redacted" if redact else "")
        workbook = action_plan_xlsx(
            self._planner,
            service,
            self._answers,
            self._actions,
            round_number=current_round_number(store(), service.id),
            redact=redact,
        )
        table = action_plan_csv(self._planner, service, self._answers, self._actions, redact=redact)
        return (
            "<p>"
            + download_link(workbook, f"{stem}.xlsx", XLSX_MIME, "Action plan (xlsx)")
            + download_link(table, f"{stem}.csv", "text/csv", "Action plan (CSV)")
            + "</p>"
        )

    def _on_redact(self, change: dict) -> None:
        if not isinstance(change["new"], bool):
            return
        self._links.value = self._download_links()

    def _render_add_options(self) -> None:
        shown = {row.statement.id for row in self.rows}
        options = [("Choose a statement", CHOOSE)] + [
            (option_label(s), s.id) for s in self._planner.statements if s.id not in shown
        ]
        self._adding = True
        try:
            self._add.options = options
            self._add.value = CHOOSE
        finally:
            self._adding = False

    def _on_add(self, change: dict) -> None:
        if self._adding or self.service is None:
            return
        sid = change["new"]
        known = {s.id for s in self._planner.statements}
        if sid == CHOOSE:
            return
        if not isinstance(sid, str) or sid not in known:
            self._add_message.value = '<p class="ol-error">That is not a statement of the planner.</p>'
            return
        if sid not in {row.statement.id for row in self.rows}:
            row = self._row_for(sid, self._actions.get(sid))
            self._list.children = (*self._list.children, row)
        else:
            row = self._rows[sid]
        self._render_add_options()
        self._add_message.value = (
            f'<p class="ol-status">Added {esc(sid)} below the other actions: write its action, owner and '
            "deadline there.</p>"
        )
        row.focus_action()


def option_label(statement: Statement, limit: int = 90) -> str:
    """The "add a statement" dropdown's label for a statement: its id and (shortened) text."""
    text = statement.text if len(statement.text) <= limit else statement.text[: limit - 1].rstrip() + "\u2026"
    return f"{statement.id} {text}"
