"""The File menu's files: a new database, opening one (or the demo), the list of recent
files, quitting."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from crmdesk import paths
from crmdesk.gui.controller import Controller
from crmdesk.services import recent

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from crmdesk.gui.app_state import AppState
    from crmdesk.gui.controller import OnScreen


class OpenFile(Protocol):
    """Opens a database file (the window's `open_database`)."""

    def __call__(self, path: Path, create: bool = False, make_demo: bool = False) -> None: ...


class Files(Controller):
    def __init__(
        self, state: AppState, widget: QWidget, screen: OnScreen, open_file: OpenFile
    ) -> None:
        super().__init__(state, widget, screen)
        self.open_file = open_file
        keys = QKeySequence.StandardKey
        act = self._action
        self.act_new_db = act("&New database…", self.ask_new_database)
        self.act_open = act("&Open…", self.ask_database, keys.Open)
        self.act_open_demo = act("Open &demo database", self.open_demo)
        self.act_quit = act("&Quit", widget.close, keys.Quit)
        self.recent_menu = QMenu("Open &recent", widget)

    def ask_new_database(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self.widget,
            "New database",
            str(paths.default_database()),
            "crmdesk databases (*.crmdesk)",
        )
        if name:
            path = Path(name if name.endswith(paths.DB_SUFFIX) else name + paths.DB_SUFFIX)
            if path.exists():
                QMessageBox.warning(
                    self.widget, "New database", f"{path} already exists; choose another name."
                )
                return
            self.open_file(path, create=True)

    def ask_database(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self.widget,
            "Open database",
            str(paths.data_dir()),
            "crmdesk databases and copies (*.crmdesk *.crmdesk-encrypted);;All files (*)",
        )
        if name:
            self.open_file(Path(name))

    def open_demo(self) -> None:
        self.open_file(paths.demo_database(), make_demo=True)

    def remember_open_file(self) -> None:
        """The open file goes to the top of File ▸ Open recent."""
        if self.state.db is not None:
            recent.remember(self.state.db.path)
        self.fill_recent_menu()

    def fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        for path in recent.recent_files():
            action = menu.addAction(str(path))
            action.triggered.connect(lambda _=False, p=path: self.open_file(p))
        menu.setEnabled(not menu.isEmpty())
