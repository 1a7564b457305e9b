"""B16: the longest freeze of the window, over a scripted session in the real main window.

A heartbeat timer on the GUI thread ticks every 5 ms; the gap between two ticks is how long
the window could not repaint or answer a key. The session goes through what a shop does in
a day, phase by phase (open the file, Today, search as you type, pick clients, log a contact,
add a note, undo, Letters, Surveys, Reports, print 200 survey forms, merge a copy); between
phases the event loop runs until the phase's work, background work included, is done.

Each database runs in a process of its own (on a copy of the cached file, since the session
writes), so what a first use costs there (an import, the ORM on the first write) is counted
as a user meets it. The per-phase table goes to stderr.

    python -m tests.benchmarks.bench_freeze DATABASE OTHER_COPY FOLDER   (one session; JSON)
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop, QItemSelection, QItemSelectionModel, QObject, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog

from tests.benchmarks.harness import Row

if TYPE_CHECKING:
    from crmdesk.gui.main_window import MainWindow

TICK_MS = 5
PHASE_TIMEOUT_S = 600.0  # a phase that has not finished by then is reported as a failure
SEARCHED = "Busybody"  # typed letter by letter: the client with 2,000 history entries
FORMS = 200
LIMITS = {1000: 50.0, 100_000: 100.0}  # ms: the longest freeze allowed
PHASES = Path(__file__).resolve().parents[2] / "bench-results" / "b16-phases.json"


# ---------------------------------------------------------------------- the heartbeat


@dataclass
class Phase:
    name: str
    longest: float = 0.0  # ms: the longest gap between two heartbeat ticks
    ticks: int = 0
    started: float = 0.0
    ended: float = 0.0

    @property
    def duration(self) -> float:
        return (self.ended - self.started) * 1000


class Heartbeat(QObject):
    """Ticks on the GUI thread; each gap between ticks counts for the phase it ends in
    (the phase whose work held the thread). A phase ends only after two more ticks, so a
    freeze at its very end is counted in it, not in the next."""

    def __init__(self, interval_ms: int = TICK_MS) -> None:
        super().__init__()
        self.phases: list[Phase] = []
        self.ticks = 0
        self.current: Phase | None = None
        self._last = 0.0
        self._watching = False
        self._busy = 0.0  # the GUI thread's own time at the last tick (while watching)
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()
        if os.environ.get("CRMDESK_B16_STACKS"):  # where the GUI thread is when it stalls
            self._watching = True
            gui = threading.get_ident()
            threading.Thread(target=self._watch, args=(gui,), daemon=True).start()

    def stop(self) -> None:
        self.timer.stop()
        self._watching = False

    def _watch(self, gui: int) -> None:
        """Every 10 ms: if the GUI thread has not ticked for `CRMDESK_B16_STACKS` ms (60 if
        it is not a number), note its stack (once per stall, and again every 100 ms of it),
        for a developer to see what holds it."""
        setting = os.environ.get("CRMDESK_B16_STACKS", "")
        limit = float(setting) if setting.isdigit() else 60.0
        noted = 0.0
        while self._watching:
            time.sleep(0.01)
            stalled = (time.perf_counter() - self._last) * 1000
            if stalled > limit and (noted == 0 or stalled - noted > 100):
                frames = sys._current_frames()
                frame = frames.get(gui)
                where = traceback.format_stack(frame, limit=12) if frame is not None else []
                name = self.current.name if self.current else "-"
                print(f"--- stalled {stalled:.0f} ms in {name}:\n" + "".join(where[-8:]),
                      file=sys.stderr)  # fmt: skip
                for ident, other in frames.items():  # a worker may hold the GIL meanwhile
                    if ident not in (gui, threading.get_ident()):
                        print(
                            f"  (thread {ident}):\n"
                            + "".join(traceback.format_stack(other, limit=12)[-4:]),
                            file=sys.stderr,
                        )
                noted = stalled
            elif stalled < limit:
                noted = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = (now - self._last) * 1000
        self._last = now
        if self._watching:  # how much of a long gap the GUI thread itself was working
            busy, self._busy = (time.thread_time() - self._busy) * 1000, time.thread_time()
            if gap > 30:
                name = self.current.name if self.current else "-"
                print(f"--- gap {gap:.0f} ms in {name}: the GUI thread worked {busy:.0f} ms "
                      "of it", file=sys.stderr)  # fmt: skip
        self.ticks += 1
        if self.current is not None:
            self.current.ticks += 1
            self.current.longest = max(self.current.longest, gap)

    @contextmanager
    def phase(self, name: str) -> Iterator[Phase]:
        assert self.timer.isActive(), "start the heartbeat first"
        phase = Phase(name, started=time.perf_counter())
        self.phases.append(phase)
        self.current = phase
        try:
            yield phase
            self.settle()
        finally:
            phase.ended = time.perf_counter()
            self.current = None

    def settle(self) -> None:
        """Let the event loop run until two more ticks came."""
        target = self.ticks + 2
        wait_until(lambda: self.ticks >= target, "the heartbeat to tick", timeout=60)

    def by_name(self) -> dict[str, Phase]:
        return {p.name: p for p in self.phases}


# ---------------------------------------------------------------------- waiting, dialogs


def wait_until(cond: Callable[[], object], what: str, timeout: float = PHASE_TIMEOUT_S) -> None:
    """Run the event loop (sleeping in it, not spinning) until `cond()` holds."""
    if cond():
        return
    loop = QEventLoop()
    deadline = time.perf_counter() + timeout
    poll = QTimer()
    poll.setInterval(2)

    def check() -> None:
        if cond() or time.perf_counter() > deadline:
            loop.quit()

    poll.timeout.connect(check)
    poll.start()
    loop.exec()
    poll.stop()
    if not cond():
        raise TimeoutError(f"waited {timeout:g} s for {what}")


def pause(ms: float) -> None:
    end = time.perf_counter() + ms / 1000
    wait_until(lambda: time.perf_counter() >= end, "a pause")


def run_modal(trigger: Callable[[], object], kind: str, answer: Callable[[Any], None]) -> None:
    """Run `trigger` (which shows a modal dialog of class `kind` and returns when it closes)
    and let `answer` use the dialog from inside its own event loop. (The class goes by its
    name: importing it here would take the import off the action being measured.)"""
    seen: list[QDialog] = []
    failures: list[BaseException] = []
    returned = False

    def respond() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or type(dialog).__name__ != kind:
            if not returned:
                QTimer.singleShot(2, respond)
            return
        seen.append(dialog)
        try:
            answer(dialog)
        except BaseException as exc:  # raised again once the dialog's loop has ended
            failures.append(exc)
        finally:
            if dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, respond)
    trigger()
    returned = True
    if failures:
        raise failures[0]
    if not seen:
        raise RuntimeError(f"no {kind} was shown")


@contextmanager
def patched(owner: type, name: str, value: object) -> Iterator[None]:
    """What the GUI tests do with monkeypatch: a static dialog getter answered in advance."""
    before = owner.__dict__[name]
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, before)


# ---------------------------------------------------------------------- the session


def _idle(window: MainWindow) -> bool:
    """No work of the window's is running or queued in the background."""
    today = window.right is not None and window.today.updating
    return not window.tasks.busy and not window.carrying.busy and not today


