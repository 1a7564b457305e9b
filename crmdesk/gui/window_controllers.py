"""The main window's controllers, its own few actions (Find, Today, Settings) and the menus
laid out from them.

They are made just after the client list's first paint (or on first use, if something needs
them before): a shop owner sees the clients first, and the menus a moment later. Importing
and making them before the first paint cost about a tenth of start-up (benchmark B1)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from crmdesk.gui.carrying import Carrying
from crmdesk.gui.client_actions import ClientActions
from crmdesk.gui.controller import OnScreen, action
from crmdesk.gui.duplicates import Duplicates
from crmdesk.gui.exporting import Exporting
from crmdesk.gui.files import Files
from crmdesk.gui.help import Help
from crmdesk.gui.importing import Importing
from crmdesk.gui.keeping import Keeping
from crmdesk.gui.menus import build_menus
from crmdesk.gui.paperwork import Paperwork
from crmdesk.gui.undoing import Undoing
from crmdesk.gui.unpacking import Unpacking
from crmdesk.gui.welcome import Welcome

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from crmdesk.gui.app_state import AppState
    from crmdesk.gui.client_list_view import ClientListView
    from crmdesk.store.database import Database


class Shell(OnScreen, Protocol):
    """What the window gives the maker of its controllers, besides being their widget."""

    state: AppState
    client_list: ClientListView

    @property
    def database_opened(self) -> SignalInstance: ...

    @property
    def db(self) -> Database | None: ...

    def open_database(self, path: Path, create: bool = False, make_demo: bool = False) -> None: ...

    def quiet(self) -> bool:
        """No view is working something out in the background."""
        ...

    def show_today(self) -> None: ...

    def open_settings(self) -> None: ...


class WindowControllers:
    def __init__(self, window: QMainWindow, shell: Shell) -> None:
        """`window` and `shell` are the main window: the widget everything is shown over,
        and what the controllers may know of it."""
        state = shell.state
        # each controller gets the state, the widget it shows over and what it may know of
        # the screen (OnScreen)
        self.files = Files(state, window, shell, shell.open_database)
        self.undoing = Undoing(state, window, shell)
        self.client_actions = ClientActions(state, window, shell)
        self.paperwork = Paperwork(state, window, shell)
        self.keeping = Keeping(state, window, shell, self.paperwork.letter)
        self.carrying = Carrying(state, window, shell, shell.open_database, shell.quiet)
        self.unpacking = Unpacking(state, window, shell, shell.open_database)
        self.exporting = Exporting(state, window, shell)
        self.duplicates = Duplicates(state, window, shell)
        self.importing = Importing(state, window, shell)
        self.help = Help(state, window, shell, window.menuBar)
        # File ▸ Import clients…, offered on the welcome page too
        self.import_clients: QAction | None = self.importing.act_import
        self.welcome = Welcome(
            state, window, shell, shell.open_database, self.files.ask_database,
            self.files.open_demo, self.import_clients,
        )  # fmt: skip
        keys = QKeySequence.StandardKey
        self.act_find = action(window, "&Find client", shell.client_list.focus_search, keys.Find)
        self.act_today = action(window, "&Today", shell.show_today, "Ctrl+T")
        self.act_settings = action(window, "&Settings…", shell.open_settings, keys.Preferences)
        build_menus(
            window,
            files=self.files,
            undoing=self.undoing,
            clients=self.client_actions,
            keeping=self.keeping,
            paperwork=self.paperwork,
            carrying=self.carrying,
            exporting=self.exporting,
            duplicates=self.duplicates,
            importing=self.importing,
            find=self.act_find,
            today=self.act_today,
            settings=self.act_settings,
            help=self.help,
        )
        shell.client_list.table.addAction(self.client_actions.act_delete_client)  # (Delete)
        shell.client_list.table.doubleClicked.connect(self.client_actions.edit)
        shell.database_opened.connect(self.files.remember_open_file)
        shell.database_opened.connect(self.carrying.on_database_opened)
        for signal in (state.opened, state.closing, state.runner.writes.busy_changed):
            signal.connect(self._update_actions)
        self._state = state
        self._update_actions()
        self.files.fill_recent_menu()

    def _update_actions(self, *_args: object) -> None:
        has_db = self._state.db is not None and not self._state.runner.writes.busy
        for act in (self.act_find, self.act_today, self.act_settings):
            act.setEnabled(has_db)
