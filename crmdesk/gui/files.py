"""The File menu's dialogs and its list of recent files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox

from crmdesk import paths
from crmdesk.services import recent

if TYPE_CHECKING:
    from crmdesk.gui.main_window import MainWindow


def ask_new_database(window: MainWindow) -> None:
    name, _ = QFileDialog.getSaveFileName(
        window,
        "New database",
        str(paths.default_database()),
        "crmdesk databases (*.crmdesk)",
    )
    if name:
        path = Path(name if name.endswith(paths.DB_SUFFIX) else name + paths.DB_SUFFIX)
        if path.exists():
            QMessageBox.warning(
                window, "New database", f"{path} already exists; choose another name."
            )
            return
        window.open_database(path, create=True)


def ask_database(window: MainWindow) -> None:
    name, _ = QFileDialog.getOpenFileName(
        window,
        "Open database",
        str(paths.data_dir()),
        "crmdesk databases and copies (*.crmdesk *.crmdesk-encrypted);;All files (*)",
    )
    if name:
        window.open_database(Path(name))


def open_demo(window: MainWindow) -> None:
    window.open_database(paths.demo_database(), make_demo=True)


def remember_open_file(window: MainWindow) -> None:
    """The open file goes to the top of File ▸ Open recent."""
    if window.db is not None:
        recent.remember(window.db.path)
    fill_recent_menu(window)


def fill_recent_menu(window: MainWindow) -> None:
    menu = window.recent_menu
    menu.clear()
    for path in recent.recent_files():
        action = menu.addAction(str(path))
        action.triggered.connect(lambda _=False, p=path: window.open_database(p))
    menu.setEnabled(not menu.isEmpty())
