"""The dialog a bug ends in (gui.app's excepthook): what happened, that the data is safe, and
the details to report — "Copy details" puts the traceback, the version and where the log is
on the clipboard; "Show log" shows the log (Help ▸ Show log does too)."""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from crmdesk import __version__, paths
from crmdesk.gui.widgets import resize_within_screen


def crash_details(traceback_text: str) -> str:
    """What a bug report needs: the version, where it ran, where the log is, the traceback."""
    return (
        f"crmdesk {__version__}\n"
        f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {pyside_version}, "
        f"{platform.platform(terse=True)}\n"
        f"Log: {paths.log_file()}\n\n"
        f"{traceback_text.rstrip()}\n"
    )


class CrashDialog(QDialog):
    def __init__(self, summary: str, traceback_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("crmdesk hit a bug")
        self.setAccessibleName("crmdesk hit a bug")
        self.details = crash_details(traceback_text)
        icon = QLabel(self)
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
                       .pixmap(32, 32))  # fmt: skip
        what = QLabel(summary, self)
        what.setWordWrap(True)
        what.setObjectName("summary")
        safe = QLabel(
            "Your data is safe: every change is saved when you make it. Please report this: "
            "Copy details puts what is needed on the clipboard, to paste into an email.",
            self,
        )
        safe.setWordWrap(True)
        self.text = QPlainTextEdit(self.details, self)
        self.text.setObjectName("details")
        self.text.setAccessibleName("Details of the bug")
        self.text.setReadOnly(True)
        self.copy = QPushButton("&Copy details", self)
        self.copy.setAccessibleName("Copy details")
        self.show_log = QPushButton("Show &log", self)
        self.show_log.setAccessibleName("Show log")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setAccessibleName("Close")
        buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.show_log, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(icon)
        layout.addWidget(what)
        layout.addWidget(safe)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        buttons.rejected.connect(self.reject)
        self.copy.clicked.connect(self._on_copy_clicked)
        self.show_log.clicked.connect(self._on_show_log_clicked)
        resize_within_screen(self, 720, 480)

    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy.setText("Copied")

    def _on_show_log_clicked(self) -> None:
        from crmdesk.gui.help_windows import LogDialog

        LogDialog(self).exec()
