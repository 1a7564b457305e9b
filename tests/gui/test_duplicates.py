"""View ▸ Duplicates… driven through the window: scan, say one pair are different people,
merge another choosing a field, and take the merge back with Undo."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from crmdesk.gui.duplicates_window import DuplicatesWindow
from crmdesk.gui.main_window import MainWindow
from crmdesk.gui.merge_chooser import MergeChooser
from crmdesk.services import clients, duplicates, notes, settings
from crmdesk.services.clients import Labelled
from crmdesk.store.database import Database
from tests.gui.conftest import answer_dialog, open_window
from tests.sync_helpers import add_client


def _people(db_path: Path) -> dict[str, str]:
    with Database.open(db_path) as db:
        settings.set_phone_region(db, "GB")
        made = {
            "ann": add_client(db, given_name="Ann", family_name="Webber", city="Leeds",
                              emails=[Labelled("home", "ann@example.org")]),
            "annie": add_client(db, given_name="Annie", family_name="Webber", city="York",
                                emails=[Labelled("work", "ann@example.org")]),
            "olga": add_client(db, given_name="Ольга", family_name="Иванова", city="Otley"),
            "olga2": add_client(db, given_name="Ольга", family_name="Иванова", city="Otley"),
        }  # fmt: skip
        notes.add_note(db, made["annie"], "Likes lilies")
    return made


def _row_of(window: DuplicatesWindow, ids: set[str]) -> int:
    for row, pair in enumerate(window.model.records()):
        if {pair.first_id, pair.second_id} == ids:
            return row
    raise AssertionError(f"no pair {ids} in the list")


def test_scan_dismiss_merge_and_undo(qtbot: QtBot, db_path: Path) -> None:
    who = _people(db_path)
    window: MainWindow = open_window(qtbot, db_path)
    assert window.duplicates.act_duplicates.isEnabled()

    def use(d: DuplicatesWindow) -> None:
        qtbot.waitUntil(lambda: d.model.rowCount() == 2, timeout=20000)  # on the read lane
        assert "2 pairs that may be the same person" in d.status.text()
        olgas = _row_of(d, {who["olga"], who["olga2"]})
        assert d.model.record(olgas).reason == "Same name, same town Otley"
        assert d.model.data(d.model.index(olgas, 0)) == f"{d.model.record(olgas).score}%"
        d.table.selectRow(olgas)
        d.dismiss_button.click()  # not the same person: written on the write lane
        qtbot.waitUntil(lambda: d.model.rowCount() == 1, timeout=20000)
        [pair] = d.model.records()
        assert "Same email ann@example.org" in pair.reason
        d.table.selectRow(0)

        def choose(chooser: MergeChooser) -> None:
            assert chooser.plan.kept_id == who["ann"]  # the older client is kept
            assert chooser.choices()["given_name"] == "other"  # the newer value
            chooser.choose("given_name", "kept")
            assert chooser.choices()["city"] == "other"  # Annie's town is the newer one
            assert "notes (1)" in chooser.moving.text()
            chooser.merge_button.click()
            qtbot.waitUntil(lambda: chooser.result_changes is not None, timeout=20000)

        answer_dialog(qtbot, MergeChooser, choose, d.merge_button.click)
        assert d.model.rowCount() == 0 and d.status.text() == "No pairs left."
        d.reject()

    answer_dialog(qtbot, DuplicatesWindow, use, window.duplicates.act_duplicates.trigger)
    db = window.state.need_db()
    kept = clients.get_client(db, who["ann"])
    assert (kept.given_name, kept.city) == ("Ann", "York")
    assert [n.text for n in notes.notes_of(db, who["ann"])] == ["Likes lilies"]
    assert clients.get_client(db, who["annie"]).deleted_at is not None
    assert duplicates.scan(db).pairs == []  # the Olgas stay dismissed
    assert window.undoing.act_undo.isEnabled()
    assert "Merge Annie Webber into Ann Webber" in window.undoing.act_undo.text()

    window.undoing.act_undo.trigger()  # the whole merge, in one step
    qtbot.waitUntil(lambda: clients.get_client(db, who["annie"]).deleted_at is None)
    assert clients.get_client(db, who["ann"]).city == "Leeds"
    assert [n.text for n in notes.notes_of(db, who["annie"])] == ["Likes lilies"]
    [pair] = duplicates.scan(db).pairs
    assert {pair.first_id, pair.second_id} == {who["ann"], who["annie"]}
    window.close()


def test_cancel_leaves_the_list_empty_and_says_so(qtbot: QtBot, db_path: Path) -> None:
    _people(db_path)
    window = open_window(qtbot, db_path)
    db = window.state.need_db()
    d = DuplicatesWindow(db, window.state.runner, window)
    qtbot.addWidget(d)
    with qtbot.waitSignal(d.scanned, timeout=20000):
        d._runner.op(lambda: duplicates.scan(db, lambda n, t: False), d).failure(
            d._on_scan_failed
        ).read()  # as the progress bar's Cancel does: the scan's next step stops it
    assert d.model.rowCount() == 0
    assert d.status.text() == "The scan was cancelled. Scan again to see the pairs."
    with qtbot.waitSignal(d.scanned, timeout=20000):
        d.scan_button.click()
    assert d.model.rowCount() == 2
    window.close()
