"""The main window's controllers, its own few actions (Find, Today, Settings) and the menus
laid out from them.

They are made just after the client list's first paint (or on first use, if something needs
them before): a shop owner sees the clients first, and the menus a moment later. Importing
and making them before the first paint cost about a tenth of start-up (benchmark B1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from crmdesk.gui.carrying import Carrying
from crmdesk.gui.client_actions import ClientActions
from crmdesk.gui.controller import action
from crmdesk.gui.files import Files
from crmdesk.gui.help import Help
from crmdesk.gui.keeping import Keeping
from crmdesk.gui.menus import build_menus
from crmdesk.gui.paperwork import Paperwork
from crmdesk.gui.undoing import Undoing
from crmdesk.gui.unpacking import Unpacking
from crmdesk.gui.welcome import Welcome

if TYPE_CHECKING:
    from crmdesk.gui.main_window import MainWindow


class WindowControllers:
    def __init__(self, window: MainWindow) -> None:
        state = window.state
        # each controller gets the state, the widget it shows over (the window) and what it
        # may know of the screen (the window again, as OnScreen)
        self.files = Files(state, window, window, window.open_database)
        self.undoing = Undoing(state, window, window)
        self.client_actions = ClientActions(state, window, window)
        self.paperwork = Paperwork(state, window, window)
        self.keeping = Keeping(state, window, window, self.paperwork.letter)
        self.carrying = Carrying(state, window, window, window.open_database, window.quiet)
        self.unpacking = Unpacking(state, window, window, window.open_database)
        self.help = Help(state, window, window, window.menuBar)
        # File ▸ Import clients… (branch importer) is hooked to the welcome page here:
        self.import_clients: QAction | None = None
        self.welcome = Welcome(
            state, window, window, window.open_database, self.files.ask_database,
            self.files.open_demo, self.import_clients,
        )  # fmt: skip
        keys = QKeySequence.StandardKey
        self.act_find = action(window, "&Find client", window.client_list.focus_search, keys.Find)
        self.act_today = action(window, "&Today", window.show_today, "Ctrl+T")
        self.act_settings = action(window, "&Settings…", window.open_settings, keys.Preferences)
        build_menus(
            window,
            files=self.files,
            undoing=self.undoing,
            clients=self.client_actions,
            keeping=self.keeping,
            paperwork=self.paperwork,
            carrying=self.carrying,
            find=self.act_find,
            today=self.act_today,
            settings=self.act_settings,
            help=self.help,
        )
        window.client_list.table.addAction(self.client_actions.act_delete_client)  # (Delete)
        window.client_list.table.doubleClicked.connect(self.client_actions.edit)
        window.database_opened.connect(self.files.remember_open_file)
        window.database_opened.connect(self.carrying.on_database_opened)
        for signal in (state.opened, state.closing, state.runner.writes.busy_changed):
            signal.connect(self._update_actions)
        self._window = window
        self._update_actions()
        self.files.fill_recent_menu()

    def _update_actions(self, *_args: object) -> None:
        window = self._window
        has_db = window.db is not None and not window.tasks.busy
        for act in (self.act_find, self.act_today, self.act_settings):
            act.setEnabled(has_db)
