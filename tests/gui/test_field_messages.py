"""Every message at a field shows whole: all its lines, not over a box, not cut by the
window's edge — in every dialog that says what is wrong at a field, and in Enter answers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from crmdesk.gui.dialogs import PurchaseDialog
from crmdesk.gui.dialogs.client_dialog import ClientDialog
from crmdesk.gui.dialogs.entry_dialogs import ContactDialog, FactDialog, NoteDialog
from crmdesk.gui.dialogs.keeping_dialogs import ComplaintDialog
from crmdesk.gui.dialogs.shop_dialog import ShopDialog
from crmdesk.gui.letters_dialog import Selection
from crmdesk.gui.main_window import MainWindow
from crmdesk.gui.surveys_dialog import SurveysDialog
from crmdesk.gui.widgets import FieldError
from crmdesk.services import clients, settings
from crmdesk.services.clients import ClientForm
from crmdesk.store.database import Database
from tests.gui.conftest import answer_dialog

SHOTS = os.environ.get("CRMDESK_SHOTS", "")  # a folder to grab the dialogs into, to look at
INPUTS = (QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox)


@pytest.fixture
def shop(db_path: Path) -> Iterator[tuple[Database, str]]:
    with Database.open(db_path) as db:
        settings.set_phone_region(db, "GB")
        made = clients.create_client(db, ClientForm(given_name="Margaret", family_name="Webber"))
        yield db, str(made.created_id)


def _in_window(widget: QWidget) -> QRect:
    return QRect(widget.mapTo(widget.window(), QPoint(0, 0)), widget.size())


def assert_shown_whole(dialog: QWidget, name: str) -> str:
    """The message under field `name` is on screen with all its lines, over no box."""
    error = dialog.findChild(FieldError, f"error_{name}")
    assert error is not None and error.isVisible(), f"no message at {name}"
    for area in dialog.findChildren(QScrollArea):
        if area.isAncestorOf(error):
            area.ensureWidgetVisible(error)  # (what the user does in a form taller than the screen)
    QApplication.processEvents()
    text = error.text()
    assert error.heightForWidth(error.width()) <= error.height(), f"{name}: lines cut: {text}"
    assert error.visibleRegion().boundingRect() == error.rect(), f"{name}: cut by the edge"
    assert dialog.rect().contains(_in_window(error)), f"{name}: outside the window"
    for box in dialog.findChildren(QWidget):
        if isinstance(box, INPUTS) and box.isVisible():
            assert not _in_window(box).intersects(_in_window(error)), f"{name} over a box"
    return text


def _open(qtbot: QtBot, dialog: QDialog) -> None:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)


def _save(dialog: ClientDialog | ContactDialog | FactDialog | NoteDialog | PurchaseDialog
          | ComplaintDialog | ShopDialog) -> None:  # fmt: skip
    dialog.buttons.accepted.emit()
    QApplication.processEvents()
    while getattr(dialog, "saving", False):  # written on the app's write lane: its answer
        QApplication.processEvents()  # (saved, or refused at the fields) comes back


def _grab(widget: QWidget, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / name))


def test_client_messages_show_whole_and_speak_plainly(qtbot: QtBot, window: MainWindow) -> None:
    def fill(d: ClientDialog) -> None:
        qtbot.keyClicks(d.given_name, "M" * 101)
        d.phones.setPlainText("call me")  # type: ignore[attr-defined]
        d.emails.setPlainText("jane@")  # type: ignore[attr-defined]
        d.postcode.setText("LS6 2AB LS6 2AB LS6 2AB")  # type: ignore[attr-defined]
        _save(d)
        assert d.isVisible()
        assert "at most 100 characters" in assert_shown_whole(d, "given_name")
        said = assert_shown_whole(d, "phones")
        assert said == "“call me” is not a phone number — type it like 0121 234 5678."
        said = assert_shown_whole(d, "emails")
        assert said.startswith("“jane@” is not an email address (nothing comes after the @)")
        assert "at most 20 characters" in assert_shown_whole(d, "postcode")
        _grab(d, "messages-client.png")
        d.given_name.setText("Jane")  # type: ignore[attr-defined]
        d.phones.setPlainText("home 01423 555012")  # type: ignore[attr-defined]
        d.emails.setPlainText("Jane Eyre <jane@example.org>")  # type: ignore[attr-defined]
        d.postcode.setText("LS6 2AB")  # type: ignore[attr-defined]
        _save(d)

    answer_dialog(qtbot, ClientDialog, fill, window.client_actions.act_new_client.trigger)
    db = window.db
    assert db is not None
    jane = clients.get_client(db, clients.find_by_name(db, "Jane")[0][0])
    assert [(p.label, p.display) for p in jane.phones] == [("home", "01423 555012")]
    assert [(e.label, e.address) for e in jane.emails] == [("email", "jane@example.org")]


def test_the_amount_message_shows_whole(qtbot: QtBot, window: MainWindow) -> None:
    db = window.db
    assert db is not None
    made = clients.create_client(db, ClientForm(given_name="Margaret", family_name="Webber"))
    window.state.apply(made)

    def fill(d: PurchaseDialog) -> None:
        d.amount.setFocus()
        qtbot.keyClicks(d.amount, "2 for 10")
        qtbot.keyClick(d.amount, Qt.Key.Key_Tab)  # said when the field is left
        assert "is not an amount" in assert_shown_whole(d, "amount")
        d.what.setText("w" * 201)
        assert "at most 200 characters" in assert_shown_whole(d, "what")  # said at once
        _grab(d, "messages-purchase.png")
        d.reject()

    answer_dialog(qtbot, PurchaseDialog, fill, window.keeping.act_purchase.trigger)


def test_contact_fact_note_and_complaint_messages_show_whole(
    qtbot: QtBot, shop: tuple[Database, str]
) -> None:
    db, client_id = shop
    contact = ContactDialog(db, client_id, "Margaret Webber")
    _open(qtbot, contact)
    _save(contact)
    assert_shown_whole(contact, "subject")
    contact.outcome.setText("o" * 201)
    assert_shown_whole(contact, "outcome")

    fact = FactDialog(db, client_id)
    _open(qtbot, fact)
    _save(fact)
    assert_shown_whole(fact, "label") and assert_shown_whole(fact, "value")

    note = NoteDialog(db, client_id)
    _open(qtbot, note)
    note.text.setPlainText("n" * 20_001)
    assert "at most 20,000 characters" in assert_shown_whole(note, "text")

    complaint = ComplaintDialog(db, client_id, "W" * 100)
    _open(qtbot, complaint)
    assert len(complaint.windowTitle()) < 60 and complaint.windowTitle().endswith("…")
    complaint.status.setCurrentText("resolved")
    _save(complaint)
    assert_shown_whole(complaint, "description") and assert_shown_whole(complaint, "resolution")
    _grab(complaint, "messages-complaint.png")


def test_the_shop_email_message_shows_whole(qtbot: QtBot, shop: tuple[Database, str]) -> None:
    db, _client = shop
    dialog = ShopDialog(db)
    _open(qtbot, dialog)
    dialog.name.setText("Webber & Daughters")
    dialog.email.setText("hello at webber dot example")
    _save(dialog)
    assert "is not an email address (it has no @)" in assert_shown_whole(dialog, "email")


def test_enter_answers_messages_show_whole(qtbot: QtBot, shop: tuple[Database, str]) -> None:
    db, _client = shop
    surveys = SurveysDialog(db, Selection())
    _open(qtbot, surveys)
    surveys.tabs.setCurrentWidget(surveys.entry)
    entry = surveys.entry
    qtbot.keyClicks(entry.code, "S-NEVERPRINTED")
    qtbot.keyClick(entry.code, Qt.Key.Key_Return)
    assert_shown_whole(surveys, "code")
    entry.code.clear()
    qtbot.keyClicks(entry.code, " ")
    entry.code.clear()
    entry.save_answer()  # no client named for an answer by phone
    assert_shown_whole(surveys, "client")
    _grab(surveys, "messages-entry.png")
