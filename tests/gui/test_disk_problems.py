"""A write the disk refuses, in the window: the real cause is shown where the user was,
what they typed stays, the database is as it was, and it is never shown as a bug."""

from __future__ import annotations

import resource
from collections.abc import Iterator
from contextlib import contextmanager

from pytestqt.qtbot import QtBot

from crmdesk.gui.dialogs.entry_dialogs import NoteDialog
from crmdesk.gui.main_window import MainWindow
from crmdesk.services import notes
from tests.conftest import digest
from tests.gui.conftest import answer_dialog
from tests.sync_helpers import add_client


@contextmanager
def no_file_may_grow() -> Iterator[None]:
    """Inside the block this process may write no file past its first bytes (ulimit -f):
    every write of the database fails as on a disk that takes no more."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (512, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))


def test_a_note_the_disk_refuses_is_explained_in_its_dialog(
    qtbot: QtBot, window: MainWindow
) -> None:
    db = window.db
    assert db is not None
    cid = add_client(db, given_name="Anna", family_name="Webber")
    window.client_list.model.reload()
    window.show_client(cid)
    qtbot.waitUntil(lambda: window.page.record is not None and window.page.record.id == cid)
    before = digest(db.path)
    seen: dict[str, object] = {}

    def write(d: NoteDialog) -> None:
        d.text.setPlainText("Her daughter marries in June")
        with no_file_may_grow():
            d.buttons.accepted.emit()
            qtbot.waitUntil(lambda: not d.saving)  # (written on the app's write lane)
        seen["open"] = d.isVisible()
        seen["problem"] = d.general_error.text()
        seen["typed"] = d.text.toPlainText()
        d.reject()

    answer_dialog(qtbot, NoteDialog, write, window.client_actions.act_note.trigger)
    assert seen["open"] and seen["typed"] == "Her daughter marries in June"
    problem = str(seen["problem"])
    assert str(db.path) in problem and "could not be written" in problem
    assert "Move the database to a disk that takes larger files" in problem  # what to do
    assert "bug" not in problem.lower()
    assert notes.notes_of(db, cid) == []
    assert digest(db.path) == before
