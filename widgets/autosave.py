"""Saving typed text without losing the last keystrokes.

Text boxes send a value on every keystroke. `Debouncer` saves after a short pause in
typing, and at least every `max_wait` seconds while someone keeps typing, so a long burst
is never held back. Whatever is pending is flushed when the kernel exits normally.
"""

from __future__ import annotations

import asyncio
import atexit
import time
import weakref
from collections.abc import Callable
from typing import Any

_LIVE: weakref.WeakSet[Debouncer] = weakref.WeakSet()


class Debouncer:
    def __init__(
        self,
        save: Callable[[Any], None],
        delay: float = 0.4,
        max_wait: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        call_later: Callable[[float, Callable[[], None]], Any] | None = None,
    ) -> None:
        self._save = save
        self.delay = delay
        self.max_wait = max_wait
        self._clock = clock
        self._call_later = call_later
        self._timer: Any = None
        self._pending: Any = None
        self._has_pending = False
        self._first_pending_at = 0.0
        _LIVE.add(self)

    @property
    def pending(self) -> bool:
        return self._has_pending

    def push(self, value: Any) -> None:
        """A new value: save it soon, or now if the burst has gone on for `max_wait`."""
        if not self._has_pending:
            self._first_pending_at = self._clock()
        self._pending, self._has_pending = value, True
        self._cancel()
        if self._clock() - self._first_pending_at >= self.max_wait:
            self.flush()
            return
        scheduler = self._call_later or kernel_call_later()
        if scheduler is None:  # no event loop (plain Python, tests): save at once
            self.flush()
        else:
            self._timer = scheduler(self.delay, self.flush)

    def flush(self) -> None:
        """Save whatever is pending, now."""
        self._cancel()
        if not self._has_pending:
            return
        value, self._pending, self._has_pending = self._pending, None, False
        self._save(value)

    def _cancel(self) -> None:
        if self._timer is not None:
            cancel = getattr(self._timer, "cancel", None)
            if cancel:
                cancel()
            self._timer = None


def kernel_call_later() -> Callable[[float, Callable[[], None]], Any] | None:
    """The kernel's event loop, when this runs in a Jupyter kernel; None anywhere else.

    Only a kernel's own loop is used: some other library's loop running in the same thread
    (Playwright's, in a test process) would never come back to run the save.
    """
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None or getattr(shell, "kernel", None) is None:
        return None
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    return loop.call_later


@atexit.register
def flush_all() -> None:
    """Flush every debouncer with pending text (kernel shutdown, interpreter exit)."""
    for debouncer in list(_LIVE):
        try:
            debouncer.flush()
        except Exception:  # noqa: S110 - at exit there is nowhere left to report to
            pass
