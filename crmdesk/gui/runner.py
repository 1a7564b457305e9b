"""The one runner of background work (after Anki's taskman and operations).

Two lanes: `write` runs one job at a time, in order — the database has one writer, and a
write never races another; `read` runs up to two jobs at once (reads and rendering, each on
its thread's own read connection), for work a view can drop when it is superseded.

    state.runner.op(lambda: sync.merge(db, path)).success(self._merged).write()
    state.runner.op(work, parent=self).progress("Writing forms…", total).success(done).write()

An op's default failure: a CrmError is shown as a message (the core says what is wrong,
`problems.show_problem` adds what to do), a cancel does nothing, anything else goes to the
crash dialog (sys.excepthook). `progress(label, total)` shows a progress bar with Cancel and
hands the work a `progress(n, total) -> bool` callback (the services' own shape); the work
is given that callback as its only argument.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from crmdesk.errors import CrmError
from crmdesk.gui.taskman import TaskManager

Progress = Callable[[int, int], bool]


class Runner(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.writes = TaskManager(self)  # one at a time, in order
        self.reads = TaskManager(self, threads=2)

    @property
    def busy(self) -> bool:
        return self.writes.busy or self.reads.busy

    def wait(self) -> None:
        self.writes.wait()
        self.reads.wait()

    def op(self, work: Callable[..., Any], parent: QWidget | None = None) -> Op:
        return Op(self, work, parent)


class Op:
    """One piece of background work, built up and then started with write() or read()."""

    def __init__(self, runner: Runner, work: Callable[..., Any], parent: QWidget | None) -> None:
        self._runner = runner
        self._work = work
        self._parent = parent
        self._success: Callable[[Any], None] = lambda _result: None
        self._failure: Callable[[Exception], None] | None = None
        self._label = ""
        self._total = 0

    def success(self, callback: Callable[[Any], None]) -> Op:
        self._success = callback
        return self

    def failure(self, callback: Callable[[Exception], None]) -> Op:
        """Instead of the default failure (message, nothing, crash dialog)."""
        self._failure = callback
        return self

    def progress(self, label: str, total: int) -> Op:
        self._label, self._total = label, total
        return self

    def write(self) -> None:
        self._start(self._runner.writes)

    def read(self) -> None:
        self._start(self._runner.reads)

    def _start(self, lane: TaskManager) -> None:
        work, finish = self._work, lambda: None
        if self._label:
            work, finish = self._with_progress()

        def succeeded(result: Any) -> None:
            finish()
            self._success(result)

        def failed(error: Exception) -> None:
            finish()
            (self._failure or self._default_failure)(error)

        lane.run(work, succeeded, failed)

    def _with_progress(self) -> tuple[Callable[[], Any], Callable[[], None]]:
        cancel = threading.Event()
        done = [0]
        dialog = QProgressDialog(self._label, "Cancel", 0, max(self._total, 1), self._parent)
        dialog.setWindowTitle(self._parent.windowTitle() if self._parent else "crmdesk")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)  # its window waits for it
        dialog.setMinimumDuration(300)  # quick work shows no bar at all
        dialog.canceled.connect(cancel.set)
        timer = QTimer(dialog)  # the bar follows ten times a second, never flooded
        timer.setInterval(100)
        timer.timeout.connect(lambda: dialog.setValue(min(done[0], dialog.maximum())))
        timer.start()

        def progress(n: int, _total: int) -> bool:  # on the worker thread
            done[0] = n
            return not cancel.is_set()

        def finish() -> None:
            timer.stop()
            dialog.reset()
            dialog.deleteLater()

        work = self._work
        return (lambda: work(progress)), finish

    def _default_failure(self, error: Exception) -> None:
        from crmdesk.documents.letters import Cancelled

        if isinstance(error, Cancelled):
            return
        if isinstance(error, CrmError):
            from crmdesk.gui.problems import show_problem

            show_problem(self._parent, "That did not work", error)
            return
        sys.excepthook(type(error), error, error.__traceback__)
