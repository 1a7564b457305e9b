"""Today, driven like a user: the window opens on it, and every row acts in place."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton
from pytestqt.qtbot import QtBot

from crmdesk.gui.dialogs import ContactDialog
from crmdesk.gui.letters_dialog import LettersDialog
from crmdesk.gui.main_window import MainWindow
from crmdesk.services import complaints, history, reminders, today
from crmdesk.services.complaints import ComplaintForm
from crmdesk.services.history import ContactForm
from crmdesk.store.database import Database
from tests.gui.conftest import answer_dialog, open_window, settled_today
from tests.retention_helpers import add_client


def _button(qtbot: QtBot, window: MainWindow, name: str) -> QToolButton:
    """The button `name` of a Today row: the chosen row carries them, so its row is chosen
    first (as a click or the arrow keys do)."""
    tree = settled_today(qtbot, window).tree
    for top in range(tree.topLevelItemCount()):
        section = tree.topLevelItem(top)
        for n in range(section.childCount()):
            item = section.child(n)
            if item.text(0) and name.endswith(f" {item.text(0)}"):
                tree.setCurrentItem(item)
                break
        else:
            continue
        break
    buttons = tree.findChildren(QToolButton)
    found = [b for b in buttons if b.accessibleName() == name]
    assert found, f"no button “{name}” on Today"
    return found[0]


def test_a_due_follow_up_is_shown_and_logging_the_contact_removes_it(
    qtbot: QtBot, db_path: Path
) -> None:
    with Database.open(db_path) as db:
        anna = add_client(db, "Anna")
        add_client(db, "Ben")
        history.log_contact(db, anna, ContactForm(
            subject="Quote for the wedding flowers", occurred_at=datetime.now() - timedelta(days=3),
            follow_up_on=date.today() - timedelta(days=1)))  # fmt: skip
    window = open_window(qtbot, db_path)
    assert window.right.currentWidget() is window.today  # the app opens on Today
    [due] = settled_today(qtbot, window).rows("follow_ups")
    assert (due.name, due.text, due.when) == (
        "Anna Test", "Follow up: Quote for the wedding flowers",
        "yesterday")  # fmt: skip
    assert "Follow-ups due: 1" in settled_today(qtbot, window).summary.text()

    def call(d: ContactDialog) -> None:
        assert d.windowTitle() == "Log contact with Anna Test"
        d.subject.setText("Called about the quote")
        qtbot.keyClick(d, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    answer_dialog(
        qtbot, ContactDialog, call, _button(qtbot, window, "Log contact with Anna Test").click
    )
    assert settled_today(qtbot, window).rows("follow_ups") == []
    assert window.right.currentWidget() is window.today  # still on Today
    assert "Nothing to do today." in settled_today(qtbot, window).summary.text()
    window.undoing.act_undo.trigger()  # undoing the call brings the follow-up back
    assert [r.name for r in settled_today(qtbot, window).rows("follow_ups")] == ["Anna Test"]
    window.close()


def test_rows_open_the_client_and_print_the_matching_letter(qtbot: QtBot, db_path: Path) -> None:
    with Database.open(db_path) as db:
        add_client(db, "Anna")
        ben = add_client(db, "Ben")
        complaints.open_complaint(db, ben, ComplaintForm(
            "Wrong colour roses", opened_at=datetime.now() - timedelta(hours=60)))  # fmt: skip
    window = open_window(qtbot, db_path)
    [case] = settled_today(qtbot, window).rows("complaints")
    assert case.urgent and case.when.startswith("2 days")  # over 48 hours: stands out

    def letter(d: LettersDialog) -> None:
        assert d.name.text() == "Apology after a complaint"
        assert d.recipients.currentText() == "this client (Ben Test)"
        d.reject()

    apology = _button(qtbot, window, "Letter “Apology after a complaint” for Ben Test")
    answer_dialog(qtbot, LettersDialog, letter, apology.click)

    # the complaint's own call is linked to it
    def call(d: ContactDialog) -> None:
        d.subject.setText("Sorry about the roses")
        qtbot.keyClick(d, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    answer_dialog(
        qtbot, ContactDialog, call, _button(qtbot, window, "Log contact with Ben Test").click
    )
    linked = history.entries_about(window.need_db(), case.ref)
    assert [e.subject for e in linked] == ["Sorry about the roses"]
    settled_today(qtbot, window).tree.setFocus()
    first_section = settled_today(qtbot, window).tree.topLevelItem(0)
    assert first_section is not None
    settled_today(qtbot, window).tree.setCurrentItem(first_section.child(0))
    qtbot.keyClick(settled_today(qtbot, window).tree, Qt.Key.Key_Return)
    assert window.right.currentWidget() is window.page
    assert window.page.record is not None and window.page.record.display_name == "Ben Test"
    window.controllers.act_today.trigger()
    assert window.right.currentWidget() is window.today
    window.close()


def test_ctrl_l_on_today_logs_the_chosen_row(qtbot: QtBot, db_path: Path) -> None:
    with Database.open(db_path) as db:
        anna = add_client(db, "Anna")
        history.log_contact(db, anna, ContactForm(
            subject="Measure the hall", occurred_at=datetime.now() - timedelta(days=2),
            follow_up_on=date.today()))  # fmt: skip
    window = open_window(qtbot, db_path)
    settled_today(qtbot, window).tree.setFocus()

    def call(d: ContactDialog) -> None:
        assert d.windowTitle() == "Log contact with Anna Test"
        d.subject.setText("Measured")
        qtbot.keyClick(d, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    answer_dialog(qtbot, ContactDialog, call,
                  lambda: qtbot.keyClick(settled_today(qtbot, window).tree, Qt.Key.Key_L,
                                         Qt.KeyboardModifier.ControlModifier))  # fmt: skip
    assert settled_today(qtbot, window).rows("follow_ups") == []
    window.close()


def test_a_contact_refreshes_today_for_its_client_and_a_setting_works_it_all_out(
    qtbot: QtBot, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Database.open(db_path) as db:
        anna = add_client(db, "Anna")
        history.log_contact(db, anna, ContactForm(
            subject="Measure the hall", occurred_at=datetime.now() - timedelta(days=2),
            follow_up_on=date.today()))  # fmt: skip
    window = open_window(qtbot, db_path)
    assert [r.name for r in settled_today(qtbot, window).rows("follow_ups")] == ["Anna Test"]
    runs: list[object] = []  # "all", or the clients refreshed
    work_out, refresh = today.work_out, today.refresh

    def all_of_it(*args: Any) -> today.Worked:
        runs.append("all")
        return work_out(*args)

    def some(db: Database, worked: today.Worked, ids: frozenset[str]) -> today.Worked:
        runs.append(ids)
        return refresh(db, worked, ids)

    monkeypatch.setattr(today, "work_out", all_of_it)
    monkeypatch.setattr(today, "refresh", some)
    window.state.apply(history.log_contact(window.need_db(), anna, ContactForm(subject="Done")))
    assert settled_today(qtbot, window).rows("follow_ups") == []
    assert runs == [{anna}]
    window.state.apply(reminders.set_touch_rules(window.need_db(), {"VIP": 30}))
    settled_today(qtbot, window)
    assert runs[1:] == ["all"]
    window.close()


def test_a_row_cut_short_shows_its_whole_text_in_its_tooltip(qtbot: QtBot, db_path: Path) -> None:
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    subject = "Quote for the wedding flowers of Ελένη Παπαδοπούλου — " + "peonies, " * 5
    with Database.open(db_path) as db:
        anna = add_client(db, "Anna")
        history.log_contact(db, anna, ContactForm(
            subject=subject.strip(), occurred_at=datetime.now() - timedelta(days=3),
            follow_up_on=date.today() - timedelta(days=1)))  # fmt: skip
    window = open_window(qtbot, db_path)
    tree = settled_today(qtbot, window).tree
    item = tree.topLevelItem(0).child(0)
    rect = tree.visualItemRect(item)
    at = QPoint(tree.header().sectionPosition(1) + 20, rect.center().y())
    assert tree.indexAt(at).data() == f"Follow up: {subject.strip()}"  # (elided on screen)
    event = QHelpEvent(QEvent.Type.ToolTip, at, tree.viewport().mapToGlobal(at))
    QApplication.sendEvent(tree.viewport(), event)
    assert QToolTip.text() == f"Follow up: {subject.strip()}"
    window.close()
