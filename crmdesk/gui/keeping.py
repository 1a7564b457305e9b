"""Keeping clients, from the main window: Today's rows acting in place, purchases,
complaints (resolving one offers the apology letter), loyalty, referrals and reports.
What they write comes back through the window, so the list, the page and Today refresh
and Undo offers it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from crmdesk.gui import dialogs
from crmdesk.gui.client_tabs import Tab

if TYPE_CHECKING:
    from crmdesk.gui.client_page import ClientPage
    from crmdesk.gui.main_window import MainWindow
    from crmdesk.gui.today_view import TodayView
    from crmdesk.services.today import TodayRow


class Keeping(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def connect_page(self, page: ClientPage) -> None:
        page.purchase_requested.connect(self.record_purchase)
        page.purchase_delete_requested.connect(self.delete_purchase)
        page.complaint_requested.connect(self.complaint)
        page.loyalty_requested.connect(self.loyalty)

    def connect_today(self, today: TodayView) -> None:
        today.log_requested.connect(self.log_row)
        today.open_requested.connect(lambda row: self.window.show_client(row.client_id))
        today.letter_requested.connect(lambda row: self.letter(row.client_id, row.name, row.letter))

    # ------------------------------------------------------------------ Today

    def log_row(self, row: TodayRow) -> None:
        """Log the contact a Today row asks for (linked to its complaint, if it is one)."""
        w = self.window
        if w.db is None:
            return
        complaint = row.ref if row.about == "complaint" else None
        w.apply_dialog(
            dialogs.ContactDialog(w.db, row.client_id, row.name, complaint_id=complaint, parent=w)
        )

    def letter(self, client_id: str, name: str, template: str) -> None:
        """The Letters window for one client with `template` chosen (if it still exists)."""
        w = self.window
        if w.db is None:
            return
        dialog = w.paperwork.letters_dialog(for_client=(client_id, name))
        try:
            dialog.choose_template(template)
        except KeyError:  # the shop renamed or deleted that template: choose another
            w.statusBar().showMessage(f"There is no template “{template}” any more.", 8000)
        dialog.exec()

    # ------------------------------------------------------------------ the client on screen

    def record_purchase(self) -> None:
        w = self.window
        record = w.page.record
        if w.db is None or record is None:
            return
        if w.apply_dialog(dialogs.PurchaseDialog(w.db, record.id, record.display_name, w)):
            w.page.show_tab(Tab.PURCHASES)

    def delete_purchase(self, purchase: object) -> None:
        from crmdesk.services import retention
        from crmdesk.services.retention import PurchaseRecord

        assert isinstance(purchase, PurchaseRecord)
        self.window.apply_changes(retention.delete_purchase(self.window.need_db(), purchase.id))

    def complaint(self, case: object = None) -> None:
        """New complaint (None) or open one; resolving it offers the apology letter."""
        from crmdesk.services import complaints
        from crmdesk.services.complaints import ComplaintRecord

        w = self.window
        record = w.page.record
        if w.db is None or record is None:
            return
        assert case is None or isinstance(case, ComplaintRecord)
        dialog = dialogs.ComplaintDialog(w.db, record.id, record.display_name, case, w)
        dialog.use_runner(w.state.runner)  # (written on the write lane)
        dialog.exec()
        dialog.deleteLater()
        if dialog.changes is None:
            return
        w.apply_changes(dialog.changes)
        w.page.show_tab(Tab.COMPLAINTS)
        if dialog.resolved_now:
            ask = QMessageBox.question(
                w, "Complaint resolved", f"Print the apology letter for {record.display_name} now?"
            )
            if ask == QMessageBox.StandardButton.Yes:
                self.letter(record.id, record.display_name, complaints.APOLOGY_TEMPLATE)

    def loyalty(self) -> None:
        w = self.window
        record = w.page.record
        if w.db is None or record is None:
            return
        [(stage, every)] = w.db.query(
            "SELECT stage_override, touch_every_days FROM clients WHERE id = ?", (record.id,)
        )
        w.apply_dialog(dialogs.LoyaltyDialog(w.db, record.id, record.display_name, stage, every, w))

    # ------------------------------------------------------------------ windows

    def reports(self) -> None:
        from crmdesk.gui.reports_dialog import ReportsDialog

        w = self.window
        if w.db is not None:
            dialog = ReportsDialog(w.db, parent=w)
            dialog.exec()
            dialog.deleteLater()

    def referrals(self) -> None:
        from crmdesk.gui.referrals_dialog import ReferralsDialog

        w = self.window
        if w.db is not None:
            dialog = ReferralsDialog(w.db, parent=w)
            dialog.changed.connect(w.apply_changes)
            dialog.letter_requested.connect(
                lambda row: self.letter(row.client_id, row.name, row.letter)
            )
            dialog.exec()
            dialog.deleteLater()
