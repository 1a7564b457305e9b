"""The main window: the client list and search on the left; on the right, Today (what to do,
shown first) and the chosen client's page. It lays the views out and opens files; its
controllers and the menus built from their actions come just after the list's first paint
(gui.window_controllers). The views follow the app's state themselves, and the controllers
know of the window only what `OnScreen` says (gui.controller)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QWidget

from crmdesk import collector
from crmdesk.errors import CrmError
from crmdesk.gui import dialogs
from crmdesk.gui.app_state import AppState
from crmdesk.gui.client_list_model import ID_ROLE
from crmdesk.gui.client_list_view import ClientListView
from crmdesk.gui.widgets import resize_within_screen
from crmdesk.services import unpacking
from crmdesk.store.database import Database, is_current
from crmdesk.wording import count

if TYPE_CHECKING:
    from PySide6.QtWidgets import QTabWidget

    from crmdesk.gui.carrying import Carrying
    from crmdesk.gui.client_actions import ClientActions
    from crmdesk.gui.client_page import ClientPage
    from crmdesk.gui.client_tabs import Tab
    from crmdesk.gui.duplicates import Duplicates
    from crmdesk.gui.exporting import Exporting
    from crmdesk.gui.files import Files
    from crmdesk.gui.importing import Importing
    from crmdesk.gui.keeping import Keeping
    from crmdesk.gui.letters_dialog import Selection
    from crmdesk.gui.paperwork import Paperwork
    from crmdesk.gui.taskman import TaskManager
    from crmdesk.gui.today_view import TodayView
    from crmdesk.gui.undo_stack import UndoStack
    from crmdesk.gui.undoing import Undoing
    from crmdesk.gui.unpacking import Unpacking
    from crmdesk.gui.window_controllers import WindowControllers
    from crmdesk.services.clients import ClientRecord
    from crmdesk.services.today import TodayRow

# What the first paint does not need (the client page, most services) is imported when the
# page is built, right after the list is on screen: start-up is budgeted (benchmark B1).


def _ready_dates_and_amounts() -> None:
    """For the page (on a worker: importing them here held up the list's first paint)."""
    from crmdesk.services import settings

    settings.warm_up()


def _import_the_views() -> None:
    """On a worker, after the list's first paint: what the controllers, the page and Today
    are made of (the GUI thread then only makes them)."""
    import crmdesk.gui.client_page
    import crmdesk.gui.delegates  # (the first search's bold matches: 50 ms of Qt's enums)
    import crmdesk.gui.today_view
    import crmdesk.gui.window_controllers  # noqa: F401


COLLECT_EVERY_MS = 250  # how often the window runs what cycle collection is due


class MainWindow(QMainWindow):
    database_opened = Signal(object)  # Database, once the list and the page show it
    open_failed = Signal(str)
    list_painted = Signal()  # once, after the list's first paint, before the page is built
    shown_changed = Signal()  # another client on screen, or other rows selected

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("crmdesk")
        self._closing = False
        # the cycle collector runs here, on the GUI thread, never on a worker (see collector)
        collector.collect_only_when_asked()
        self._collecting = QTimer(self)
        self._collecting.timeout.connect(collector.collect_due)
        self._collecting.start(COLLECT_EVERY_MS)
        state = self.state = AppState(self)

        self.client_list = ClientListView(state, self)
        self._page: ClientPage | None = None  # built after the list's first paint
        self._today: TodayView | None = None  # (with it)
        self.right: QTabWidget | None = None
        self._opened_before_page: Database | None = None
        self._controllers: WindowControllers | None = None  # (made after the first paint)
        self._welcome: QWidget | None = None  # the first run's page, in the list's place
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

        self.client_list.first_painted.connect(self._on_client_list_first_painted)
        self.client_list.current_changed.connect(self._on_client_list_current_changed)
        self.client_list.chosen.connect(self._on_client_list_chosen)
        # (this machine's alphabet may differ from the one the file was sorted in)
        self.database_opened.connect(self.client_list.keep_sort_order)
        state.runner.writes.busy_changed.connect(self._on_tasks_busy_changed)
        self.setAcceptDrops(True)  # contact files dropped on the window are imported
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

    # ------------------------------------------------------------------ the controllers

    @property
    def controllers(self) -> WindowControllers:
        """The controllers and the menus: made after the list's first paint, or on first use."""
        if self._controllers is None:
            from crmdesk.gui.window_controllers import WindowControllers

            self._controllers = WindowControllers(self, self)
        return self._controllers

    @property
    def files(self) -> Files:
        return self.controllers.files

    @property
    def undoing(self) -> Undoing:
        return self.controllers.undoing

    @property
    def client_actions(self) -> ClientActions:
        return self.controllers.client_actions

    @property
    def paperwork(self) -> Paperwork:
        return self.controllers.paperwork

    @property
    def keeping(self) -> Keeping:
        return self.controllers.keeping

    @property
    def carrying(self) -> Carrying:
        return self.controllers.carrying

    @property
    def unpacking(self) -> Unpacking:
        return self.controllers.unpacking

    @property
    def exporting(self) -> Exporting:
        return self.controllers.exporting

    @property
    def duplicates(self) -> Duplicates:
        return self.controllers.duplicates

    @property
    def importing(self) -> Importing:
        return self.controllers.importing

    def quiet(self) -> bool:
        """No view is working something out in the background (Today, after opening)."""
        return not (self._today is not None and self._today.updating)

    def _on_client_list_first_painted(self) -> None:
        # once the list is on screen (started now, a worker would share the interpreter
        # with the paint's hundreds of calls into the list's model)
        QTimer.singleShot(0, self._start_after_first_paint)

    def _start_after_first_paint(self) -> None:
        """The modules of the controllers, the page and Today are imported on a worker
        (about 40 ms: on the GUI thread, the window could not answer meanwhile); then the
        controllers are made, and the page after them, each in a turn of its own."""
        self._warm_up_dates_and_amounts()
        self.state.runner.reads.run(_import_the_views, lambda _none: self._make_controllers())

    def _make_controllers(self) -> None:
        if not self._closing:
            self.controllers  # noqa: B018 (made on first use)
            QTimer.singleShot(0, self._build_page)

    def _warm_up_dates_and_amounts(self) -> None:
        self.state.runner.reads.run(_ready_dates_and_amounts, lambda _none: None)

    def _build_page(self) -> None:
        if self._page is not None or self._closing:
            return
        self.list_painted.emit()  # (or the page is wanted before: then too, and once)
        controllers = self.controllers
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
        controllers.client_actions.connect_page(page)
        controllers.keeping.connect_page(page)
        today.log_requested.connect(controllers.client_actions.log_row)
        today.open_requested.connect(lambda row: self.show_client(row.client_id))
        today.letter_requested.connect(
            lambda row: controllers.paperwork.letter(row.client_id, row.name, row.letter)
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

    # ------------------------------------------------------------------ the first run

    def show_welcome(self) -> None:
        """No database yet: the welcome page (gui.welcome) takes the list's place until a
        file is opened (the shop started there, the demo, a copy)."""
        if self._welcome is not None:
            return
        page = self._welcome = self.controllers.welcome.make_page(self)
        self.takeCentralWidget()  # (the splitter is kept, hidden, for the file to come)
        self.setCentralWidget(page)
        self._show_toolbars(False)  # (their actions need a file)
        self.setWindowTitle("Welcome — crmdesk")
        page.setFocus()
        page.name.setFocus()
        QTimer.singleShot(0, collector.settled)  # (nothing is loading for a file)

    def welcome_shown(self) -> bool:
        return self._welcome is not None

    def _put_back_the_list(self) -> None:
        page, self._welcome = self._welcome, None
        if page is None:
            return
        self.takeCentralWidget()
        page.deleteLater()
        self.setCentralWidget(self._splitter)
        self._show_toolbars(True)

    def _show_toolbars(self, shown: bool) -> None:
        from PySide6.QtWidgets import QToolBar

        for bar in self.findChildren(QToolBar):
            bar.setVisible(shown)

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
        self._put_back_the_list()
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
            self.controllers  # noqa: B018 (they follow database_opened)
            self.database_opened.emit(db)

    def offer_file(self, path: Path) -> None:
        """A file opened from the desktop while a database opens: once it is open, offer to
        merge `path` into it (a copy carried from another machine) or to open `path` on its
        own. The open database itself is just shown."""
        path = Path(path).absolute()

        def forget(*_args: object) -> None:  # asked once, for this opening only
            self.database_opened.disconnect(ask)
            self.open_failed.disconnect(failed)

        def failed(_why: str) -> None:  # the last database did not open: open the file itself
            forget()
            self.open_database(path)

        def ask(db: Database) -> None:
            forget()
            if db.path == path:
                return
            from PySide6.QtWidgets import QMessageBox

            box = QMessageBox(
                QMessageBox.Icon.Question,
                "Open or merge",
                f"What should crmdesk do with {path.name}?",
                parent=self,
            )
            box.setInformativeText(
                f"If it is a copy of {db.path.name} brought from another machine, merge it: "
                "what was changed there is added here, and nothing here is lost. If it is "
                "another shop's database, open it on its own."
            )
            merge = box.addButton(f"&Merge into {db.path.name}", QMessageBox.ButtonRole.AcceptRole)
            own = box.addButton("&Open on its own", QMessageBox.ButtonRole.ActionRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            box.setDefaultButton(merge)

            def chosen() -> None:
                clicked = box.clickedButton()
                box.deleteLater()
                if clicked is merge:
                    self.carrying.merge_from(path)
                elif clicked is own:
                    self.open_database(path)

            box.finished.connect(chosen)
            box.open()

        self.database_opened.connect(ask)
        self.open_failed.connect(failed)

    def _on_database_failed(self, error: Exception) -> None:
        if not isinstance(error, CrmError):
            raise error
        self.say("")
        self.open_failed.emit(str(error))
        from crmdesk.gui.problems import show_problem  # (QMessageBox: not before the list shows)

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

    def open_settings(self) -> None:
        if self.db is not None:  # (the list sorts again if the alphabet changed)
            self.state.run_dialog(dialogs.SettingsDialog(self.db, parent=self))

    def _on_tasks_busy_changed(self, busy: bool) -> None:
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        from crmdesk.gui.importing import dropped_files

        if self.importing.act_import.isEnabled() and dropped_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Contact files dropped on the window are imported (File ▸ Import clients…)."""
        from crmdesk.gui.importing import dropped_files

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
