"""The heartbeat that B16 measures freezes with: a freeze on the GUI thread is reported in the
phase it happened in, and a quiet phase reports a small gap (it cannot measure nothing)."""

from __future__ import annotations

import time

from pytestqt.qtbot import QtBot

from tests.benchmarks.bench_freeze import Heartbeat, pause


def test_a_sleep_on_the_gui_thread_is_the_gap_of_its_phase(qtbot: QtBot) -> None:
    del qtbot  # (for its QApplication)
    hb = Heartbeat()
    hb.start()
    try:
        with hb.phase("quiet"):
            pause(300)
        with hb.phase("asleep"):
            pause(50)
            time.sleep(0.2)  # the GUI thread held: no tick, no paint, no key
        with hb.phase("quiet again"):
            pause(100)
    finally:
        hb.stop()
    phases = hb.by_name()
    assert list(phases) == ["quiet", "asleep", "quiet again"]
    assert phases["asleep"].longest >= 200
    assert phases["asleep"].duration >= 250
    # the quiet phases ticked all along (a loaded machine may stretch a gap, never to 100 ms)
    assert phases["quiet"].ticks >= 20
    assert 0 < phases["quiet"].longest < 100
    assert 0 < phases["quiet again"].longest < 100  # the sleep is not counted after its phase


def test_a_freeze_at_the_very_end_of_a_phase_stays_in_it(qtbot: QtBot) -> None:
    del qtbot
    hb = Heartbeat()
    hb.start()
    try:
        with hb.phase("asleep at the end"):
            time.sleep(0.2)
        with hb.phase("after"):
            pause(100)
    finally:
        hb.stop()
    phases = hb.by_name()
    assert phases["asleep at the end"].longest >= 200
    assert phases["after"].longest < 100
