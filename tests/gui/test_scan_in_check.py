"""The check of scanned forms shows the row it doubts (a consent here, not the score) and
the whole page upright on P, Esc back; the handwriting kept with an answer is shown under
its history entry and in the survey results, full size on a click."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from crmdesk.gui.handwriting import FullSize
from crmdesk.gui.main_window import MainWindow
from crmdesk.gui.surveys_dialog import SurveysDialog
from crmdesk.services.scan_in.batch import read_files
from crmdesk.services.scan_in.recording import record_pages
from crmdesk.store.database import Database
from tests.gui.conftest import open_window
from tests.letters_helpers import add_people, set_up_shop
from tests.scan_set.degrade import Scan
from tests.scan_set.forms import filled_form


def _surveys(qtbot: QtBot, window: MainWindow) -> SurveysDialog:
    dialog = window.paperwork.surveys_dialog()
    assert isinstance(dialog, SurveysDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_check_shows_the_doubtful_consent_row_and_the_whole_page_on_p(
    qtbot: QtBot, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Database.open(db_path) as db:
        set_up_shop(db)
        [cid, *_] = add_people(db)
        # the score is sure; the "may we contact you" box is filled in: cancelled, or yes?
        scan = Scan(dpi=200, skew=1.5, turn=270, noise=4)
        path, _ = filled_form(db, tmp_path, [("tick", 6), ("filled", "contact")], scan,
                              client_id=cid)  # fmt: skip
    window = open_window(qtbot, db_path)
    dialog = _surveys(qtbot, window)
    dialog.tabs.setCurrentWidget(dialog.scan_in)
    tab = dialog.scan_in
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(path)], ""))
    qtbot.mouseClick(tab.read_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(tab.answer.isVisible, timeout=60000)

    assert "The “may we contact you” box is filled in" in tab.why.text()
    [row] = tab.row_images  # the consents, not the score row
    assert row.accessibleName() == "The consents row as scanned"
    consents = row.pixmap()
    assert consents.width() > 4 * consents.height()  # a row, upright though scanned sideways
    assert tab.rows.isVisible() and not tab.page_view.isVisible()

    dialog.activateWindow()  # (offscreen, closing the reading's progress leaves no window
    qtbot.waitUntil(dialog.isActiveWindow)  # active; a desktop gives the dialog back)
    qtbot.keyClick(tab.answer, Qt.Key.Key_P)  # the whole page, read again on a worker
    qtbot.waitUntil(lambda: not tab.page_image.pixmap().isNull(), timeout=30000)
    page = tab.page_image.pixmap()
    assert tab.page_view.isVisible() and not tab.rows.isVisible()
    assert abs(page.width() - 661) <= 1 and abs(page.height() - 935) <= 1  # A4 upright
    assert tab.answer.text() == "" and tab.answer.hasFocus()
    qtbot.keyClick(tab.answer, Qt.Key.Key_Escape)  # back to the rows; the window stays
    assert tab.rows.isVisible() and not tab.page_view.isVisible() and dialog.isVisible()

    with qtbot.waitSignal(dialog.changed, timeout=30000):
        qtbot.keyClick(tab.answer, Qt.Key.Key_Return)  # the 6 proposed, accepted
    assert "Recorded 1 answer" in tab.summary.text()


def test_the_handwriting_is_shown_in_the_history_and_in_the_survey_results(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    with Database.open(db_path) as db:
        set_up_shop(db)
        [cid, *_] = add_people(db)
        marks = [("cross", 4), ("write", "reason"), ("write", "referral")]
        path, _ = filled_form(db, tmp_path, marks, Scan(dpi=200, noise=4), client_id=cid)
        record_pages(db, read_files(db, [path], keep_images=True))
    window = open_window(qtbot, db_path)
    window.show_client(cid)
    page = window.page
    timeline = page.timeline_model
    subjects = [timeline.index(r, 2).data() for r in range(timeline.rowCount())]
    row = subjects.index("Survey answer: 4/10")
    assert not page.handwriting.isVisible()
    page.timeline.setCurrentIndex(timeline.index(row, 0))  # the answer's entry chosen
    assert page.handwriting.isVisible()
    names = [b.accessibleName() for b in page.handwriting.buttons]
    assert names == ["Main reason for the score (handwritten): show full size",
                     "Who else would enjoy us (handwritten): show full size"]  # fmt: skip
    thumb = page.handwriting.buttons[0].iconSize()
    assert (thumb.width(), thumb.height()) == (308, 57)  # small: 685 × 126 made 0.45 as big
    qtbot.mouseClick(page.handwriting.buttons[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.findChild(FullSize) is not None)
    full = page.findChild(FullSize)
    assert isinstance(full, FullSize)
    assert [p.pixmap().width() for p in full.pictures] == [685, 685]  # at its own size
    full.close()
    page.timeline.setCurrentIndex(timeline.index(subjects.index("Survey form"), 0))
    assert not page.handwriting.isVisible()  # (the printed form's entry has none)

    dialog = _surveys(qtbot, window)
    dialog.tabs.setCurrentIndex(2)
    dialog.show_period(f"{datetime.now():%Y-%m}")
    model = dialog.answers_model
    assert model.headerData(5, Qt.Orientation.Horizontal) == "Written on the form"
    qtbot.waitUntil(lambda: bool(dialog.written.found), timeout=20000)
    cell = model.item(0, 5)
    assert not cell.data(Qt.ItemDataRole.DecorationRole).isNull()
    assert "Main reason for the score, Who else would enjoy us" in cell.toolTip()
    assert dialog.written.open_full_size(0, 4) is None  # a click on another column
    opened = dialog.written.open_full_size(0, 5)
    assert opened is not None and len(opened.pictures) == 2
    opened.close()
