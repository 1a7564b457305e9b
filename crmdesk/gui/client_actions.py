"""What the main window does for the client on screen: add or edit a client, log a
contact (on Today, the chosen row's), open a history entry, add or edit things to remember
and notes, delete them. Each write comes back through the window, so the page and Today
refresh and Undo offers it. (Purchases, complaints and loyalty: gui.keeping.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from crmdesk.gui import dialogs
from crmdesk.gui.client_tabs import Tab

if TYPE_CHECKING:
    from crmdesk.gui.client_page import ClientPage
    from crmdesk.gui.main_window import MainWindow


class ClientActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def connect_page(self, page: ClientPage) -> None:
        from crmdesk.services import facts, history, notes

        w = self.window
        page.edit_requested.connect(self.edit)
        page.log_requested.connect(self.log)
        page.fact_requested.connect(self.fact)
        page.fact_delete_requested.connect(
            lambda f: w.apply_changes(facts.delete_fact(w.need_db(), f.id))
        )
        page.note_requested.connect(self.note)
        page.note_delete_requested.connect(
            lambda n: w.apply_changes(notes.delete_note(w.need_db(), n.id))
        )
        page.entry_requested.connect(self.entry)
        page.entry_delete_requested.connect(
            lambda e: w.apply_changes(history.delete_entry(w.need_db(), e.id))
        )
        w.keeping.connect_page(page)

    def new(self) -> None:
        w = self.window
        if w.db is not None:
            changes = w.run_dialog(dialogs.ClientDialog(w.db, parent=w))  # (chosen in the list)
            if changes is not None and changes.created_id is not None:
                w.show_client(changes.created_id)  # their page, not Today

    def edit(self) -> None:
        w = self.window
        if w.db is not None and w.page.record is not None:
            w.apply_dialog(dialogs.ClientDialog(w.db, w.page.record, parent=w))

    def log(self) -> None:
        """Ctrl+L: log a contact with the client on screen — on Today, the chosen row's."""
        w = self.window
        if w.right is not None and w.right.currentWidget() is w.today:
            row = w.today.current_row()
            if row is not None:
                w.keeping.log_row(row)
                return
        record = w.page.record
        if w.db is None or record is None:
            return
        w.apply_dialog(dialogs.ContactDialog(w.db, record.id, record.display_name, parent=w))

    def entry(self, entry: object) -> None:
        from crmdesk.services.history import HistoryRecord

        w = self.window
        record = w.page.record
        if w.db is None or record is None:
            return
        assert isinstance(entry, HistoryRecord)
        w.apply_dialog(
            dialogs.ContactDialog(w.db, record.id, record.display_name, entry=entry, parent=w)
        )

    def add_fact(self) -> None:
        self.fact(None)

    def fact(self, fact: object) -> None:
        from crmdesk.services.facts import FactRecord

        w = self.window
        if w.db is None or w.page.record is None:
            return
        assert fact is None or isinstance(fact, FactRecord)
        if w.apply_dialog(dialogs.FactDialog(w.db, w.page.record.id, fact, parent=w)):
            w.page.show_tab(Tab.FACTS)

    def add_note(self) -> None:
        self.note(None)

    def note(self, note: object) -> None:
        from crmdesk.services.notes import NoteRecord

        w = self.window
        if w.db is None or w.page.record is None:
            return
        assert note is None or isinstance(note, NoteRecord)
        if w.apply_dialog(dialogs.NoteDialog(w.db, w.page.record.id, note, parent=w)):
            w.page.show_tab(Tab.NOTES)
