"""The main window: the client list and search on the left; on the right, Today (what to do,
shown first) and the chosen client's page."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QMessageBox, QSplitter, QWidget

from crmdesk.errors import CrmError
from crmdesk.gui import dialogs, files
from crmdesk.gui.app_state import AppState
from crmdesk.gui.carrying import Carrying
from crmdesk.gui.client_actions import ClientActions
from crmdesk.gui.client_list_view import ClientListView
from crmdesk.gui.keeping import Keeping
from crmdesk.gui.menus import build_menus
from crmdesk.gui.paperwork import Paperwork
from crmdesk.gui.problems import show_problem
from crmdesk.gui.taskman import TaskManager
from crmdesk.gui.undo_stack import UndoStack
from crmdesk.gui.unpacking import Unpacking
from crmdesk.gui.widgets import elide, no_mnemonic, resize_within_screen
from crmdesk.services import unpacking
from crmdesk.store.database import Database, is_current
from crmdesk.wording import count

if TYPE_CHECKING:
    from PySide6.QtWidgets import QTabWidget

    from crmdesk.gui.client_page import ClientPage
    from crmdesk.gui.today_view import TodayView
    from crmdesk.services.changes import Changes, UndoStep

# What the first paint does not need (the client page, most services) is imported when the
# page is built, right after the list is on screen: start-up is budgeted (benchmark B1).


REDO_KEYS = ("Ctrl+Shift+Z", "Ctrl+Y")


class MainWindow(QMainWindow):
    database_opened = Signal(object)  # Database
    open_failed = Signal(str)
    list_painted = Signal()  # once, after the list's first paint, before the page is built

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("crmdesk")
        self._closing = False
        self.state = AppState(self)
        self.state.changed.connect(self._on_state_changed)

        self.client_list = ClientListView(self.state, self)
        self._page: ClientPage | None = None  # built after the list's first paint
        self._today: TodayView | None = None  # (with it)
        self.right: QTabWidget | None = None
        self._opened_before_page: Database | None = None
        splitter = QSplitter(self)
        splitter.addWidget(self.client_list)
        splitter.addWidget(QWidget(self))  # the client page's place
        self._splitter = splitter
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([620, 740])
        self.setCentralWidget(splitter)

        self.file_label = QLabel(self)
        self.file_label.setAccessibleName("Open database")
        self.statusBar().addPermanentWidget(self.client_list.count_label)
        self.statusBar().addPermanentWidget(self.file_label)

        self.paperwork = Paperwork(self)
        self.keeping = Keeping(self)
        self.client_actions = ClientActions(self)
        self._make_actions()
        self.carrying = Carrying(self)
        self.unpacking = Unpacking(self)
        self.recent_menu = build_menus(self)
        self._connect()
        self._update_actions()
        resize_within_screen(self, 1280, 780)

    # ------------------------------------------------------------------ construction

    @property
    def page(self) -> ClientPage:
        """The client page; built on first use if the list has not been painted yet."""
        if self._page is None:
            self._build_page()
        assert self._page is not None
        return self._page

    def _on_client_list_first_painted(self) -> None:
        QTimer.singleShot(0, self._build_page)  # once the list is on screen

    def _build_page(self) -> None:
        if self._page is not None or self._closing:
            return
        self.list_painted.emit()  # (or the page is wanted before: then too, and once)
        from PySide6.QtWidgets import QTabWidget

        from crmdesk.gui.client_page import ClientPage
        from crmdesk.gui.today_view import TodayView

        page = self._page = ClientPage(self)
        today = self._today = TodayView(self)
        right = self.right = QTabWidget(self)
        right.setObjectName("right_side")
        right.setAccessibleName("Today and client")
        right.addTab(today, "&Today")
        right.addTab(page, "C&lient")
        right.setCurrentWidget(today)  # the app opens on Today
        placeholder = self._splitter.replaceWidget(1, right)
        if placeholder is not None:
            placeholder.deleteLater()
        self._splitter.setSizes([620, 740])
        self.client_actions.connect_page(page)
        self.keeping.connect_today(today)
        page.show_client(self.db, self.client_list.current_id())
        page.follow(self.state)
        today.follow(self.state)
        self._update_actions()
        files.remember_open_file(self)
        db, self._opened_before_page = self._opened_before_page, None
        if db is not None and db is self.db:
            self.database_opened.emit(db)

    def _action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)  # every key the platform has for it; the menu
            # shows its first (Redo: Ctrl+Shift+Z on Linux and macOS, Ctrl+Y on Windows)
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _make_actions(self) -> None:
        keys = QKeySequence.StandardKey
        self.act_new_db = self._action("&New database…", partial(files.ask_new_database, self))
        self.act_open = self._action("&Open…", partial(files.ask_database, self), keys.Open)
        self.act_open_demo = self._action("Open &demo database", partial(files.open_demo, self))
        self.act_quit = self._action("&Quit", self.close, keys.Quit)
        self.act_undo = self._action("&Undo", self._on_undo_triggered, keys.Undo)
        self.act_redo = self._action("&Redo", self._on_redo_triggered, keys.Redo)
        redo = self.act_redo.shortcuts()  # both common keys work everywhere (README)
        self.act_redo.setShortcuts(redo + [QKeySequence(k) for k in REDO_KEYS
                                           if QKeySequence(k) not in redo])  # fmt: skip
        self.act_find = self._action("&Find client", self.client_list.focus_search, keys.Find)
        self.act_settings = self._action(
            "&Settings…", self._on_settings_triggered, keys.Preferences
        )
        self.act_new_client = self._action("&New client…", self.client_actions.new, "Ctrl+N")
        self.act_edit_client = self._action("&Edit client…", self.client_actions.edit, "Ctrl+E")
        self.act_delete_client = self._action("&Delete client", self._on_delete_client_triggered)
        self.act_delete_client.setShortcut(QKeySequence(keys.Delete))
        self.act_delete_client.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.client_list.table.addAction(self.act_delete_client)
        self.act_log = self._action("&Log contact…", self.client_actions.log, "Ctrl+L")
        self.act_fact = self._action(
            "Add thing to &remember…", self.client_actions.add_fact, "Ctrl+R"
        )
        self.act_note = self._action("Add &note…", self.client_actions.add_note, "Ctrl+Shift+N")
        self.act_trash = self._action("&Trash…", self._on_trash_triggered, "Ctrl+Shift+T")
        self.act_letters = self._action("&Letters…", self._on_letters_triggered, keys.Print)
        self.act_shop = self._action("S&hop details for letters…", self._on_shop_triggered)
        self.act_surveys = self._action("Sur&veys…", self._on_surveys_triggered, "Ctrl+Shift+S")
        self.act_today = self._action("&Today", self.show_today, "Ctrl+T")
        self.act_purchase = self._action(
            "Record &purchase…", self.keeping.record_purchase, "Ctrl+B"
        )
        self.act_complaint = self._action(
            "Record co&mplaint…", self.keeping.complaint, "Ctrl+Shift+C"
        )
        self.act_reports = self._action("&Reports…", self.keeping.reports, "Ctrl+Shift+R")
        self.act_referrals = self._action("Re&ferrals…", self.keeping.referrals)

    def _connect(self) -> None:
        self.client_list.first_painted.connect(self._on_client_list_first_painted)
        self.client_list.current_changed.connect(self._on_client_list_current_changed)
        self.client_list.chosen.connect(self._on_client_list_chosen)
        self.client_list.table.doubleClicked.connect(self.client_actions.edit)
        self.undo_stack.changed.connect(self._update_actions)
        self.tasks.busy_changed.connect(self._on_tasks_busy_changed)

    # ------------------------------------------------------------------ Today

    @property
    def today(self) -> TodayView:
        self.page  # noqa: B018 (built with the page)
        assert self._today is not None
        return self._today

    def show_today(self) -> None:
        if self.right is None:
            self._build_page()
        assert self.right is not None
        self.right.setCurrentWidget(self.today)
        self.today.tree.setFocus()

    def show_client(self, client_id: str) -> None:
        """Select the client in the list (the whole list if a search hides them) and show
        their page."""
        self.client_list.show_client(client_id)
        assert self.right is not None
        self.right.setCurrentWidget(self.page)

    # ------------------------------------------------------------------ the database

    def open_database(self, path: Path, create: bool = False, make_demo: bool = False) -> None:
        """Open `path`: at once if it is ready to use (a few milliseconds, so the first paint
        already shows the clients); in the background if it must be made, backed up and
        upgraded first."""
        path = Path(path).absolute()
        if self.db is not None and self.db.path == path:
            return
        if unpacking.is_copy(path):  # decrypted into a database of its own, then opened
            self.unpacking.open_copy(path)
            return
        if is_current(path):
            try:
                db = Database.open(path)
            except CrmError as exc:
                self._on_database_failed(exc)
            else:
                self._on_database_ready(db)
            return

        def work() -> Database:
            if make_demo and not path.exists():
                from crmdesk.services import demo

                demo.create_demo(path)
            return Database.open(path, create=create)

        self.statusBar().showMessage(f"Opening {path}…")
        self.tasks.run(work, self._on_database_ready, self._on_database_failed)

    def _on_database_ready(self, db: Database) -> None:
        if self._closing:  # the window closed while the file was opening
            db.close()
            return
        self.state.open(db)  # (the file open before is closed; the views show this one)
        self.file_label.setText(str(db.path))
        self.setWindowTitle(f"{db.path.name} — crmdesk")
        if self._page is not None:  # (at start-up: once the list is on screen)
            files.remember_open_file(self)
        note = ""
        if db.report.created:
            note = "Created a new, empty database."
        elif db.report.migrated_from is not None:
            note = f"Upgraded the database; the old version is kept in {db.report.backup}."
        if db.report.erased_again:
            note = (
                f"{count(db.report.erased_again, 'person')} erased earlier "
                f"{'was' if db.report.erased_again == 1 else 'were'} still in this file "
                "(an older copy): erased again."
            )
        self.statusBar().showMessage(note or f"Opened {db.path.name}", 8000)
        self._update_actions()
        if self._page is None and self.isVisible():
            self._opened_before_page = db  # announced once the page is built
        else:
            self.database_opened.emit(db)

    def _on_database_failed(self, error: Exception) -> None:
        if not isinstance(error, CrmError):
            raise error
        self.statusBar().clearMessage()
        self.open_failed.emit(str(error))
        show_problem(self, "Cannot open this file", error)

    def need_db(self) -> Database:
        assert self.db is not None
        return self.db

    # ------------------------------------------------------------------ changes and undo

    def apply_changes(self, changes: Changes) -> None:
        """A write was made here: every view refreshes what it touched, Undo offers it."""
        self.state.apply(changes, self)

    def _on_state_changed(self, changes: Changes, initiator: object) -> None:
        self._update_actions()
        # Undo and redo say what they did themselves; a change with no undo step (the shop's
        # details) must not point at Ctrl+Z, which would undo the step before it.
        if initiator is not self.state:
            hint = " — Ctrl+Z to undo" if changes.undo is not None else ""
            self.statusBar().showMessage(f"{elide(changes.label, self)}{hint}", 6000)

    def _on_undo_triggered(self) -> None:
        self._step(self.state.undo, "Undone")

    def _on_redo_triggered(self) -> None:
        self._step(self.state.redo, "Redone")

    def _step(self, step: Callable[[], tuple[UndoStep, Changes] | None], verb: str) -> None:
        try:
            done = step()
        except CrmError as exc:
            QMessageBox.warning(self, "Cannot undo", str(exc))
            return
        if done is not None:
            self.statusBar().showMessage(f"{verb}: {done[0].label}", 6000)

    # ------------------------------------------------------------------ selection

    def _on_client_list_current_changed(self, client_id: str | None, by_user: bool) -> None:
        if self._page is not None:  # (else the page shows the current row when it is built)
            self._page.show_client(self.db, client_id)
            if self.right is not None and by_user:  # the user chose a client
                self.right.setCurrentWidget(self._page)
        self._update_actions()

    def _on_client_list_chosen(self) -> None:
        if self.right is not None:  # (also the row already current: back from Today)
            self.right.setCurrentWidget(self.page)

    # ------------------------------------------------------------------ actions

    def run_dialog(self, dialog: QDialog) -> Changes | None:
        """Show a modal dialog; every write it reports (its `changed` signal, the one way
        a dialog says what it wrote) reaches Undo and every view as it is made. Returns the
        last of them (None if it wrote nothing). The dialog is freed."""
        written: list[Changes] = []
        use_runner = getattr(dialog, "use_runner", None)  # a form: its save is written on
        if use_runner is not None:  # the write lane, never on the GUI thread
            use_runner(self.state.runner)
        changed = getattr(dialog, "changed", None)
        if changed is not None:
            changed.connect(written.append)
            changed.connect(self.apply_changes)
        try:
            dialog.exec()
            return written[-1] if written else None
        finally:
            dialog.deleteLater()

    def apply_dialog(self, dialog: QDialog) -> bool:
        """run_dialog: True if the dialog wrote something."""
        return self.run_dialog(dialog) is not None

    def selected_ids(self) -> list[str]:
        """The clients selected in the list, in list order (else the one on screen)."""
        ids = self.client_list.selected_ids()
        if not ids and self._page is not None and self._page.record is not None:
            ids = [self._page.record.id]
        return ids

    def _on_delete_client_triggered(self) -> None:
        if self.db is None or self.page.record is None:
            return
        from crmdesk.services import clients

        ids = self.selected_ids()
        if len(ids) > 1:  # several rows: ask once, for all of them
            answer = QMessageBox.question(
                self,
                "Delete clients",
                f"Move {count(len(ids), 'client')} to the Trash? Ctrl+Z brings them back.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        changes = clients.delete_clients(self.db, ids)
        self.state.apply(changes, self)  # (the list then shows the row after them)
        said = f"{elide(changes.label, self)} — moved to the Trash. Ctrl+Z to undo."
        self.statusBar().showMessage(said, 8000)

    def _on_trash_triggered(self) -> None:
        if self.db is not None:
            self.run_dialog(dialogs.TrashDialog(self.db, parent=self))

    def _on_letters_triggered(self) -> None:
        if self.db is not None:
            self.paperwork.letters_dialog().exec()

    def _on_surveys_triggered(self) -> None:
        if self.db is not None:
            self.paperwork.surveys_dialog().exec()

    def _on_shop_triggered(self) -> None:
        if self.db is not None:
            self.run_dialog(dialogs.ShopDialog(self.db, parent=self))

    def _on_settings_triggered(self) -> None:
        if self.db is not None:  # (the list sorts again if the alphabet changed)
            self.run_dialog(dialogs.SettingsDialog(self.db, parent=self))

    def _on_tasks_busy_changed(self, busy: bool) -> None:
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)
        self._update_actions()

    def _update_actions(self) -> None:
        has_db = self.db is not None and not self.tasks.busy
        has_client = has_db and self._page is not None and self._page.record is not None
        for action in (
            *self.carrying.db_actions,
            self.act_new_client,
            self.act_today,
            self.act_find,
            self.act_trash,
            self.act_settings,
            self.act_letters,
            self.act_shop,
            self.act_surveys,
            self.act_reports,
            self.act_referrals,
        ):
            action.setEnabled(has_db)
        for action in (
            self.act_edit_client,
            self.act_delete_client,
            self.act_fact,
            self.act_note,
            self.act_purchase,
            self.act_complaint,
            self.carrying.act_erase,
        ):
            action.setEnabled(has_client)
        self.act_log.setEnabled(has_db and (has_client or self._today is not None))
        undo, redo = self.undo_stack.peek_undo(), self.undo_stack.peek_redo()
        self.act_undo.setEnabled(has_db and undo is not None)
        # a step's label names a client: cut, so a long name cannot widen menus and buttons
        self.act_undo.setText(f"&Undo {no_mnemonic(elide(undo.label, self))}" if undo else "&Undo")
        self.act_undo.setToolTip(f"Undo {undo.label}" if undo else "Undo")
        self.act_redo.setEnabled(has_db and redo is not None)
        self.act_redo.setText(f"&Redo {no_mnemonic(elide(redo.label, self))}" if redo else "&Redo")
        self.act_redo.setToolTip(f"Redo {redo.label}" if redo else "Redo")

    @property
    def db(self) -> Database | None:
        return self.state.db

    @property
    def tasks(self) -> TaskManager:
        """The app's write lane: opening, merging, restoring (the window waits for them)."""
        return self.state.runner.writes

    @property
    def undo_stack(self) -> UndoStack:
        return self.state.undo_stack

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing = True
        self.state.runner.wait()
        QCoreApplication.sendPostedEvents()  # deliver a finished open, so it is closed below
        self.state.close()
        super().closeEvent(event)
