"""Long work with a progress bar and Cancel, off the GUI thread.

    run_with_progress(self, self.tasks, "Writing forms…", total,
                      lambda progress: surveys.print_forms(..., progress=progress),
                      on_done=self._on_written, on_failed=self._on_failed)

`work` gets a `progress(n, total) -> bool` callback to call on the worker thread (the
services' own progress callbacks have that shape); it returns False once the user pressed
Cancel, and the service then stops by raising Cancelled. The bar is updated from the GUI
thread ten times a second, so a fast worker never floods the event loop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from crmdesk.gui.taskman import TaskManager

Progress = Callable[[int, int], bool]


def run_with_progress(
    parent: QWidget,
    tasks: TaskManager,
    label: str,
    total: int,
    work: Callable[[Progress], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[Exception], None],
) -> QProgressDialog:
    cancel = threading.Event()
    done = [0]
    dialog = QProgressDialog(label, "Cancel", 0, max(total, 1), parent)
    dialog.setWindowTitle(parent.windowTitle() or "crmdesk")
    dialog.setMinimumDuration(300)  # quick work shows no bar at all
    dialog.canceled.connect(cancel.set)
    timer = QTimer(dialog)
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

    def succeeded(result: Any) -> None:
        finish()
        on_done(result)

    def failed(error: Exception) -> None:
        finish()
        on_failed(error)

    tasks.run(lambda: work(progress), succeeded, failed)
    return dialog
