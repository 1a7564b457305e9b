"""The app's one runner: writes one at a time in order, progress with Cancel, and the
default failure (a crmdesk error is said; a cancel says nothing; a bug reaches the crash
dialog)."""

from __future__ import annotations

import gc
import sys
import threading
import time
import weakref

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from crmdesk.documents.letters import Cancelled
from crmdesk.errors import CrmError
from crmdesk.gui.runner import Progress, Runner
from crmdesk.gui.taskman import wait_for_abandoned


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    """The runner's owner (the app state, in the app): Qt frees it with its threads."""
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_writes_run_one_at_a_time_in_the_order_given(qtbot: QtBot, parent: QWidget) -> None:
    runner = Runner(parent)
    seen: list[int] = []
    running = threading.Semaphore(1)

    def work(n: int) -> int:
        assert running.acquire(blocking=False), "two writes at once"
        time.sleep(0.01)
        running.release()
        return n

    for n in range(5):
        runner.op(lambda n=n: work(n)).success(seen.append).write()
    qtbot.waitUntil(lambda: len(seen) == 5)
    assert seen == [0, 1, 2, 3, 4]


def test_cancel_stops_the_work_and_says_nothing(
    qtbot: QtBot, parent: QWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: said.append(a[2]))
    runner = Runner(parent)
    steps: list[int] = []

    def work(progress: Progress) -> None:
        for n in range(1000):
            if not progress(n, 1000):
                raise Cancelled()
            steps.append(n)
            time.sleep(0.002)

    runner.op(work, parent).progress("Counting…", 1000).write()
    [dialog] = parent.findChildren(QProgressDialog)
    qtbot.waitUntil(dialog.isVisible)  # (after 300 ms: quick work shows no bar)
    [cancel] = dialog.findChildren(QPushButton)
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not runner.busy)
    assert 5 < len(steps) < 1000 and said == []
    qtbot.waitUntil(lambda: not parent.findChildren(QProgressDialog))  # the bar is gone


def test_a_crmdesk_error_is_said_and_a_bug_reaches_the_crash_dialog(
    qtbot: QtBot, parent: QWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: said.append(a[2]))
    crashed: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda _t, e, _tb: crashed.append(e))
    runner = Runner(parent)

    def refused() -> None:
        raise CrmError("The stick is full.")

    def bug() -> None:
        raise ZeroDivisionError("a bug")

    runner.op(refused).write()
    runner.op(bug).read()
    qtbot.waitUntil(lambda: bool(said) and bool(crashed))
    assert "The stick is full." in said[0]
    assert isinstance(crashed[0], ZeroDivisionError)


def test_background_work_yields_the_cpu_to_the_window(qtbot: QtBot) -> None:
    """A worker thread runs a little nicer than the GUI thread (Linux), so that Today, a
    check and a warm-up at once do not take both cores from the window."""
    import os

    from crmdesk.gui.taskman import WORKER_NICENESS, TaskManager

    if not sys.platform.startswith("linux"):
        pytest.skip("per-thread priorities are Linux's")
    lane = TaskManager()
    seen: list[int] = []
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    lane.run(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id()), seen.append)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [min(mine + WORKER_NICENESS, 19)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine  # the window's


class _Result:
    """What a piece of work returns."""


@pytest.mark.parametrize("fails", [False, True])
def test_what_the_work_held_is_freed_on_the_gui_thread(
    qtbot: QtBot, parent: QWidget, fails: bool
) -> None:
    """A Python object freed on a worker that a Qt signal is connected to (a progress
    dialog's Cancel) is disconnected there, inside Qt's lock, and froze the window for good
    when the GUI thread was connecting something at that moment. So the work (with the
    progress callback the runner made for it, which holds the Cancel), its result and its
    exception are let go on the GUI thread, even when the worker is done first."""
    runner = Runner(parent)
    freed: list[str] = []
    done: list[str] = []
    watched: list[weakref.finalize] = []
    late: list[object] = []

    def note_freed() -> None:
        freed.append(threading.current_thread().name)

    def work(progress: Progress) -> object:
        watched.append(weakref.finalize(progress, note_freed))
        result = _Result()
        watched.append(weakref.finalize(result, note_freed))
        if fails:
            raise CrmError("no")
        return result

    for _ in range(10):
        (runner.op(work, parent).progress("Working…", 1)
         .success(lambda _r: done.append("ok")).failure(lambda e: done.append(str(e)))
         .write())  # fmt: skip
    runner.wait()  # (every job has finished on its thread before the window hears of it)
    qtbot.waitUntil(lambda: len(done) == 10, timeout=10000)
    for _ in range(10):  # and work abandoned (its window closed) while it ran
        (runner.op(work, parent).progress("Working…", 1)
         .success(late.append).failure(late.append).write())  # fmt: skip
    runner.writes.abandon()
    wait_for_abandoned()
    qtbot.wait(10)
    gc.collect()
    assert late == []  # (abandoned: none of its callbacks ran, though some had finished)
    assert len(watched) >= (10 if fails else 20)  # (the work that started, abandoned or not)
    assert len(freed) == len(watched)
    assert set(freed) == {threading.main_thread().name}
