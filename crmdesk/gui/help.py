"""The Help menu's actions: the user guide (F1), the keyboard shortcuts, the data folder,
the log, About. None needs a database open."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenuBar, QMessageBox

from crmdesk import paths
from crmdesk.gui.controller import Controller

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from crmdesk.gui.app_state import AppState
    from crmdesk.gui.controller import OnScreen
    from crmdesk.gui.help_windows import GuideWindow


class Help(Controller):
    def __init__(
        self,
        state: AppState,
        widget: QWidget,
        screen: OnScreen,
        menubar: Callable[[], QMenuBar],
    ) -> None:
        super().__init__(state, widget, screen)
        self._menubar = menubar  # (the shortcuts are read from the menus as they are)
        self.guide: GuideWindow | None = None
        act = self._action
        self.act_guide = act("&User guide", self.show_guide, QKeySequence.StandardKey.HelpContents)
        self.act_shortcuts = act("&Keyboard shortcuts", self.show_shortcuts)
        self.act_data_folder = act("Open the &data folder", self.open_data_folder)
        self.act_log = act("Show &log", self.show_log)
        self.act_about = act("&About crmdesk", self.show_about)

    def show_guide(self) -> None:
        """The guide, in a window of its own beside the main one (kept while the app runs)."""
        from crmdesk import guide
        from crmdesk.gui.help_windows import GuideWindow

        if self.guide is None:
            self.guide = GuideWindow(guide.read_guide(), self.widget)
        self.guide.show()
        self.guide.raise_()
        self.guide.activateWindow()
        self.guide.find_box.setFocus()

    def show_shortcuts(self) -> None:
        from crmdesk.gui.help_windows import ShortcutsDialog, shortcut_rows

        ShortcutsDialog(shortcut_rows(self._menubar()), self.widget).exec()

    def open_data_folder(self) -> None:
        from crmdesk.gui.help_windows import open_folder

        folder = paths.data_dir()
        if not open_folder(folder):
            QMessageBox.information(
                self.widget, "Data folder",
                f"No file manager could be started. The data folder is:\n{folder}",
            )  # fmt: skip

    def show_log(self) -> None:
        from crmdesk.gui.help_windows import LogDialog

        LogDialog(self.widget).exec()

    def show_about(self) -> None:
        from crmdesk.gui.help_windows import AboutDialog

        db = self.state.db
        AboutDialog(db.path if db is not None else None, self.state.runner, self.widget).exec()
