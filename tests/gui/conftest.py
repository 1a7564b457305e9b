"""Fixtures for driving the real main window offscreen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from crmdesk.gui.main_window import MainWindow
from crmdesk.gui.today_view import TodayView
from crmdesk.services import settings
from crmdesk.store.database import Database

D = TypeVar("D", bound=QDialog)


def open_window(qtbot: QtBot, path: Path) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    with qtbot.waitSignal(window.database_opened, timeout=20000):
        window.open_database(path)
    # what opening queues on the write lane (the list sorted in the shop's alphabet) is done
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=20000)
    return window


def settled_today(qtbot: QtBot, window: MainWindow) -> TodayView:
    """Today once the refresh under way (worked out in the background) is on screen."""
    today = window.today
    qtbot.waitUntil(lambda: not today.updating, timeout=20000)
    return today


@pytest.fixture
def window(qtbot: QtBot, db_path: Path) -> Iterator[MainWindow]:
    """The main window on a new, empty database for a shop in the UK."""
    with Database.open(db_path) as db:
        settings.set_phone_region(db, "GB")
    win = open_window(qtbot, db_path)
    yield win
    win.close()


@pytest.fixture
def demo_window(qtbot: QtBot, demo_path: Path) -> Iterator[MainWindow]:
    win = open_window(qtbot, demo_path)
    yield win
    win.close()


def answer_dialog(
    qtbot: QtBot, kind: type[D], answer: Callable[[D], None], trigger: Callable[[], None]
) -> None:
    """Run `trigger` (which opens a modal dialog of `kind`) and let `answer` fill it in.

    The dialog runs its real exec() loop; `answer` is called from inside it.
    """
    seen: list[QDialog] = []
    left_open: list[str] = []

    def respond() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(10, respond)
            return
        seen.append(dialog)
        try:
            qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
            answer(dialog)
            # a form's save is written on the app's write lane: it closes when it is done
            qtbot.waitUntil(lambda: not getattr(dialog, "saving", False), timeout=20000)
        finally:
            # (a failed answer may leave a save under way: the dialog closes only after it)
            qtbot.waitUntil(lambda: not getattr(dialog, "saving", False), timeout=20000)
            if dialog.isVisible() and dialog.result() == 0:
                left_open.append(dialog.windowTitle())
                dialog.reject()  # never leave the suite hanging in a modal loop

    QTimer.singleShot(0, respond)
    previous = QApplication.activeWindow()
    trigger()
    assert seen, f"no {kind.__name__} was shown"
    assert not left_open, f"the dialog “{left_open[0]}” was still open after answering"
    if previous is not None:
        previous.activateWindow()  # what the window manager does when a dialog closes
        qtbot.waitUntil(lambda: QApplication.activeWindow() is previous)
