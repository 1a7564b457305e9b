"""Encrypted copies in the real window: written with a passphrase, merged back by typing it
(a wrong one said in the same dialog, nothing merged), the remembered one offered and
used. Opening one: tests/gui/test_unpacking.py."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from crmdesk.gui.dialogs.passphrase_dialogs import (
    CopyPassphraseDialog,
    MergePassphraseDialog,
    TypedPassphraseDialog,
)
from crmdesk.gui.main_window import MainWindow
from crmdesk.services import clients, passphrases, sync
from tests.conftest import digest
from tests.gui.conftest import answer_dialog, open_window
from tests.sync_helpers import a_keyring, add_client, copy_to, edit_client, machine

PASS = "seven sleepy otters"
SHOTS = os.environ.get("CRMDESK_DIALOG_SHOTS")  # a folder: grab the dialogs there to look at


def shot(dialog: object, name: str) -> None:
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / f"{name}.png"))  # type: ignore[attr-defined]


def asked_for_passphrase(
    qtbot: QtBot, window: MainWindow, after: MergePassphraseDialog | None = None
) -> MergePassphraseDialog:
    """The merge's passphrase dialog, once it is on screen (a new one, not `after`)."""

    def shown() -> bool:
        d = window.carrying.merge_dialog
        return d is not None and d is not after and d.isVisible()

    qtbot.waitUntil(shown, timeout=20000)
    assert window.carrying.merge_dialog is not None
    return window.carrying.merge_dialog


def refused_in(qtbot: QtBot, d: TypedPassphraseDialog, words: str) -> None:
    """`d` said the passphrase was refused, and stays open with it selected to type again."""
    qtbot.waitUntil(lambda: words in d.problem.text(), timeout=20000)
    assert d.isVisible() and d.problem.isVisible()
    assert d.passphrase.isEnabled() and d.ok.isEnabled()
    assert d.passphrase.selectedText() == d.passphrase.text()
    assert d.focusWidget() is d.passphrase


def write_encrypted_copy(qtbot: QtBot, path: Path, stick: Path, *, remember: bool) -> Path:
    """Open `path` in a window, copy it for another machine with PASS typed twice."""
    stick.mkdir(exist_ok=True)
    window = open_window(qtbot, path)

    def choose(d: CopyPassphraseDialog) -> None:
        qtbot.waitUntil(lambda: "Looking" not in d.remember.toolTip())
        assert d.encrypt.isChecked() and not d.ok.isEnabled()
        assert not d.use_remembered.isVisible()
        d.passphrase.setText(PASS)
        d.repeat.setText(PASS[:5])
        assert not d.ok.isEnabled()  # not the same yet
        d.repeat.setText(PASS)
        assert d.ok.isEnabled() and not d.problem.isVisible()
        d.remember.setChecked(remember)
        shot(d, "copy-passphrase")
        d.ok.click()

    answer_dialog(qtbot, CopyPassphraseDialog, choose, lambda: window.carrying.copy_to(stick))
    qtbot.waitUntil(lambda: window.carrying.copy_box is not None, timeout=20000)
    box = window.carrying.copy_box
    assert box is not None and "encrypted and checked" in box.text()
    shot(box, "copy-written")
    box.close()
    window.close()
    [made] = stick.iterdir()
    assert sync.is_encrypted(made)
    return made


def test_copy_with_a_passphrase_then_merge_it_typing_the_passphrase(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    with machine(db_path, "A") as a:
        cid = add_client(a, given_name="Anna", family_name="Webber", city="York")
    laptop = copy_to(db_path, tmp_path / "laptop.crmdesk")
    with machine(laptop, "B") as b:
        edit_client(b, cid, city="Hull")
    made = write_encrypted_copy(qtbot, laptop, tmp_path / "stick", remember=False)
    assert b"Hull" not in made.read_bytes()

    window = open_window(qtbot, db_path)
    db = window.need_db()
    window.carrying.merge_from(made)
    d = asked_for_passphrase(qtbot, window)
    assert made.name in d.findChild(QLabel).text()
    assert not d.problem.isVisible() and not d.ok.isEnabled()
    assert not d.remember.isEnabled()  # no keyring on this machine
    d.passphrase.setText("seven sleepy otter")
    shot(d, "merge-passphrase")
    d.ok.click()

    refused_in(qtbot, d, "does not open it; nothing was merged")
    assert window.carrying.merge_dialog is d  # the same dialog, still open
    shot(d, "merge-wrong-passphrase")
    d.passphrase.setText(PASS)
    d.ok.click()
    qtbot.waitUntil(lambda: window.carrying.summary_box is not None, timeout=20000)
    assert window.carrying.merge_dialog is None  # closed (and deleted)
    box = window.carrying.summary_box
    assert box is not None and "Clients: 1 updated" in box.informativeText()
    assert clients.get_client(db, cid).city == "Hull"
    window.close()


def test_a_wrong_passphrase_leaves_the_database_as_it_was(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    with machine(db_path, "A") as a:
        cid = add_client(a, given_name="Anna", city="York")
    laptop = copy_to(db_path, tmp_path / "laptop.crmdesk")
    with machine(laptop, "B") as b:
        edit_client(b, cid, city="Hull")
    made = write_encrypted_copy(qtbot, laptop, tmp_path / "stick", remember=False)
    window = open_window(qtbot, db_path)
    window.carrying.wait()  # the check and backup made on open
    before = digest(db_path)
    window.carrying.merge_from(made)
    d = asked_for_passphrase(qtbot, window)
    d.passphrase.setText("not the passphrase")
    d.ok.click()
    refused_in(qtbot, d, "does not open it")
    d.reject()  # the user gives up
    qtbot.waitUntil(lambda: window.carrying.merge_dialog is None and not window.tasks.busy)
    assert digest(db_path) == before
    assert clients.get_client(window.need_db(), cid).city == "York"
    window.close()


def test_the_remembered_passphrase_is_offered_and_used(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    with machine(db_path, "A") as a:
        cid = add_client(a, given_name="Anna", city="York")
    laptop = copy_to(db_path, tmp_path / "laptop.crmdesk")
    with a_keyring() as found:
        write_encrypted_copy(qtbot, laptop, tmp_path / "first", remember=True)
        lineage = next(iter(found.secrets))[1]
        assert found.secrets == {(passphrases.SERVICE, lineage): PASS}
        with machine(laptop, "B") as b:
            edit_client(b, cid, city="Hull")
        window = open_window(qtbot, laptop)

        def use_remembered(d: CopyPassphraseDialog) -> None:
            qtbot.waitUntil(d.use_remembered.isVisible)
            assert d.use_remembered.isChecked() and not d.fields.isEnabled()
            assert d.ok.isEnabled() and not d.remember.isVisible()
            shot(d, "copy-remembered")
            d.ok.click()

        stick = tmp_path / "second"
        stick.mkdir()
        answer_dialog(
            qtbot, CopyPassphraseDialog, use_remembered, lambda: window.carrying.copy_to(stick)
        )
        qtbot.waitUntil(lambda: window.carrying.copy_box is not None, timeout=20000)
        window.close()
        [made] = stick.iterdir()

        front = open_window(qtbot, db_path)  # the same business: the same remembered passphrase
        front.carrying.merge_from(made)  # no dialog: the remembered one opens it
        qtbot.waitUntil(lambda: front.carrying.summary_box is not None, timeout=20000)
        assert front.carrying.merge_dialog is None
        assert clients.get_client(front.need_db(), cid).city == "Hull"
        front.close()
