"""Every input and button a user can reach has a name a screen reader can say."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from crmdesk.gui.dialogs.client_dialog import ClientDialog
from crmdesk.gui.dialogs.entry_dialogs import ContactDialog, FactDialog, NoteDialog
from crmdesk.gui.dialogs.settings_dialog import SettingsDialog
from crmdesk.gui.dialogs.trash_dialog import TrashDialog
from crmdesk.gui.main_window import MainWindow

CONTROLS = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QPlainTextEdit,
    QAbstractSpinBox,
    QAbstractItemView,
)


def unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisibleTo(root):
            continue
        if isinstance(widget.parent(), (QComboBox, QAbstractSpinBox, QAbstractItemView)):
            continue  # editors and headers inside a combo box, date field or table are its parts
        text = widget.text() if isinstance(widget, QAbstractButton) else ""
        if not (widget.accessibleName() or text.replace("&", "").strip()):
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def test_main_window_and_every_dialog(qtbot: QtBot, demo_window: MainWindow) -> None:
    window = demo_window
    db, record = window.db, window.page.record
    assert db is not None and record is not None
    assert unnamed(window) == []
    dialogs = [
        ClientDialog(db, record, parent=window),
        ContactDialog(db, record.id, record.display_name, parent=window),
        FactDialog(db, record.id, parent=window),
        NoteDialog(db, record.id, parent=window),
        TrashDialog(db, parent=window),
        SettingsDialog(db, parent=window),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        assert unnamed(dialog) == [], dialog.windowTitle()
        dialog.reject()
