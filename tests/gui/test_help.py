"""The Help menu, driven from the real window: the guide (F1, find), the shortcuts read from
the menus, About, the data folder, the log, and the crash dialog's Copy details."""

from __future__ import annotations

import logging
import re
import sys

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence
from pytestqt.qtbot import QtBot

from crmdesk import __version__, paths
from crmdesk.gui import app
from crmdesk.gui.crash_dialog import CrashDialog
from crmdesk.gui.help_windows import AboutDialog, LogDialog, ShortcutsDialog
from crmdesk.gui.main_window import MainWindow
from crmdesk.guide import read_guide as guide_source
from tests.gui.conftest import answer_dialog
from tests.gui.test_front_desk import type_into


def _prose_lines(markdown: str) -> list[str]:
    """The lines of the guide outside code blocks that hold a long word."""
    out, code = [], False
    for line in markdown.splitlines():
        if line.startswith("```"):
            code = not code
        elif not code and re.search(r"[A-Za-z]{7,}", line):
            out.append(line)
    return out


def _menu_texts(window: MainWindow) -> list[str]:
    return [a.text() for a in window.menuBar().actions()]


def test_f1_opens_the_guide_and_finds_in_it(qtbot: QtBot, window: MainWindow) -> None:
    assert "&Help" in _menu_texts(window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    guide = window.controllers.help.guide
    assert guide is not None
    qtbot.waitExposed(guide)
    text = guide.browser.toPlainText()
    assert text.startswith("crmdesk user guide")
    assert "The first start" in text and "Where your data is" in text
    assert "## " not in text  # shown as Markdown, not as its source
    for line in _prose_lines(guide_source()):  # no text swallowed (a "<word>" would be)
        assert any(word in text for word in re.findall(r"[A-Za-z]{7,}", line)), line
    assert "Development" not in text.splitlines()  # (a developer's section)
    qtbot.waitUntil(guide.find_box.hasFocus)

    qtbot.keyClicks(guide.find_box, "passphrase")
    first = guide.browser.textCursor()
    assert first.selectedText().lower() == "passphrase" and guide.found.text() == ""
    qtbot.keyClick(guide.find_box, Qt.Key.Key_Return)
    assert guide.browser.textCursor().selectionStart() > first.selectionStart()
    qtbot.keyClick(guide.find_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert guide.browser.textCursor().selectionStart() == first.selectionStart()

    guide.find_box.clear()
    type_into(qtbot, guide.find_box, "Łódź zzqx")
    assert guide.found.text() == "Not in the guide"
    guide.close()


def test_the_shortcuts_are_read_from_the_menus(qtbot: QtBot, window: MainWindow) -> None:
    # not a hand list: the dialog follows the menus. (A key sequence made explicitly: with a
    # str, PySide6 6.11's conversion left memory damaged, and a later window crashed)
    window.client_actions.act_note.setShortcut(QKeySequence("Ctrl+Alt+J"))
    rows: list[tuple[str, str, str]] = []

    def read(dialog: ShortcutsDialog) -> None:
        model = dialog.model
        for r in range(model.rowCount()):
            rows.append(tuple(model.index(r, c).data() for c in range(3)))  # type: ignore[arg-type]
        dialog.accept()

    answer_dialog(qtbot, ShortcutsDialog, read, window.controllers.help.act_shortcuts.trigger)
    assert ("Client", "New client", "Ctrl+N") in rows
    assert ("Client", "Add note", "Ctrl+Alt+J") in rows
    assert ("Help", "User guide", "F1") in rows
    assert ("Edit", "Undo", "Ctrl+Z or Alt+Backspace") in rows
    redo = next(keys for menu, what, keys in rows if what == "Redo")
    assert "Ctrl+Shift+Z" in redo and "Ctrl+Y" in redo  # every key that works, not just one
    assert not any(what == "Quit" and not keys for _m, what, keys in rows)


def test_about_says_the_version_the_data_and_the_licences(qtbot: QtBot, window: MainWindow) -> None:
    said: list[str] = []

    def read(dialog: AboutDialog) -> None:
        assert "Reading the installed libraries" in dialog.text.toPlainText()  # shown at once
        qtbot.waitUntil(lambda: dialog.libraries is not None, timeout=20000)
        said.append(dialog.text.toPlainText())
        dialog.accept()

    answer_dialog(qtbot, AboutDialog, read, window.controllers.help.act_about.trigger)
    text = said[0]
    assert f"crmdesk {__version__}" in text
    assert str(window.db.path if window.db else "") in text
    assert str(paths.data_dir()) in text and str(paths.log_file()) in text
    assert "LGPL-3.0" in text and "Qt 6." in text
    assert "SIL Open Font License 1.1" in text and "WenQuanYi Micro Hei" in text
    for library in ("SQLAlchemy", "reportlab", "babel", "phonenumbers", "shiboken6"):
        assert library in text, library  # (dependencies' dependencies too)


class _FileManager(QObject):
    """Stands where the system's file manager would be: Qt hands it the file: URL."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def show(self, url: QUrl) -> None:
        self.opened.append(url.toLocalFile())


def test_open_the_data_folder(window: MainWindow) -> None:
    manager = _FileManager()
    QDesktopServices.setUrlHandler("file", manager, "show")
    try:
        window.controllers.help.act_data_folder.trigger()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert manager.opened == [str(paths.data_dir())]


def test_show_log_shows_the_end_of_the_log(qtbot: QtBot, window: MainWindow) -> None:
    paths.log_file().write_text(
        "2026-12-06 10:00:00 ERROR crmdesk: Unexpected error:\nValueError: Σοφία\n", "utf-8"
    )
    said: list[str] = []

    def read(dialog: LogDialog) -> None:
        said.append(dialog.text.toPlainText())
        qtbot.mouseClick(dialog.copy, Qt.MouseButton.LeftButton)
        dialog.accept()

    answer_dialog(qtbot, LogDialog, read, window.controllers.help.act_log.trigger)
    assert "ValueError: Σοφία" in said[0]
    assert QGuiApplication.clipboard().text() == said[0]


def test_an_empty_log_says_so(qtbot: QtBot) -> None:
    dialog = LogDialog()
    qtbot.addWidget(dialog)
    assert "Nothing has been logged" in dialog.text.toPlainText()
    assert not dialog.copy.isEnabled()


def test_a_bug_shows_copy_details_with_the_traceback_version_and_log(
    qtbot: QtBot, window: MainWindow, caplog: pytest.LogCaptureFixture
) -> None:
    try:
        {}["Zoë"]  # a bug
    except KeyError:
        kind, exc, tb = sys.exc_info()
    assert kind is not None and exc is not None
    copied: list[str] = []

    def copy(dialog: CrashDialog) -> None:
        qtbot.mouseClick(dialog.copy, Qt.MouseButton.LeftButton)
        copied.append(QGuiApplication.clipboard().text())
        assert dialog.copy.text() == "Copied" and dialog.isVisible()  # (it stays open)
        dialog.reject()

    with caplog.at_level(logging.ERROR, "crmdesk"):
        answer_dialog(qtbot, CrashDialog, copy, lambda: app._excepthook(kind, exc, tb))
    assert any("KeyError" in r.getMessage() for r in caplog.records)  # it was logged
    caplog.clear()  # (this error was meant)
    details = copied[0]
    assert f"crmdesk {__version__}" in details
    assert f"Log: {paths.log_file()}" in details
    assert "Traceback (most recent call last)" in details and "KeyError: 'Zoë'" in details
