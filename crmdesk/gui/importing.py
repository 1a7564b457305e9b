"""Bringing clients in from the files a shop already has: File ▸ Import clients… and files
dropped on the window. Each file gets its preview; what it imports reaches Undo and every
view through the app's state."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from crmdesk.gui.controller import Controller

if TYPE_CHECKING:
    from PySide6.QtCore import QMimeData
    from PySide6.QtWidgets import QWidget

    from crmdesk.gui.app_state import AppState
    from crmdesk.gui.controller import OnScreen
    from crmdesk.gui.import_dialog import ImportDialog

FILE_TYPES = (
    "Contacts (*.vcf *.vcard *.csv *.tsv *.txt *.ics);;vCard (*.vcf *.vcard);;"
    "CSV and text (*.csv *.tsv *.txt);;Birthday calendars (*.ics);;All files (*)"
)


def dropped_files(mime: QMimeData) -> list[Path]:
    """The local files (not databases, which are opened, not imported) in a drop."""
    if not mime.hasUrls():
        return []
    found = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
    return [p for p in found if p.is_file() and p.suffix.lower() != ".crmdesk"]


class Importing(Controller):
    def __init__(self, state: AppState, widget: QWidget, screen: OnScreen) -> None:
        super().__init__(state, widget, screen)
        self.act_import = self._action("&Import clients…", self.choose_files, "Ctrl+Shift+I")
        self.act_import.setToolTip("Import clients from vCard, CSV or birthday-calendar files")
        self._update_actions()

    def _update_actions(self) -> None:
        self.act_import.setEnabled(self._has_db())

    def choose_files(self) -> None:
        if not self._has_db():
            return
        names, _chosen = QFileDialog.getOpenFileNames(self.widget, "Import clients", "", FILE_TYPES)
        self.import_files([Path(n) for n in names])

    def import_files(self, paths: list[Path]) -> None:
        """A preview for each file in turn (files dropped on the window, or chosen)."""
        for path in paths:
            if not self._has_db():
                return
            self.state.run_dialog(self.dialog(path))

    def dialog(self, path: Path) -> ImportDialog:
        from crmdesk.gui.import_dialog import ImportDialog

        return ImportDialog(self.state.need_db(), path, self.state.runner, self.widget)
