"""The windows that make paper — letters and survey forms — for whoever is chosen on screen,
and the shop's details they print. What they write reaches Undo and every view through the
app's state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence

from crmdesk.gui import dialogs
from crmdesk.gui.controller import Controller

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from crmdesk.gui.app_state import AppState
    from crmdesk.gui.controller import OnScreen
    from crmdesk.gui.letters_dialog import LettersDialog
    from crmdesk.gui.surveys_dialog import SurveysDialog


class Paperwork(Controller):
    def __init__(self, state: AppState, widget: QWidget, screen: OnScreen) -> None:
        super().__init__(state, widget, screen)
        act = self._action
        self.act_letters = act("&Letters…", self.letters, QKeySequence.StandardKey.Print)
        self.act_surveys = act("Sur&veys…", self.surveys, "Ctrl+Shift+S")
        self.act_shop = act("S&hop details for letters…", self.shop)
        self._update_actions()

    def _update_actions(self) -> None:
        for action in (self.act_letters, self.act_surveys, self.act_shop):
            action.setEnabled(self._has_db())

    def letters(self) -> None:
        if self.state.db is not None:
            self.letters_dialog().exec()

    def surveys(self) -> None:
        if self.state.db is not None:
            self.surveys_dialog().exec()

    def shop(self) -> None:
        if self.state.db is not None:
            self.state.run_dialog(dialogs.ShopDialog(self.state.db, parent=self.widget))

    def letter(self, client_id: str, name: str, template: str) -> None:
        """The Letters window for one client with `template` chosen (if it still exists)."""
        if self.state.db is None:
            return
        dialog = self.letters_dialog(for_client=(client_id, name))
        try:
            dialog.choose_template(template)
        except KeyError:  # the shop renamed or deleted that template: choose another
            self.screen.say(f"There is no template “{template}” any more.", 8000)
        dialog.exec()

    def letters_dialog(self, for_client: tuple[str, str] | None = None) -> LettersDialog:
        """The letters window, for the chosen clients (or just `for_client`: id, name)."""
        from crmdesk.gui.letters_dialog import LettersDialog, Selection

        chosen = Selection(current=for_client) if for_client else self.screen.selection()
        dialog = LettersDialog(
            self.state.need_db(), chosen, parent=self.widget, runner=self.state.runner
        )
        dialog.changed.connect(self.state.apply)
        dialog.finished.connect(dialog.deleteLater)
        return dialog

    def surveys_dialog(self) -> SurveysDialog:
        from crmdesk.gui.surveys_dialog import SurveysDialog

        db, chosen = self.state.need_db(), self.screen.selection()
        dialog = SurveysDialog(db, chosen, parent=self.widget, runner=self.state.runner)
        dialog.changed.connect(self.state.apply)
        dialog.follow_up_requested.connect(
            lambda client_id, name: self._log_follow_up(dialog, client_id, name)
        )
        dialog.finished.connect(dialog.deleteLater)
        return dialog

    def _log_follow_up(self, surveys: SurveysDialog, client_id: str, name: str) -> None:
        """Log the call back (or thank-you) from the survey queue; it leaves the queue."""
        contact = dialogs.ContactDialog(self.state.need_db(), client_id, name, parent=surveys)
        if self.state.run_dialog(contact) is not None:
            surveys.refresh()
