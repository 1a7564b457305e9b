"""Surveys from the window: forms for two clients, both answers typed in from the
keyboard, the score and the follow-up queue update, a logged call closes the loop."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from crmdesk.gui.client_list_model import ID_ROLE
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
    view = window.client_list.table
    view.selectRow(1)
    view.selectionModel().select(
        window.client_list.model.index(2, 0),
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
    with qtbot.waitSignal(dialog.forms_written, timeout=20000):  # (written in the background)
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

    # type both answers in: code ⏎ score ⏎ comment, Ctrl+⏎ saves
    dialog.tabs.setCurrentIndex(1)
    entry = dialog.entry
    for (code, family), score, comment in zip(forms, ("3", "10"), ("Late", "Lovely"), strict=True):
        entry.code.setFocus()
        _type(qtbot, entry.code, code.lower())  # codes are read off paper: any case
        assert family in entry.whose.text()
        assert entry.score.hasFocus()
        _type(qtbot, entry.score, score)
        assert entry.reason.hasFocus()
        qtbot.keyClicks(entry.reason, comment)
        qtbot.keyClick(entry.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert entry.entry_message.text().startswith(f"Saved {score}/10")
        assert family in entry.entry_message.text()
        assert entry.code.hasFocus() and entry.code.text() == ""

    # the same code again is refused, at the code
    _type(qtbot, entry.code, forms[0][0])
    assert "was already entered" in entry.code_error.text() and entry.code_error.isVisible()

    # the score and the queue
    qtbot.waitUntil(lambda: not dialog.updating)  # (worked out in the background)
    assert dialog.score_label.text() == "NPS 0"  # one promoter, one detractor
    assert "2 answers: 1 promoter, 0 passives, 1 detractor" in dialog.score_detail.text()
    assert dialog.queue_model.rowCount() == 2
    assert dialog.queue_model.item(0, 2).text() == "3"  # the detractor first
    assert dialog.queue_model.item(0, 3).text() == "call back"

    # log the call back from the queue: it leaves the queue
    dialog.tabs.setCurrentIndex(3)
    dialog.queue_view.selectRow(0)

    def call(d: ContactDialog) -> None:
        d.subject.setText("Sorry about the delay")
        qtbot.keyClick(d, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    answer_dialog(qtbot, ContactDialog, call, dialog.log_button.click)
    qtbot.waitUntil(lambda: not dialog.updating)  # (worked out in the background)
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
    with qtbot.waitSignal(dialog.forms_written, timeout=20000):  # (written in the background)
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
    qtbot.waitUntil(lambda: not dialog.updating)  # (worked out in the background)
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


# ---------------------------------------------------------------------- entering every answer


def _surveys(qtbot: QtBot, window: MainWindow) -> SurveysDialog:
    dialog = window.paperwork.surveys_dialog()
    assert isinstance(dialog, SurveysDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def _key(qtbot: QtBot, text: str = "", key: Qt.Key = Qt.Key.Key_Return) -> QWidget:
    """Type into whatever has the focus, as a person at the keyboard does; then `key`."""
    widget = QApplication.focusWidget()
    assert widget is not None
    if text:
        qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, key)
    return widget


def _put_on_screen(window: MainWindow, family: str) -> None:
    for row in range(window.client_list.model.rowCount()):
        if family in str(window.client_list.model.index(row, 0).data()):
            window.client_list.table.selectRow(row)
    assert window.page.record is not None and window.page.record.family_name == family


def _printed_form(window: MainWindow, tmp_path: Path, row: int = 1) -> tuple[str, str, str]:
    """A form printed for the client in `row` of the list: (code, client id, name)."""
    from crmdesk.services import surveys

    db = window.db
    assert db is not None
    cid = window.client_list.model.index(row, 0).data(ID_ROLE)
    run = surveys.print_forms(db, surveys.builtin_survey(db), tmp_path / "f.pdf", client_ids=[cid])
    return run.forms[0].code, cid, run.forms[0].client_name


def test_every_question_of_a_form_is_typed_in_order_and_shown(
    qtbot: QtBot, shop_window: MainWindow, tmp_path: Path
) -> None:
    """Code, score, reason, the service rating, the consents and the referral, from the
    keyboard only, in the order the form prints them; then the answers are in the results
    and in the client's history."""
    code, cid, name = _printed_form(shop_window, tmp_path)
    dialog = _surveys(qtbot, shop_window)
    qtbot.keyClick(dialog, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)  # Enter answers
    entry = dialog.entry
    qtbot.waitUntil(entry.code.hasFocus)

    # Tab goes down the form as printed
    seen = []
    entry.code.setFocus()
    for _ in range(8):
        seen.append(_key(qtbot, key=Qt.Key.Key_Tab))
    assert seen == [entry.code, entry.survey, entry.client, entry.channel, entry.score,
                    entry.reason, entry.extra[0].input, entry.contact]  # fmt: skip

    entry.code.setFocus()
    assert _key(qtbot, code) is entry.code
    assert f"Form for {name}" in entry.whose.text()
    assert not entry.client.isEnabled() and entry.client.text() == name
    assert _key(qtbot, "3") is entry.score
    assert _key(qtbot, "Late, and nobody rang") is entry.reason
    assert _key(qtbot, "2") is entry.extra[0].input  # How did we do on service today? 1–5
    assert _key(qtbot, " ") is entry.contact and entry.contact.isChecked()  # Space ticks
    assert _key(qtbot) is entry.quote and not entry.quote.isChecked()
    assert _key(qtbot, "Anna Lee") is entry.referral_name
    assert _key(qtbot, "07700 900123") is entry.referral_phone  # Enter in the last box saves
    assert (
        entry.entry_message.text() == f"Saved 3/10 (detractor) from {name}, form {code}. Next form."
    )
    assert entry.code.hasFocus() and entry.score.text() == "" and entry.extra[0].value() == ""

    question = entry.extra[0].question.text
    lines = [f"{question} — 2 of 5", "May contact them about their answer",
             "Who else would enjoy us: Anna Lee, 07700 900123"]  # fmt: skip
    # in the results: the month's answers
    dialog.tabs.setCurrentIndex(2)
    dialog.show_period(f"{datetime.now():%Y-%m}")
    model = dialog.answers_model
    assert model.headerData(4, Qt.Orientation.Horizontal) == "Other answers"
    assert [model.item(0, n).text() for n in range(4)][1:] == [name, "3", "Late, and nobody rang"]
    assert model.item(0, 4).text() == " · ".join(lines)
    dialog.close()
    # in the client's history
    shop_window.show_client(cid)
    timeline = shop_window.page.timeline_model
    rows = [timeline.index(r, 2).data() for r in range(timeline.rowCount())]
    answer = timeline.index(rows.index("Survey answer: 3/10"), 3)
    assert answer.data(Qt.ItemDataRole.ToolTipRole).splitlines() == [
        "Late, and nobody rang",
        *lines,
    ]


