"""Client ▸ Export personal data…: the PDF and JSON of the client on screen, written off the
GUI thread into the folder chosen, and the window says where they went."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from crmdesk.services import notes, retention
from tests.gui.conftest import open_window
from tests.sync_helpers import add_client, machine


def _client_menu_texts(window: object) -> list[str]:
    bar = window.menuBar()  # type: ignore[attr-defined]
    [menu] = [a.menu() for a in bar.actions() if a.text() == "&Client"]
    return [a.text() for a in menu.actions()]


def test_export_personal_data_from_the_client_menu(
    qtbot: QtBot, db_path: Path, tmp_path: Path, monkeypatch
) -> None:
    with machine(db_path, "A") as a:
        cid = add_client(a, given_name="Σοφία", family_name="Παπαδοπούλου", city="Αθήνα")
        notes.add_note(a, cid, "Αγαπά τις παιώνιες")
        retention.record_purchase(a, cid, "12.50", "Peonies", confirmed=True)
        other = add_client(a, given_name="Margaret", family_name="Webber")
        notes.add_note(a, other, "Margaret's private note")
    out = tmp_path / "for Σοφία"
    out.mkdir()
    asked: list[str] = []

    def choose(_parent: object, title: str, _start: str = "") -> str:
        asked.append(title)
        return str(out)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", choose)
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    window = open_window(qtbot, db_path)
    actions = window.client_actions
    assert "E&xport personal data…" in _client_menu_texts(window)
    window.show_client(cid)
    qtbot.waitUntil(actions.act_export_personal.isEnabled)
    actions.act_export_personal.trigger()
    qtbot.waitUntil(lambda: actions.export_box is not None, timeout=30000)
    assert asked == ["Export the personal data of Σοφία Παπαδοπούλου: choose a folder"]
    pdf, data_file = sorted(out.iterdir())[::-1]  # (.pdf after .json)
    assert pdf.suffix == ".pdf" and data_file.suffix == ".json"
    data = json.loads(data_file.read_text(encoding="utf-8"))
    assert data["client_id"] == cid
    assert [n["text"] for n in data["notes"]] == ["Αγαπά τις παιώνιες"]
    assert "Margaret" not in data_file.read_text(encoding="utf-8")
    box = actions.export_box
    assert box is not None and box.isVisible()
    assert str(out) in box.text()
    assert pdf.name in box.informativeText() and data_file.name in box.informativeText()
    assert str(out) in window.statusBar().currentMessage()
    [show] = [b for b in box.buttons() if b.text() == "Open folder"]
    show.click()
    assert opened == [str(out)]
    window.close()


def test_a_folder_that_cannot_be_written_is_said_and_nothing_is_left(
    qtbot: QtBot, db_path: Path, tmp_path: Path, monkeypatch
) -> None:
    with machine(db_path, "A") as a:
        cid = add_client(a, given_name="Anna", family_name="Webber")
    gone = tmp_path / "gone"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(gone))
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text, *a, **k: said.append(text))
    window = open_window(qtbot, db_path)
    window.show_client(cid)
    qtbot.waitUntil(window.client_actions.act_export_personal.isEnabled)
    window.client_actions.act_export_personal.trigger()
    qtbot.waitUntil(lambda: bool(said), timeout=30000)
    assert f"{gone}: does not exist" in said[0]
    assert window.client_actions.export_box is None
    window.close()
