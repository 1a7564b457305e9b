"""The check of scanned forms shows the row it doubts (a consent here, not the score) and
the whole page upright on P, Esc back; each doubtful row of a page (the score, a consent,
an extra question) is decided in turn, with its own keys, before the page is recorded;
the handwriting kept with an answer is shown under its history entry and in the survey
results, full size on a click."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
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

    # the score (6) is sure: the row decided is the consent, which proposes nothing
    assert tab.answer.placeholderText().startswith("“May we contact you”: Y yes (given); N no")
    qtbot.keyClick(tab.answer, Qt.Key.Key_Return)  # Enter records nothing unproposed
    assert "Press Y if the “may we contact you” box says yes" in tab.answer_error.text()
    assert tab.answer.isVisible() and "Recorded" not in tab.summary.text()
    with qtbot.waitSignal(dialog.changed, timeout=30000):
        qtbot.keyClick(tab.answer, Qt.Key.Key_Y)  # the client meant yes: consent given
    assert "Recorded 1 answer" in tab.summary.text()
    db2 = window.db
    assert db2 is not None
    rows = db2.query("SELECT client_id, score, consent_contact, consent_quote FROM survey_answers")
    assert [tuple(r) for r in rows] == [(cid, 6, 1, 0)]


def test_each_doubtful_row_of_a_page_is_decided_in_turn_before_it_is_recorded(
    qtbot: QtBot, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Database.open(db_path) as db:
        set_up_shop(db)
        [_, cid, *_] = add_people(db)
        # two scores, the "may we quote you" box filled in, question 1 (a rating of 1–5)
        # with its boxes 2 and 4 both marked
        marks = [("cross", 3), ("tick", 7), ("filled", "quote"), ("cross", (1, 2)),
                 ("cross", (1, 4))]  # fmt: skip
        path, _ = filled_form(db, tmp_path, marks, Scan(dpi=200, skew=-1.0, noise=4),
                              client_id=cid)  # fmt: skip
    window = open_window(qtbot, db_path)
    dialog = _surveys(qtbot, window)
    dialog.tabs.setCurrentWidget(dialog.scan_in)
    tab = dialog.scan_in
    tab.read([path])
    qtbot.waitUntil(tab.answer.isVisible, timeout=60000)

    def shown() -> str:
        [row] = tab.row_images  # the one row being decided
        return row.accessibleName()

    assert "3 and 7 are both marked (2 more rows on this page after it)" in tab.why.text()
    assert shown() == "The score row as scanned"
    assert tab.answer.placeholderText().startswith("Score: type the score (0–10)")
    qtbot.keyClicks(tab.answer, "7")
    qtbot.keyClick(tab.answer, Qt.Key.Key_Return)
    assert "The “may we quote you” box is filled in (cancelled?) (1 more row" in tab.why.text()
    assert shown() == "The consents row as scanned"
    qtbot.keyClick(tab.answer, Qt.Key.Key_N)  # cancelled: no consent
    assert tab.why.text() == "Question 1: 2 and 4 are both marked"
    assert shown() == "The question 1 row as scanned"
    hint = tab.answer.placeholderText()
    assert hint.startswith("Question 1: type the box's number (1 to 5) and Enter; N no answer")
    qtbot.keyClicks(tab.answer, "9")  # no such box: said, the page still to decide
    qtbot.keyClick(tab.answer, Qt.Key.Key_Return)
    assert "Type the number of the box marked for question 1, 1 to 5" in tab.answer_error.text()
    assert "Recorded" not in tab.summary.text() and tab.answer.text() == "9"
    tab.answer.clear()
    qtbot.keyClicks(tab.answer, "4")
    with qtbot.waitSignal(dialog.changed, timeout=30000):
        qtbot.keyClick(tab.answer, Qt.Key.Key_Return)
    assert "Recorded 1 answer" in tab.summary.text()
    db2 = window.db
    assert db2 is not None
    rows = db2.query("SELECT client_id, score, consent_contact, consent_quote, extra"
                     " FROM survey_answers")  # fmt: skip
    [(client, score, contact, quote, extra)] = rows
    assert (client, score, contact, quote) == (cid, 7, 0, 0)
    assert json.loads(extra)["1"]["answer"] == 4


def test_a_page_with_no_score_is_not_asked_its_other_rows(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    """An answer is kept only with its score (as a typed one): a page whose score row is
    surely empty is not asked about its doubtful consent (the answer would be thrown away
    after); it is named in the summary, and the check goes straight to the page with a
    doubtful score, whose consent is then asked and recorded; a page whose code is typed
    and that then reads with no score is not asked either, and is named."""
    with Database.open(db_path) as db:
        set_up_shop(db)
        [cid, other, *_] = add_people(db)
        # no score; "may we contact you" filled in (cancelled, or yes?) and quote ticked
        empty, _ = filled_form(db, tmp_path, [("filled", "contact"), ("tick", "quote")],
                               Scan(dpi=200, skew=1.0, noise=4), client_id=cid)  # fmt: skip
        # two scores marked and the same doubtful consent: both asked, in turn
        two, _ = filled_form(db, tmp_path, [("cross", 2), ("cross", 9), ("filled", "contact")],
                             Scan(dpi=200, skew=-1.0, noise=4), client_id=other)  # fmt: skip
        # its QR code whited out, no score, the "may we quote you" box filled in
        unread, code = filled_form(db, tmp_path, [("filled", "quote")], Scan(dpi=200, noise=4))
    image = Image.open(unread).convert("L")
    w, h = image.size  # (the QR code: 164–190 mm across, 22–48 mm down)
    ImageDraw.Draw(image).rectangle((w * 0.77, h * 0.07, w * 0.91, h * 0.17), fill=255)
    image.save(unread)
    window = open_window(qtbot, db_path)
    dialog = _surveys(qtbot, window)
    dialog.tabs.setCurrentWidget(dialog.scan_in)
    tab = dialog.scan_in
    tab.read([empty, two, unread])
    qtbot.waitUntil(tab.answer.isVisible, timeout=60000)

    assert ("Read 3 pages: 0 read surely, 2 to check, 1 with no score marked (not recorded)."
            in tab.summary.text())  # fmt: skip
    assert "2 pages to check" in tab.page_label.text() and two.name in tab.page_label.text()
    assert "2 and 9 are both marked (1 more row on this page after it)" in tab.why.text()
    qtbot.keyClicks(tab.answer, "9")
    qtbot.keyClick(tab.answer, Qt.Key.Key_Return)
    assert "The “may we contact you” box is filled in" in tab.why.text()
    qtbot.keyClick(tab.answer, Qt.Key.Key_Y)
    assert "QR code could not be read" in tab.why.text()  # the page whose code is typed
    with qtbot.waitSignal(dialog.changed, timeout=30000):
        qtbot.keyClicks(tab.answer, code)
        qtbot.keyClick(tab.answer, Qt.Key.Key_Return)  # read again: no score, nothing asked
    summary = tab.summary.text()
    assert f"{unread.name} page 1: no score marked: nothing to record (a consent" in summary
    assert "Recorded 1 answer" in summary and not tab.answer.isVisible()
    db2 = window.db
    assert db2 is not None
    rows = db2.query("SELECT client_id, score, consent_contact FROM survey_answers")
    assert [tuple(r) for r in rows] == [(other, 9, 1)]  # the page without a score: nothing


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
