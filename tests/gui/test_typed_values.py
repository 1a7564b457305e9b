"""Dates and amounts typed into the real dialogs are kept as meant (or refused at the
field, with what to type); Settings, built from the declarations, change what Today says."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QSpinBox, QTableView, QWidget
from pytestqt.qtbot import QtBot

from crmdesk.gui.date_field import BirthdayField, DateField
from crmdesk.gui.dialogs import PurchaseDialog
from crmdesk.gui.dialogs.client_dialog import ClientDialog
from crmdesk.gui.dialogs.entry_dialogs import FactDialog
from crmdesk.gui.dialogs.settings_dialog import SettingsDialog
from crmdesk.gui.main_window import MainWindow
from crmdesk.model.partial_date import PartialDate
from crmdesk.services import clients, facts, retention, settings
from crmdesk.store.database import Database
from tests.gui.conftest import answer_dialog, open_window, settled_today
from tests.retention_helpers import add_client

CTRL = Qt.KeyboardModifier.ControlModifier
SHOTS = os.environ.get("CRMDESK_SHOTS", "")  # a folder to grab the dialogs into, to look at


def _grab(widget: QWidget, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / name))


def _type_date(qtbot: QtBot, field: DateField, text: str) -> None:
    field.edit.setFocus()
    field.edit.selectAll()
    qtbot.keyClicks(field.edit, text)
    qtbot.keyClick(field.edit, Qt.Key.Key_Tab)  # leaving the field reads it


def _new_client(qtbot: QtBot, window: MainWindow, fill_birthday: object) -> None:
    def fill(d: ClientDialog) -> None:
        qtbot.keyClicks(d.given_name, "Maud")
        qtbot.keyClicks(d.family_name, "Gonne")
        fill_birthday(d)  # type: ignore[operator]

    answer_dialog(qtbot, ClientDialog, fill, window.client_actions.act_new_client.trigger)


def _maud(window: MainWindow) -> clients.ClientRecord | None:
    db = window.db
    assert db is not None
    found = clients.find_by_name(db, "Maud")
    return clients.get_client(db, found[0][0]) if found else None


def test_a_birthday_typed_in_words_is_kept(qtbot: QtBot, window: MainWindow) -> None:
    def fill(d: ClientDialog) -> None:
        birthday = d.birthday
        assert isinstance(birthday, DateField) and birthday.text() == ""
        _type_date(qtbot, birthday, "12 May 1990")
        assert birthday.text() == "12 May 1990"  # shown back as the country writes it
        assert d.problems() == {}
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    _new_client(qtbot, window, fill)
    record = _maud(window)
    assert record is not None and record.birthday == PartialDate(5, 12, 1990)


def test_an_impossible_birthday_is_refused_at_the_field(qtbot: QtBot, window: MainWindow) -> None:
    def fill(d: ClientDialog) -> None:
        birthday = d.birthday
        assert isinstance(birthday, DateField)
        _type_date(qtbot, birthday, "31/02/1990")
        said = d.problems()["birthday"]  # said as soon as the field is left
        assert "February 1990 has 28 days" in said and "type a day from 1 to 28" in said
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))
        assert d.isVisible() and d.problems()["birthday"] == said  # not saved, still said
        assert birthday.text() == "31/02/1990"  # what was typed stays to be corrected
        assert birthday.edit.hasFocus()
        label = d.findChild(type(d.general_error), "error_birthday")
        assert label is not None and label.isVisible()
        qtbot.wait(10)
        assert label.heightForWidth(label.width()) <= label.height()  # all of it shows
        _grab(d, "birthday-refused.png")
        _type_date(qtbot, birthday, "28.2.1990")
        assert birthday.text() == "28 Feb 1990" and d.problems() == {}
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    _new_client(qtbot, window, fill)
    record = _maud(window)
    assert record is not None and record.birthday == PartialDate(2, 28, 1990)


def test_a_birthday_without_its_year_is_typed_kept_shown_and_edited(
    qtbot: QtBot, window: MainWindow
) -> None:
    def fill(d: ClientDialog) -> None:
        birthday = d.birthday
        assert isinstance(birthday, BirthdayField)
        assert "23 May without the year" in birthday.edit.placeholderText()
        _type_date(qtbot, birthday, "31 April")  # a bad day and month: said at the field
        said = d.problems()["birthday"]
        assert "April has 30 days, not 31" in said and "type a day from 1 to 30" in said
        assert birthday.text() == "31 April"  # kept to be corrected
        _type_date(qtbot, birthday, "15/4")
        assert birthday.text() == "15 April" and d.problems() == {}
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    _new_client(qtbot, window, fill)
    record = _maud(window)
    assert record is not None and record.birthday == PartialDate(4, 15)  # no year made up
    assert "Birthday 15 April ·" in window.page.details.text().replace("&nbsp;", " ")

    def edit(d: ClientDialog) -> None:
        assert d.birthday.text() == "15 April"  # type: ignore[attr-defined]
        d.city.setText("Łódź")  # type: ignore[attr-defined]
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    answer_dialog(qtbot, ClientDialog, edit, lambda: qtbot.keyClick(window, Qt.Key.Key_E, CTRL))
    record = _maud(window)
    assert record is not None and record.birthday == PartialDate(4, 15)
    assert record.city == "Łódź"


def test_a_date_can_be_cleared(qtbot: QtBot, db_path: Path) -> None:
    with Database.open(db_path) as db:
        settings.set_phone_region(db, "GB")
        ann = add_client(db, "Ann")
        facts.add_fact(db, ann, "Wedding", "June", date(2027, 6, 12))
        fact = facts.facts_of(db, ann)[0]
        dialog = FactDialog(db, ann, fact)
        qtbot.addWidget(dialog)
        assert dialog.on_date.text() == "12 Jun 2027"
        dialog.on_date.edit.clear()
        dialog.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(dialog, "saving", False))
        assert dialog.result() and facts.facts_of(db, ann)[0].on_date is None


# the offscreen platform cannot raise a popup or grab the keyboard for it; it says so
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_the_calendar_opens_near_today_or_a_birth_year(qtbot: QtBot, db_path: Path) -> None:
    with Database.open(db_path) as db:
        ann = add_client(db, "Ann")
        fact = FactDialog(db, ann)
        client = ClientDialog(db)
        for d in (fact, client):
            qtbot.addWidget(d)
            d.show()
        fact.on_date.open_calendar()
        assert fact.on_date.popup.isVisible()
        shown = fact.on_date.calendar
        assert (shown.yearShown(), shown.monthShown()) == (date.today().year, date.today().month)
        grid = shown.findChild(QTableView)
        assert grid is not None
        qtbot.keyClick(grid, Qt.Key.Key_Return)  # today, picked from the keyboard
        assert fact.on_date.value() == date.today() and not fact.on_date.popup.isVisible()
        birthday = client.birthday
        assert isinstance(birthday, DateField)
        birthday.open_calendar()
        assert birthday.calendar.yearShown() == date.today().year - 40


def _buy(qtbot: QtBot, window: MainWindow, d: PurchaseDialog, typed: str) -> None:
    d.amount.setFocus()
    d.amount.selectAll()
    qtbot.keyClicks(d.amount, typed)
    qtbot.keyClick(d.amount, Qt.Key.Key_Tab)


def test_amounts_refused_at_the_field_and_unusual_ones_asked(qtbot: QtBot, db_path: Path) -> None:
    with Database.open(db_path) as db:
        settings.set_phone_region(db, "GB")
        anna = add_client(db, "Anna")
        retention.record_purchase(db, anna, "20", "Roses", datetime.now() - timedelta(days=30))
    window = open_window(qtbot, db_path)
    window.client_list.search_box.setText("Anna Test")
    qtbot.keyClick(window.client_list.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.client_list.search_pending)  # on the read lane
    answers: list[str] = []

    def answer(box: QMessageBox, button: str) -> None:
        answers.append(box.text())
        chosen = next(b for b in box.buttons() if button in b.text())
        chosen.click()

    def fill(d: PurchaseDialog) -> None:
        refusals = [
            ("1e9", "is not an amount; type it like 45.50"), ("2 for 10", "is not an amount"),
            ("10p", "is not an amount"), ("12.505", "more decimals than British pounds (£) have"),
            ("999999999999", "is more than 99,999,999.00"),
            ("$20", "is not in British pounds (£), the shop's currency"),
        ]  # fmt: skip
        for typed, says in refusals:
            _buy(qtbot, window, d, typed)
            assert says in d.problems()["amount"], typed
            qtbot.keyClick(d, Qt.Key.Key_Return, CTRL)
            assert d.isVisible() and says in d.problems()["amount"]
        _grab(d, "amount-refused.png")
        _buy(qtbot, window, d, "0")
        assert d.problems() == {}
        answer_dialog(qtbot, QMessageBox, lambda b: answer(b, "Change"),
                      lambda: qtbot.keyClick(d, Qt.Key.Key_Return, CTRL))  # fmt: skip
        assert d.isVisible() and "Not recorded" in d.problems()["amount"]
        _buy(qtbot, window, d, "450")  # more than 10× her usual £20

        def record() -> None:
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox):
                QTimer.singleShot(10, record)
                return
            answer(box, "Record")

        QTimer.singleShot(0, record)
        qtbot.keyClick(d, Qt.Key.Key_Return, CTRL)  # asks; "Record it" saves and closes

    answer_dialog(qtbot, PurchaseDialog, fill, window.keeping.act_purchase.trigger)
    assert answers[0].startswith("Record a purchase of £0.00?")
    assert "more than 10 times this client's usual purchase (£20.00)" in answers[1]
    db = window.db
    assert db is not None
    bought = retention.purchases_of(db, window.page.record.id)  # type: ignore[union-attr]
    assert [p.amount_cents for p in bought] == [45000, 2000]  # nothing else was saved
    window.close()


def test_settings_change_the_loyalty_rule_and_today_follows(qtbot: QtBot, db_path: Path) -> None:
    with Database.open(db_path) as db:
        settings.set_phone_region(db, "GB")
        cleo = add_client(db, "Cleo")
        for days_ago in (60, 50, 40):  # every 10 days, then away for 40
            retention.record_purchase(db, cleo, "20", "", datetime.now() - timedelta(days=days_ago))
    window = open_window(qtbot, db_path)
    assert (
        settled_today(qtbot, window).rows("at_risk") == []
    )  # 3 purchases: not a regular (4 needed)

    def change(d: SettingsDialog) -> None:
        country = d.fields[settings.COUNTRY.key]
        assert country.currentText() == "United Kingdom (+44)"  # type: ignore[attr-defined]
        rule = d.fields[settings.REGULAR_PURCHASES.key]
        assert isinstance(rule, QSpinBox) and rule.value() == 4
        rule.setValue(3)
        d.fields[settings.TOUCH_BY_TAG.key].setPlainText("VIP 30")  # type: ignore[attr-defined]
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))
        assert d.isVisible() and "like “VIP: 30”" in d.problems()["touch_by_tag"]
        _grab(d, "settings-refused.png")
        d.fields[settings.TOUCH_BY_TAG.key].setPlainText("VIP: 30")  # type: ignore[attr-defined]
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    answer_dialog(qtbot, SettingsDialog, change, window.act_settings.trigger)
    rows = settled_today(qtbot, window).rows("at_risk")
    assert [r.name for r in rows] == ["Cleo Test"] and "regular" in rows[0].text
    db = window.db
    assert db is not None and retention.rules(db).regular_purchases == 3
    window.close()
