"""File ▸ Export… in the real window: a dialog, the file written in the background."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import vobject
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crmdesk.gui.dialogs.export_dialog import ExportDialog
from crmdesk.gui.main_window import MainWindow
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import birthdays, clients, exporting
from crmdesk.services.exporting import ExportFormat
from tests.gui.conftest import answer_dialog

SHOTS = os.environ.get("CRMDESK_SHOTS", "")


def _menu_action(window: MainWindow, menu: str, text: str) -> object:
    [file_menu] = [a.menu() for a in window.menuBar().actions() if a.text() == menu]
    [found] = [a for a in file_menu.actions() if a.text() == text]  # type: ignore[union-attr]
    return found


def test_file_export_writes_a_csv_of_all_clients(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path
) -> None:
    window = demo_window
    db = window.db
    assert db is not None
    action = _menu_action(window, "&File", "&Export…")
    assert action is window.exporting.act_export
    out = tmp_path / "clients.csv"
    seen: list[str] = []

    def fill(d: ExportDialog) -> None:
        assert d.chosen_format() is ExportFormat.CSV and d.columns.isVisible()
        qtbot.waitUntil(lambda: d.count.text().endswith("clients"))
        seen.append(d.count.text())
        d.buttons.accepted.emit()  # no file named: said at the field, nothing written
        assert "Type the name of the file" in d.problem.text() and d.problem.isVisible()
        # untick the Tags column, tick Notes
        for row in range(d.columns_model.rowCount()):
            item = d.columns_model.item(row)
            key = item.data(Qt.ItemDataRole.UserRole)
            if key == "tags":
                item.setCheckState(Qt.CheckState.Unchecked)
            if key == "notes":
                item.setCheckState(Qt.CheckState.Checked)
        d.file.setText(str(out))
        if SHOTS:
            d.grab().save(str(Path(SHOTS) / "export.png"))
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not d.saving, timeout=20000)

    answer_dialog(qtbot, ExportDialog, fill, action.trigger)  # type: ignore[attr-defined]
    everyone = exporting.choose_clients(db)
    assert seen == [f"{len(everyone)} clients"]
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(everyone)
    assert "Tags" not in rows[0] and "Notes" in rows[0] and "Birthday" in rows[0]
    first = clients.get_client(db, everyone[0])
    assert (rows[0]["Given name"], rows[0]["Family name"]) == (first.given_name, first.family_name)
    assert f"Wrote {len(everyone)} clients to {out}" in window.statusBar().currentMessage()


def test_file_export_writes_the_selected_clients_as_vcards(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path
) -> None:
    window = demo_window
    db = window.db
    assert db is not None
    table = window.client_list.table
    picks = table.selectionModel()
    for row in (0, 1):
        picks.select(
            table.model().index(row, 0), picks.SelectionFlag.Select | picks.SelectionFlag.Rows
        )
    chosen = window.selected_ids()
    assert len(chosen) == 2
    birthdays.set_birthday(db, chosen[0], PartialDate(4, 15))
    out = tmp_path / "two.vcf"

    def fill(d: ExportDialog) -> None:
        d.file.setText(str(tmp_path / "two.csv"))
        d.format.setCurrentIndex(d.format.findData(ExportFormat.VCARD))
        assert d.file.text() == str(out)  # the extension follows the format
        assert not d.columns.isVisible() and d.version.isEnabled()
        d.version.setCurrentIndex(d.version.findData("3.0"))
        d.who.setCurrentIndex(d.who.findText("the 2 clients selected in the list"))
        qtbot.waitUntil(lambda: d.count.text() == "2 clients")
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not d.saving, timeout=20000)

    answer_dialog(qtbot, ExportDialog, fill, window.exporting.act_export.trigger)
    cards = list(vobject.readComponents(out.read_text(encoding="utf-8")))
    names = {clients.get_client(db, cid).display_name for cid in chosen}
    assert {c.fn.value for c in cards} == names
    [yearless] = [c for c in cards if c.fn.value == clients.get_client(db, chosen[0]).display_name]
    assert yearless.bday.value == "1604-04-15"
    assert yearless.bday.params["X-APPLE-OMIT-YEAR"] == ["1604"]
