"""Run slow work off the GUI thread, then call back on the GUI thread (after Anki's taskman).

    tasks.run(lambda: services.demo.create_demo(path), on_done=self._opened, on_error=self._failed)

`on_done` receives the function's result, `on_error` the exception; both run on the main
thread, so they may touch widgets. Unexpected exceptions (bugs) go to sys.excepthook when no
`on_error` is given.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    finished = Signal(object, object)  # result, exception


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:
            self._relay.finished.emit(None, exc)
        else:
            self._relay.finished.emit(result, None)


class TaskManager(QObject):
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one writer: jobs run in order
        self._running: set[_Relay] = set()

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        relay = _Relay(self)

        def finish(result: Any, error: Exception | None) -> None:
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
