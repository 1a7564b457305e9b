"""The list sorts in the shop's alphabet: changing the country in Settings re-sorts it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox
from pytestqt.qtbot import QtBot

from crmdesk.gui.client_list_model import ROW_ROLE
from crmdesk.gui.dialogs.settings_dialog import SettingsDialog
from crmdesk.gui.main_window import MainWindow
from crmdesk.services import settings
from crmdesk.store.database import Database
from tests.gui.conftest import answer_dialog, open_window
from tests.sync_helpers import add_client


def shown(window: MainWindow) -> list[str]:
    model = window.client_list.model
    return [model.data(model.index(r, 0), ROW_ROLE).name for r in range(model.rowCount())]


def test_a_danish_shop_sees_ae_oe_aa_after_z(qtbot: QtBot, db_path: Path) -> None:
    with Database.open(db_path) as db:
        settings.set_phone_region(db, "GB")
        for family in ("Aagaard", "Ørsted", "Zahle", "Andersen"):
            add_client(db, given_name="Kim", family_name=family)
    window = open_window(qtbot, db_path)
    assert shown(window) == ["Aagaard, Kim", "Andersen, Kim", "Ørsted, Kim", "Zahle, Kim"]

    def to_denmark(d: SettingsDialog) -> None:
        country = d.fields[settings.COUNTRY.key]
        assert isinstance(country, QComboBox)
        country.setCurrentIndex(country.findText("Denmark (+45)"))
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    answer_dialog(qtbot, SettingsDialog, to_denmark, window.controllers.act_settings.trigger)
    qtbot.waitUntil(lambda: not window.tasks.busy)  # (sorted again in the background)
    assert shown(window) == ["Andersen, Kim", "Zahle, Kim", "Ørsted, Kim", "Aagaard, Kim"]
    window.close()


def test_a_file_sorted_elsewhere_is_sorted_for_this_shop_on_open(
    qtbot: QtBot, db_path: Path
) -> None:
    """A copy whose sort names were made in another alphabet (another machine's default)
    is sorted again in the background after it opens."""
    with Database.open(db_path) as db:
        settings.set_phone_region(db, "DK")
        for family in ("Aagaard", "Ørsted", "Zahle", "Andersen"):
            add_client(db, given_name="Kim", family_name=family)
        db.resort("en_GB")
    window = open_window(qtbot, db_path)
    qtbot.waitUntil(lambda: shown(window)[0] == "Andersen, Kim", timeout=10000)
    assert shown(window) == ["Andersen, Kim", "Zahle, Kim", "Ørsted, Kim", "Aagaard, Kim"]
    window.close()
