"""The front desk, driven as a user would: keyboard shortcuts, typing, clicking Save."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from crmdesk.gui.client_list_model import FOUND, HTML_ROLE, NAME
from crmdesk.gui.dialogs.client_dialog import ClientDialog
from crmdesk.gui.dialogs.entry_dialogs import ContactDialog, FactDialog, NoteDialog
from crmdesk.gui.dialogs.trash_dialog import TrashDialog
from crmdesk.gui.main_window import MainWindow
from crmdesk.services import client_list, history
from tests.gui.conftest import answer_dialog

CTRL = Qt.KeyboardModifier.ControlModifier


def type_into(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type `text`; letters QTest cannot map to keys (ë, ł) are committed as an input
    method would."""
    widget.setFocus()
    if text.isascii():
        qtbot.keyClicks(widget, text)
        return
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def new_client(qtbot: QtBot, window: MainWindow, given: str, family: str, phone: str = "") -> None:
    def fill(d: ClientDialog) -> None:
        type_into(qtbot, d.given_name, given)
        type_into(qtbot, d.family_name, family)
        if phone:
            type_into(qtbot, d.phones, phone)
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    answer_dialog(qtbot, ClientDialog, fill, lambda: qtbot.keyClick(window, Qt.Key.Key_N, CTRL))


def test_a_day_at_the_front_desk(qtbot: QtBot, window: MainWindow) -> None:
    # Ctrl+N: a new client, shown and selected at once
    new_client(qtbot, window, "Margaret", "Webber", "mobile: 07911 123456")
    assert window.page.name.text() == "Margaret Webber"
    assert "07911 123456" in window.page.details.text()
    assert window.client_list.model.rowCount() == 1

    # a thing to remember and a note
    def fact(d: FactDialog) -> None:
        d.label.setCurrentText("Dog")
        type_into(qtbot, d.value, "Biscuit")
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    answer_dialog(qtbot, FactDialog, fact, lambda: qtbot.keyClick(window, Qt.Key.Key_R, CTRL))
    assert window.page.facts_model.rowCount() == 1
    assert window.page.facts_model.index(0, 1).data() == "Biscuit"

    def note(d: NoteDialog) -> None:
        type_into(qtbot, d.text, "Daughter Emma is getting married in June")
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    answer_dialog(qtbot, NoteDialog, note, lambda: window.client_actions.act_note.trigger())
    assert "married" in window.page.notes_model.index(0, 1).data()

    # Ctrl+L and typing: a call is logged, the cursor already in Subject
    def call(d: ContactDialog) -> None:
        assert d.focusWidget() is d.subject
        assert d.kind.currentData() == "call"
        qtbot.keyClicks(d.focusWidget(), "Asked about the wedding flowers")
        qtbot.keyClick(d.subject, Qt.Key.Key_Return, CTRL)

    answer_dialog(qtbot, ContactDialog, call, lambda: qtbot.keyClick(window, Qt.Key.Key_L, CTRL))
    assert window.page.timeline_model.rowCount() == 1
    assert window.page.timeline_model.index(0, 2).data() == "Asked about the wedding flowers"

    # someone else comes in
    new_client(qtbot, window, "Zoë", "Brontë")
    assert window.client_list.model.rowCount() == 2

    # Ctrl+F, a word from the note: Margaret is found, with the words that matched
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    assert window.client_list.search_box.hasFocus()
    qtbot.keyClicks(window.client_list.search_box, "marri")
    model, table = window.client_list.model, window.client_list.table
    qtbot.waitUntil(lambda: model.searching and model.rowCount() == 1)
    assert model.index(0, NAME).data() == "Webber, Margaret"
    assert model.index(0, FOUND).data().startswith("Note: ")
    assert "<b>marri</b>" in model.index(0, FOUND).data(HTML_ROLE)
    assert not table.isColumnHidden(FOUND)
    assert table.itemDelegateForColumn(FOUND) is not None  # paints the bold words
    assert window.page.name.text() == "Margaret Webber"
    window.client_list.search_box.clear()
    qtbot.waitUntil(lambda: not window.client_list.model.searching)
    assert window.client_list.table.isColumnHidden(FOUND)


