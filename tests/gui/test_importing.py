"""File ▸ Import clients…: the preview of a CSV, a column mapped otherwise, the import, the
list, and Ctrl+Z taking the whole import back."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt, QUrl
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from crmdesk.gui.import_dialog import ImportDialog
from crmdesk.gui.import_models import STATUS_COLUMN, TARGET
from crmdesk.gui.importing import dropped_files
from crmdesk.gui.main_window import MainWindow
from crmdesk.services import client_list, clients, facts
from crmdesk.services.clients import ClientForm, Labelled
from crmdesk.services.importing import Field
from crmdesk.services.importing.plan import Status
from tests.gui.conftest import answer_dialog

ROWS = [
    ["Vorname", "Nachname", "E-Mail-Adresse", "Mobiltelefon", "Ort", "Schuhgröße"],
    ["Jürgen", "Weiß", "jw@example.de", "07400 123456", "Leeds", "44"],
    ["Σοφία", "Παπαδοπούλου", "sofia@example.gr", "07712 654321", "York", "38"],
    ["محمد", "الحسيني", "mohammed@example.org", "call me", "Bradford", "42"],
]


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "kunden.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows(ROWS)
    return path


def test_preview_change_a_mapping_import_and_undo(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    db = window.need_db()
    clients.create_client(db, ClientForm(given_name="Sofia", family_name="Papadopoulou",
                                         emails=[Labelled("", "sofia@example.gr")]))  # fmt: skip
    assert window.importing.act_import.shortcut().toString() == "Ctrl+Shift+I"
    file = _csv(tmp_path)
    seen: dict[str, object] = {}

    def answer(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20000)
        model = dialog.model
        assert model.rowCount() == 3
        status = [model.index(r, STATUS_COLUMN).data() for r in range(3)]
        assert status[0] == "new"
        assert status[1].startswith("matches Sofia Papadopoulou (same email sofia@example.gr)")
        assert dialog.status.text().startswith("2 new clients, 1 matching client here.")
        # the shoe size would be kept as a fact: the user says not to import it
        mapping = dialog.mapping_model
        shoe = [mapping.index(r, 0).data() for r in range(mapping.rowCount())].index("Schuhgröße")
        assert mapping.index(shoe, TARGET).data() == "keep as a fact (Schuhgröße)"
        with qtbot.waitSignal(dialog.previewed, timeout=20000):
            assert mapping.setData(
                mapping.index(shoe, TARGET), Field.SKIP, Qt.ItemDataRole.EditRole
            )
        assert "Not imported: Schuhgröße." in dialog.status.text()
        assert "call me" in dialog.model.index(2, STATUS_COLUMN + 1).data()
        seen["window"] = dialog.grab()
        with qtbot.waitSignal(dialog.finished_import, timeout=20000) as done:
            qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        result = done.args[0]
        assert (result.added, result.updated, result.skipped) == (2, 1, 0)
        text = dialog.summary.toPlainText()
        assert "kunden.csv, line 4: “call me” is not a phone number" in text
        assert "Ctrl+Z" in text
        dialog.reject()

    answer_dialog(qtbot, ImportDialog, answer, lambda: window.importing.import_files([file]))
    assert client_list.count_clients(db) == 3
    qtbot.waitUntil(lambda: window.client_list.count_label.text().startswith("3"), timeout=10000)
    ids = [cid for (cid,) in db.query("SELECT id FROM clients WHERE given_name = 'Jürgen'")]
    assert {f.label for f in facts.facts_of(db, ids[0])} == set()  # the shoe size was not kept
    undo = window.undoing.act_undo
    qtbot.waitUntil(undo.isEnabled, timeout=10000)
    assert undo.text() == "&Undo Import kunden.csv"
    qtbot.keyClick(window.client_list.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert client_list.count_clients(db) == 1
    sofia = db.query("SELECT city FROM clients WHERE deleted_at IS NULL")
    assert [tuple(r) for r in sofia] == [("",)]  # her city, filled by the import, is gone
    seen["window"].save(str(tmp_path / "import-preview.png"))  # type: ignore[attr-defined]


def test_the_same_person_twice_in_the_file(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    db = window.need_db()
    file = tmp_path / "kunden.csv"
    twice = [*ROWS, ["Juergen", "Weiss", "JW@example.de", "", "York", ""],
             ["סופיה", "", "", "07712 654321", "", ""]]  # fmt: skip
    with file.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";").writerows(twice)
    seen: dict[str, object] = {}

    def answer(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20000)
        model = dialog.model
        status = [model.index(r, STATUS_COLUMN).data() for r in range(5)]
        assert status[3].startswith("same as line 2, Jürgen Weiß (same email JW@example.de) — ")
        assert "keeps 2 different values in a note" in status[3]
        assert status[4].startswith("same as line 3, Σοφία Παπαδοπούλου (same phone +447712654321)")
        assert "2 the same person as an earlier row" in dialog.status.text()
        seen["window"] = dialog.grab()
        # the user knows better for the last row: another person
        dialog.table.selectRow(4)
        qtbot.mouseClick(dialog.unmatch_button, Qt.MouseButton.LeftButton)
        assert model.index(4, STATUS_COLUMN).data() == "new"
        assert "1 the same person as an earlier row" in dialog.status.text()
        with qtbot.waitSignal(dialog.finished_import, timeout=20000) as done:
            qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        result = done.args[0]
        assert (result.added, result.updated, result.folded) == (4, 0, 1)
        assert "1 row of the same person as an earlier row taken into that client" in \
            dialog.summary.toPlainText()  # fmt: skip
        dialog.reject()

    answer_dialog(qtbot, ImportDialog, answer, lambda: window.importing.import_files([file]))
    assert client_list.count_clients(db) == 4
    [city] = db.query("SELECT city FROM clients WHERE given_name = 'Jürgen'")
    assert tuple(city) == ("Leeds",)
    seen["window"].save(str(tmp_path / "import-same-person.png"))  # type: ignore[attr-defined]


def test_the_mapping_is_remembered_for_the_same_headers(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    file = _csv(tmp_path)

    def change_and_import(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20000)
        mapping = dialog.mapping_model
        with qtbot.waitSignal(dialog.previewed, timeout=20000):
            mapping.setData(mapping.index(5, TARGET), Field.SKIP, Qt.ItemDataRole.EditRole)
        with qtbot.waitSignal(dialog.finished_import, timeout=20000):
            dialog.import_button.click()
        dialog.reject()

    answer_dialog(qtbot, ImportDialog, change_and_import,
                  lambda: window.importing.import_files([file]))  # fmt: skip
    qtbot.waitUntil(window.importing.act_import.isEnabled, timeout=10000)
    other = tmp_path / "more.csv"
    other.write_bytes(file.read_bytes().replace(b"Leeds", b"Hull"))

    def look(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20000)
        assert dialog.mapping_model.index(5, TARGET).data() == "do not import"
        dialog.reject()

    answer_dialog(qtbot, ImportDialog, look, lambda: window.importing.import_files([other]))


def test_files_dropped_on_the_window_are_the_ones_imported(tmp_path: Path) -> None:
    file = _csv(tmp_path)
    database = tmp_path / "x.crmdesk"
    database.write_bytes(b"")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(file)), QUrl.fromLocalFile(str(database)),
                  QUrl("https://example.org/x.vcf")])  # fmt: skip
    assert dropped_files(mime) == [file]


def test_a_big_import_is_undone_in_the_background(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from crmdesk.services.importing import open_import
    from crmdesk.services.importing.preview import import_file

    db = window.need_db()
    path = tmp_path / "many.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        rows = [[f"Given{n}", f"Family{n}", f"p{n}@example.org"] for n in range(600)]
        csv.writer(f).writerows([["First Name", "Last Name", "E-mail Address"], *rows])
    result = import_file(db, open_import(path))
    assert result.changes is not None and result.changes.undo is not None
    window.state.apply(result.changes)
    assert len(result.changes.undo.reverts) == 1200  # the clients and their history entries
    busy: list[bool] = []
    window.state.runner.writes.busy_changed.connect(busy.append)
    window.undoing.act_undo.trigger()  # returns at once: the rows are put back on the lane
    qtbot.waitUntil(lambda: client_list.count_clients(db) == 0, timeout=30000)
    assert busy[:1] == [True]
    qtbot.waitUntil(lambda: window.undoing.act_redo.isEnabled(), timeout=10000)
    assert window.undoing.act_redo.text() == "&Redo Import many.csv"


def test_the_preview_models_pass_the_model_tester(
    qtmodeltester: ModelTester, db_path: Path, tmp_path: Path
) -> None:
    from crmdesk.gui.import_models import MappingModel, PreviewModel
    from crmdesk.services.importing import open_import
    from crmdesk.services.importing.preview import preview_file
    from crmdesk.store.database import Database

    with Database.open(db_path) as db:
        source = open_import(_csv(tmp_path))
        preview = preview_file(db, source)
    rows = PreviewModel()
    rows.show_rows(preview.rows)
    qtmodeltester.check(rows)
    columns = MappingModel()
    columns.set_mapping(source.mapping, list(ROWS[1]))
    qtmodeltester.check(columns)
    assert columns.rowCount() == 6 and rows.rowCount() == 3


def test_a_large_file_kept_on_disk_is_shown_unmatched_and_imported(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the first rows (10,000; 50 here) the preview keeps its rows in a temporary file:
    the table shows them all the same, a row unmatched there stays so, and closing the
    dialog deletes the file."""
    from crmdesk.services.importing import kept_rows
    from tests.unit.services.importing.test_import_memory import people

    monkeypatch.setattr(kept_rows, "IN_MEMORY", 50)
    db = window.need_db()
    file = people(tmp_path / "big.csv", 400)
    seen: dict[str, object] = {}

    def answer(dialog: ImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20000)
        preview, model = dialog.preview, dialog.model
        assert preview is not None and preview.rows.on_disk and model.rowCount() == 400
        dialog.table.scrollToBottom()
        assert model.index(399, 0).data() == "401"  # its line
        same = [
            r for r in range(60, 400) if model.index(r, STATUS_COLUMN).data().startswith("same as")
        ]
        counted = seen["same"] = preview.counts()[Status.SAME]
        assert same and f"{counted} the same person as an earlier row" in dialog.status.text()
        dialog.table.selectRow(same[0])
        qtbot.mouseClick(dialog.unmatch_button, Qt.MouseButton.LeftButton)
        dialog.table.scrollToTop()
        assert model.index(same[0], STATUS_COLUMN).data() == "new"
        assert f"{counted - 1} the same person as an earlier row" in dialog.status.text()
        with qtbot.waitSignal(dialog.finished_import, timeout=30000) as done:
            qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        seen["result"] = done.args[0]
        seen["rows"] = preview.rows
        dialog.reject()

    answer_dialog(qtbot, ImportDialog, answer, lambda: window.importing.import_files([file]))
    result, counted = seen["result"], seen["same"]
    assert (result.added, result.folded) == (401 - counted, counted - 1)  # type: ignore[attr-defined, operator]
    assert client_list.count_clients(db) == result.added  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="closed"):  # its temporary file went with the dialog
        seen["rows"][399]  # type: ignore[index]
