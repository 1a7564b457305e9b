"""The main window: the client list and search on the left; on the right, Today (what to do,
shown first) and the chosen client's page. It lays the views out, opens files, and builds its
menus from the controllers' actions; the views follow the app's state themselves, and the
controllers know of the window only what `OnScreen` says (gui.controller)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QWidget

from crmdesk.errors import CrmError
from crmdesk.gui import dialogs
from crmdesk.gui.app_state import AppState
from crmdesk.gui.carrying import Carrying
from crmdesk.gui.client_actions import ClientActions
from crmdesk.gui.client_list_model import ID_ROLE
from crmdesk.gui.client_list_view import ClientListView
from crmdesk.gui.controller import action
from crmdesk.gui.files import Files
from crmdesk.gui.importing import Importing, dropped_files
from crmdesk.gui.keeping import Keeping
from crmdesk.gui.menus import build_menus
from crmdesk.gui.paperwork import Paperwork
from crmdesk.gui.problems import show_problem
from crmdesk.gui.undoing import Undoing
from crmdesk.gui.unpacking import Unpacking
from crmdesk.gui.widgets import resize_within_screen
from crmdesk.services import unpacking
from crmdesk.store.database import Database, is_current
from crmdesk.wording import count

if TYPE_CHECKING:
    from PySide6.QtWidgets import QTabWidget

    from crmdesk.gui.client_page import ClientPage
    from crmdesk.gui.client_tabs import Tab
    from crmdesk.gui.letters_dialog import Selection
    from crmdesk.gui.taskman import TaskManager
    from crmdesk.gui.today_view import TodayView
    from crmdesk.gui.undo_stack import UndoStack
    from crmdesk.services.clients import ClientRecord
    from crmdesk.services.today import TodayRow

# What the first paint does not need (the client page, most services) is imported when the
# page is built, right after the list is on screen: start-up is budgeted (benchmark B1).


def _ready_dates_and_amounts() -> None:
    """For the page (on a worker: importing them here held up the list's first paint)."""
    from crmdesk.services import settings

    settings.warm_up()


class MainWindow(QMainWindow):
    database_opened = Signal(object)  # Database, once the list and the page show it
    open_failed = Signal(str)
    list_painted = Signal()  # once, after the list's first paint, before the page is built
    shown_changed = Signal()  # another client on screen, or other rows selected

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("crmdesk")
        self._closing = False
        state = self.state = AppState(self)

        self.client_list = ClientListView(state, self)
        self._page: ClientPage | None = None  # built after the list's first paint
        self._today: TodayView | None = None  # (with it)
        self.right: QTabWidget | None = None
        self._opened_before_page: Database | None = None
        splitter = self._splitter = QSplitter(self)
        splitter.addWidget(self.client_list)
        splitter.addWidget(QWidget(self))  # the client page's place
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([620, 740])
        self.setCentralWidget(splitter)

        self.file_label = QLabel(self)
        self.file_label.setAccessibleName("Open database")
        self.statusBar().addPermanentWidget(self.client_list.count_label)
        self.statusBar().addPermanentWidget(self.file_label)

        # each controller gets the state, the widget it shows over (the window) and what it
        # may know of the screen (the window again, as OnScreen: the methods below)
        self.files = Files(state, self, self, self.open_database)
        self.undoing = Undoing(state, self, self)
        self.client_actions = ClientActions(state, self, self)
        self.paperwork = Paperwork(state, self, self)
        self.keeping = Keeping(state, self, self, self.paperwork.letter)
        self.carrying = Carrying(state, self, self, self.open_database, self._quiet)
        self.unpacking = Unpacking(state, self, self, self.open_database)
        self.importing = Importing(state, self, self)
        self.setAcceptDrops(True)  # contact files dropped on the window are imported
        keys = QKeySequence.StandardKey
        self.act_find = action(self, "&Find client", self.client_list.focus_search, keys.Find)
        self.act_today = action(self, "&Today", self.show_today, "Ctrl+T")
        self.act_settings = action(
            self, "&Settings…", self._on_settings_triggered, keys.Preferences
        )
        build_menus(
            self,
            files=self.files,
            undoing=self.undoing,
            clients=self.client_actions,
            keeping=self.keeping,
            paperwork=self.paperwork,
            carrying=self.carrying,
            importing=self.importing,
            find=self.act_find,
            today=self.act_today,
            settings=self.act_settings,
        )
        self.client_list.table.addAction(self.client_actions.act_delete_client)  # (its Delete key)

        self.client_list.first_painted.connect(self._on_client_list_first_painted)
        self.client_list.current_changed.connect(self._on_client_list_current_changed)
        self.client_list.chosen.connect(self._on_client_list_chosen)
        self.client_list.table.doubleClicked.connect(self.client_actions.edit)
        self.list_painted.connect(self.files.fill_recent_menu)
        self.database_opened.connect(self.files.remember_open_file)
        self.database_opened.connect(self.client_list.keep_sort_order)  # (this machine's
        self.database_opened.connect(self.carrying.on_database_opened)  # alphabet may differ)
        for signal in (state.opened, state.closing, state.runner.writes.busy_changed):
            signal.connect(self._update_actions)
        state.runner.writes.busy_changed.connect(self._on_tasks_busy_changed)
        self._update_actions()
        resize_within_screen(self, 1280, 780)

    # ------------------------------------------------------------------ the views

    @property
    def page(self) -> ClientPage:
        """The client page; built on first use if the list has not been painted yet."""
        if self._page is None:
            self._build_page()
        assert self._page is not None
        return self._page

    @property
    def today(self) -> TodayView:
        self.page  # noqa: B018 (built with the page)
        assert self._today is not None
        return self._today

    def _quiet(self) -> bool:
        """No view is working something out in the background (Today, after opening)."""
        return not (self._today is not None and self._today.updating)

    def _on_client_list_first_painted(self) -> None:
        # once the list is on screen (started now, a worker would share the interpreter
        # with the paint's hundreds of calls into the list's model)
        QTimer.singleShot(0, self._warm_up_dates_and_amounts)
        QTimer.singleShot(0, self._build_page)

    def _warm_up_dates_and_amounts(self) -> None:
        self.state.runner.reads.run(_ready_dates_and_amounts, lambda _none: None)

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
        self.keeping.connect_page(page)
        today.log_requested.connect(self.client_actions.log_row)
        today.open_requested.connect(lambda row: self.show_client(row.client_id))
        today.letter_requested.connect(
            lambda row: self.paperwork.letter(row.client_id, row.name, row.letter)
        )
        page.show_client(self.db, self.client_list.current_id())
        page.follow(self.state)
        today.follow(self.state)
        self.shown_changed.emit()
        db, self._opened_before_page = self._opened_before_page, None
        if db is not None and db is self.db:
            self.database_opened.emit(db)

    def _on_client_list_current_changed(self, client_id: str | None, by_user: bool) -> None:
        if self._page is not None:  # (else the page shows the current row when it is built)
            self._page.show_client(self.db, client_id)
            if self.right is not None and by_user:  # the user chose a client
                self.right.setCurrentWidget(self._page)
        self.shown_changed.emit()

    def _on_client_list_chosen(self) -> None:
        if self.right is not None:  # (also the row already current: back from Today)
            self.right.setCurrentWidget(self.page)

    # ------------------------------------------------------------------ OnScreen (controllers)

    def client(self) -> ClientRecord | None:
        return self._page.record if self._page is not None else None

    def selected_ids(self) -> list[str]:
        ids = self.client_list.selected_ids()
        record = self.client()
        return ids or ([record.id] if record is not None else [])

    def selection(self) -> Selection:
        from crmdesk.gui.letters_dialog import Selection

        record = self.page.record
        search_text, found = self.client_list.found()
        return Selection(
            current=(record.id, record.display_name) if record else None,
            selected=tuple(i.data(ID_ROLE) for i in self.client_list.selected_rows()),
            search_text=search_text,
            found=found,
        )

    def today_row(self) -> TodayRow | None:
        if self.right is None or self.right.currentWidget() is not self._today:
            return None
        return self.today.current_row()

    def pages_built(self) -> bool:
        return self._page is not None

    def show_client(self, client_id: str) -> None:
        """Select the client in the list (the whole list if a search hides them) and show
        their page."""
        self.client_list.show_client(client_id)
        assert self.right is not None
        self.right.setCurrentWidget(self.page)

    def show_tab(self, tab: Tab) -> None:
        self.page.show_tab(tab)

    def show_today(self) -> None:
        if self.right is None:
            self._build_page()
        assert self.right is not None
        self.right.setCurrentWidget(self.today)
        self.today.tree.setFocus()

    def say(self, text: str, ms: int = 0) -> None:
        if text:
            self.statusBar().showMessage(text, ms)
        else:
            self.statusBar().clearMessage()

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

        self.say(f"Opening {path}…")
        self.tasks.run(work, self._on_database_ready, self._on_database_failed)

    def _on_database_ready(self, db: Database) -> None:
        if self._closing:  # the window closed while the file was opening
            db.close()
            return
        self.state.open(db)  # (the file open before is closed; the views show this one)
        self.file_label.setText(str(db.path))
        self.setWindowTitle(f"{db.path.name} — crmdesk")
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
        self.say(note or f"Opened {db.path.name}", 8000)
        if self._page is None and self.isVisible():
            self._opened_before_page = db  # announced once the page is built
        else:
            self.database_opened.emit(db)

    def _on_database_failed(self, error: Exception) -> None:
        if not isinstance(error, CrmError):
            raise error
        self.say("")
        self.open_failed.emit(str(error))
        show_problem(self, "Cannot open this file", error)

    @property
    def db(self) -> Database | None:
        return self.state.db

    def need_db(self) -> Database:
        return self.state.need_db()

    @property
    def tasks(self) -> TaskManager:
        """The app's write lane: opening, merging, restoring (the window waits for them)."""
        return self.state.runner.writes

    @property
    def undo_stack(self) -> UndoStack:
        return self.state.undo_stack

    # ------------------------------------------------------------------ the window's own

    def _on_settings_triggered(self) -> None:
        if self.db is not None:  # (the list sorts again if the alphabet changed)
            self.state.run_dialog(dialogs.SettingsDialog(self.db, parent=self))

    def _on_tasks_busy_changed(self, busy: bool) -> None:
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def _update_actions(self, *_args: object) -> None:
        has_db = self.db is not None and not self.tasks.busy
        for act in (self.act_find, self.act_today, self.act_settings):
            act.setEnabled(has_db)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.importing.act_import.isEnabled() and dropped_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = dropped_files(event.mimeData())
        if files and self.importing.act_import.isEnabled():
            event.acceptProposedAction()
            # after the drop has finished (a modal preview inside it would hold the source)
            QTimer.singleShot(0, lambda: self.importing.import_files(files))

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closing = True
        self.state.runner.wait()
        QCoreApplication.sendPostedEvents()  # deliver a finished open, so it is closed below
        self.state.close()
        super().closeEvent(event)
