"""Work done in the background behaves as a person at the counter expects: a window that is
writing cannot be closed from under its work, what it wrote reaches Undo, and a burst of
edits does not queue a Today run for each."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from crmdesk.services import notes
from crmdesk.store.database import Database
from tests.gui.conftest import open_window, settled_today
from tests.letters_helpers import set_up_shop
from tests.retention_helpers import add_client


def test_surveys_cannot_close_while_forms_are_written_and_they_reach_undo(
    qtbot: QtBot, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Database.open(db_path) as db:
        set_up_shop(db)
    window = open_window(qtbot, db_path)
    dialog = window.paperwork.surveys_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.form_for.setCurrentIndex(dialog.form_for.findText("blank forms for the counter"))
    dialog.blank.setValue(60)
    out = tmp_path / "forms.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    with qtbot.waitSignal(dialog.forms_written, timeout=60000):
        dialog.print_button.click()
        assert dialog.writing
        dialog.reject()  # Esc while the forms are written: the window stays
        assert dialog.isVisible()
    assert out.exists()
    assert window.undoing.act_undo.isEnabled() and "form" in window.undoing.act_undo.toolTip()
    dialog.close()
    assert not dialog.isVisible()


def test_a_burst_of_edits_works_today_out_twice_not_once_per_edit(
    qtbot: QtBot, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crmdesk.services import today

    with Database.open(db_path) as db:
        cid = add_client(db, "Anna")
    window = open_window(qtbot, db_path)
    settled_today(qtbot, window)
    runs: list[str] = []

    def slowed(work: Callable[..., today.Worked]) -> Callable[..., today.Worked]:
        def counted(*args: object) -> today.Worked:
            runs.append(work.__name__)
            time.sleep(0.2)  # as a slow machine
            return work(*args)

        return counted

    monkeypatch.setattr(today, "work_out", slowed(today.work_out))
    monkeypatch.setattr(today, "refresh", slowed(today.refresh))
    for n in range(6):
        window.state.apply(notes.add_note(window.need_db(), cid, f"Note {n}"))
    settled_today(qtbot, window)
    # the first edit's, then one for the five after it: each for Anna alone
    assert runs == ["refresh", "refresh"]


def test_a_note_saved_while_the_file_is_busy_waits_without_freezing_the_window(
    qtbot: QtBot, db_path: Path
) -> None:
    from crmdesk.gui.dialogs.entry_dialogs import NoteDialog
    from tests.gui.conftest import answer_dialog

    with Database.open(db_path) as db:
        cid = add_client(db, "Anna")
    window = open_window(qtbot, db_path)
    window.show_client(cid)
    held: list[float] = []
    window.state.runner.op(lambda: time.sleep(0.5)).write()  # the file busy: a backup, say

    def write(d: NoteDialog) -> None:
        d.text.setPlainText("Collects the order on Friday")
        started = time.monotonic()
        d.buttons.accepted.emit()
        held.append(time.monotonic() - started)
        assert d.saving and d.isVisible()  # waiting for the file, the window answering

    answer_dialog(qtbot, NoteDialog, write, window.client_actions.act_note.trigger)
    assert held[0] < 0.1
    assert [n.text for n in notes.notes_of(window.need_db(), cid)] == [
        "Collects the order on Friday"
    ]
    assert window.undoing.act_undo.isEnabled()


def test_the_collector_waits_for_the_window_to_settle_then_runs_over_new_objects_only(
    qtbot: QtBot, db_path: Path
) -> None:
    """As `crmdesk` starts the window: no collection while the file opens and its on-open
    work loads (a full one held the window 60–70 ms); once that is done, what loaded is
    frozen and the collector runs again — run by the window, on its own thread."""
    import gc

    from crmdesk import collector

    with Database.open(db_path) as db:
        add_client(db, "Ånström")
    collector.pause_for_start()
    try:
        window = open_window(qtbot, db_path)
        assert not gc.isenabled()  # (the file is open; its on-open work is still to come)
        qtbot.waitUntil(lambda: not window.carrying.busy, timeout=30000)
        assert gc.get_freeze_count() > 10_000  # what start-up and the warm-up loaded
        freed: list[str] = []
        _cycles(freed, gc.get_threshold()[0] * 2)
        qtbot.waitUntil(lambda: len(freed) == 1, timeout=5000)
        assert not gc.isenabled()  # (the window's timer collected them)
    finally:  # (what was frozen stays so, as in the app: unfrozen at once, the windows of
        collector.settled()  # the tests before were all collected in one pass)
        gc.enable()


class _Cycle:
    """Garbage that only the cycle collector frees; the first says on which thread."""

    def __init__(self, freed: list[str] | None) -> None:
        self.me, self.freed = self, freed

    def __del__(self) -> None:
        if self.freed is not None:
            self.freed.append(threading.current_thread().name)


def _cycles(freed: list[str], n: int) -> None:
    _Cycle(freed)
    for _ in range(n):
        _Cycle(None)


def test_garbage_made_on_a_worker_is_collected_on_the_gui_thread(
    qtbot: QtBot, db_path: Path
) -> None:
    """The collector ran in whichever thread allocated: on a worker it freed objects
    PySide had connected signals to, and PySide disconnected them there, inside Qt's lock,
    while asking for Python's — the GUI thread, holding Python's and waiting for Qt's,
    froze for good. In the window it runs on the GUI thread only."""
    window = open_window(qtbot, db_path)
    freed: list[str] = []
    done: list[object] = []

    def work() -> None:
        for _ in range(20):  # (far past the collector's thresholds, on this thread)
            _cycles(freed, 1000)
            time.sleep(0.005)

    window.state.runner.op(work).success(done.append).read()
    qtbot.waitUntil(lambda: bool(done) and len(freed) == 20, timeout=10000)
    assert set(freed) == {threading.main_thread().name}
