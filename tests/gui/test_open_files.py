"""Opening files from the window: refusals are explained, recent files remembered."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from crmdesk.gui.main_window import MainWindow
from crmdesk.services import recent
from tests.conftest import digest
from tests.gui.conftest import answer_dialog


def test_a_refused_file_is_explained_and_the_open_one_stays(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    bad = tmp_path / "holiday.crmdesk"
    bad.write_text("not a database")
    before = digest(bad)
    text: list[str] = []

    def read(box: QMessageBox) -> None:
        text.append(box.text())
        box.accept()

    def trigger() -> None:
        window.open_database(bad)
        qtbot.waitUntil(lambda: bool(text), timeout=10000)

    answer_dialog(qtbot, QMessageBox, read, trigger)
    assert str(bad) in text[0] and "not an SQLite file" in text[0]
    assert digest(bad) == before
    assert window.db is not None and window.db.path != bad
    assert window.file_label.text() == str(window.db.path)


def test_opened_files_go_to_the_recent_menu(
    qtbot: QtBot, window: MainWindow, demo_path: Path
) -> None:
    first = window.db.path if window.db else None
    with qtbot.waitSignal(window.database_opened, timeout=20000):
        window.open_database(demo_path)
    assert recent.recent_files()[:2] == [demo_path, first]
    recent_menu = window.files.recent_menu
    assert [a.text() for a in recent_menu.actions()][:2] == [str(demo_path), str(first)]
    assert window.client_list.model.rowCount() == 60
    assert "demo.crmdesk" in window.windowTitle()
    with qtbot.waitSignal(window.database_opened, timeout=20000):
        window.files.recent_menu.actions()[1].trigger()
    assert window.db is not None and window.db.path == first
    assert not (demo_path.parent / (demo_path.name + ".lock")).exists()  # the other was closed


def test_at_start_the_list_is_drawn_first_and_the_client_page_follows(
    qtbot: QtBot, demo_path: Path
) -> None:
    """As `crmdesk --db FILE` starts: the file opens before the first paint, the list is
    drawn, then the client page is built and shows the first client, ready to use."""
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.database_opened, timeout=20000):
        window.open_database(demo_path)
        assert window.client_list.model.rowCount() == 60  # opened at once: no migration to wait for
    first = window.client_list.model.index(0, 0).data()
    assert window.page.name.text().split()[-1] in first
    acts = window.client_actions
    assert acts.act_log.isEnabled() and acts.act_edit_client.isEnabled()
    window.close()


def test_the_log_file_is_made_at_the_first_message(data_dir: Path) -> None:
    """Start-up does not touch the data folder for the log; the first message does."""
    import logging

    from crmdesk import paths
    from crmdesk.gui.app import _LogFile

    handler = _LogFile()
    log_file = paths.data_dir() / "crmdesk.log"
    assert not log_file.exists()
    handler.emit(logging.LogRecord("crmdesk", logging.INFO, __file__, 1, "opened", None, None))
    handler.close()
    assert "INFO crmdesk: opened" in log_file.read_text()
