"""The debouncer saves after a pause, during long bursts, and at exit."""

from __future__ import annotations

from widgets.autosave import Debouncer, flush_all


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.timers: list[list] = []

    def clock(self) -> float:
        return self.now

    def call_later(self, delay, callback):  # type: ignore[no-untyped-def]
        timer = [self.now + delay, callback, False]
        self.timers.append(timer)

        class Handle:
            def cancel(self_inner) -> None:
                timer[2] = True

        return Handle()

    def advance(self, seconds: float) -> None:
        self.now += seconds
        for timer in list(self.timers):
            if not timer[2] and timer[0] <= self.now:
                timer[2] = True
                timer[1]()


def make(saved: list) -> tuple[Debouncer, FakeTime]:
    fake = FakeTime()
    return Debouncer(saved.append, delay=0.4, max_wait=2.0, clock=fake.clock, call_later=fake.call_later), fake


def test_saves_the_last_value_after_a_pause():
    saved: list = []
    debouncer, fake = make(saved)
    for text in ("R", "Re", "Ref"):
        debouncer.push(text)
        fake.advance(0.1)
    assert saved == []
    fake.advance(0.4)
    assert saved == ["Ref"]
    assert not debouncer.pending


def test_a_long_burst_is_saved_at_least_every_max_wait():
    saved: list = []
    debouncer, fake = make(saved)
    for i in range(30):  # 30 keystrokes, 0.1 s apart: 3 s of typing with no pause
        debouncer.push(f"v{i}")
        fake.advance(0.1)
    assert saved and saved[0] == "v20"  # saved once 2 s into the burst
    fake.advance(1)
    assert saved[-1] == "v29"


def test_flush_all_saves_pending_text_at_exit():
    saved: list = []
    debouncer, _fake = make(saved)
    debouncer.push("typed just before the kernel stopped")
    flush_all()
    assert saved == ["typed just before the kernel stopped"]


def test_without_an_event_loop_it_saves_at_once():
    saved: list = []
    debouncer = Debouncer(saved.append)
    debouncer.push("no loop here")
    assert saved == ["no loop here"]


def test_a_loop_that_is_not_a_kernels_is_not_trusted_with_saves():
    """Another library's event loop (Playwright's, in a test process) may never run the save."""
    import asyncio

    saved: list = []

    async def inside_a_foreign_loop() -> None:
        Debouncer(saved.append).push("typed")
        assert saved == ["typed"]  # saved at once, not left on this loop

    # In a thread of its own: this process may already run Playwright's loop in this one.
    import threading

    thread = threading.Thread(target=asyncio.run, args=(inside_a_foreign_loop(),))
    thread.start()
    thread.join()
    assert saved == ["typed"]