def test_a_refused_code_stops_the_entry_until_it_is_corrected_or_cleared(
    qtbot: QtBot, shop_window: MainWindow, tmp_path: Path
) -> None:
    """What went wrong: after "already entered", Tab on and finishing saved a phone answer
    for whoever was on screen, saying "from anonymous"."""
    from crmdesk.services import surveys
    from crmdesk.services.surveys import AnswerForm

    db = shop_window.db
    assert db is not None
    code, _cid, _name = _printed_form(shop_window, tmp_path)
    surveys.record_answer(db, AnswerForm(score=9), code=code)
    _put_on_screen(shop_window, "Смирнова")  # someone else is on screen
    dialog = _surveys(qtbot, shop_window)
    dialog.tabs.setCurrentIndex(1)
    entry = dialog.entry
    entry.code.setFocus()
    _key(qtbot, code.lower(), Qt.Key.Key_Tab)
    assert entry.code.hasFocus()  # back at the code, with the reason under it
    assert entry.code_error.isVisible() and "was already entered" in entry.code_error.text()
    assert not any(w.isEnabled() for w in entry.fields()[1:])  # Save too
    for key in (Qt.Key.Key_Tab, Qt.Key.Key_Tab, Qt.Key.Key_Return):  # "tabbing on and finishing"
        _key(qtbot, key=key)
    qtbot.keyClick(entry.code, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert db.query("SELECT count(*) FROM survey_answers")[0][0] == 1  # nothing more saved
    # a corrected code opens the form again
    other, _cid, name = _printed_form(shop_window, tmp_path, row=2)
    entry.code.setFocus()
    entry.code.selectAll()
    assert _key(qtbot, other) is entry.code
    assert not entry.code_error.isVisible() and entry.score.hasFocus()
    assert f"Form for {name}" in entry.whose.text()
    # cleared: an answer without a form, which must name its client
    entry.code.setFocus()
    entry.code.selectAll()
    _key(qtbot, key=Qt.Key.Key_Backspace)
    assert entry.score.isEnabled() and entry.client.isEnabled() and entry.client.text() == ""
    entry.score.setFocus()
    qtbot.keyClicks(entry.score, "4")
    qtbot.keyClick(entry.score, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert entry.client.hasFocus() and entry.client_error.isVisible()
    assert "type the client's name" in entry.client_error.text()
    assert db.query("SELECT count(*) FROM survey_answers")[0][0] == 1
    dialog.close()


def test_an_answer_by_phone_names_its_client_not_the_one_on_screen(
    qtbot: QtBot, shop_window: MainWindow
) -> None:
    db = shop_window.db
    assert db is not None
    _put_on_screen(shop_window, "Παπαδοπούλου")
    on_screen = shop_window.page.record
    assert on_screen is not None
    dialog = _surveys(qtbot, shop_window)
    dialog.tabs.setCurrentIndex(1)
    entry = dialog.entry
    entry.code.setFocus()
    assert _key(qtbot) is entry.code  # no code: an answer without a form
    assert entry.client.hasFocus() and entry.client.text() == ""
    qtbot.keyClicks(entry.client, "Smith")  # nobody
    qtbot.keyClick(entry.client, Qt.Key.Key_Return)
    assert entry.client_error.text() == (
        "No client is called “Smith”. Check the name, or add them first."
    )
    entry.client.clear()
    qtbot.keyClicks(entry.client, "wr")
    popup = entry.client.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert entry.client.chosen is not None and entry.client.chosen.name == "Łukasz Wróbel"
    assert entry.client.text() == "Łukasz Wróbel — Warszawa"
    _key(qtbot)  # on to "by phone"
    assert _key(qtbot, "i") is entry.channel  # typing picks "in person"
    assert _key(qtbot, "8") is entry.score
    qtbot.keyClick(entry.score, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert (
        entry.entry_message.text()
        == "Saved 8/10 (passive) from Łukasz Wróbel, in person. Next form."
    )
    [(family, channel)] = db.query(
        "SELECT c.family_name, a.channel FROM survey_answers AS a JOIN clients AS c"
        " ON c.id = a.client_id"
    )
    assert (family, channel) == ("Wróbel", "in person") and on_screen.family_name != family
    dialog.close()
