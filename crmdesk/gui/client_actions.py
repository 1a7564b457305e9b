"""Acting on clients: add, edit or delete one (the Trash brings them back), log a contact
(on Today, the chosen row's), open a history entry, add or edit things to remember and
notes, delete them, and export everything held about one of them (a person's data on
request). (Purchases, complaints and loyalty: gui.keeping.)"""

from __future__ import annotations

import html
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from crmdesk.gui import dialogs
from crmdesk.gui.client_tabs import Tab
from crmdesk.gui.controller import Controller
from crmdesk.gui.widgets import elide
from crmdesk.wording import count

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from crmdesk.gui.app_state import AppState
    from crmdesk.gui.client_page import ClientPage
    from crmdesk.gui.controller import OnScreen
    from crmdesk.services.person_export import Exported
    from crmdesk.services.today import TodayRow


class ClientActions(Controller):
    def __init__(self, state: AppState, widget: QWidget, screen: OnScreen) -> None:
        super().__init__(state, widget, screen)
        act = self._action
        self.act_new_client = act("&New client…", self.new, "Ctrl+N")
        self.act_edit_client = act("&Edit client…", self.edit, "Ctrl+E")
        self.act_delete_client = act("&Delete client", self.delete)
        self.act_delete_client.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        # (the key deletes in the list only: the window lays the action on the list)
        self.act_delete_client.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.act_log = act("&Log contact…", self.log, "Ctrl+L")
        self.act_fact = act("Add thing to &remember…", self.add_fact, "Ctrl+R")
        self.act_note = act("Add &note…", self.add_note, "Ctrl+Shift+N")
        self.act_trash = act("&Trash…", self.trash, "Ctrl+Shift+T")
        self.act_export_personal = act("E&xport personal data…", self.ask_export_personal)
        self.export_box: QMessageBox | None = None  # "Personal data written", while open
        self._export_folder = ""  # the folder chosen last
        self._update_actions()

    def _update_actions(self) -> None:
        has_db, has_client = self._has_db(), self._has_client()
        for action in (self.act_new_client, self.act_trash):
            action.setEnabled(has_db)
        for action in (self.act_edit_client, self.act_delete_client, self.act_fact, self.act_note,
                       self.act_export_personal):  # fmt: skip
            action.setEnabled(has_client)
        self.act_log.setEnabled(has_db and self.screen.pages_built())  # (Today's row, too)

    def connect_page(self, page: ClientPage) -> None:
        from crmdesk.services import facts, history, notes

        need_db, apply = self.state.need_db, self.state.apply
        page.edit_requested.connect(self.edit)
        page.log_requested.connect(self.log)
        page.fact_requested.connect(self.fact)
        page.fact_delete_requested.connect(lambda f: apply(facts.delete_fact(need_db(), f.id)))
        page.note_requested.connect(self.note)
        page.note_delete_requested.connect(lambda n: apply(notes.delete_note(need_db(), n.id)))
        page.entry_requested.connect(self.entry)
        page.entry_delete_requested.connect(lambda e: apply(history.delete_entry(need_db(), e.id)))

    # ------------------------------------------------------------------ clients

    def new(self) -> None:
        db = self.state.db
        if db is not None:
            changes = self.state.run_dialog(dialogs.ClientDialog(db, parent=self.widget))
            if changes is not None and changes.created_id is not None:
                self.screen.show_client(changes.created_id)  # their page, not Today

    def edit(self) -> None:
        db, record = self.state.db, self.screen.client()
        if db is not None and record is not None:
            self.state.run_dialog(dialogs.ClientDialog(db, record, parent=self.widget))

    def delete(self) -> None:
        """Move the selected clients to the Trash (the list then shows the row after them)."""
        db = self.state.db
        if db is None or self.screen.client() is None:
            return
        from crmdesk.services import clients

        ids = self.screen.selected_ids()
        if len(ids) > 1:  # several rows: ask once, for all of them
            answer = QMessageBox.question(
                self.widget,
                "Delete clients",
                f"Move {count(len(ids), 'client')} to the Trash? Ctrl+Z brings them back.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        changes = clients.delete_clients(db, ids)
        self.state.apply(changes, self)
        said = f"{elide(changes.label, self.widget)} — moved to the Trash. Ctrl+Z to undo."
        self.screen.say(said, 8000)

    def trash(self) -> None:
        if self.state.db is not None:
            self.state.run_dialog(dialogs.TrashDialog(self.state.db, parent=self.widget))

    # ------------------------------------------------------------------ contacts

    def log(self) -> None:
        """Ctrl+L: log a contact with the client on screen — on Today, the chosen row's."""
        row = self.screen.today_row()
        if row is not None:
            self.log_row(row)
            return
        db, record = self.state.db, self.screen.client()
        if db is None or record is None:
            return
        self.state.run_dialog(
            dialogs.ContactDialog(db, record.id, record.display_name, parent=self.widget)
        )

    def log_row(self, row: TodayRow) -> None:
        """Log the contact a Today row asks for (linked to its complaint, if it is one)."""
        db = self.state.db
        if db is None:
            return
        complaint = row.ref if row.about == "complaint" else None
        self.state.run_dialog(
            dialogs.ContactDialog(
                db, row.client_id, row.name, complaint_id=complaint, parent=self.widget
            )
        )

    def entry(self, entry: object) -> None:
        from crmdesk.services.history import HistoryRecord

        db, record = self.state.db, self.screen.client()
        if db is None or record is None:
            return
        assert isinstance(entry, HistoryRecord)
        self.state.run_dialog(
            dialogs.ContactDialog(
                db, record.id, record.display_name, entry=entry, parent=self.widget
            )
        )

    # ------------------------------------------------------------------ remember, notes

    def add_fact(self) -> None:
        self.fact(None)

    def fact(self, fact: object) -> None:
        from crmdesk.services.facts import FactRecord

        db, record = self.state.db, self.screen.client()
        if db is None or record is None:
            return
        assert fact is None or isinstance(fact, FactRecord)
        if (
            self.state.run_dialog(dialogs.FactDialog(db, record.id, fact, parent=self.widget))
            is not None
        ):
            self.screen.show_tab(Tab.FACTS)

    def add_note(self) -> None:
        self.note(None)

    def note(self, note: object) -> None:
        from crmdesk.services.notes import NoteRecord

        db, record = self.state.db, self.screen.client()
        if db is None or record is None:
            return
        assert note is None or isinstance(note, NoteRecord)
        if (
            self.state.run_dialog(dialogs.NoteDialog(db, record.id, note, parent=self.widget))
            is not None
        ):
            self.screen.show_tab(Tab.NOTES)

    # ------------------------------------------------------------------ a person's data

    def ask_export_personal(self) -> None:
        """Client ▸ Export personal data…: choose a folder for the client on screen."""
        record = self.screen.client() if self.state.db is not None else None
        if record is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self.widget,
            f"Export the personal data of {record.display_name}: choose a folder",
            self._export_folder or str(Path.home()),
        )
        if folder:
            self._export_folder = folder
            self.export_personal(record.id, record.display_name, Path(folder))

    def export_personal(self, client_id: str, name: str, folder: Path) -> None:
        """Write the PDF and the JSON of everything held about the client into `folder`, on
        the read lane (a long history takes seconds to lay out), with a progress bar."""
        from crmdesk.services import person_export

        db = self.state.need_db()
        self.screen.say(f"Writing the personal data of {name}…")

        def work(progress: Callable[[int, int], bool]) -> Exported:
            def percent(n: int, total: int) -> bool:
                return progress(n * 100 // max(total, 1), 100)

            return person_export.export_person(db, client_id, folder, percent)

        self.state.runner.op(work, parent=self.widget).progress(
            f"Writing the personal data of {name}…", 100
        ).success(lambda done: self._exported(name, done)).failure(self._export_failed).read()

    def _exported(self, name: str, done: Exported) -> None:
        self.screen.say(f"Wrote the personal data of {name} into {done.folder}.", 10000)
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Personal data written",
            f"Wrote everything held about {name} into {done.folder}.",
            parent=self.widget,
        )
        files = "".join(
            f'<span style="white-space:nowrap">{html.escape(file.name)}</span> ({what})<br>'
            for file, what in ((done.pdf, f"to read or print, {count(done.pages, 'page')}"),
                               (done.json, "for another program"))
        )  # fmt: skip
        # wide enough for the files' names (they are long: the person's name and the day)
        box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 32em; }")
        box.setInformativeText(
            f"<p>{files}<br>Hand both to the person, and delete them from this computer once "
            "they have them.</p>"
        )
        show = box.addButton("Open folder", QMessageBox.ButtonRole.ActionRole)
        show.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(done.folder))))
        box.addButton(QMessageBox.StandardButton.Close)
        self.export_box = box
        box.open()

    def _export_failed(self, error: Exception) -> None:
        from crmdesk.documents.letters import Cancelled
        from crmdesk.errors import CrmError
        from crmdesk.gui.problems import show_problem

        self.screen.say("")
        if isinstance(error, Cancelled):
            return
        if not isinstance(error, CrmError):
            sys.excepthook(type(error), error, error.__traceback__)
            return
        show_problem(self.widget, "The personal data was not written", error)
