"""What a controller of the main window is given, and what they share.

A controller acts on one area of work (clients, keeping, paperwork, carrying, files, undo).
It gets the AppState, the widget its dialogs and messages are shown over, and `OnScreen`:
the little it needs to know of what the window shows (the client on screen, the selected
rows, Today's chosen row) and can ask it to show. It owns its QActions and enables them
itself, from the state and the choice on screen; the window lays them out in menus
(gui.menus) and never reaches into a controller, nor a controller into the window."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from crmdesk.gui.app_state import AppState
    from crmdesk.gui.client_tabs import Tab
    from crmdesk.gui.letters_dialog import Selection
    from crmdesk.services.clients import ClientRecord
    from crmdesk.services.today import TodayRow

Shortcut = QKeySequence | QKeySequence.StandardKey | str | None


class OnScreen(Protocol):
    """What the window shows, as far as its controllers need to know."""

    @property
    def shown_changed(self) -> SignalInstance:
        """The client on screen or the rows selected in the list changed."""
        ...

    def client(self) -> ClientRecord | None:
        """The client whose page is shown (None before the page is built)."""
        ...

    def selected_ids(self) -> list[str]:
        """The clients selected in the list, in list order (else the one on screen)."""
        ...

    def selection(self) -> Selection:
        """Who a letter or form could go to: the client on screen, the selected rows, the
        search result."""
        ...

    def today_row(self) -> TodayRow | None:
        """Today's chosen row, when Today is on screen."""
        ...

    def pages_built(self) -> bool:
        """The client page and Today are built (just after the list's first paint)."""
        ...

    def show_client(self, client_id: str) -> None: ...

    def show_tab(self, tab: Tab) -> None:
        """Turn the client page to `tab` (after adding something shown there)."""
        ...

    def say(self, text: str, ms: int = 0) -> None:
        """A word in the status bar ("" clears it)."""
        ...


def action(
    parent: QWidget, text: str, slot: Callable[[], object], shortcut: Shortcut = None
) -> QAction:
    """An action of `parent`'s (its shortcut works wherever the window has the focus)."""
    made = QAction(text, parent)
    if isinstance(shortcut, QKeySequence.StandardKey):
        made.setShortcuts(shortcut)  # every key the platform has for it; the menu
        # shows its first (Redo: Ctrl+Shift+Z on Linux and macOS, Ctrl+Y on Windows)
    elif shortcut is not None:
        made.setShortcut(QKeySequence(shortcut))
    made.triggered.connect(slot)
    parent.addAction(made)
    return made


class Controller(QObject):
    """The base of the window's controllers: `_update_actions` runs whenever what enables
    them may have changed (a file opened or closed, a change, the write lane busy or free,
    another client on screen)."""

    def __init__(self, state: AppState, widget: QWidget, screen: OnScreen) -> None:
        super().__init__(widget)
        self.state = state
        self.widget = widget  # dialogs and messages are shown over it
        self.screen = screen
        for signal in (
            state.opened,
            state.closing,
            state.changed,
            state.runner.writes.busy_changed,
            screen.shown_changed,
        ):
            signal.connect(self._on_state_or_screen_changed)

    def _action(self, text: str, slot: Callable[[], object], shortcut: Shortcut = None) -> QAction:
        return action(self.widget, text, slot, shortcut)

    def _on_state_or_screen_changed(self, *_args: object) -> None:
        self._update_actions()

    def _update_actions(self) -> None:
        """Enable the controller's actions for the state and the choice on screen."""

    def _has_db(self) -> bool:
        """A file is open and the app free to act on it (the write lane is not opening,
        merging or restoring)."""
        return self.state.db is not None and not self.state.runner.writes.busy

    def _has_client(self) -> bool:
        """…and a client is on screen."""
        return self._has_db() and self.screen.client() is not None