def session(hb: Heartbeat, window: MainWindow, path: Path, other: Path, folder: Path) -> None:
    """The scripted day, phase by phase, through the window's own actions and dialogs."""
    from crmdesk.gui.client_list_model import ID_ROLE, NAME  # (imported with the window)

    def settled(cond: Callable[[], object], what: str) -> None:
        wait_until(lambda: cond() and _idle(window), what)

    opened: list[object] = []
    window.database_opened.connect(opened.append)
    with hb.phase("open the file"):
        window.open_database(path)
        settled(lambda: opened and window.right is not None and window.client_list.model.rowCount(),
                "the file to open, its first page shown and the on-open check done")  # fmt: skip

    with hb.phase("Today shown"):
        window.controllers.act_today.trigger()
        settled(lambda: window.right is not None and window.right.currentWidget() is window.today
                and window.today.summary.text(), "Today")  # fmt: skip

    with hb.phase("search as you type"):
        model = window.client_list.model
        box, listed = window.client_list.search_box, window.client_list
        for letter in SEARCHED:
            QTest.keyClick(box, letter)
            pause(150)  # a typist's pace: the search timer (120 ms) fires after every key
            settled(lambda: not listed.search_pending, "the search")
        found = [model.index(r, NAME).data() for r in range(model.rowCount())]
        if not any(SEARCHED in str(name) for name in found):
            raise RuntimeError(f"searching {SEARCHED!r} found {found[:5]}")
        box.clear()  # the clear button: the whole list again
        pause(150)
        settled(lambda: not listed.search_pending and not model.searching, "the whole list")

    with hb.phase("pick clients"):
        table = window.client_list.table

        def shows_current() -> bool:
            record = window.page.record
            return record is not None and record.id == table.currentIndex().data(ID_ROLE)

        for row in (1, 3, 6):
            rect = table.visualRect(window.client_list.model.index(row, NAME))
            QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                             Qt.KeyboardModifier.NoModifier, rect.center())  # fmt: skip
            settled(lambda r=row: table.currentIndex().row() == r and shows_current(), "a click")
            pause(100)
        for _ in range(4):
            QTest.keyClick(table, Qt.Key.Key_Down)
            settled(shows_current, "the next client")
            pause(100)
        if window.right is None or window.right.currentWidget() is not window.page:
            raise RuntimeError("the client page is not shown after picking clients")

    def undo_label() -> str:
        step = window.undo_stack.peek_undo()
        return step.label if step is not None else ""

    with hb.phase("log a contact"):
        before = undo_label()

        def log(d: Any) -> None:
            d.subject.setText("Rang about the new autumn stock")
            d.body.setPlainText("Will come in on Saturday with her sister.")
            d.buttons.accepted.emit()  # what Ctrl+Enter and the Save button do

        run_modal(window.client_actions.act_log.trigger, "ContactDialog", log)
        settled(lambda: undo_label() != before, "the contact to be logged")

    with hb.phase("add a note"):
        before = undo_label()

        def note(d: Any) -> None:
            d.text.setPlainText("Prefers to be called after 5 pm.")
            d.buttons.accepted.emit()

        run_modal(window.client_actions.act_note.trigger, "NoteDialog", note)
        settled(lambda: undo_label() != before, "the note to be added")

    with hb.phase("undo"):
        undone = undo_label()
        window.undoing.act_undo.trigger()
        settled(lambda: undo_label() != undone, "the undo")

    with hb.phase("open Letters"):

        def letters(d: Any) -> None:
            wait_until(lambda: (d.print_button.isEnabled() or d.problems.text())
                       and not d.tasks.busy, "the letter's preview")  # fmt: skip
            d.close()

        run_modal(window.paperwork.act_letters.trigger, "LettersDialog", letters)
        settled(lambda: True, "Letters to close")

    def close_when_settled(d: QDialog) -> None:
        hb.settle()
        settled(lambda: True, "the dialog's work")
        d.close()

    with hb.phase("open Surveys"):
        run_modal(window.paperwork.act_surveys.trigger, "SurveysDialog", close_when_settled)
        settled(lambda: True, "Surveys to close")

    with hb.phase("Reports, period changed"):
        last_year = str(date.today().year - 1)

        def report(d: Any) -> None:
            settled(lambda: d.report is not None and d.summary.text(), "the first report")
            d.period.setCurrentIndex(d.period.findText(last_year))
            settled(lambda: d.report is not None and d.report.period.label == last_year
                    and d.summary.text(), f"the report for {last_year}")  # fmt: skip
            hb.settle()
            d.close()

        run_modal(window.keeping.act_reports.trigger, "ReportsDialog", report)
        settled(lambda: True, "Reports to close")

    with hb.phase(f"print {FORMS} survey forms"):
        model, selection = window.client_list.model, window.client_list.table.selectionModel()
        if model.rowCount() < FORMS:
            raise RuntimeError(f"only {model.rowCount()} clients in the list")
        chosen = QItemSelection(model.index(0, 0), model.index(FORMS - 1, model.columnCount() - 1))
        flags = QItemSelectionModel.SelectionFlag
        selection.select(chosen, flags.ClearAndSelect | flags.Rows)  # a shift-click
        out = folder / "survey-forms.pdf"
        said: list[str] = []

        def forms(d: Any) -> None:
            d.form_for.setCurrentIndex(d.form_for.findText(f"the {FORMS} clients selected in "
                                                           "the list"))  # fmt: skip
            if d.form_for.currentData()[0] != "ids":
                raise RuntimeError("the selection is not offered in Surveys")
            with patched(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "")):
                QTest.mouseClick(d.print_button, Qt.MouseButton.LeftButton)
                settled(lambda: d.print_result.text().startswith("Wrote"), "the forms")
            said.append(d.print_result.text())
            hb.settle()
            d.close()

        run_modal(window.paperwork.act_surveys.trigger, "SurveysDialog", forms)
        settled(lambda: out.exists(), "the forms' PDF")
        if not said or f"Wrote {FORMS} forms" not in said[0]:
            raise RuntimeError(f"printing forms said {said!r}")

    with hb.phase("merge a copy"):
        carrying = window.carrying
        getter = lambda *a, **k: (str(other), "")  # noqa: E731
        with patched(QFileDialog, "getOpenFileName", getter):
            carrying.act_merge.trigger()
            settled(lambda: carrying.summary_box is not None and carrying.summary_box.isVisible(),
                    "the merge summary")  # fmt: skip
        assert carrying.summary_box is not None
        if "Merged" not in carrying.summary_box.text():
            raise RuntimeError(f"the merge said {carrying.summary_box.text()!r}")
        carrying.summary_box.close()


