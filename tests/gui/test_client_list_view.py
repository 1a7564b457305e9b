"""The client list follows the app's state by itself, with no window around it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from crmdesk.gui.app_state import AppState
from crmdesk.gui.client_list_model import NAME
from crmdesk.gui.client_list_view import ClientListView
from crmdesk.services import clients
from crmdesk.services.clients import ClientForm
from crmdesk.store.database import Database


@pytest.fixture
def state() -> Iterator[AppState]:
    state = AppState()
    yield state
    state.close()


def _add(state: AppState, given: str, family: str) -> None:
    form = ClientForm(given_name=given, family_name=family)
    state.apply(clients.create_client(state.need_db(), form))


def test_the_client_list_follows_changes_by_itself(
    qtbot: QtBot, state: AppState, db_path: Path
) -> None:
    view = ClientListView(state)
    qtbot.addWidget(view)
    state.open(Database.open(db_path))
    for given, family in [("Ann", "Ames"), ("Bea", "Bell"), ("Cy", "Cole")]:
        _add(state, given, family)
    model = view.model
    assert model.rowCount() == 3 and view.count_label.text() == "3 clients"
    assert model.index(view.table.currentIndex().row(), NAME).data() == "Cole, Cy"  # the new one

    view.table.setCurrentIndex(model.index(1, NAME))  # Bell
    bell = view.current_id()
    assert bell is not None
    state.apply(clients.delete_clients(state.need_db(), [bell]))
    assert [model.index(r, NAME).data() for r in range(model.rowCount())] == [
        "Ames, Ann",
        "Cole, Cy",
    ]
    assert model.index(view.table.currentIndex().row(), NAME).data() == "Cole, Cy"  # the next

    state.undo()
    assert model.rowCount() == 3
    assert model.index(view.table.currentIndex().row(), NAME).data() == "Cole, Cy"
