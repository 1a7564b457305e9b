"""Long text never breaks a window: a client whose every field is as long as it may be —
long words and long sentences — opens in the main window, Letters and Surveys, and none of
them grows past the screen; names are cut with "…" (the whole in a tooltip), the Undo
action too. Past the limit a field says so as it is typed."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from crmdesk.gui.dialogs.client_dialog import ClientDialog
from crmdesk.gui.main_window import MainWindow
from crmdesk.services import clients, limits
from crmdesk.services.clients import ClientForm, Labelled
from tests.gui.conftest import answer_dialog

SHOTS = os.environ.get("CRMDESK_SHOTS", "")  # a folder to grab the windows into, to look at


def _grab(widget: QWidget, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / name))


def _longest(name: str, words: bool) -> str:
    """As long as the field may be: one long word ("WWW…", the widest letter) or words."""
    chars = limits.CLIENT[name].chars
    return ("Bartholomew-Featherstonehaugh " * chars)[:chars] if words else "W" * chars


def _long_client(window: MainWindow) -> str:
    db = window.db
    assert db is not None
    form = ClientForm(
        **{
            name: _longest(name, words=name in ("family_name", "street", "company"))
            for name in limits.CLIENT
        },
        phones=[Labelled("W" * limits.LABEL.chars, "01423 555012")],
        emails=[Labelled("work", "w" * 60 + "@" + "x" * 60 + ".example.org")],
        tags=["T" * limits.TAG.chars, "Long tag with words in it, forty chars!"],
    )
    made = clients.create_client(db, form)
    window.state.apply(made)
    assert made.created_id is not None
    return made.created_id


def _fits_screen(widget: QWidget) -> None:
    screen = (widget.screen() or QGuiApplication.primaryScreen()).availableGeometry()
    QApplication.processEvents()
    for size in (widget.size(), widget.minimumSizeHint(), widget.minimumSize()):
        assert size.width() <= screen.width() and size.height() <= screen.height(), (
            f"{widget.windowTitle()}: {size} is larger than the screen ({screen.size()})"
        )


def test_a_client_as_long_as_can_be_keeps_every_window_within_the_screen(
    qtbot: QtBot, window: MainWindow
) -> None:
    client_id = _long_client(window)
    window.show_client(client_id)
    _fits_screen(window)
    page = window.page
    record = page.record
    assert record is not None and record.id == client_id
    page.name.repaint()
    assert page.name.shown_text().endswith("…") and page.name.toolTip() == record.display_name
    assert page.name.text() == record.display_name  # what a screen reader reads is whole
    assert "W" * limits.CLIENT["postcode"].chars in page.details.toolTip()  # whole there
    undo = window.undoing.act_undo
    assert undo.text().startswith("&Undo New client") and undo.text().endswith("…")
    assert len(undo.text()) < 60 and undo.toolTip() == f"Undo New client {record.display_name}"
    _grab(window, "long-main.png")

    letters = window.paperwork.letters_dialog()
    letters.show()
    qtbot.waitExposed(letters)
    _fits_screen(letters)
    letters.preview_label.repaint()
    assert letters.preview_label.toolTip().startswith("Preview for ")
    _grab(letters, "long-letters.png")
    letters.close()

    surveys = window.paperwork.surveys_dialog()
    surveys.show()
    qtbot.waitExposed(surveys)
    _fits_screen(surveys)
    assert surveys.form_for.itemData(0, 3).startswith("this client (W")  # 3: the tooltip
    _grab(surveys, "long-surveys.png")
    surveys.close()

    def look(dialog: ClientDialog) -> None:
        _fits_screen(dialog)
        assert dialog.width() >= dialog.sizeHint().width()  # not squeezed by the long text
        assert dialog.family_name.text() == record.family_name  # shown whole to edit
        _grab(dialog, "long-client-dialog.png")
        dialog.reject()

    answer_dialog(qtbot, ClientDialog, look, window.client_actions.act_edit_client.trigger)


def test_a_pasted_5000_character_name_is_said_at_the_field_at_once(
    qtbot: QtBot, window: MainWindow
) -> None:
    def fill(dialog: ClientDialog) -> None:
        dialog.given_name.setFocus()
        QApplication.clipboard().setText("Margaret " * 555 + "Webber")
        dialog.given_name.paste()
        said = dialog.problems()["given_name"]
        assert said.startswith("The given name can be at most 100 characters long; this is")
        _fits_screen(dialog)
        dialog.given_name.setText("Margaret")  # shortened: the message goes
        assert "given_name" not in dialog.problems()
        dialog.given_name.setText("M" * 101)
        dialog.buttons.accepted.emit()  # and Save refuses it, too
        qtbot.waitUntil(lambda: not getattr(dialog, "saving", False))
        assert dialog.isVisible() and "this is 101" in dialog.problems()["given_name"]
        dialog.reject()

    answer_dialog(qtbot, ClientDialog, fill, window.client_actions.act_new_client.trigger)
    db = window.db
    assert db is not None and clients.find_by_name(db, "M") == []
