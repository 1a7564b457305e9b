"""Duplicates: View ▸ Duplicates… finds clients who may be the same person, and merges them
(gui.duplicates_window, gui.merge_chooser)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmdesk.gui.controller import Controller

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from crmdesk.gui.app_state import AppState
    from crmdesk.gui.controller import OnScreen
    from crmdesk.gui.duplicates_window import DuplicatesWindow


class Duplicates(Controller):
    def __init__(self, state: AppState, widget: QWidget, screen: OnScreen) -> None:
        super().__init__(state, widget, screen)
        self.act_duplicates = self._action("&Duplicates…", self.show_duplicates, "Ctrl+Shift+D")
        self.window: DuplicatesWindow | None = None  # while it is open (tests drive it)
        self._update_actions()

    def _update_actions(self) -> None:
        self.act_duplicates.setEnabled(self._has_db())

    def show_duplicates(self) -> None:
        """The window of likely pairs; it starts scanning as it opens. Each dismissal and
        merge reaches Undo and every view as it is written."""
        from crmdesk.gui.duplicates_window import DuplicatesWindow

        if self.state.db is None:
            return
        self.window = DuplicatesWindow(self.state.db, self.state.runner, self.widget)
        self.window.changed.connect(self.state.apply)
        self.window.scan()
        try:
            self.window.exec()
        finally:
            self.window.deleteLater()
            self.window = None
