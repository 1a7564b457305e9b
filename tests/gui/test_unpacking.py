"""Opening an encrypted copy in the real window (File ▸ Open…, `crmdesk --db COPY`): the
passphrase is asked for in one dialog, which says a wrong one and stays; the right one
decrypts the copy into a database of its own, which the window then shows."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from crmdesk import paths
from crmdesk.gui.dialogs.passphrase_dialogs import OpenPassphraseDialog
from crmdesk.gui.main_window import MainWindow
from crmdesk.services import passphrases, sync
from crmdesk.services.client_list import count_clients
from crmdesk.store.encrypted_copy import KdfParams
from tests.conftest import digest
from tests.gui.conftest import answer_dialog, open_window
from tests.gui.test_encrypted_copies import refused_in, shot
from tests.sync_helpers import a_keyring, machine

PASS = "seven sleepy otters"


def encrypted_demo_copy(demo_path: Path, stick: Path) -> tuple[Path, int]:
    stick.mkdir(exist_ok=True)  # (plugged in)
    with machine(demo_path, "A") as a:
        made = sync.copy_for_another_machine(a, stick, passphrase=PASS, params=KdfParams(log2_n=10))
        return made, count_clients(a)


def asked(qtbot: QtBot, window: MainWindow) -> OpenPassphraseDialog:
    qtbot.waitUntil(
        lambda: window.unpacking.dialog is not None and window.unpacking.dialog.isVisible(),
        timeout=20000,
    )
    assert window.unpacking.dialog is not None
    return window.unpacking.dialog


def test_a_new_machine_opens_an_encrypted_copy_with_its_passphrase(
    qtbot: QtBot, demo_path: Path, tmp_path: Path
) -> None:
    """As `crmdesk --db COPY` on a laptop with no database: a wrong passphrase is said in
    the dialog, the right one opens the clients, decrypted into the data folder."""
    made, count = encrypted_demo_copy(demo_path, tmp_path / "stick")
    before = digest(made)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.open_database(made, create=True)
    d = asked(qtbot, window)
    assert made.name in d.findChildren(type(d.problem))[0].text()
    assert d.focusWidget() is d.passphrase and not d.ok.isEnabled()
    assert window.db is None
    qtbot.keyClicks(d.passphrase, "seven sleepy otter")
    shot(d, "open-passphrase")
    d.ok.click()
    refused_in(qtbot, d, "does not open it; nothing was written")
    assert window.unpacking.dialog is d
    shot(d, "open-wrong-passphrase")
    assert [p.name for p in paths.data_dir().glob("*.crmdesk")] == []

    d.passphrase.setText(PASS)
    with qtbot.waitSignal(window.database_opened, timeout=20000):
        d.ok.click()
    assert window.unpacking.dialog is None  # closed (and deleted)
    assert window.db is not None and window.db.path == paths.data_dir() / "demo.crmdesk"
    assert window.client_list.model.rowCount() == count > 0
    assert digest(made) == before
    if os.environ.get("CRMDESK_DIALOG_SHOTS"):
        window.grab().save(str(Path(os.environ["CRMDESK_DIALOG_SHOTS"]) / "opened-copy.png"))
    window.carrying.wait()
    window.close()


def test_file_open_on_an_encrypted_copy_uses_the_remembered_passphrase(
    qtbot: QtBot, demo_path: Path, db_path: Path, tmp_path: Path
) -> None:
    """File ▸ Open… on a copy, with its business's passphrase remembered for a database in
    the recent files: no dialog, the clients are shown."""
    made, count = encrypted_demo_copy(demo_path, tmp_path / "stick")
    with a_keyring():
        with machine(demo_path, "A") as a:
            passphrases.remember(a.lineage_id, PASS)
        window = open_window(qtbot, demo_path)  # (now in the recent files)
        window.carrying.wait()
        with qtbot.waitSignal(window.database_opened, timeout=20000):
            window.open_database(db_path)
        window.carrying.wait()

        def choose(*_args: object, **_kwargs: object) -> tuple[str, str]:
            return str(made), ""

        original = QFileDialog.getOpenFileName
        QFileDialog.getOpenFileName = staticmethod(choose)  # type: ignore[method-assign]
        try:
            with qtbot.waitSignal(window.database_opened, timeout=20000):
                window.files.act_open.trigger()
        finally:
            QFileDialog.getOpenFileName = original  # type: ignore[method-assign]
        assert window.unpacking.dialog is None
        assert window.db is not None and window.db.path == paths.data_dir() / "demo.crmdesk"
        assert window.client_list.model.rowCount() == count
        window.carrying.wait()
        window.close()


def test_a_name_in_use_is_never_written_over(
    qtbot: QtBot, demo_path: Path, db_path: Path, tmp_path: Path
) -> None:
    made, _ = encrypted_demo_copy(demo_path, tmp_path / "stick")
    taken = paths.data_dir() / "demo.crmdesk"
    taken.write_bytes(b"")
    window = open_window(qtbot, db_path)
    said: list[str] = []

    def cancel(box: QMessageBox) -> None:
        said.append(box.text())
        shot(box, "open-name-in-use")
        box.reject()

    answer_dialog(qtbot, QMessageBox, cancel, lambda: window.open_database(made))
    assert str(taken) in said[0] and "never written over" in said[0]
    assert taken.read_bytes() == b"" and window.unpacking.dialog is None
    assert window.db is not None and window.db.path == db_path
    window.carrying.wait()
    window.close()


def test_giving_up_while_the_passphrase_is_tried_is_no_crash(
    qtbot: QtBot, demo_path: Path, db_path: Path, tmp_path: Path
) -> None:
    made, _ = encrypted_demo_copy(demo_path, tmp_path / "stick")
    window = open_window(qtbot, db_path)
    window.open_database(made)
    d = asked(qtbot, window)
    d.passphrase.setText("not the passphrase")
    d.ok.click()
    d.reject()  # Esc while it is tried
    qtbot.waitUntil(lambda: window.unpacking.dialog is None and not window.tasks.busy)
    assert window.db is not None and window.db.path == db_path
    assert list(paths.data_dir().glob("*.crmdesk")) == []
    window.carrying.wait()
    window.close()
