"""Run slow work off the GUI thread, then call back on the GUI thread (after Anki's taskman).

    tasks.run(lambda: services.demo.create_demo(path), on_done=self._opened, on_error=self._failed)

`on_done` receives the function's result, `on_error` the exception; both run on the main
thread, so they may touch widgets. Unexpected exceptions (bugs) go to sys.excepthook when no
`on_error` is given.

`abandon()` forgets the work given so far (a window closing while its preview is made): no
callback of it runs and nobody waits for it. What still runs finishes on its own thread (tell
it to stop through its own flag); `wait_for_abandoned()` waits for it, before the database
it may use is closed.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

# How long a worker may hold Python's GIL once the GUI thread asks for it (CPython's default
# is 5 ms). The window takes the GIL again at every slot, paint and model call, so beside a
# worker busy in pure Python (ReportLab laying out forms, modules being imported) each of
# those waited: Today's rows took 82 ms to fill instead of 14. At 0.1 ms they take about
# 20; a worker alone (the window idle) is never interrupted, so it loses nothing then.
SWITCH_INTERVAL_S = 0.0001


class _Relay(QObject):
    """Carries a job's outcome to the GUI thread. `outcome` holds the work, its result and
    its exception until the GUI thread takes them: the worker lets go of all three before
    it signals, so they are freed on the GUI thread. A Python object freed on a worker
    that a Qt signal is connected to (a progress dialog's Cancel → threading.Event.set)
    makes PySide disconnect it there, inside Qt's lock, while asking for Python's lock,
    which the GUI thread holds while waiting for Qt's: the window froze for good."""

    finished = Signal()

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.outcome: tuple[Callable[[], Any] | None, Any, Exception | None] | None = None
        self.abandoned = False  # (its callbacks do not run, even one already on its way)


# pools whose work was abandoned, with their relays: kept until that work has finished, so
# that neither is destroyed while it runs (a QThreadPool waits for its work when destroyed)
_abandoned: list[tuple[QThreadPool, set[_Relay]]] = []


# How much lower a worker thread's CPU priority is than the window's (Unix nice levels). On a
# two-core machine the window shared the cores with Today, the on-open check and the
# warm-up at once and stalled for 100 ms; a nicer worker still gets the whole core
# whenever the window is idle.
WORKER_NICENESS = 5
_worker = threading.local()  # .niced: this pool thread has been made nicer


def _yield_to_the_window() -> None:
    """Make this worker thread (once) a little nicer than the GUI thread, where the system
    lets a thread have its own priority (Linux); elsewhere nothing changes."""
    if getattr(_worker, "niced", False) or not sys.platform.startswith("linux"):
        return
    _worker.niced = True
    tid = threading.get_native_id()
    with contextlib.suppress(OSError):  # (not allowed: it keeps the window's priority)
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + WORKER_NICENESS)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn: Callable[[], Any] | None = fn
        self._relay = relay

    def run(self) -> None:
        _yield_to_the_window()
        fn, self._fn = self._fn, None
        assert fn is not None
        try:
            self._relay.outcome = (fn, fn(), None)
        except Exception as exc:
            self._relay.outcome = (fn, None, exc)
        del fn  # (this thread holds none of it now: see _Relay)
        self._relay.finished.emit()


class TaskManager(QObject):
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, threads: int = 1) -> None:
        super().__init__(parent)
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
        self._threads = threads  # 1: jobs run one at a time, in order
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._running: set[_Relay] = set()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        relay = _Relay(self)

        def finish() -> None:
            assert relay.outcome is not None
            _work, result, error = relay.outcome
            relay.outcome = None
            if relay.abandoned:  # (finished just before abandon(): its call was queued)
                return
            self._running.discard(relay)
            relay.deleteLater()
            if not self._running:
                self.busy_changed.emit(False)
            if error is None:
                on_done(result)
            elif on_error is not None:
                on_error(error)
            else:
                sys.excepthook(type(error), error, error.__traceback__)

        relay.finished.connect(finish)
        if not self._running:
            self.busy_changed.emit(True)
        self._running.add(relay)
        self._pool.start(_Job(fn, relay))

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def wait(self) -> None:
        self._pool.waitForDone()

    def abandon(self) -> None:
        """Drop the work given so far: queued jobs never start, running ones are not waited
        for and their callbacks do not run. Returns at once."""
        _forget_finished()
        self._pool.clear()
        if not self._running:
            return
        for relay in self._running:
            relay.abandoned = True
            relay.finished.disconnect()
            relay.setParent(None)
        self._pool.setParent(None)
        _abandoned.append((self._pool, set(self._running)))
        self._running.clear()
        self.busy_changed.emit(False)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(self._threads)


def _forget_finished() -> None:
    _abandoned[:] = [(pool, relays) for pool, relays in _abandoned if pool.activeThreadCount()]


def wait_for_abandoned() -> None:
    """Wait for the abandoned work still running (it was told to stop)."""
    for pool, _relays in _abandoned:
        pool.waitForDone()
    _abandoned.clear()
