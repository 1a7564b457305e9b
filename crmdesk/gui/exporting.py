"""File ▸ Export…: clients out to a spreadsheet, contacts or calendar file (the dialog is
gui.dialogs.export_dialog; the writing is services.exporting's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmdesk.gui.controller import Controller

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from crmdesk.gui.app_state import AppState
    from crmdesk.gui.controller import OnScreen
    from crmdesk.gui.dialogs.export_dialog import ExportDialog
    from crmdesk.services.exporting import ExportResult


class Exporting(Controller):
    def __init__(self, state: AppState, widget: QWidget, screen: OnScreen) -> None:
        super().__init__(state, widget, screen)
        self.act_export = self._action("&Export…", self.export, "Ctrl+Shift+E")
        self._update_actions()

    def _update_actions(self) -> None:
        self.act_export.setEnabled(self._has_db())

    def export(self) -> None:
        if self.state.db is not None:
            dialog = self.export_dialog()
            try:
                dialog.exec()
            finally:
                dialog.deleteLater()

    def export_dialog(self) -> ExportDialog:
        from crmdesk.gui.dialogs.export_dialog import ExportDialog

        dialog = ExportDialog(
            self.state.need_db(), self.screen.selection(), self.state.runner, self.widget
        )
        dialog.exported.connect(self._on_dialog_exported)
        return dialog

    def _on_dialog_exported(self, done: ExportResult) -> None:
        from crmdesk.wording import count

        self.screen.say(f"Wrote {count(done.clients, 'client')} to {done.path}.", 10000)
