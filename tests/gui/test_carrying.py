"""Carrying the database, in the real window: merge a copy with a conflict and review it,
erase a person, restore a backup, and the checks and backups made on open."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from crmdesk.gui.dialogs.backups_dialog import BackupsDialog
from crmdesk.gui.dialogs.conflicts_dialog import ConflictsDialog
from crmdesk.services import backups, clients, notes
from tests.gui.conftest import answer_dialog, open_window
from tests.gui.test_encrypted_copies import SHOTS
from tests.sync_helpers import add_client, copy_to, edit_client, machine


def test_merge_a_copy_review_the_conflict_and_keep_the_other_value(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    with machine(db_path, "A") as a:
        cid = add_client(a, given_name="Anna", family_name="Webber", city="York")
    laptop = copy_to(db_path, tmp_path / "laptop.crmdesk")
    window = open_window(qtbot, db_path)
    db = window.need_db()
    edit_client(db, cid, city="Leeds")  # here
    with machine(laptop, "B") as b:
        edit_client(b, cid, city="Hull")  # on the laptop, later
        notes.add_note(b, cid, "Her daughter's wedding is in May")
    window.carrying.merge_from(laptop)
    qtbot.waitUntil(lambda: window.carrying.summary_box is not None, timeout=20000)
    box = window.carrying.summary_box
    assert box is not None and box.isVisible()
    assert "Clients: 1 updated, 1 in conflict" in box.informativeText()
    assert "Notes: 1 added" in box.informativeText()
    assert "1 change was made on both machines" in box.informativeText()
    assert "(s)" not in box.informativeText()
    # the backup's name on a line of its own, not broken inside it
    backup = next(iter(backups.backups_of(db))).path.name
    assert f'<br><span style="white-space:nowrap">{backup}</span>' in box.informativeText()
    if SHOTS:
        box.grab().save(str(Path(SHOTS) / "merge-summary.png"))
    window.show_client(cid)
    assert window.page.record is not None and window.page.record.city == "Hull"

    def keep_leeds(d: ConflictsDialog) -> None:
        assert d.model.rowCount() == 1
        conflict = d.model.record(0)
        assert (conflict.client_name, conflict.what) == ("Anna Webber", "Client · city")
        assert d.model.index(0, 3).data() == "Hull" and d.model.index(0, 4).data() == "Leeds"
        d.keep_other_button.click()
        assert d.model.index(0, 5).data() == "other value kept"
        assert not d.keep_other_button.isEnabled()
        d.reject()

    review = next(b for b in box.buttons() if b.text() == "Review conflicts…")
    assert isinstance(review, QPushButton)
    box.hide()  # (clicking it closes the box first)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    answer_dialog(qtbot, ConflictsDialog, keep_leeds, review.click)
    assert clients.get_client(db, cid).city == "Leeds"
    assert window.page.record is not None and window.page.record.city == "Leeds"
    window.close()


def test_erase_from_the_client_menu(qtbot: QtBot, db_path: Path, monkeypatch) -> None:
    with machine(db_path, "A") as a:
        cid = add_client(a, given_name="Erin", family_name="Gone")
        notes.add_note(a, cid, "Secret")
    window = open_window(qtbot, db_path)
    window.show_client(cid)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert window.carrying.act_erase.isEnabled()
    window.carrying.act_erase.trigger()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=20000)
    record = clients.get_client(window.need_db(), cid)
    assert record.erased_at is not None and record.family_name == ""
    assert window.client_list.model.rowCount() == 0  # gone from the list
    assert not window.undoing.act_undo.isEnabled()
    window.close()


def test_the_file_is_checked_and_backed_up_on_open_and_a_backup_restores(
    qtbot: QtBot, db_path: Path, monkeypatch
) -> None:
    with machine(db_path, "A") as a:
        cid = add_client(a, given_name="Anna")
    window = open_window(qtbot, db_path)
    db = window.need_db()
    qtbot.waitUntil(lambda: len(backups.backups_of(db)) == 1, timeout=20000)
    assert backups.backups_of(db)[0].reason == "on-open"
    edit_client(db, cid, city="Leeds")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)

    def restore_first(d: BackupsDialog) -> None:
        assert d.model.rowCount() == 1
        d.restore_button.click()

    with qtbot.waitSignal(window.database_opened, timeout=20000):
        answer_dialog(qtbot, BackupsDialog, restore_first, window.carrying.act_backups.trigger)
    assert clients.get_client(window.need_db(), cid).city == ""
    window.close()


def test_a_birthday_conflict_reads_as_a_day_not_as_stored_text() -> None:
    from crmdesk.gui.dialogs.conflicts_dialog import shown

    assert shown("XXXX-04-15") == "15 April (year not known)"
    assert shown("1975-04-15") == "1975-04-15"
