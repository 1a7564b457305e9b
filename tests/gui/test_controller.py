"""A controller of the window works with the app's state, a widget and a stand-in for what is
on screen: it needs no window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from crmdesk.gui.app_state import AppState
from crmdesk.gui.client_actions import ClientActions
from crmdesk.gui.client_tabs import Tab
from crmdesk.gui.letters_dialog import Selection
from crmdesk.services import clients
from crmdesk.services.clients import ClientForm, ClientRecord
from crmdesk.store.database import Database


class Screen(QObject):
    """What a window would show: one client, chosen by the test."""

    shown_changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.record: ClientRecord | None = None
        self.said: list[str] = []

    def client(self) -> ClientRecord | None:
        return self.record

    def selected_ids(self) -> list[str]:
        return [self.record.id] if self.record else []

    def selection(self) -> Selection:
        return Selection()

    def today_row(self) -> None:
        return None

    def pages_built(self) -> bool:
        return True

    def show_client(self, client_id: str) -> None:
        raise AssertionError("not asked for here")

    def show_tab(self, tab: Tab) -> None:
        raise AssertionError("not asked for here")

    def say(self, text: str, ms: int = 0) -> None:
        self.said.append(text)


@pytest.fixture
def state() -> Iterator[AppState]:
    state = AppState()
    yield state
    state.close()


def _add(state: AppState, given: str, family: str) -> str:
    changes = clients.create_client(
        state.need_db(), ClientForm(given_name=given, family_name=family)
    )
    state.apply(changes)
    assert changes.created_id is not None
    return changes.created_id


def test_a_controller_acts_without_the_window(qtbot: QtBot, state: AppState, db_path: Path) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    screen = Screen()
    acts = ClientActions(state, widget, screen)
    assert not acts.act_new_client.isEnabled()  # no file yet
    state.open(Database.open(db_path))
    assert acts.act_new_client.isEnabled() and not acts.act_delete_client.isEnabled()

    cid = _add(state, "Ann", "Lee")
    screen.record = clients.get_client(state.need_db(), cid)
    screen.shown_changed.emit()
    assert acts.act_delete_client.isEnabled()  # a client on screen

    with qtbot.waitSignal(state.changed) as changed:
        acts.act_delete_client.trigger()
    assert changed.args[1] is acts  # (its initiator)
    assert clients.get_client(state.need_db(), cid).deleted_at is not None
    assert "moved to the Trash" in screen.said[-1]

    state.close()  # no file: nothing to act on
    assert not acts.act_new_client.isEnabled() and not acts.act_delete_client.isEnabled()