def run(path: Path, other: Path, folder: Path) -> dict[str, Any]:
    """One session on `path` (merging `other`), in this process: the phases' figures."""
    from crmdesk import paths

    paths.override(folder / "home")  # recent files and backups: not the user's
    from crmdesk.gui import collector

    collector.pause()  # as `crmdesk` starts the window: collections wait for it to settle
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from crmdesk.gui.main_window import MainWindow

    window = MainWindow()
    window.show()
    collector.keep_what_loaded()
    hb = Heartbeat()
    pause(500)  # the empty window's first paints: start-up is B1's
    hb.start()
    with hb.phase("idle window (baseline)"):
        pause(1000)
    idle = hb.phases.pop()
    try:
        session(hb, window, path, other, folder)
    finally:
        hb.stop()
        window.close()
        app.processEvents()
        paths.override(None)
    return {
        "idle": idle.longest,
        "phases": [[p.name, p.longest, p.duration, p.ticks] for p in hb.phases],
    }


# ---------------------------------------------------------------------- the benchmark rows


def _prepare(cached: Path, folder: Path) -> tuple[Path, Path]:
    """A copy to work in, and a second copy with a few edits made on another machine."""
    from crmdesk.services import history, notes
    from crmdesk.services.history import ContactForm
    from crmdesk.store.database import Database

    work = Path(shutil.copyfile(cached, folder / "work.crmdesk"))
    other = Path(shutil.copyfile(cached, folder / "laptop.crmdesk"))
    with Database.open(other, site="bbbbbbbb-0000-4000-8000-00000000b016") as db:
        live = "SELECT id FROM clients WHERE deleted_at IS NULL ORDER BY sort_name LIMIT 5"
        ids = [r[0] for r in db.query(live)]
        for n, client_id in enumerate(ids):
            notes.add_note(db, client_id, f"Noted on the laptop ({n})", False)
        for client_id in ids[:2]:
            form = ContactForm(kind="visit", direction="in", subject="Came in for a fitting")
            history.log_contact(db, client_id, form)
    # the copies are written out before the session starts: at 100,000 clients they are
    # 4 GB, and a save's fsync in the session would otherwise wait behind them
    os.sync()
    return work, other


