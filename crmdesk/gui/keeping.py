"""Keeping clients: purchases, complaints (resolving one offers the apology letter),
loyalty, referrals and reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

from crmdesk.gui import dialogs
from crmdesk.gui.client_tabs import Tab
from crmdesk.gui.controller import Controller

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from crmdesk.gui.app_state import AppState
    from crmdesk.gui.client_page import ClientPage
    from crmdesk.gui.controller import OnScreen

# the Letters window for one client (id, name) with a template chosen (gui.paperwork)
WriteLetter = Callable[[str, str, str], None]


class Keeping(Controller):
    def __init__(
        self, state: AppState, widget: QWidget, screen: OnScreen, write_letter: WriteLetter
    ) -> None:
        super().__init__(state, widget, screen)
        self.write_letter = write_letter
        act = self._action
        self.act_purchase = act("Record &purchase…", self.record_purchase, "Ctrl+B")
        self.act_complaint = act("Record co&mplaint…", self.complaint, "Ctrl+Shift+C")
        self.act_reports = act("&Reports…", self.reports, "Ctrl+Shift+R")
        self.act_referrals = act("Re&ferrals…", self.referrals)
        self._update_actions()

    def _update_actions(self) -> None:
        for action in (self.act_reports, self.act_referrals):
            action.setEnabled(self._has_db())
        for action in (self.act_purchase, self.act_complaint):
            action.setEnabled(self._has_client())

    def connect_page(self, page: ClientPage) -> None:
        page.purchase_requested.connect(self.record_purchase)
        page.purchase_delete_requested.connect(self.delete_purchase)
        page.complaint_requested.connect(self.complaint)
        page.loyalty_requested.connect(self.loyalty)

    # ------------------------------------------------------------------ the client on screen

    def record_purchase(self) -> None:
        db, record = self.state.db, self.screen.client()
        if db is None or record is None:
            return
        dialog = dialogs.PurchaseDialog(db, record.id, record.display_name, self.widget)
        if self.state.run_dialog(dialog) is not None:
            self.screen.show_tab(Tab.PURCHASES)

    def delete_purchase(self, purchase: object) -> None:
        from crmdesk.services import retention
        from crmdesk.services.retention import PurchaseRecord

        assert isinstance(purchase, PurchaseRecord)
        self.state.apply(retention.delete_purchase(self.state.need_db(), purchase.id), self)

    def complaint(self, case: object = None) -> None:
        """New complaint (None) or open one; resolving it offers the apology letter."""
        from crmdesk.services import complaints
        from crmdesk.services.complaints import ComplaintRecord

        db, record = self.state.db, self.screen.client()
        if db is None or record is None:
            return
        assert case is None or isinstance(case, ComplaintRecord)
        dialog = dialogs.ComplaintDialog(db, record.id, record.display_name, case, self.widget)
        dialog.use_runner(self.state.runner)  # (written on the write lane)
        dialog.exec()
        dialog.deleteLater()
        if dialog.changes is None:
            return
        self.state.apply(dialog.changes, self)
        self.screen.show_tab(Tab.COMPLAINTS)
        if dialog.resolved_now:
            ask = QMessageBox.question(
                self.widget,
                "Complaint resolved",
                f"Print the apology letter for {record.display_name} now?",
            )
            if ask == QMessageBox.StandardButton.Yes:
                self.write_letter(record.id, record.display_name, complaints.APOLOGY_TEMPLATE)

    def loyalty(self) -> None:
        db, record = self.state.db, self.screen.client()
        if db is None or record is None:
            return
        [(stage, every)] = db.query(
            "SELECT stage_override, touch_every_days FROM clients WHERE id = ?", (record.id,)
        )
        self.state.run_dialog(
            dialogs.LoyaltyDialog(db, record.id, record.display_name, stage, every, self.widget)
        )

    # ------------------------------------------------------------------ windows

    def reports(self) -> None:
        from crmdesk.gui.reports_dialog import ReportsDialog

        if self.state.db is not None:
            dialog = ReportsDialog(self.state.db, parent=self.widget)
            dialog.exec()
            dialog.deleteLater()

    def referrals(self) -> None:
        from crmdesk.gui.referrals_dialog import ReferralsDialog

        if self.state.db is not None:
            dialog = ReferralsDialog(self.state.db, parent=self.widget)
            dialog.changed.connect(self.state.apply)
            dialog.letter_requested.connect(
                lambda row: self.write_letter(row.client_id, row.name, row.letter)
            )
            dialog.exec()
            dialog.deleteLater()
