"""Surveys from the window: forms for two clients, both answers typed in from the
keyboard, the score and the follow-up queue update, a logged call closes the loop."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from crmdesk.gui.dialogs import ContactDialog
from crmdesk.gui.main_window import MainWindow
from crmdesk.gui.surveys_dialog import SurveysDialog
from crmdesk.store.database import Database
from tests.gui.conftest import answer_dialog, open_window
from tests.letters_helpers import add_people, pdf_pages, set_up_shop


@pytest.fixture
def shop_window(qtbot: QtBot, db_path: Path) -> MainWindow:
    """A shop with six clients and no survey answers yet."""
    with Database.open(db_path) as db:
        set_up_shop(db)
        add_people(db)
    return open_window(qtbot, db_path)


def _type(qtbot: QtBot, widget: object, text: str) -> None:
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_forms_for_two_clients_answered_from_the_keyboard(
    qtbot: QtBot, shop_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = shop_window
    view = window.table
    view.selectRow(1)
    view.selectionModel().select(
        window.model.index(2, 0),
        view.selectionModel().SelectionFlag.Select | view.selectionModel().SelectionFlag.Rows,
    )
    dialog = window.paperwork.surveys_dialog()
    assert isinstance(dialog, SurveysDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)

    # print the two forms
    dialog.form_for.setCurrentIndex(dialog.form_for.findText("the 2 clients selected in the list"))
    out = tmp_path / "forms.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    pages = pdf_pages(out)
    assert len(pages) == 2
    db = window.db
    assert db is not None
    forms = db.query(
        "SELECT f.code, c.family_name FROM survey_forms AS f JOIN clients AS c"
        " ON c.id = f.client_id ORDER BY f.rowid"
    )
    assert [code in page for (code, _), page in zip(forms, pages, strict=True)] == [True, True]

    # type both answers in: code ⏎ score ⏎ comment ⏎
    dialog.tabs.setCurrentIndex(1)
    for (code, family), score, comment in zip(forms, ("3", "10"), ("Late", "Lovely"), strict=True):
        dialog.code.setFocus()
        _type(qtbot, dialog.code, code.lower())  # codes are read off paper: any case
        assert family in dialog.whose.text()
        assert dialog.score.hasFocus()
        _type(qtbot, dialog.score, score)
        assert dialog.reason.hasFocus()
        _type(qtbot, dialog.reason, comment)
        assert dialog.entry_message.text().startswith(f"Saved {score}/10")
        assert dialog.code.hasFocus() and dialog.code.text() == ""

    # the same code again is refused
    _type(qtbot, dialog.code, forms[0][0])
    assert "was already entered" in dialog.entry_message.text()

    # the score and the queue
    assert dialog.score_label.text() == "NPS 0"  # one promoter, one detractor
    assert "2 answers: 1 promoters, 0 passives, 1 detractors" in dialog.score_detail.text()
    assert dialog.queue_model.rowCount() == 2
    assert dialog.queue_model.item(0, 2).text() == "3"  # the detractor first
    assert dialog.queue_model.item(0, 3).text() == "call back"

    # log the call back from the queue: it leaves the queue
    dialog.tabs.setCurrentIndex(3)
    dialog.queue_view.selectRow(0)

    def call(d: ContactDialog) -> None:
        d.subject.setText("Sorry about the delay")
        qtbot.keyClick(d, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    answer_dialog(qtbot, ContactDialog, call, dialog.log_button.click)
    assert dialog.queue_model.rowCount() == 1
    assert "Closed the loop with 1 of 2 (50%)" in dialog.loop_label.text()
    dialog.close()


def test_a_shop_writes_its_own_survey_and_prints_it(
    qtbot: QtBot, shop_window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QDialogButtonBox, QPushButton

    from crmdesk.gui.dialogs import SurveyDialog

    dialog = shop_window.paperwork.surveys_dialog()
    assert isinstance(dialog, SurveysDialog)
    qtbot.addWidget(dialog)
    dialog.show()

    def write(d: SurveyDialog) -> None:
        d.name.setText("After the wedding")
        d.nps_question.setText("How likely are you to recommend our wedding flowers?")
        kind, text, choices = d.extra[0]
        kind.setCurrentIndex(kind.findData("choice"))
        text.setText("Which bouquet did you have?")
        choices.setText("Roses")
        save = d.buttons.button(QDialogButtonBox.StandardButton.Save)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        assert d.problems() == {"extra1": "Question 1: give 2 to 5 choices."}
        choices.setText("Roses, Peonies, Wild flowers")
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)

    new = next(b for b in dialog.findChildren(QPushButton) if b.text() == "&New survey…")
    answer_dialog(qtbot, SurveyDialog, write, new.click)
    assert dialog.survey_choice.currentText() == "After the wedding"
    dialog.form_for.setCurrentIndex(dialog.form_for.findText("blank forms for the counter"))
    dialog.blank.setValue(2)
    out = tmp_path / "wedding.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    pages = pdf_pages(out)
    assert len(pages) == 2
    for text in ("recommend our wedding flowers?", "Which bouquet did you have?", "Peonies",
                 "After the wedding", "Your name (optional)"):  # fmt: skip
        assert text in pages[0]
    dialog.close()


def test_a_period_shows_its_answers_and_a_group(qtbot: QtBot, shop_window: MainWindow) -> None:
    from datetime import datetime

    from crmdesk.services import surveys
    from crmdesk.services.surveys import AnswerForm

    db = shop_window.db
    assert db is not None
    for score, reason in ((10, "Lovely"), (2, "Late"), (8, "Fine")):
        surveys.record_answer(db, AnswerForm(score=score, reason=reason, channel="phone",
                                             answered_at=datetime(2026, 3, 5)))  # fmt: skip
    dialog = shop_window.paperwork.surveys_dialog()
    assert isinstance(dialog, SurveysDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(2)
    assert [p.period for p in dialog.chart.periods] == ["2026-03"]
    qtbot.waitUntil(lambda: bool(dialog.chart._bars))  # drawn
    area = dialog.chart._bars[0][0]
    qtbot.mouseClick(dialog.chart, Qt.MouseButton.LeftButton, pos=area.center().toPoint())
    reasons = {
        dialog.answers_model.item(r, 3).text() for r in range(dialog.answers_model.rowCount())
    }
    assert reasons == {"Lovely", "Late", "Fine"}
    dialog.group.setCurrentIndex(dialog.group.findData("detractor"))
    assert dialog.answers_model.rowCount() == 1 and dialog.answers_model.item(0, 2).text() == "2"
    assert "fewer than 30" in dialog.score_detail.text().lower()
    dialog.close()