def _session_in_a_process(cached: Path) -> dict[str, Any]:
    from tests.benchmarks.processes import _env

    folder = Path(tempfile.mkdtemp(prefix="crmdesk-b16-"))
    try:
        work, other = _prepare(cached, folder)
        import subprocess

        proc = subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.bench_freeze", str(work), str(other),
             str(folder)],
            capture_output=True, text=True, env=_env(), timeout=3 * 3600,
        )  # fmt: skip
        if os.environ.get("CRMDESK_B16_STACKS"):
            print(proc.stderr, file=sys.stderr)
        if proc.returncode != 0:
            raise RuntimeError(f"the B16 session failed ({proc.returncode}):\n{proc.stderr}")
        result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def phase_table(title: str, result: dict[str, Any]) -> str:
    phases = result["phases"]
    width = max(len(p[0]) for p in phases)
    lines = [f"{title} (heartbeat every {TICK_MS} ms; idle window: {result['idle']:.1f} ms)",
             f"  {'phase'.ljust(width)}  longest gap   phase took"]  # fmt: skip
    for name, longest, took, _ticks in phases:
        lines.append(f"  {name.ljust(width)}  {longest:8.1f} ms  {took:8.0f} ms")
    worst = max(phases, key=lambda p: p[1])
    lines.append(f"  longest freeze: {worst[1]:.1f} ms, in “{worst[0]}”")
    return "\n".join(lines)


def freeze_row(clients: int, result: dict[str, Any]) -> Row:
    """A row with an absolute limit: the longest gap against the heartbeat's own longest gap
    on an idle window (the baseline, measured in the same process); the ratio is for
    reading, the limit in ms decides."""
    limit = LIMITS.get(clients, 100.0)
    name, worst, _took, _ticks = max(result["phases"], key=lambda p: p[1])
    base = result["idle"]
    return Row(
        "B16", f"longest freeze, {clients:,} clients", worst, base, "ms",
        worst / base if base else float("inf"), f"≤ {limit:g} ms", worst <= limit,
        note=f"worst phase: {name}; baseline: the heartbeat on an idle window",
    )  # fmt: skip


def b16(big: Path, small: Path, big_clients: int) -> list[Row]:
    from tests.benchmarks.processes import _compile_package

    _compile_package()  # as installed: a first import is not a compile
    rows, sessions = [], {}
    for cached, clients in ((small, 1000), (big, big_clients)):
        result = sessions[f"{clients} clients"] = _session_in_a_process(cached)
        print(phase_table(f"B16, {clients:,} clients", result), file=sys.stderr, flush=True)
        rows.append(freeze_row(clients, result))
    PHASES.parent.mkdir(parents=True, exist_ok=True)  # the per-phase figures, beside bench.json
    PHASES.write_text(json.dumps({"tick_ms": TICK_MS, "sessions": sessions}, indent=1))
    return rows


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))))
