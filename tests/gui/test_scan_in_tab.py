"""Surveys ▸ Read scans: scans read in the background, the doubtful pages checked from the
keyboard, everything recorded as one step."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from crmdesk.gui.main_window import MainWindow
from crmdesk.gui.surveys_dialog import SurveysDialog
from crmdesk.store.database import Database
from tests.gui.conftest import open_window
from tests.letters_helpers import add_people, set_up_shop
from tests.scan_set.degrade import Scan
from tests.scan_set.forms import filled_form

SCAN = Scan(dpi=150, skew=1.0, noise=4)


def test_scans_are_read_checked_from_the_keyboard_and_recorded_as_one_step(
    qtbot: QtBot, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Database.open(db_path) as db:
        set_up_shop(db)
        ids = add_people(db)
        sure, _ = filled_form(db, tmp_path, [("cross", 9)], SCAN, client_id=ids[0])
        two, _ = filled_form(db, tmp_path, [("cross", 3), ("tick", 7)], SCAN, client_id=ids[1])
        cancelled, _ = filled_form(db, tmp_path, [("filled", 2), ("cross", 5)], SCAN)
        unread, code = filled_form(db, tmp_path, [("tick", 0)], SCAN, client_id=ids[2])
        skipped, _ = filled_form(db, tmp_path, [("cross", 1), ("cross", 4)], SCAN)
    image = Image.open(unread).convert("L")
    w, h = image.size  # white out the QR code (164–190 mm across, 22–48 mm down)
    ImageDraw.Draw(image).rectangle((w * 0.77, h * 0.07, w * 0.91, h * 0.17), fill=255)
    image.save(unread)
    window: MainWindow = open_window(qtbot, db_path)
    dialog = window.paperwork.surveys_dialog()
    assert isinstance(dialog, SurveysDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.scan_in)
    tab = dialog.scan_in
    files = [str(p) for p in (sure, two, cancelled, unread, skipped)]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: (files, ""))
    qtbot.mouseClick(tab.read_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(tab.answer.isVisible, timeout=60000)

    assert "Read 5 pages: 1 read surely, 4 to check." in tab.summary.text()
    assert "3 and 7 are both marked" in tab.why.text()
    [row] = tab.row_images  # the row it doubts: the score
    assert row.accessibleName() == "The score row as scanned" and not row.pixmap().isNull()
    qtbot.keyClicks(tab.answer, "7")
    qtbot.keyClick(tab.answer, Qt.Key.Key_Return)
    assert "2 filled in (cancelled?) and 5 marked" in tab.why.text()
    assert "Enter accepts 5" in tab.answer.placeholderText()
    qtbot.keyClick(tab.answer, Qt.Key.Key_Return)
    assert "QR code could not be read" in tab.why.text()
    assert tab.row_images == [] and tab.page_view.isVisible()  # shown whole: read its code
    qtbot.waitUntil(lambda: not tab.page_image.pixmap().isNull(), timeout=30000)
    qtbot.keyClick(tab.answer, Qt.Key.Key_Escape)  # no rows to go back to: the page stays
    assert dialog.isVisible() and tab.page_view.isVisible()
    qtbot.keyClicks(tab.answer, "S-2345678")  # never printed
    qtbot.keyClick(tab.answer, Qt.Key.Key_Return)
    qtbot.waitUntil(tab.answer_error.isVisible, timeout=30000)
    assert "No survey form has the code S-2345678" in tab.answer_error.text()
    tab.answer.clear()
    qtbot.keyClicks(tab.answer, code.lower())
    qtbot.keyClick(tab.answer, Qt.Key.Key_Return)  # read again as that form: sure
    qtbot.waitUntil(lambda: "1 and 4 are both marked" in tab.why.text(), timeout=30000)
    with qtbot.waitSignal(dialog.changed, timeout=30000) as recorded:
        qtbot.keyClick(tab.answer, Qt.Key.Key_S)  # skipped: left for later
    changes = recorded.args[0]
    assert changes.label == "Read 4 scanned survey forms" and changes.undo is not None
    assert "Recorded 4 answers" in tab.summary.text()
    db2 = window.db
    assert db2 is not None
    scores = sorted(r[0] for r in db2.query("SELECT score FROM survey_answers"))
    assert scores == [0, 5, 7, 9]
