"""Joining a live workshop from any page, and pooling answers with the room (issue 5).

`WorkshopJoin` is the box every page shows: a join code, an optional pseudonym and Join;
once joined, which workshop and under what name, and Leave. The participant id travels
between pages in the address (`?participant=<id>`), like the service: `start()` of each page
calls `resume()` with it.

While joined, the page's own saving is unchanged; answers are also pooled with
`record()`, which never raises: if the workshop has closed meanwhile, the box says so.
`TextShare` is the tick box next to a free-text answer: text is pooled only while it is
ticked, and only after the personal-data check has shown what it found.

Reveals are polled every `POLL_SECONDS` on the kernel's event loop, only while joined.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import ipywidgets as ipw
import traitlets

from course import workshops
from course.privacy import find_personal_data, warning_for
from widgets.autosave import kernel_call_later
from widgets.common import esc, store

POLL_SECONDS = 2.0
MAX_SHARED_TEXT = 2000
MAX_ID = 64  # participant ids are uuids; anything longer in an address is not one

_log = logging.getLogger(__name__)

JOIN_INTRO = (
    "<p><strong>In a live workshop?</strong> Enter the join code your trainer gives you. "
    "A pseudonym is optional. No real names or email addresses are asked for: please do not "
    "enter any.</p>"
)


def revealed_html(kind: str, item: str, revealed: frozenset[tuple[str, str]]) -> str:
    """The right answer, once the trainer has revealed it to the room; else nothing."""
    if (kind, item) not in revealed:
        return ""
    key = workshops.answer_key(kind, item)
    if not key:
        return ""
    return (
        f'<p class="ol-ok ol-revealed" role="status"><strong>Your trainer has shown the answer:</strong> {esc(key)}</p>'
    )


class WorkshopJoin(ipw.VBox):
    """Join a workshop, show that you are in it, leave it.

    `participant_id` ("" when not joined) and `revealed` are plain traits, not synced with
    the browser: a client cannot set them. Pages observe them to update their links and to
    show revealed answers.
    """

    participant_id = traitlets.Unicode("")
    revealed = traitlets.Any(frozenset())

    def __init__(self) -> None:
        self.participant: workshops.Participant | None = None
        self.workshop: workshops.Workshop | None = None
        self._timer: Any = None
        self._code = ipw.Text(
            description="Workshop join code",
            placeholder="For example K7MQ2P",
            style={"description_width": "initial"},
            layout=ipw.Layout(width="20rem"),
        )
        self._pseudonym = ipw.Text(
            description="Pseudonym (optional: not your real name)",
            style={"description_width": "initial"},
            layout=ipw.Layout(width="28rem"),
        )
        self._join = ipw.Button(description="Join", button_style="primary", layout=ipw.Layout(width="8rem"))
        self._form = ipw.VBox(
            [ipw.HTML(JOIN_INTRO), ipw.HBox([self._code, self._pseudonym, self._join], layout=_wrap())]
        )
        self._joined = ipw.HTML()
        self._leave = ipw.Button(description="Leave", tooltip="Leave the workshop: stop sharing answers")
        self._joined_box = ipw.HBox([self._joined, self._leave], layout=ipw.Layout(display="none"))
        self._message = ipw.HTML()

        self._join.on_click(self._on_join)
        self._leave.on_click(self._on_leave)
        super().__init__([self._form, self._joined_box, self._message])
        self.add_class("ol-workshop")

    # --- state --------------------------------------------------------------------------------

    @property
    def joined(self) -> bool:
        return self.participant is not None

    def resume(self, participant_id: object) -> bool:
        """Show the joined state for a participant id from the address, if it is one of an
        open workshop. Anything else is ignored (the page works as if not joined)."""
        if not isinstance(participant_id, str) or not participant_id or len(participant_id) > MAX_ID:
            return False
        try:
            person = workshops.participant(store(), participant_id)
            workshop = self._workshop_of(person) if person else None
        except Exception:
            _log.warning("could not read the workshop participant", exc_info=True)
            return False
        if person is None or workshop is None or workshop.closed:
            return False
        self._set(person, workshop)
        return True

    def _workshop_of(self, person: workshops.Participant) -> workshops.Workshop | None:
        return next((w for w in workshops.workshops(store()) if w.id == person.workshop_id), None)

    def _set(self, person: workshops.Participant | None, workshop: workshops.Workshop | None) -> None:
        self.participant, self.workshop = person, workshop
        if person is None or workshop is None:
            self._joined_box.layout.display = "none"
            self._form.layout.display = "flex"
            self._joined.value = ""
            self._stop_polling()
            self.revealed = frozenset()
            self.participant_id = ""
            return
        name = person.pseudonym or "anonymous"
        self._joined.value = (
            f'<p class="ol-ok ol-workshop-joined" role="status">You are in workshop '
            f"<strong>{esc(workshop.title)}</strong> as <strong>{esc(name)}</strong>. Your answers on these "
            "pages are shared with the room, anonymously.</p>"
        )
        self._form.layout.display = "none"
        self._joined_box.layout.display = "flex"
        self.participant_id = person.id
        self.poll()
        self._schedule()

    # --- handlers -----------------------------------------------------------------------------

    def _on_join(self, _button: ipw.Button) -> None:
        code, pseudonym = self._code.value, self._pseudonym.value
        try:
            person = workshops.join(store(), code, pseudonym if isinstance(pseudonym, str) else "")
            workshop = workshops.workshop_by_code(store(), code)
            workshops.touch(store(), person.id)
        except workshops.WorkshopError as exc:
            self._message.value = f'<p class="ol-error" role="alert"><strong>Not joined.</strong> {esc(exc)}</p>'
            return
        except Exception:
            _log.warning("joining a workshop failed", exc_info=True)
            self._message.value = (
                '<p class="ol-error" role="alert"><strong>Not joined.</strong> Something went wrong on the '
                "server: try again in a minute.</p>"
            )
            return
        self._message.value = ""
        self._code.value = ""
        self._pseudonym.value = ""
        self._set(person, workshop)

    def _on_leave(self, _button: ipw.Button) -> None:
        title = self.workshop.title if self.workshop else "the workshop"
        self._set(None, None)
        self._message.value = (
            f'<p class="ol-status" role="status">You have left {esc(title)}. Your answers are no longer '
            "shared; your own answers on these pages are still saved.</p>"
        )

    # --- pooling --------------------------------------------------------------------------------

    def record(self, kind: str, item: str, value: object) -> bool:
        """Pool one answer with the room, when joined. Never raises: a failure is shown."""
        if self.participant is None:
            return False
        try:
            workshops.record(store(), self.participant.id, kind, item, value)  # also marks them as seen
        except workshops.WorkshopError as exc:
            self._message.value = (
                f'<p class="ol-flag ol-workshop-notice" role="alert"><strong>Not shared with the room.</strong> '
                f"{esc(exc)} Your own answers are still saved.</p>"
            )
            return False
        except Exception:
            _log.warning("pooling a workshop answer failed", exc_info=True)
            self._message.value = (
                '<p class="ol-flag ol-workshop-notice" role="alert"><strong>Not shared with the room.</strong> '
                "The workshop could not be reached. Your own answers are still saved.</p>"
            )
            return False
        if "ol-workshop-notice" in self._message.value:
            self._message.value = ""
        return True

    # --- reveals ----------------------------------------------------------------------------------

    def poll(self) -> None:
        """Read which answers the trainer has revealed (one small query)."""
        if self.workshop is None:
            return
        try:
            shown = frozenset(workshops.revealed(store(), self.workshop.id))
        except Exception:
            _log.warning("reading workshop reveals failed", exc_info=True)
            return
        if shown != self.revealed:
            self.revealed = shown

    def _schedule(self) -> None:
        self._stop_polling()
        call_later = kernel_call_later()
        if call_later is not None and self.joined:
            self._timer = call_later(POLL_SECONDS, self._tick)

    def _tick(self) -> None:
        self._timer = None
        if not self.joined:
            return
        self.poll()
        self._schedule()

    def _stop_polling(self) -> None:
        if self._timer is not None:
            cancel = getattr(self._timer, "cancel", None)
            if cancel:
                cancel()
            self._timer = None


class TextShare(ipw.VBox):
    """The tick box "Share this text with the room (anonymously)" by a free-text answer.

    Ticking runs the personal-data check on the text and shows what it found; the text is
    shared at once if nothing was found, else only after "Share it anyway". While ticked,
    later edits are shared too (asking again if they hold something new); unticking shares
    an empty text in its place. Hidden while not joined.
    """

    def __init__(self, workshop: WorkshopJoin, item: str, text: Callable[[], str], about: str = "evidence") -> None:
        self._workshop = workshop
        self.item = item
        self._text = text
        self._about = about
        self._loading = False
        self.sharing = False  # ticked and confirmed: edits are shared
        self._in_room = False  # some version of this text is shared with the room now
        self._confirmed: set[str] = set()  # kinds of personal data the person chose to share anyway
        self._pending: str | None = None
        self._box = ipw.Checkbox(description="Share this text with the room (anonymously)", indent=False)
        self._box.add_class("ol-share-text")
        self._message = ipw.HTML()
        self._anyway = ipw.Button(description="Share it anyway", button_style="warning")
        self._dont = ipw.Button(description="Do not share")
        self._confirm = ipw.HBox([self._anyway, self._dont], layout=ipw.Layout(display="none"))
        self._box.observe(self._on_tick, names="value")
        self._anyway.on_click(self._on_anyway)
        self._dont.on_click(self._on_dont)
        workshop.observe(self._on_joined, names="participant_id")
        shown = "flex" if workshop.participant_id else "none"
        super().__init__([self._box, self._message, self._confirm], layout=ipw.Layout(display=shown))
        self.add_class("ol-text-share")

    @property
    def ticked(self) -> bool:
        return self._box.value is True

    def set_enabled(self, enabled: bool) -> None:
        self._box.disabled = not enabled

    def _on_joined(self, change: dict) -> None:
        self._reset()
        self.layout.display = "flex" if change["new"] else "none"

    def _reset(self) -> None:
        self._loading = True
        try:
            self._box.value = False
        finally:
            self._loading = False
        self.sharing, self._pending, self._in_room = False, None, False
        self._confirmed.clear()
        self._message.value = ""
        self._confirm.layout.display = "none"

    def _on_tick(self, change: dict) -> None:
        if self._loading:
            return
        if change["new"]:
            self._offer(self._current())
        else:
            self.sharing, self._pending = False, None
            self._confirm.layout.display = "none"
            self._withdraw()
            self._message.value = '<p class="ol-status" role="status">Not shared with the room.</p>'

    def _withdraw(self) -> None:
        """Take back whatever version of the text the room has (an empty text removes it)."""
        if self._in_room and self._workshop.record("text", self.item, ""):
            self._in_room = False

    def _current(self) -> str:
        text = self._text()
        return text if isinstance(text, str) else ""

    def _offer(self, text: str) -> None:
        """Share `text`, or first show what the personal-data check found in it."""
        found = find_personal_data(text)
        new = {f.kind for f in found} - self._confirmed
        if not new:
            self._share(text)
            return
        self.sharing, self._pending = False, text
        snippets = ", ".join(dict.fromkeys(f"\u201c{text[f.start : f.end]}\u201d" for f in found))
        self._message.value = (
            f'<div class="ol-flag ol-share-check" role="alert"><p><strong>Not shared yet: check for personal '
            f"details.</strong> {esc(warning_for(text, about='share'))}</p><p>Found: {esc(snippets)}.</p>"
            "<p>Change the text, or share it anyway.</p></div>"
        )
        self._confirm.layout.display = "flex"

    def _share(self, text: str) -> None:
        self._pending = None
        self._confirm.layout.display = "none"
        cut = len(text) > MAX_SHARED_TEXT
        if not self._workshop.record("text", self.item, text[:MAX_SHARED_TEXT]):
            self.sharing = False
            self._message.value = '<p class="ol-status" role="status">Not shared with the room.</p>'
            return
        self.sharing = True
        self._in_room = bool(text.strip())
        note = f" Only the first {MAX_SHARED_TEXT:,} characters are shared." if cut else ""
        self._message.value = (
            '<p class="ol-status ol-shared" role="status">Shared with the room, anonymously. Later changes are '
            f"shared while this stays ticked.{note}</p>"
        )

    def _on_anyway(self, _button: ipw.Button) -> None:
        if self._pending is None or not self.ticked:
            return
        text = self._pending
        self._confirmed |= {f.kind for f in find_personal_data(text)}
        self._share(text)

    def _on_dont(self, _button: ipw.Button) -> None:
        self._withdraw()
        self._reset()
        self._message.value = '<p class="ol-status" role="status">Not shared with the room.</p>'

    def text_changed(self, text: str) -> None:
        """The text was edited (and saved): share the new version while ticked."""
        if self.ticked and (self.sharing or self._pending is not None):
            self._offer(text)


def _wrap() -> ipw.Layout:
    return ipw.Layout(flex_flow="row wrap", align_items="center")
