"""Guards against a broken Qt binding: PySide6 6.12.0 (with Python 3.11) dropped a reference
to None every time a Python model's data() returned None, so the client list aborted the
app ("deallocating None") after some scrolling. Found by benchmark B7."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QTableView
from pytestqt.qtbot import QtBot

from crmdesk.gui.client_list_model import ClientListModel
from crmdesk.store.database import Database


def test_scrolling_the_list_keeps_none_alive(qtbot: QtBot, demo_db: Database) -> None:
    model = ClientListModel()
    model.set_database(demo_db)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, 300)
    view.show()
    qtbot.waitExposed(view)
    before = sys.getrefcount(None)
    for _ in range(40):  # thousands of data() calls, most of them answered with None
        for row in (0, model.rowCount() - 1):
            view.scrollTo(model.index(row, 0))
            view.viewport().repaint()
    assert sys.getrefcount(None) >= before - 50