def test_bad_email_is_shown_at_its_field_and_nothing_is_saved(
    qtbot: QtBot, window: MainWindow
) -> None:
    problems: dict[str, str] = {}

    def fill(d: ClientDialog) -> None:
        type_into(qtbot, d.given_name, "Anna")
        type_into(qtbot, d.emails, "anna@@example")
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))
        assert d.isVisible()  # still open, nothing typed is lost
        problems.update(d.problems())
        assert d.findChild(QPlainTextEdit, "emails").hasFocus()
        d.reject()

    answer_dialog(qtbot, ClientDialog, fill, window.client_actions.act_new_client.trigger)
    assert list(problems) == ["emails"]
    assert "anna@@example" in problems["emails"]
    assert window.db is not None and client_list.count_clients(window.db) == 0


def test_delete_undo_trash_restore(qtbot: QtBot, window: MainWindow) -> None:
    new_client(qtbot, window, "Anna", "Webber")
    new_client(qtbot, window, "Zoë", "Brontë")
    assert window.page.name.text() == "Zoë Brontë"

    window.client_list.table.setFocus()
    qtbot.keyClick(window.client_list.table, Qt.Key.Key_Delete)
    assert window.client_list.model.rowCount() == 1
    assert "Trash" in window.statusBar().currentMessage()

    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)  # undo the delete
    assert window.client_list.model.rowCount() == 2

    window.client_list.table.setFocus()
    first = window.client_list.table.visualRect(window.client_list.model.index(0, NAME)).center()
    qtbot.mouseClick(window.client_list.table.viewport(), Qt.MouseButton.LeftButton, pos=first)
    assert len(window.client_list.table.selectionModel().selectedRows()) == 1  # Brontë sorts first
    qtbot.keyClick(window.client_list.table, Qt.Key.Key_Delete)
    model = window.client_list.model
    assert [model.index(r, NAME).data() for r in range(model.rowCount())] == ["Webber, Anna"]

    def restore(d: TrashDialog) -> None:
        assert d.model.rowCount() == 1
        assert d.model.index(0, 2).data() == "Zoë Brontë"
        d.restore_button.click()
        assert d.model.rowCount() == 0
        d.reject()

    answer_dialog(qtbot, TrashDialog, restore, window.client_actions.act_trash.trigger)
    assert window.client_list.model.rowCount() == 2


def test_undo_an_edit(qtbot: QtBot, window: MainWindow) -> None:
    new_client(qtbot, window, "Anna", "Webber")

    def rename(d: ClientDialog) -> None:
        city = d.findChild(QLineEdit, "city")
        type_into(qtbot, city, "Harrogate")
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    answer_dialog(qtbot, ClientDialog, rename, lambda: qtbot.keyClick(window, Qt.Key.Key_E, CTRL))
    assert "Harrogate" in window.page.details.text()
    assert window.undoing.act_undo.text() == "&Undo Edit Anna Webber"
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert "Harrogate" not in window.page.details.text()
    assert "Undone: Edit Anna Webber" in window.statusBar().currentMessage()
    window.undoing.act_redo.trigger()
    assert "Harrogate" in window.page.details.text()


def test_timeline_filters_by_kind(qtbot: QtBot, demo_window: MainWindow) -> None:
    page = demo_window.page
    assert page.record is not None and demo_window.db is not None
    total = history.count_entries(demo_window.db, page.record.id)
    assert page.timeline_model.rowCount() == total
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("call"))
    kinds = {page.timeline_model.record(r).kind for r in range(page.timeline_model.rowCount())}
    assert kinds <= {"call"}
    whens = [
        page.timeline_model.record(r).occurred_at for r in range(page.timeline_model.rowCount())
    ]
    assert whens == sorted(whens, reverse=True)


def test_quitting_leaves_no_side_files(qtbot: QtBot, window: MainWindow) -> None:
    new_client(qtbot, window, "Anna", "Webber")
    assert window.db is not None
    path: Path = window.db.path
    window.close()
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name)) == [
        path.name
    ]


def test_a_client_added_during_a_search_stays_chosen(qtbot: QtBot, window: MainWindow) -> None:
    new_client(qtbot, window, "Anna", "Webber")
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.client_list.search_box, "Webber")
    qtbot.waitUntil(lambda: window.client_list.model.searching)
    new_client(qtbot, window, "Zack", "Young")  # sorts last
    qtbot.wait(400)  # longer than the search-as-you-type delay
    assert not window.client_list.model.searching and window.client_list.search_box.text() == ""
    assert window.page.name.text() == "Zack Young"
    assert window.client_list.table.currentIndex().data() == "Young, Zack"
