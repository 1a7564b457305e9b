"""The windows that make paper — letters and survey forms — opened from the main window
with whoever is chosen there. What they write comes back through the window, so the list
and the client page refresh and Undo offers it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from crmdesk.gui import dialogs
from crmdesk.gui.client_list_model import ID_ROLE

if TYPE_CHECKING:
    from crmdesk.gui.letters_dialog import LettersDialog, Selection
    from crmdesk.gui.main_window import MainWindow
    from crmdesk.gui.surveys_dialog import SurveysDialog


class Paperwork(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def selection(self) -> Selection:
        """Who a letter or form could go to: the client on screen, the selected rows, the
        search result."""
        from crmdesk.gui.letters_dialog import Selection

        w = self.window
        record = w.page.record
        search_text, found = w.client_list.found()
        return Selection(
            current=(record.id, record.display_name) if record else None,
            selected=tuple(i.data(ID_ROLE) for i in w.client_list.selected_rows()),
            search_text=search_text,
            found=found,
        )

    def letters_dialog(self, for_client: tuple[str, str] | None = None) -> LettersDialog:
        """The letters window, for the chosen clients (or just `for_client`: id, name)."""
        from crmdesk.gui.letters_dialog import LettersDialog, Selection

        w = self.window
        chosen = Selection(current=for_client) if for_client else self.selection()
        dialog = LettersDialog(w.need_db(), chosen, parent=w)
        dialog.changed.connect(w.apply_changes)
        dialog.finished.connect(dialog.deleteLater)
        return dialog

    def surveys_dialog(self) -> SurveysDialog:
        from crmdesk.gui.surveys_dialog import SurveysDialog

        w = self.window
        dialog = SurveysDialog(w.need_db(), self.selection(), parent=w, runner=w.state.runner)
        dialog.changed.connect(w.apply_changes)
        dialog.follow_up_requested.connect(
            lambda client_id, name: self._log_follow_up(dialog, client_id, name)
        )
        dialog.finished.connect(dialog.deleteLater)
        return dialog

    def _log_follow_up(self, surveys: SurveysDialog, client_id: str, name: str) -> None:
        """Log the call back (or thank-you) from the survey queue; it leaves the queue."""
        contact = dialogs.ContactDialog(self.window.need_db(), client_id, name, parent=surveys)
        if self.window.apply_dialog(contact):
            surveys.refresh()
