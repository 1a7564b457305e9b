"""A .crmdesk file opened from the desktop (`crmdesk FILE`): the last database opens, and the
file is offered to be merged into it or opened on its own."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from crmdesk.gui.app import app_icon
from crmdesk.gui.client_list_model import NAME
from crmdesk.gui.main_window import MainWindow
from crmdesk.services import notes
from crmdesk.store.database import Database
from tests.sync_helpers import add_client, copy_to, machine


def _offered(qtbot: QtBot, db: Path, file: Path) -> tuple[MainWindow, QMessageBox]:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.open_database(db)
    window.offer_file(file)
    box: list[QMessageBox] = []

    def shown() -> bool:
        found = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QMessageBox) and w.isVisible()
                 and w.windowTitle() == "Open or merge"]  # fmt: skip
        box[:] = found[:1]
        return bool(found)

    qtbot.waitUntil(shown, timeout=20000)
    return window, box[0]


def _button(box: QMessageBox, starts: str) -> QMessageBox.StandardButton:
    texts = [b.text() for b in box.buttons()]
    assert any(t.replace("&", "").startswith(starts) for t in texts), (box.text(), texts)
    return next(b for b in box.buttons() if b.text().replace("&", "").startswith(starts))


def test_a_copy_from_another_machine_is_merged_into_the_open_database(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    with machine(db_path, "A") as a:
        cid = add_client(a, given_name="Zoë", family_name="Παπαδοπούλου")
    laptop = copy_to(db_path, tmp_path / "laptop.crmdesk")
    with machine(laptop, "B") as b:
        notes.add_note(b, cid, "Her dog is called Biscuit")
    window, box = _offered(qtbot, db_path, laptop)
    assert laptop.name in box.text()
    assert "Merge into " + db_path.name in [b.text().replace("&", "") for b in box.buttons()]
    _button(box, "Merge").click()
    qtbot.waitUntil(lambda: window.carrying.summary_box is not None, timeout=20000)
    assert window.need_db().path == db_path.absolute()  # still the shop's own file
    texts = [n.text for n in notes.notes_of(window.need_db(), cid)]
    assert texts == ["Her dog is called Biscuit"]
    window.close()


def test_another_database_can_be_opened_on_its_own(
    qtbot: QtBot, db_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other shop.crmdesk"
    with Database.open(other, create=True) as c:
        add_client(c, given_name="Ngozi", family_name="Okafor")
    with machine(db_path, "A") as a:
        add_client(a, given_name="Zoë", family_name="Adams")
    window, box = _offered(qtbot, db_path, other)
    with qtbot.waitSignal(window.database_opened, timeout=20000):
        _button(box, "Open on its own").click()
    db = window.need_db()
    assert db.path == other.absolute()
    model = window.client_list.model
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert "Okafor" in str(model.index(0, NAME).data())
    window.close()


def test_the_open_database_itself_is_just_shown(qtbot: QtBot, db_path: Path) -> None:
    with machine(db_path, "A") as a:
        add_client(a, given_name="Zoë", family_name="Adams")
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.database_opened, timeout=20000):
        window.open_database(db_path)
        window.offer_file(db_path)
    qtbot.wait(200)
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, QMessageBox) and w.windowTitle() == "Open or merge"]  # fmt: skip
    window.close()


def test_the_window_has_the_application_icon_in_every_size(qtbot: QtBot) -> None:
    sizes = {(s.width(), s.height()) for s in app_icon().availableSizes()}
    assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= sizes


def test_a_file_and_a_database_option_together_are_refused(capsys: object, tmp_path: Path) -> None:
    from crmdesk import cli

    assert cli.main(["--db", str(tmp_path / "a.crmdesk"), str(tmp_path / "b.crmdesk")]) == 2
    assert "not both" in capsys.readouterr().err  # type: ignore[attr-defined]


def test_when_the_last_database_cannot_open_the_file_itself_is_opened(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from PySide6.QtCore import QTimer

    broken = tmp_path / "last used.crmdesk"
    broken.write_text("not a database", encoding="utf-8")
    brought = tmp_path / "brought.crmdesk"
    with Database.open(brought, create=True) as db:
        add_client(db, given_name="Ngozi", family_name="Okafor")
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    opened: list[Database] = []
    window.database_opened.connect(opened.append)
    told: list[str] = []

    def answer() -> None:  # the problem with the last file, said in a modal box
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            told.append(box.text())
            box.accept()
        elif not told:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)
    window.offer_file(brought)
    window.open_database(broken)
    qtbot.waitUntil(lambda: bool(told) and bool(opened), timeout=20000)
    assert window.need_db().path == brought.absolute()
    window.close()
