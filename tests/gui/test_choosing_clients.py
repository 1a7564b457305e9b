"""The window acts on what the owner chose: New client shows the new client's page, Del
on several selected clients asks once and moves them all (one Ctrl+Z brings them back), a
referral code typed in "Referred by" links the referrer, Print forms has Print…, labels
start part-way down a used sheet."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from crmdesk.gui.dialogs.client_dialog import ClientDialog
from crmdesk.gui.main_window import MainWindow
from crmdesk.gui.widgets import FieldError
from crmdesk.services import clients, referrals
from crmdesk.store.database import Database
from tests.gui.conftest import answer_dialog, open_window
from tests.gui.test_front_desk import type_into
from tests.letters_helpers import PEOPLE, add_people, pdf_pages, set_up_shop

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def shop_window(qtbot: QtBot, db_path: Path) -> MainWindow:
    with Database.open(db_path) as db:
        set_up_shop(db)
        add_people(db)
    return open_window(qtbot, db_path)


def test_after_new_client_the_right_side_shows_their_page(
    qtbot: QtBot, shop_window: MainWindow
) -> None:
    window = shop_window
    window.show_today()
    assert window.right is not None and window.right.currentWidget() is window.today

    def fill(d: ClientDialog) -> None:
        type_into(qtbot, d.given_name, "Ann")
        type_into(qtbot, d.family_name, "Lee")
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    answer_dialog(qtbot, ClientDialog, fill, lambda: qtbot.keyClick(window, Qt.Key.Key_N, CTRL))
    assert window.right.currentWidget() is window.page
    assert window.page.name.text() == "Ann Lee"


def test_del_on_three_selected_clients_asks_once_and_one_undo_brings_them_back(
    qtbot: QtBot, shop_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = shop_window
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_a: object) -> object:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    view, model = window.client_list.table, window.client_list.model
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    clear = QItemSelectionModel.SelectionFlag.ClearAndSelect
    view.selectionModel().select(model.index(1, 0), clear | QItemSelectionModel.SelectionFlag.Rows)
    for row in (2, 3):
        view.selectionModel().select(model.index(row, 0), flags)
    chosen = {model.index(r, 0).data() for r in (1, 2, 3)}
    on_screen = window.page.name.text()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert asked == ["Move 3 clients to the Trash? Ctrl+Z brings them back."]
    left = {model.index(r, 0).data() for r in range(model.rowCount())}
    assert model.total == 3 and not chosen & left and on_screen not in left
    assert window.undoing.act_undo.text() == "&Undo Delete 3 clients"

    window.undoing.act_undo.trigger()
    assert model.total == 6
    assert chosen <= {model.index(r, 0).data() for r in range(model.rowCount())}


def test_del_on_one_client_asks_nothing(
    qtbot: QtBot, shop_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a: pytest.fail("asked"))
    window = shop_window
    window.client_list.table.selectRow(2)
    window.client_list.table.setFocus()
    qtbot.keyClick(window.client_list.table, Qt.Key.Key_Delete)
    assert window.client_list.model.total == 5


def test_a_referral_code_from_a_letter_links_the_referrer(
    qtbot: QtBot, shop_window: MainWindow
) -> None:
    window = shop_window
    db = window.need_db()
    referrer_id, referrer_name = clients.find_by_name(db, "Søren")[0]
    code = clients.referral_code(referrer_id)  # as printed on the referral letters

    def fill(d: ClientDialog) -> None:
        type_into(qtbot, d.given_name, "Ann")
        type_into(qtbot, d.family_name, "Lee")
        type_into(qtbot, d.referred_by, code.lower())  # typed as read off the letter
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))

    answer_dialog(qtbot, ClientDialog, fill, lambda: window.client_actions.act_new_client.trigger())
    [referral] = referrals.referrals(db)
    assert (referral.referred_name, referral.referrer_name) == ("Ann Lee", referrer_name)
    assert window.page.name.text() == "Ann Lee"


def test_a_referral_code_nobody_has_is_said_at_the_field(
    qtbot: QtBot, shop_window: MainWindow
) -> None:
    window = shop_window
    seen: list[str] = []

    def fill(d: ClientDialog) -> None:
        type_into(qtbot, d.given_name, "Ann")
        type_into(qtbot, d.referred_by, "R-0000ZZZZ")
        d.buttons.accepted.emit()
        qtbot.waitUntil(lambda: not getattr(d, "saving", False))
        error = d.findChild(FieldError, "error_referred_by_id")
        seen.append(error.text() if error is not None and error.isVisible() else "")
        d.reject()

    answer_dialog(qtbot, ClientDialog, fill, lambda: window.client_actions.act_new_client.trigger())
    assert seen and "No client has the referral code R-0000ZZZZ" in seen[0]


def test_print_forms_has_print_like_letters(
    qtbot: QtBot, shop_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crmdesk.gui import surveys_dialog

    printed: list[Path] = []
    monkeypatch.setattr(surveys_dialog, "print_pdf", lambda path, _p: printed.append(path))
    window = shop_window
    dialog = window.paperwork.surveys_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.printer_button.text() == "Pr&int…" and dialog.printer_button.isVisible()
    dialog.form_for.setCurrentIndex(dialog.form_for.findText("blank forms for the counter"))
    dialog.blank.setValue(3)
    with qtbot.waitSignal(dialog.forms_written, timeout=20000):  # (written in the background)
        qtbot.mouseClick(dialog.printer_button, Qt.MouseButton.LeftButton)
    [path] = printed
    assert len(pdf_pages(path)) == 3
    assert "Wrote 3 forms" in dialog.print_result.text()


def test_labels_start_part_way_down_a_used_sheet(
    qtbot: QtBot, shop_window: MainWindow, tmp_path: Path
) -> None:
    from crmdesk.gui.letters_dialog import LettersDialog

    window = shop_window
    window.client_list.table.selectAll()
    dialog = window.paperwork.letters_dialog()
    assert isinstance(dialog, LettersDialog)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.choose_template("Birthday")
    dialog.recipients.setCurrentIndex(dialog.recipients.findText("the 6 clients selected in "
                                                                 "the list"))  # fmt: skip
    assert not dialog.start_at.isEnabled()
    dialog.labels.setChecked(True)
    assert dialog.start_at.isEnabled() and dialog.start_at.maximum() == 21  # A4: L7160
    dialog.start_at.setValue(19)
    with qtbot.waitSignal(dialog.changed, timeout=20000):
        dialog.save_pdf(tmp_path / "birthday.pdf")
    labels = tmp_path / "birthday-labels.pdf"
    pages = pdf_pages(labels)
    assert len(pages) == 2  # labels 19-21 of the used sheet, then 3 on a new one
    families = [p[1] for p in PEOPLE]
    assert [sum(f in page for f in families) for page in pages] == [3, 3]
    # on the used sheet only the last row is printed: no ink above it
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(labels)
    image = pdf[0].render(scale=1).to_pil().convert("L").point(lambda v: 255 if v < 128 else 0)
    box = image.getbbox()  # where the ink is
    assert box is not None and box[1] > image.height * 0.8
    pdf.close()
